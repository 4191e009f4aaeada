#pragma once

#include "server/core/Roster.h"
#include "shared/Result.h"

#include <QHash>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Canto {

struct ServerContext;

/// The rosters of local users (Prosody's core rostermanager): loads them from the "roster" keyval
/// store of the user's host, keeps them cached while the user has sessions (and a few more for
/// users without), saves them with a new version after each change, and sends roster pushes.
///
/// Storage is asynchronous, so access goes through withRoster(): the callback runs at once when
/// the roster is cached, otherwise after the load, and the callbacks for one user always run in
/// the order they were requested (stanzas for a user whose roster is still loading keep their
/// order). Everything runs on the routing thread.
class RosterManager : public QObject
{
    Q_OBJECT

public:
    using Use = std::function<void(Result<Roster*>)>;

    explicit RosterManager(ServerContext& context, QObject* parent = nullptr);
    ~RosterManager() override;

    /// Runs `use` with the roster of user@host (an empty roster if the user has none). A storage
    /// failure is passed on as the error (condition "internal-server-error").
    void withRoster(const QString& host, const QString& user, Use use);
    /// The roster if it is loaded now, else nullptr.
    Roster* cached(const QString& host, const QString& user) const;
    /// Bumps the version and writes the roster (asynchronously; a failure is logged with the JID).
    void save(const QString& host, const QString& user);
    /// Sends a roster push (RFC 6121 §2.1.6) of `jid`'s item, or of its removal when the roster
    /// has no such item, to every interested resource of user@host.
    void push(const QString& host, const QString& user, const QString& jid);
    /// Drops the cached roster of a user without sessions (called when the last one unbinds).
    void release(const QString& host, const QString& user);

    /// Forgets a cached roster at once (the account was deleted).
    void forget(const QString& host, const QString& user);

    int cachedCount() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        std::unique_ptr<Roster> roster; // null while loading
        std::vector<Use> waiting;
    };

    static QString key(const QString& host, const QString& user) { return user + u'@' + host; }
    void load(const QString& host, const QString& user);
    void trimOffline();

    ServerContext& m_context;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    QList<QString> m_offline; // cached rosters of users without sessions, oldest first
    qint64 m_pushId = 0;
};

} // namespace Canto
