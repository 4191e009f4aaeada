#include "server/core/SessionManager.h"

#include "server/config/Config.h"
#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/ServerContext.h"
#include "shared/Jid.h"

#include <QLoggingCategory>
#include <QRandomGenerator>

#include <algorithm>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcSessions, "canto.core.sessions")

namespace Canto {

namespace {
QString randomResource()
{
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    QString out;
    for (int i = 0; i < 12; ++i) {
        out += QLatin1Char(alphabet[QRandomGenerator::global()->bounded(int(sizeof(alphabet) - 1))]);
    }
    return out;
}
} // namespace

SessionManager::SessionManager(ServerContext& context, QObject* parent) : QObject(parent), m_context(context) {}

SessionManager::~SessionManager() = default;

QString SessionManager::conflictPolicy(const QString& host) const
{
    if (!m_context.config) {
        return u"kick_old"_s;
    }
    const QString policy = m_context.config->get(host, u"conflict_resolve"_s).toString();
    return policy.isEmpty() ? u"kick_old"_s : policy;
}

Result<QString> SessionManager::bind(ClientSession& session, const QString& requested)
{
    Host* host = m_context.hosts ? m_context.hosts->host(session.host()) : nullptr;
    if (!host || !session.isAuthenticated()) {
        return Result<QString>::failure(u"not-allowed"_s, u"Not authenticated"_s);
    }
    if (session.isBound()) {
        return Result<QString>::failure(u"not-allowed"_s, u"Resource already bound"_s);
    }
    QString resource;
    if (requested.isEmpty()) {
        resource = randomResource();
    } else {
        const Result<QString> prepped = Jid::resourceprep(requested);
        if (!prepped) {
            return Result<QString>::failure(u"bad-request"_s, u"Invalid resource"_s);
        }
        resource = *prepped;
    }

    Event pre(&session, nullptr);
    pre.set(u"resource"_s, resource);
    const QVariant veto = host->events().fire(u"pre-resource-bind"_s, pre);
    if (veto.isValid() && !veto.toBool()) {
        const QString condition = pre.value(u"error"_s).toString();
        return Result<QString>::failure(condition.isEmpty() ? u"not-allowed"_s : condition,
                                        pre.value(u"text"_s).toString());
    }

    if (ClientSession* existing = host->clientSession(session.username(), resource)) {
        const QString policy = conflictPolicy(session.host());
        if (policy == u"kick_new"_s) {
            return Result<QString>::failure(u"conflict"_s, u"Resource already in use"_s);
        } else if (policy == u"increment"_s) {
            int n = 2;
            while (host->clientSession(session.username(), resource + QString::number(n))) {
                ++n;
            }
            resource += QString::number(n);
        } else if (policy == u"random"_s) {
            do {
                resource = randomResource();
            } while (host->clientSession(session.username(), resource));
        } else {
            qCInfo(lcSessions).noquote() << existing->logId() << "replaced by" << session.logId() << "for"
                                         << existing->fullJid();
            unbind(*existing, u"Replaced by new connection"_s);
            existing->close(u"conflict"_s, u"Replaced by new connection"_s);
        }
    }

    session.setResource(resource);
    host->addClientSession(session);
    ++m_bound;
    qCInfo(lcSessions).noquote() << session.logId() << "bound" << session.fullJid();
    Event event(&session, nullptr);
    host->events().fire(u"resource-bind"_s, event);
    Q_EMIT sessionBound(session.host(), session.fullJid());
    return resource;
}

void SessionManager::unbind(ClientSession& session, const QString& error)
{
    unbindSession(session, error, false);
}

bool SessionManager::unbindOrKeep(std::unique_ptr<ClientSession>& session, const QString& error)
{
    if (!session || unbindSession(*session, error, true)) {
        return false;
    }
    qCInfo(lcSessions).noquote() << session->logId() << "kept bound without a connection" << session->fullJid();
    keepDetached(std::move(session));
    return true;
}

void SessionManager::keepDetached(std::unique_ptr<ClientSession> session)
{
    if (!session) {
        return;
    }
    session->detachConnection();
    m_detached.push_back(std::move(session));
}

std::unique_ptr<ClientSession> SessionManager::takeDetached(ClientSession& session)
{
    const auto it = std::find_if(m_detached.begin(), m_detached.end(),
                                 [&session](const auto& kept) { return kept.get() == &session; });
    if (it == m_detached.end()) {
        return nullptr;
    }
    std::unique_ptr<ClientSession> taken = std::move(*it);
    m_detached.erase(it);
    return taken;
}

bool SessionManager::isDetached(const ClientSession& session) const
{
    return std::any_of(m_detached.begin(), m_detached.end(),
                       [&session](const auto& kept) { return kept.get() == &session; });
}

Result<void> SessionManager::resume(ClientSession& fresh, ClientSession& target)
{
    if (&fresh == &target || !fresh.isAuthenticated() || fresh.isBound() || !target.isBound() ||
        fresh.username() != target.username() || fresh.host() != target.host()) {
        return Result<void>::failure(u"not-allowed"_s, u"Not a session of this user"_s);
    }
    if (!isDetached(target) && !target.transferConnection(nullptr)) {
        return Result<void>::failure(u"internal-server-error"_s, u"The old connection cannot be taken over"_s);
    }
    if (!isDetached(target)) {
        return Result<void>::failure(u"internal-server-error"_s, u"The old connection kept its session"_s);
    }
    const bool secure = fresh.isSecure();
    const QString address = fresh.peerAddress();
    if (!fresh.transferConnection(&target) || isDetached(target)) {
        return Result<void>::failure(u"feature-not-implemented"_s, u"This connection cannot resume sessions"_s);
    }
    target.setSecure(secure);
    target.setPeerAddress(address);
    qCInfo(lcSessions).noquote() << target.logId() << "resumed by" << fresh.logId() << "for" << target.fullJid();
    if (Host* host = m_context.hosts ? m_context.hosts->host(target.host()) : nullptr) {
        Event event(&target, nullptr);
        event.setPointer(u"replaced"_s, &fresh);
        host->events().fire(u"c2s-session-updated"_s, event);
    }
    return {};
}

bool SessionManager::unbindSession(ClientSession& session, const QString& error, bool keepable)
{
    if (!session.isBound()) {
        return true;
    }
    Host* host = m_context.hosts ? m_context.hosts->host(session.host()) : nullptr;
    if (!host || host->clientSession(session.username(), session.resource()) != &session) {
        return true;
    }
    Event pre(&session, nullptr);
    pre.set(u"error"_s, error);
    pre.set(u"keepable"_s, keepable);
    const QVariant kept = host->events().fire(u"pre-resource-unbind"_s, pre);
    if (keepable && kept.isValid() && kept.toBool()) {
        return false;
    }
    const QString fullJid = session.fullJid();
    Event event(&session, nullptr);
    event.set(u"error"_s, error);
    host->events().fire(u"resource-unbind"_s, event);
    host->removeClientSession(session);
    --m_bound;
    qCInfo(lcSessions).noquote() << session.logId() << "unbound" << fullJid << (error.isEmpty() ? QString() : error);
    Q_EMIT sessionUnbound(session.host(), fullJid);
    if (std::unique_ptr<ClientSession> detached = takeDetached(session)) {
        // Callers may still hold a reference (e.g. bind() closing a replaced session).
        m_retired.push_back(std::move(detached));
        QMetaObject::invokeMethod(
            this, [this] { m_retired.clear(); }, Qt::QueuedConnection);
    }
    return true;
}

} // namespace Canto
