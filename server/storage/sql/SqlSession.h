#pragma once

#include "shared/Result.h"

#include <QHash>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>

namespace Canto {

Q_DECLARE_LOGGING_CATEGORY(lcStorageSql)

enum class SqlDialect { SQLite, PostgreSQL, MySQL };

/// One open database connection on the storage worker thread, and the only place that runs SQL:
/// every statement goes through exec(), which logs failures (category canto.storage.sql) with the
/// statement and its bound values and turns them into "internal-server-error" Results.
///
/// Statements are written with ANSI double-quoted identifiers ("user", "when", ...); for MySQL
/// they are rewritten to backticks, as Prosody's util.sql does. Null QStrings are bound as ''
/// because every Prosody column is NOT NULL and "" means "the host itself".
class SqlSession
{
public:
    SqlSession(QSqlDatabase database, SqlDialect dialect);

    SqlDialect dialect() const { return m_dialect; }
    QSqlDatabase& database() { return m_database; }

    /// Runs one statement with positional (?) bound values; the returned query is positioned
    /// before the first row.
    Result<QSqlQuery> exec(const QString& sql, const QVariantList& binds = {});
    /// Runs a statement and returns the number of rows it changed.
    Result<int> execAffected(const QString& sql, const QVariantList& binds = {});

    /// Runs body in a transaction: committed when it succeeds, rolled back when it fails.
    template <typename T, typename Body> Result<T> transaction(Body&& body)
    {
        if (auto begun = begin(); !begun)
            return begun.error();
        Result<T> result = body();
        if (!result.isOk()) {
            rollback();
            return result;
        }
        if (auto committed = commit(); !committed)
            return committed.error();
        return result;
    }

    /// Archive item counts per host/user/store, for storage_archive_item_limit (Prosody caches
    /// them the same way). Lives here because only the worker thread may touch it.
    QHash<QString, qint64>& archiveCounts() { return m_archiveCounts; }

private:
    Result<void> begin();
    Result<void> commit();
    void rollback();
    Result<void> failure(const QString& what, const QString& sql, const QVariantList& binds, const QString& error);

    QSqlDatabase m_database;
    SqlDialect m_dialect;
    QHash<QString, qint64> m_archiveCounts;
};

} // namespace Canto
