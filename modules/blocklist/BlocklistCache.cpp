#include "modules/blocklist/BlocklistCache.h"

#include "server/storage/KeyValueStore.h"

#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcBlocklistCache, "canto.mod.blocklist")

namespace Canto::Modules {

BlocklistCache::BlocklistCache(std::shared_ptr<KeyValueStore> store, int capacity, QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_capacity(std::max(capacity, 1))
{}

BlocklistCache::~BlocklistCache() = default;

Blocklist* BlocklistCache::cached(const QString& user)
{
    const auto it = m_entries.constFind(user);
    if (it == m_entries.cend() || !(*it)->list) {
        return nullptr;
    }
    if (!(*it)->online && !(*it)->failed) {
        touchOffline(user);
    }
    return (*it)->list.get();
}

void BlocklistCache::withBlocklist(const QString& user, Use use)
{
    auto it = m_entries.find(user);
    if (it != m_entries.end() && (*it)->list && !(*it)->failed) {
        if (!(*it)->online) {
            touchOffline(user);
        }
        use((*it)->list.get());
        return;
    }
    if (it == m_entries.end()) {
        it = m_entries.insert(user, std::make_shared<Entry>());
        (*it)->waiting.push_back(std::move(use));
        load(user);
        return;
    }
    (*it)->waiting.push_back(std::move(use));
}

void BlocklistCache::load(const QString& user)
{
    std::weak_ptr<Entry> weak = m_entries.value(user);
    m_store->get(user).then(this, [this, user, weak](Result<QVariant> stored) {
        const std::shared_ptr<Entry> entry = weak.lock();
        if (!entry || m_entries.value(user) != entry) {
            return; // forgotten while loading
        }
        if (stored) {
            entry->list = std::make_unique<Blocklist>(Blocklist::fromStored(stored.value()));
        } else {
            qCWarning(lcBlocklistCache).noquote()
                << "cannot load the block list of" << user << "-" << stored.error().toString();
            entry->list = std::make_unique<Blocklist>();
            entry->failed = true;
        }
        // Callbacks may queue more work for this user; run until the queue is drained, in order.
        while (!entry->waiting.empty()) {
            std::vector<Use> waiting = std::exchange(entry->waiting, {});
            for (Use& use : waiting) {
                if (stored) {
                    use(entry->list.get());
                } else {
                    use(stored.error());
                }
            }
        }
        if (entry->failed) {
            if (m_entries.value(user) == entry) {
                m_entries.remove(user);
            }
            return;
        }
        if (!entry->online) {
            touchOffline(user);
            trim();
        }
    });
}

QFuture<Result<void>> BlocklistCache::save(const QString& user)
{
    const auto it = m_entries.constFind(user);
    if (it == m_entries.cend() || !(*it)->list || (*it)->failed) {
        return QtFuture::makeReadyFuture(Result<void>::failure(u"internal-server-error"_s, u"Not loaded"_s));
    }
    return m_store->set(user, (*it)->list->toStored());
}

void BlocklistCache::setOnline(const QString& user, bool online)
{
    auto it = m_entries.find(user);
    if (it == m_entries.end()) {
        if (!online) {
            return;
        }
        it = m_entries.insert(user, std::make_shared<Entry>());
        (*it)->online = true;
        load(user);
        return;
    }
    (*it)->online = online;
    if (online) {
        m_offline.removeOne(user);
    } else if ((*it)->list) {
        touchOffline(user);
        trim();
    }
}

void BlocklistCache::forget(const QString& user)
{
    m_entries.remove(user);
    m_offline.removeOne(user);
}

void BlocklistCache::touchOffline(const QString& user)
{
    m_offline.removeOne(user);
    m_offline.append(user);
}

void BlocklistCache::trim()
{
    while (m_offline.size() > m_capacity) {
        const QString oldest = m_offline.takeFirst();
        const auto it = m_entries.constFind(oldest);
        if (it != m_entries.cend() && !(*it)->online && (*it)->waiting.empty()) {
            m_entries.remove(oldest);
        }
    }
}

} // namespace Canto::Modules
