#include "server/storage/StorageManager.h"

#include "server/storage/memory/MemoryArchiveStore.h"
#include "server/storage/memory/MemoryData.h"
#include "server/storage/memory/MemoryKeyValueStore.h"
#include "server/storage/memory/MemoryMapStore.h"
#include "server/storage/sql/SqlArchiveStore.h"
#include "server/storage/sql/SqlConnection.h"
#include "server/storage/sql/SqlKeyValueStore.h"
#include "server/storage/sql/SqlMapStore.h"
#include "server/storage/sql/SqlSession.h"

#include <QLoggingCategory>

#include <QCoreApplication>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {
Q_LOGGING_CATEGORY(lcStorage, "canto.storage", QtInfoMsg)
} // namespace

StorageManager::StorageManager(StorageSettings settings, QObject* parent)
    : QObject(parent), m_settings(std::move(settings))
{}

StorageManager::~StorageManager() = default;

void StorageManager::drain()
{
    // A continuation may post more work (load, then save): a few rounds settle it.
    for (int round = 0; round < 4; ++round) {
        if (m_sql) {
            m_sql->drain();
        }
        QCoreApplication::sendPostedEvents();
    }
}

Result<QString> StorageManager::checkedDriver(const QString& store) const
{
    const QString driver = m_settings.driverFor(store);
    if (driver != u"sql" && driver != u"memory")
        return Result<QString>::failure(
            u"internal-server-error"_s,
            u"unknown storage driver \"%1\" for store \"%2\" (known: sql, memory)"_s.arg(driver, store));
    return driver;
}

std::shared_ptr<SqlConnection> StorageManager::sqlConnection()
{
    if (!m_sql) {
        qCDebug(lcStorage) << "starting the sql storage thread for" << m_settings.sql.driver;
        m_sql = std::make_shared<SqlConnection>(m_settings.sql, m_settings.dataPath);
    }
    return m_sql;
}

std::shared_ptr<MemoryData> StorageManager::memoryData()
{
    if (!m_memory) {
        m_memory = std::make_shared<MemoryData>();
        m_memory->archiveItemLimit = m_settings.archiveItemLimit;
    }
    return m_memory;
}

Result<std::shared_ptr<KeyValueStore>> StorageManager::openKeyValue(const QString& host, const QString& store)
{
    auto driver = checkedDriver(store);
    if (!driver)
        return driver.error();
    if (*driver == u"memory")
        return std::shared_ptr<KeyValueStore>(std::make_shared<MemoryKeyValueStore>(memoryData(), host, store));
    return std::shared_ptr<KeyValueStore>(std::make_shared<SqlKeyValueStore>(sqlConnection(), host, store));
}

Result<std::shared_ptr<MapStore>> StorageManager::openMap(const QString& host, const QString& store)
{
    auto driver = checkedDriver(store);
    if (!driver)
        return driver.error();
    if (*driver == u"memory")
        return std::shared_ptr<MapStore>(std::make_shared<MemoryMapStore>(memoryData(), host, store));
    return std::shared_ptr<MapStore>(std::make_shared<SqlMapStore>(sqlConnection(), host, store));
}

Result<std::shared_ptr<ArchiveStore>> StorageManager::openArchive(const QString& host, const QString& store)
{
    auto driver = checkedDriver(store);
    if (!driver)
        return driver.error();
    if (*driver == u"memory")
        return std::shared_ptr<ArchiveStore>(std::make_shared<MemoryArchiveStore>(memoryData(), host, store));
    return std::shared_ptr<ArchiveStore>(
        std::make_shared<SqlArchiveStore>(sqlConnection(), host, store, m_settings.archiveItemLimit));
}

Result<StorageManager::StoreType> StorageManager::parseStoreType(const QString& name)
{
    if (name.isEmpty() || name == u"keyval")
        return StoreType::KeyValue;
    if (name == u"map")
        return StoreType::Map;
    if (name == u"archive")
        return StoreType::Archive;
    return Result<StoreType>::failure(u"bad-request"_s, u"unknown store type \"%1\""_s.arg(name));
}

QFuture<Result<void>> StorageManager::purgeUser(const QString& host, const QString& user)
{
    if (m_memory) {
        std::erase_if(m_memory->rows, [&](const auto& entry) {
            return std::get<0>(entry.first) == host && std::get<2>(entry.first) == user;
        });
        std::erase_if(m_memory->archives, [&](const auto& entry) {
            return std::get<0>(entry.first) == host && std::get<2>(entry.first) == user;
        });
    }
    if (!m_sql) {
        bool usesSql = m_settings.driverFor(QString()) == u"sql";
        for (const QString& driver : std::as_const(m_settings.storeDrivers))
            usesSql = usesSql || driver == u"sql";
        if (!usesSql)
            return QtFuture::makeReadyFuture(Result<void>());
    }
    return sqlConnection()->run<void>([host, user](SqlSession& session) -> Result<void> {
        session.archiveCounts().clear(); // a cache; recounted on the next append
        return session.transaction<void>([&]() -> Result<void> {
            for (const QString& table : {u"prosody"_s, u"prosodyarchive"_s}) {
                auto deleted =
                    session.exec(u"DELETE FROM \"%1\" WHERE \"host\" = ? AND \"user\" = ?"_s.arg(table), {host, user});
                if (!deleted)
                    return deleted.error();
            }
            return Result<void>();
        });
    });
}

QFuture<Result<void>> StorageManager::prepare()
{
    bool usesSql = m_settings.driverFor(QString()) == u"sql";
    for (const QString& driver : std::as_const(m_settings.storeDrivers))
        usesSql = usesSql || driver == u"sql";
    if (!usesSql)
        return QtFuture::makeReadyFuture(Result<void>());
    return sqlConnection()->run<void>([](SqlSession&) { return Result<void>(); });
}

} // namespace Canto
