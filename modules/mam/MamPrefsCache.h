#pragma once

#include "modules/mam/MamPrefs.h"
#include "shared/Result.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace Canto {
class KeyValueStore;
}

namespace Canto::Modules {

/// Every user's MAM preferences of one host, kept in memory so that the decision to archive a
/// message can be taken while the message passes (storage is asynchronous, delivery is not).
/// load() reads all stored preferences once (only users who changed theirs have any, so this
/// stays small); until it finishes isReady() is false and callers queue work with whenReady().
/// set() writes through to the keyval store and updates the cache once the write succeeded.
class MamPrefsCache : public QObject
{
    Q_OBJECT

public:
    MamPrefsCache(std::shared_ptr<KeyValueStore> store, std::optional<MamPrefs::Policy> globalDefault,
                  QObject* parent = nullptr);

    /// Starts reading the store; `onError` receives storage errors (the cache still becomes
    /// ready, with the global default for the users that could not be read).
    void load(std::function<void(const QString& error)> onError);
    bool isReady() const { return m_ready; }
    /// Runs `use` once the cache is ready: at once if it is, else in request order.
    void whenReady(std::function<void()> use);

    /// A user's preferences (the global default for users without stored ones).
    MamPrefs prefs(const QString& user) const;
    QFuture<Result<void>> set(const QString& user, const MamPrefs& prefs);

private:
    void finishLoading();

    std::shared_ptr<KeyValueStore> m_store;
    std::optional<MamPrefs::Policy> m_globalDefault;
    QHash<QString, MamPrefs> m_prefs;
    QSet<QString> m_setWhileLoading; // newer than what the initial load may still return
    std::vector<std::function<void()>> m_waiting;
    int m_pendingReads = 0;
    bool m_ready = false;
};

} // namespace Canto::Modules
