#pragma once

#include "modules/pep/PepNode.h"
#include "modules/pep/PepService.h"
#include "shared/Result.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace Canto {
class ArchiveStore;
class MapStore;
class ModuleApi;
} // namespace Canto

namespace Canto::Modules {

/// The PEP services of one host (Prosody's mod_pep service cache): loads a user's service from
/// storage (map store "pep": node records; archive "pep_<node>": items, as Prosody 0.12), keeps
/// up to `cacheSize` services in memory (services of online users are never evicted), and writes
/// every change through to storage in order.
///
/// Storage and rosters are asynchronous, so access goes through withService(): the callback runs
/// once the service and the owner's roster are loaded (at once when both are cached), in request
/// order per user; the service's roster is set for the duration of the callback. The pointer is
/// only valid inside the callback.
class PepServiceManager : public QObject
{
    Q_OBJECT

public:
    using Use = std::function<void(Result<PepService*>)>;
    /// Delivers a notification: kind is items, retract, purge or delete; `payload` is the
    /// <item/> (with publisher) or <retract/> element, null for purge and delete.
    using Broadcaster =
        std::function<void(PepService& service, const QString& kind, const PepNode& node, const XmlElement& payload)>;

    PepServiceManager(ModuleApi& module, int maxItems, int cacheSize, QObject* parent = nullptr);
    ~PepServiceManager() override;

    const QString& host() const;
    /// pep_max_items: the largest max_items a node may have ("max").
    int maxItems() const { return m_maxItems; }
    void setBroadcaster(Broadcaster broadcaster) { m_broadcaster = std::move(broadcaster); }

    void withService(const QString& user, Use use);
    /// The service if it is in memory now, else nullptr (no roster is set).
    PepService* cached(const QString& user) const;
    int cachedCount() const { return int(m_entries.size()); }
    /// Forgets a user's service (e.g. after the account was deleted).
    void drop(const QString& user);

    // Used by PepService: notification and write-through.
    void broadcast(PepService& service, const QString& kind, const PepNode& node, const XmlElement& payload);
    void saveNode(const QString& user, const PepNode& node);
    void deleteNode(const QString& user, const QString& node);
    void appendItem(const QString& user, const QString& node, const PepItem& item, int maxItems);
    void deleteItem(const QString& user, const QString& node, const QString& id);
    void clearItems(const QString& user, const QString& node);
    void truncateItems(const QString& user, const QString& node, int keep);

Q_SIGNALS:
    // Service events (Prosody's service.events), e.g. for the bookmarks module. `actor` is the
    // JID that caused it, empty for the server.
    void itemPublished(const QString& user, const QString& node, const QString& id, const QString& actor);
    void itemRetracted(const QString& user, const QString& node, const QString& id, const QString& actor);
    void nodePurged(const QString& user, const QString& node, const QString& actor);
    void nodeDeleted(const QString& user, const QString& node, const QString& actor);

private:
    struct Entry
    {
        std::shared_ptr<PepService> service; // null while loading
        std::vector<Use> waiting;
    };
    struct Loading;

    void load(const QString& user);
    void loadNodes(const std::shared_ptr<Loading>& loading);
    void finishLoad(const std::shared_ptr<Loading>& loading, std::optional<Error> error);
    void run(const std::shared_ptr<PepService>& service, Use use);
    void touch(const QString& user);
    void evict();
    std::shared_ptr<ArchiveStore> archive(const QString& node);
    void logFailure(const QString& what, const QString& user, const Error& error) const;

    ModuleApi& m_module;
    int m_maxItems;
    int m_cacheSize;
    Broadcaster m_broadcaster;
    std::shared_ptr<MapStore> m_nodeStore;
    QHash<QString, std::shared_ptr<ArchiveStore>> m_archives;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    QList<QString> m_recent; // least recently used first
};

} // namespace Canto::Modules
