#include "modules/mam/MamPrefsCache.h"

#include "server/storage/KeyValueStore.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

MamPrefsCache::MamPrefsCache(std::shared_ptr<KeyValueStore> store, std::optional<MamPrefs::Policy> globalDefault,
                             QObject* parent)
    : QObject(parent), m_store(std::move(store)), m_globalDefault(globalDefault)
{}

void MamPrefsCache::load(std::function<void(const QString& error)> onError)
{
    m_store->users().then(this, [this, onError](Result<QStringList> users) {
        if (!users) {
            onError(u"Cannot list archive preferences: "_s + users.error().toString());
            finishLoading();
            return;
        }
        m_pendingReads = int(users->size());
        if (m_pendingReads == 0) {
            finishLoading();
            return;
        }
        for (const QString& user : users.value()) {
            m_store->get(user).then(this, [this, user, onError](Result<QVariant> stored) {
                if (!stored)
                    onError(u"Cannot read the archive preferences of "_s + user + u": "_s + stored.error().toString());
                else if (!m_setWhileLoading.contains(user) && stored->isValid())
                    m_prefs.insert(user, MamPrefs::fromStored(stored.value(), m_globalDefault));
                if (--m_pendingReads == 0)
                    finishLoading();
            });
        }
    });
}

void MamPrefsCache::finishLoading()
{
    m_ready = true;
    m_setWhileLoading.clear();
    // Callbacks may queue more work; they run in request order, each exactly once.
    std::vector<std::function<void()>> waiting;
    waiting.swap(m_waiting);
    for (auto& use : waiting)
        use();
}

void MamPrefsCache::whenReady(std::function<void()> use)
{
    if (m_ready)
        use();
    else
        m_waiting.push_back(std::move(use));
}

MamPrefs MamPrefsCache::prefs(const QString& user) const
{
    const auto it = m_prefs.constFind(user);
    return it == m_prefs.cend() ? MamPrefs(m_globalDefault) : it.value();
}

QFuture<Result<void>> MamPrefsCache::set(const QString& user, const MamPrefs& prefs)
{
    return m_store->set(user, prefs.toStored()).then(this, [this, user, prefs](Result<void> stored) {
        if (stored) {
            m_prefs.insert(user, prefs);
            if (!m_ready)
                m_setWhileLoading.insert(user);
        }
        return stored;
    });
}

} // namespace Canto::Modules
