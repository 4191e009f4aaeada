#pragma once

#include "modules/blocklist/Blocklist.h"
#include "shared/Result.h"

#include <QFuture>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Canto {
class KeyValueStore;
}

namespace Canto::Modules {

/// The loaded block lists of one host. Lists of users with bound sessions stay loaded (the
/// module marks them online at resource-bind); lists of other users are kept in a small LRU
/// (`capacity`, Prosody's blocklist_cache_size) so routing rarely waits for storage.
///
/// Storage is asynchronous, so access goes through withBlocklist(): the callback runs at once
/// when the list is loaded, otherwise after the load, and callbacks for one user run in the
/// order they were requested. A load failure is passed to every waiting callback as an error;
/// while those callbacks run, cached() returns an empty list for the user (so stanzas they
/// re-inject are not held again), and afterwards the user is not cached (the next use retries).
class BlocklistCache : public QObject
{
    Q_OBJECT

public:
    using Use = std::function<void(Result<Blocklist*>)>;

    BlocklistCache(std::shared_ptr<KeyValueStore> store, int capacity, QObject* parent = nullptr);
    ~BlocklistCache() override;

    /// The list if it is loaded now, else nullptr.
    Blocklist* cached(const QString& user);
    void withBlocklist(const QString& user, Use use);
    /// Writes the cached list of `user` as it is now.
    QFuture<Result<void>> save(const QString& user);
    /// Online users' lists are never evicted; going online starts loading the list.
    void setOnline(const QString& user, bool online);
    /// Drops the cached list (after a failed save, or when the account is deleted).
    void forget(const QString& user);

    int cachedCount() const { return int(m_entries.size()); }

private:
    struct Entry
    {
        std::unique_ptr<Blocklist> list; // null while loading
        std::vector<Use> waiting;
        bool online = false;
        bool failed = false; // the load failed: an empty stand-in while the waiting callbacks run
    };

    void load(const QString& user);
    void touchOffline(const QString& user);
    void trim();

    std::shared_ptr<KeyValueStore> m_store;
    int m_capacity;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    QList<QString> m_offline; // loaded lists of users without sessions, least recently used first
};

} // namespace Canto::Modules
