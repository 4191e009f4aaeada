#pragma once

#include "modules/smacks/SmacksSession.h"
#include "server/core/Module.h"

#include <QHash>

#include <memory>

namespace Canto {
class ClientSession;
class Event;
class Session;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Stream Management (XEP-0198), as Prosody's mod_smacks: the <sm/> stream feature, <enable/>
/// (with or without resumption), <r/>/<a/> counting, a queue of unacked outbound stanzas, and
/// hibernation: when the socket of a resumable session is lost, the session stays bound (its
/// stanzas are queued) for `smacks_hibernation_time` seconds, and <resume/> on a new connection
/// of the same user continues it and re-sends what the client did not acknowledge. When a
/// session with unacked stanzas ends, each is handled (`delivery/failure`: messages go to the
/// user's other resources or offline storage, other stanzas bounce). Events
/// `smacks-hibernation-start`, `smacks-hibernation-end`, `smacks-ack-delayed`.
class SmacksModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
    void unload() override;

    /// The state of a session with stream management enabled (nullptr otherwise).
    const SmacksSession* state(const ClientSession& session) const;

private:
    using StatePtr = std::shared_ptr<SmacksSession>;

    QVariant handleEnable(Session& origin, const XmlElement& element);
    QVariant handleResume(Session& origin, const XmlElement& element);
    QVariant handleAckRequest(Session& origin);
    QVariant handleAck(Session& origin, const XmlElement& element);
    QVariant onPreUnbind(Event& event);
    QVariant onDeliveryFailure(Event& event);
    void onPreSessionClose(Event& event);

    bool filterOutgoing(ClientSession& session, const StatePtr& state, XmlElement& stanza);
    void scheduleAckRequest(ClientSession& session, const StatePtr& state);
    void requestAck(ClientSession& session, SmacksSession& state, bool force);
    void startHibernation(ClientSession& session, const StatePtr& state);
    void expireHibernation(ClientSession& session, const StatePtr& state, const QString& reason);
    void limitHibernatedSessions(const QString& username);
    void revokeToken(ClientSession& session, SmacksSession& state);
    void handleUnacked(ClientSession& session, SmacksSession& state);
    void dropState(ClientSession& session);
    XmlElement smElement(const SmacksSession& state, const QString& name) const;
    XmlElement failed(const QString& xmlns, const QString& condition, std::optional<quint32> h = {}) const;
    QString registryKey(const QString& username, const QString& token) const;

    // Options (Prosody's names and defaults).
    int m_maxQueueSize = 500;
    double m_hibernationTime = 600;
    int m_maxUnacked = 0;
    int m_maxInactiveUnacked = 256;
    double m_maxAckDelay = 30;
    int m_maxOldSessions = 10;
    int m_maxHibernatedSessions = 10;

    struct OldSession
    {
        quint32 h = 0;
        qint64 time = 0;
    };
    QHash<ClientSession*, StatePtr> m_states;
    QHash<QString, ClientSession*> m_registry;                // "user/token" -> resumable session
    QHash<QString, QHash<QString, OldSession>> m_oldSessions; // user -> token -> last h (expired)
};

} // namespace Canto::Modules
