#pragma once

#include "shared/Result.h"

#include <QObject>
#include <QString>

namespace Canto {

class ClientSession;
struct ServerContext;

/// Binds and unbinds client sessions to resources (Prosody's sessionmanager): resource
/// preparation, server-generated resources, the resource-conflict policy (`conflict_resolve`:
/// kick_old (default), kick_new, increment, random), and the `pre-resource-bind`,
/// `resource-bind` and `resource-unbind` events on the session's host.
class SessionManager : public QObject
{
    Q_OBJECT

public:
    explicit SessionManager(ServerContext& context, QObject* parent = nullptr);

    /// Binds `session` to `requested` (empty: a generated resource). Returns the bound resource,
    /// or an error condition for the bind IQ (bad-request, conflict, not-allowed, ...).
    Result<QString> bind(ClientSession& session, const QString& requested);
    /// Removes a bound session (connection closed); fires resource-unbind with `error`.
    void unbind(ClientSession& session, const QString& error = {});

    int boundSessionCount() const { return m_bound; }

Q_SIGNALS:
    void sessionBound(const QString& host, const QString& fullJid);
    void sessionUnbound(const QString& host, const QString& fullJid);

private:
    QString conflictPolicy(const QString& host) const;

    ServerContext& m_context;
    int m_bound = 0;
};

} // namespace Canto
