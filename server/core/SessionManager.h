#pragma once

#include "shared/Result.h"

#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace Canto {

class ClientSession;
struct ServerContext;

/// Binds and unbinds client sessions to resources (Prosody's sessionmanager): resource
/// preparation, server-generated resources, the resource-conflict policy (`conflict_resolve`:
/// kick_old (default), kick_new, increment, random), and the `pre-resource-bind`,
/// `resource-bind` and `resource-unbind` events on the session's host (`pre-resource-unbind`
/// first, as Prosody's destroy_session). Also keeps "detached" sessions: bound sessions whose
/// connection is gone but which a module keeps alive (XEP-0198 hibernation) until they are
/// resumed by a new connection or unbound.
class SessionManager : public QObject
{
    Q_OBJECT

public:
    explicit SessionManager(ServerContext& context, QObject* parent = nullptr);
    ~SessionManager() override;

    /// Binds `session` to `requested` (empty: a generated resource). Returns the bound resource,
    /// or an error condition for the bind IQ (bad-request, conflict, not-allowed, ...).
    Result<QString> bind(ClientSession& session, const QString& requested);
    /// Removes a bound session (connection closed); fires pre-resource-unbind and resource-unbind
    /// with `error`. A detached session is deleted once unbound (deferred to the event loop).
    void unbind(ClientSession& session, const QString& error = {});
    /// The connection of `session` was lost. Fires pre-resource-unbind with the field
    /// "keepable" = true: a handler returning true keeps the session bound, and SessionManager
    /// takes it (detached; `session` becomes null). Otherwise it is unbound as by unbind().
    /// Returns whether the session was kept.
    bool unbindOrKeep(std::unique_ptr<ClientSession>& session, const QString& error);
    /// Takes a still bound session whose connection let go of it (a resumption took it over).
    void keepDetached(std::unique_ptr<ClientSession> session);
    /// Hands a detached session to a new owner; null if `session` is not detached here.
    std::unique_ptr<ClientSession> takeDetached(ClientSession& session);
    bool isDetached(const ClientSession& session) const;
    int detachedSessionCount() const { return int(m_detached.size()); }
    /// Stream resumption: the connection of `fresh` (authenticated, unbound) continues as
    /// `target` (bound, same user and host). If `target` still has a connection, that
    /// connection lets go of it first. Fires `c2s-session-updated` on the host.
    Result<void> resume(ClientSession& fresh, ClientSession& target);

    int boundSessionCount() const { return m_bound; }

Q_SIGNALS:
    void sessionBound(const QString& host, const QString& fullJid);
    void sessionUnbound(const QString& host, const QString& fullJid);

private:
    QString conflictPolicy(const QString& host) const;
    bool unbindSession(ClientSession& session, const QString& error, bool keepable);

    ServerContext& m_context;
    int m_bound = 0;
    std::vector<std::unique_ptr<ClientSession>> m_detached;
    std::vector<std::unique_ptr<ClientSession>> m_retired; // unbound detached sessions, deleted soon
};

} // namespace Canto
