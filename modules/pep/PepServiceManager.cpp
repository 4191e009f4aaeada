#include "modules/pep/PepServiceManager.h"

#include "server/core/AccountManager.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/RosterManager.h"
#include "server/storage/ArchiveStore.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/MapStore.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

/// The state of one service load: existence check, node records, then each node's items.
struct PepServiceManager::Loading
{
    QString user;
    bool exists = true;
    QMap<QString, PepNode> nodes;
    int pendingItemLoads = 0;
    std::optional<Error> error;
};

PepServiceManager::PepServiceManager(ModuleApi& module, int maxItems, int cacheSize, QObject* parent)
    : QObject(parent), m_module(module), m_maxItems(maxItems), m_cacheSize(cacheSize)
{
    if (Result<std::shared_ptr<MapStore>> store = m_module.openMapStore(u"pep"_s)) {
        m_nodeStore = store.value();
    } else {
        logFailure(u"opening the node store"_s, QString(), store.error());
    }
}

PepServiceManager::~PepServiceManager() = default;

const QString& PepServiceManager::host() const
{
    return m_module.host();
}

PepService* PepServiceManager::cached(const QString& user) const
{
    const auto entry = m_entries.value(user);
    return entry ? entry->service.get() : nullptr;
}

void PepServiceManager::drop(const QString& user)
{
    const auto entry = m_entries.value(user);
    if (entry && entry->service) {
        m_entries.remove(user);
        m_recent.removeAll(user);
    }
}

void PepServiceManager::withService(const QString& user, Use use)
{
    auto entry = m_entries.value(user);
    if (entry && entry->service) {
        touch(user);
        run(entry->service, std::move(use));
        return;
    }
    if (!entry) {
        entry = std::make_shared<Entry>();
        m_entries.insert(user, entry);
        entry->waiting.push_back(std::move(use));
        load(user);
        return;
    }
    entry->waiting.push_back(std::move(use));
}

void PepServiceManager::run(const std::shared_ptr<PepService>& service, Use use)
{
    RosterManager* rosters = m_module.context().rosters;
    if (!rosters) {
        use(service.get());
        return;
    }
    rosters->withRoster(m_module.host(), service->user(), [service, use = std::move(use)](Result<Roster*> roster) {
        // Uses may nest (a service event handler using the service again): restore, not clear.
        const Roster* outer = service->roster();
        service->setRoster(roster ? roster.value() : nullptr);
        use(service.get());
        service->setRoster(outer);
    });
}

void PepServiceManager::load(const QString& user)
{
    auto loading = std::make_shared<Loading>();
    loading->user = user;
    Host* host = m_module.hostObject();
    AccountManager* accounts = m_module.context().accounts;
    if ((host && !host->clientSessions(user).isEmpty()) || !accounts) {
        loadNodes(loading); // someone is logged in as this user: the account exists
        return;
    }
    accounts->exists(m_module.host(), user).then(this, [this, loading](Result<bool> exists) {
        if (!exists) {
            finishLoad(loading, exists.error());
            return;
        }
        loading->exists = exists.value();
        if (!loading->exists) {
            finishLoad(loading, std::nullopt);
            return;
        }
        loadNodes(loading);
    });
}

void PepServiceManager::loadNodes(const std::shared_ptr<Loading>& loading)
{
    // The keyval view of the "pep" store lists every node of the user (Prosody's known_nodes).
    Result<std::shared_ptr<KeyValueStore>> known = m_module.openKeyValueStore(u"pep"_s);
    if (!known) {
        finishLoad(loading, known.error());
        return;
    }
    known.value()->get(loading->user).then(this, [this, loading](Result<QVariant> stored) {
        if (!stored) {
            finishLoad(loading, stored.error());
            return;
        }
        const QVariantMap records = stored.value().toMap();
        for (auto it = records.constBegin(); it != records.constEnd(); ++it) {
            loading->nodes.insert(it.key(), PepNode::fromStored(it.key(), it.value()));
        }
        loading->pendingItemLoads = 1; // held until every load is issued
        for (PepNode& node : loading->nodes) {
            if (!node.config.persistItems()) {
                continue;
            }
            const std::shared_ptr<ArchiveStore> store = archive(node.name);
            if (!store) {
                continue;
            }
            ArchiveQuery query;
            query.limit = node.config.maxItems(m_maxItems);
            query.reverse = true;
            ++loading->pendingItemLoads;
            const QString name = node.name;
            store->find(loading->user, query).then(this, [this, loading, name](Result<ArchiveResult> found) {
                if (!found) {
                    loading->error = found.error();
                } else {
                    QList<PepItem>& items = loading->nodes[name].items;
                    for (const ArchiveItem& row : found.value().items) {
                        items.prepend(PepItem{row.key, row.value.value<XmlElement>(), row.with, row.when});
                    }
                }
                if (--loading->pendingItemLoads == 0) {
                    finishLoad(loading, loading->error);
                }
            });
        }
        if (--loading->pendingItemLoads == 0) {
            finishLoad(loading, loading->error);
        }
    });
}

void PepServiceManager::finishLoad(const std::shared_ptr<Loading>& loading, std::optional<Error> error)
{
    m_module.log(ModuleApi::LogLevel::Debug,
                 u"loaded the PEP service of %1 (%2 nodes, exists: %3)"_s.arg(
                     loading->user, QString::number(loading->nodes.size()), loading->exists ? u"yes"_s : u"no"_s));
    const auto entry = m_entries.value(loading->user);
    if (!entry || entry->service) {
        return; // dropped meanwhile
    }
    std::vector<Use> waiting = std::move(entry->waiting);
    entry->waiting.clear();
    if (error) {
        logFailure(u"loading the PEP service"_s, loading->user, *error);
        m_entries.remove(loading->user); // the next request tries again
        for (Use& use : waiting) {
            use(Result<PepService*>(Error{u"internal-server-error"_s, error->text}));
        }
        return;
    }
    entry->service = std::make_shared<PepService>(*this, loading->user, loading->exists, std::move(loading->nodes));
    touch(loading->user);
    evict();
    const std::shared_ptr<PepService> service = entry->service;
    for (Use& use : waiting) {
        run(service, std::move(use));
    }
}

void PepServiceManager::touch(const QString& user)
{
    m_recent.removeOne(user);
    m_recent.append(user);
}

void PepServiceManager::evict()
{
    Host* host = m_module.hostObject();
    for (qsizetype i = 0; i < m_recent.size() && m_recent.size() > m_cacheSize;) {
        const QString user = m_recent.at(i);
        const auto entry = m_entries.value(user);
        // Online users keep their service: presence-driven notifications need it at once.
        if (entry && entry->service && entry->waiting.empty() && !(host && !host->clientSessions(user).isEmpty())) {
            m_entries.remove(user);
            m_recent.removeAt(i);
        } else {
            ++i;
        }
    }
}

std::shared_ptr<ArchiveStore> PepServiceManager::archive(const QString& node)
{
    if (auto it = m_archives.constFind(node); it != m_archives.constEnd()) {
        return *it;
    }
    Result<std::shared_ptr<ArchiveStore>> store = m_module.openArchiveStore(u"pep_"_s + node);
    if (!store) {
        logFailure(u"opening the item store of node "_s + node, QString(), store.error());
        return nullptr;
    }
    m_archives.insert(node, store.value());
    return store.value();
}

void PepServiceManager::broadcast(PepService& service, const QString& kind, const PepNode& node,
                                  const XmlElement& payload)
{
    if (m_broadcaster) {
        m_broadcaster(service, kind, node, payload);
    }
}

void PepServiceManager::saveNode(const QString& user, const PepNode& node)
{
    if (!m_nodeStore) {
        return;
    }
    m_nodeStore->set(user, node.name, node.toStored()).then(this, [this, user](Result<void> saved) {
        if (!saved) {
            logFailure(u"saving a node"_s, user, saved.error());
        }
    });
}

void PepServiceManager::deleteNode(const QString& user, const QString& node)
{
    if (!m_nodeStore) {
        return;
    }
    m_nodeStore->set(user, node, QVariant()).then(this, [this, user](Result<void> saved) {
        if (!saved) {
            logFailure(u"deleting a node"_s, user, saved.error());
        }
    });
}

void PepServiceManager::appendItem(const QString& user, const QString& node, const PepItem& item, int maxItems)
{
    const std::shared_ptr<ArchiveStore> store = archive(node);
    if (!store) {
        return;
    }
    store->append(user, item.id, QVariant::fromValue(item.payload), item.when, item.publisher)
        .then(this, [this, user](Result<QString> appended) {
            if (!appended) {
                logFailure(u"storing an item"_s, user, appended.error());
            }
        });
    truncateItems(user, node, maxItems);
}

void PepServiceManager::deleteItem(const QString& user, const QString& node, const QString& id)
{
    if (const std::shared_ptr<ArchiveStore> store = archive(node)) {
        ArchiveQuery query;
        query.key = id;
        store->deleteItems(user, query).then(this, [this, user](Result<int> deleted) {
            if (!deleted) {
                logFailure(u"deleting an item"_s, user, deleted.error());
            }
        });
    }
}

void PepServiceManager::clearItems(const QString& user, const QString& node)
{
    if (const std::shared_ptr<ArchiveStore> store = archive(node)) {
        store->deleteItems(user, ArchiveQuery()).then(this, [this, user](Result<int> deleted) {
            if (!deleted) {
                logFailure(u"deleting items"_s, user, deleted.error());
            }
        });
    }
}

void PepServiceManager::truncateItems(const QString& user, const QString& node, int keep)
{
    if (const std::shared_ptr<ArchiveStore> store = archive(node)) {
        ArchiveQuery query;
        query.truncate = keep;
        store->deleteItems(user, query).then(this, [this, user](Result<int> deleted) {
            if (!deleted) {
                logFailure(u"trimming items"_s, user, deleted.error());
            }
        });
    }
}

void PepServiceManager::logFailure(const QString& what, const QString& user, const Error& error) const
{
    m_module.log(ModuleApi::LogLevel::Error, u"PEP storage failure %1 for %2: %3"_s.arg(
                                                 what, user.isEmpty() ? m_module.host() : user, error.toString()));
}

} // namespace Canto::Modules
