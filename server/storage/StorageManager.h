#pragma once

#include "server/storage/ArchiveStore.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/MapStore.h"
#include "server/storage/StorageSettings.h"
#include "shared/Result.h"

#include <QFuture>
#include <QObject>
#include <QString>

#include <memory>

namespace Canto {

class SqlConnection;
struct MemoryData;

/// Opens stores for modules (Prosody's storagemanager.open(host, store, type)). The driver of a
/// store comes from StorageSettings::driverFor(store): "sql" (one SqlConnection, i.e. one worker
/// thread and database connection, shared by every SQL store) or "memory" (one MemoryData shared
/// by every memory store). Any other driver name is an error, not Prosody's silent null driver.
///
/// Stores are handles: they keep their driver alive, so they may outlive the manager. Every call
/// on a store returns a future; continue with `future.then(context, ...)`. Use from one thread.
class StorageManager : public QObject
{
    Q_OBJECT
public:
    enum class StoreType { KeyValue, Map, Archive };

    explicit StorageManager(StorageSettings settings, QObject* parent = nullptr);
    ~StorageManager() override;

    const StorageSettings& settings() const { return m_settings; }

    Result<std::shared_ptr<KeyValueStore>> openKeyValue(const QString& host, const QString& store);
    Result<std::shared_ptr<MapStore>> openMap(const QString& host, const QString& store);
    Result<std::shared_ptr<ArchiveStore>> openArchive(const QString& host, const QString& store);

    /// Whether a store type name ("keyval", "map", "archive") is known; for ModuleApi::open_store.
    static Result<StoreType> parseStoreType(const QString& name);

    /// Opens the database and applies migrations now, if any store uses the sql driver, so a bad
    /// configuration is reported at startup rather than by the first module that stores data.
    QFuture<Result<void>> prepare();

    /// Deletes everything stored for user@host in every store (Prosody's storagemanager.purge on
    /// user-deleted), so a name registered again starts empty.
    QFuture<Result<void>> purgeUser(const QString& host, const QString& user);

    /// For an orderly shutdown (it blocks): finishes every storage job posted so far and runs the
    /// continuations waiting on them, repeatedly, so that the objects those continuations belong
    /// to can be destroyed afterwards without a result arriving for a dead receiver.
    void drain();

private:
    Result<QString> checkedDriver(const QString& store) const;
    std::shared_ptr<SqlConnection> sqlConnection();
    std::shared_ptr<MemoryData> memoryData();

    StorageSettings m_settings;
    std::shared_ptr<SqlConnection> m_sql; // created on first use
    std::shared_ptr<MemoryData> m_memory; // created on first use
};

} // namespace Canto
