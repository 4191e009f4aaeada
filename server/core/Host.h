#pragma once

#include "server/core/EventBus.h"
#include "server/core/Session.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QString>

#include <functional>

namespace Canto {

class ClientSession;

/// A host the server serves: a VirtualHost (users log in) or a Component (a module, e.g. muc,
/// provides it). Each host has its own event bus and keeps the client sessions of its users.
/// As a Session, a host is the origin of stanzas that modules send; its send() routes them.
class Host : public QObject, public Session
{
    Q_OBJECT

public:
    enum class Type { Local, Component };
    using Route = std::function<void(Session& origin, const XmlElement& stanza)>;

    Host(QString name, Type type, QString componentModule, Route route, QObject* parent = nullptr);

    const QString& name() const { return m_name; }
    Type type() const { return m_type; }
    /// "local" or "component", as Prosody's module:get_host_type().
    QString typeName() const;
    const QString& componentModule() const { return m_componentModule; }
    EventBus& events() { return m_events; }

    // Session
    Kind kind() const override { return m_type == Type::Local ? Kind::Host : Kind::Component; }
    const QString& host() const override { return m_name; }
    void send(const XmlElement& stanza) override;
    QString logId() const override { return m_name; }

    // Client sessions of this host's users, by username then resource.
    ClientSession* clientSession(const QString& user, const QString& resource) const;
    QList<ClientSession*> clientSessions(const QString& user) const;
    QList<ClientSession*> allClientSessions() const;
    void addClientSession(ClientSession& session);
    void removeClientSession(const ClientSession& session);
    int clientSessionCount() const { return m_sessionCount; }

private:
    QString m_name;
    Type m_type;
    QString m_componentModule;
    Route m_route;
    EventBus m_events;
    QHash<QString, QMap<QString, ClientSession*>> m_users;
    int m_sessionCount = 0;
};

} // namespace Canto
