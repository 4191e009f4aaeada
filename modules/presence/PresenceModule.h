#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

namespace Canto {
class ClientSession;
class Roster;
class XmlElement;
} // namespace Canto

namespace Canto::Modules {

/// Presence and subscriptions (Prosody's mod_presence, RFC 6121 §3–4):
/// - a client's broadcast presence goes to its other resources and to every contact with a
///   'from' or 'both' subscription; the initial one also probes the contacts the user is
///   subscribed to, fires `presence/initial`, shows the other resources' presence, re-sends
///   pending subscription requests both ways and fires `message/offline/broadcast`;
/// - subscription presence (subscribe, subscribed, unsubscribe, unsubscribed) runs the roster's
///   state machine on both sides, with roster pushes, pre-approval and auto-replies;
/// - probes are answered with the available resources' presence (or unavailable), and with
///   'unsubscribed' to someone without a subscription;
/// - directed presence is tracked, and when a session ends (or sends unavailable) everyone who
///   saw it available gets unavailable presence.
/// Roster access goes through RosterManager::withRoster, which keeps each user's stanzas in order.
class PresenceModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    QVariant handleSelf(Event& event);
    QVariant handleOutbound(Event& event);
    QVariant handleInbound(Event& event, bool full);
    void broadcast(ClientSession& session, XmlElement presence, Roster& roster, bool initial);
    void broadcastUnavailable(const QString& user, const QString& resource, const QString& status);
    void outboundSubscription(ClientSession& session, XmlElement stanza);
    void inboundSubscription(XmlElement stanza, const QString& user, const QString& fromBare);
    void answerProbe(const QString& user, const QString& prober);
    void sendAvailableResources(const QString& user, const QString& to, const QString& type = {});
    /// Posts a stanza from a session with the pre-routing events (so blocklist and friends see it).
    void postFrom(ClientSession& session, XmlElement stanza);
    void sendFromHost(XmlElement stanza);
    ClientSession* liveSession(const QString& user, const QString& resource, const ClientSession* expected) const;
};

} // namespace Canto::Modules
