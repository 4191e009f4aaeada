#include "server/core/HostManager.h"

#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Router.h"
#include "server/core/ServerContext.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcHosts, "canto.core.hosts")

namespace Canto {

HostManager::HostManager(ServerContext& context, QObject* parent) : QObject(parent), m_context(context) {}

HostManager::~HostManager() = default;

Host* HostManager::host(const QString& name) const
{
    const auto it = m_hosts.find(name);
    return it == m_hosts.end() ? nullptr : it->second.get();
}

QList<Host*> HostManager::hosts() const
{
    QList<Host*> list;
    for (const QString& name : m_order) {
        list << host(name);
    }
    return list;
}

QStringList HostManager::hostNames() const
{
    return m_order;
}

Host& HostManager::activate(const QString& name, Host::Type type, const QString& componentModule)
{
    if (Host* existing = host(name)) {
        return *existing;
    }
    Router* router = m_context.router;
    auto route = [router](Session& origin, const XmlElement& stanza) {
        if (router) {
            router->route(origin, stanza);
        }
    };
    auto created = std::make_unique<Host>(name, type, componentModule, std::move(route));
    Host& ref = *created;
    m_hosts.emplace(name, std::move(created));
    m_order << name;
    if (router) {
        router->installHostHandlers(ref);
    }
    qCInfo(lcHosts).noquote() << "Activated" << (type == Host::Type::Local ? "VirtualHost" : "Component") << name;
    if (m_context.globalEvents) {
        Event event;
        event.set(u"host"_s, name);
        m_context.globalEvents->fire(u"host-activated"_s, event);
    }
    Q_EMIT hostActivated(name);
    return ref;
}

void HostManager::deactivate(const QString& name, const QString& reason)
{
    Host* h = host(name);
    if (!h) {
        return;
    }
    Event event;
    event.set(u"host"_s, name);
    event.set(u"reason"_s, reason);
    if (m_context.globalEvents) {
        m_context.globalEvents->fire(u"host-deactivating"_s, event);
    }
    for (ClientSession* session : h->allClientSessions()) {
        session->close(u"host-gone"_s, reason.isEmpty() ? u"Host is being deactivated"_s : reason);
    }
    m_order.removeAll(name);
    m_hosts.erase(name);
    if (m_context.globalEvents) {
        m_context.globalEvents->fire(u"host-deactivated"_s, event);
    }
    Q_EMIT hostDeactivated(name);
}

} // namespace Canto
