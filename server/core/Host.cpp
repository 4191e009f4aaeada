#include "server/core/Host.h"

#include "server/core/ClientSession.h"

using namespace Qt::StringLiterals;

namespace Canto {

Host::Host(QString name, Type type, QString componentModule, Route route, QObject* parent)
    : QObject(parent), m_name(std::move(name)), m_type(type), m_componentModule(std::move(componentModule)),
      m_route(std::move(route))
{}

QString Host::typeName() const
{
    return m_type == Type::Local ? u"local"_s : u"component"_s;
}

void Host::send(const XmlElement& stanza)
{
    if (m_route) {
        m_route(*this, stanza);
    }
}

ClientSession* Host::clientSession(const QString& user, const QString& resource) const
{
    const auto it = m_users.constFind(user);
    return it == m_users.constEnd() ? nullptr : it->value(resource);
}

QList<ClientSession*> Host::clientSessions(const QString& user) const
{
    return m_users.value(user).values();
}

QList<ClientSession*> Host::allClientSessions() const
{
    QList<ClientSession*> all;
    all.reserve(m_sessionCount);
    for (const auto& resources : m_users) {
        all += resources.values();
    }
    return all;
}

void Host::addClientSession(ClientSession& session)
{
    auto& resources = m_users[session.username()];
    if (!resources.contains(session.resource())) {
        ++m_sessionCount;
    }
    resources.insert(session.resource(), &session);
}

void Host::removeClientSession(const ClientSession& session)
{
    const auto it = m_users.find(session.username());
    if (it == m_users.end()) {
        return;
    }
    const auto res = it->find(session.resource());
    if (res != it->end() && res.value() == &session) {
        it->erase(res);
        --m_sessionCount;
    }
    if (it->isEmpty()) {
        m_users.erase(it);
    }
}

} // namespace Canto
