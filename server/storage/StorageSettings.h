#pragma once

#include <QHash>
#include <QString>

#include <optional>

namespace Canto {

/// The connection parameters of the "sql" driver: the shape of Prosody's `sql = { driver = ...,
/// database = ..., host = ..., port = ..., username = ..., password = ... }` option.
struct SqlSettings
{
    QString driver = QStringLiteral("SQLite3"); // "SQLite3", "PostgreSQL" or "MySQL"
    /// SQLite: a file name, relative to StorageSettings::dataPath unless absolute.
    /// PostgreSQL/MySQL: the database name.
    QString database = QStringLiteral("canto.sqlite");
    QString host;
    int port = 0; // 0: the driver's default
    QString username;
    QString password;
    /// PRAGMAs applied to every SQLite connection (Prosody's `sqlite_tune`).
    QHash<QString, QString> sqliteTune = {{QStringLiteral("journal_mode"), QStringLiteral("WAL")},
                                          {QStringLiteral("synchronous"), QStringLiteral("NORMAL")}};
    /// How long SQLite waits for a lock held by another process before failing.
    int sqliteBusyTimeoutMs = 10000;
};

/// Storage options, already read from the configuration (Prosody's `storage`, `default_storage`,
/// `sql`, `storage_archive_item_limit`). Kept a plain struct so the storage layer does not depend
/// on the config code.
///
/// Driver choice for a store, as Prosody's storagemanager: `storeDrivers[store]` when `storage`
/// is a table, else `driver` when `storage` is a string, else `defaultDriver` (`default_storage`),
/// else "sql" (Canto's default; Prosody's is "internal").
struct StorageSettings
{
    QString driver;                       // `storage = "sql"` (empty when not a string)
    QHash<QString, QString> storeDrivers; // `storage = { roster = "memory", ... }`
    QString defaultDriver;                // `default_storage`
    SqlSettings sql;
    QString dataPath; // base directory of relative SQLite file names
    /// Maximum number of items per user and archive store; std::nullopt: unlimited.
    std::optional<int> archiveItemLimit = 10000;

    QString driverFor(const QString& store) const
    {
        if (const auto it = storeDrivers.constFind(store); it != storeDrivers.cend())
            return *it;
        if (!driver.isEmpty())
            return driver;
        if (!defaultDriver.isEmpty())
            return defaultDriver;
        return QStringLiteral("sql");
    }
};

} // namespace Canto
