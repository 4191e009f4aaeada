#pragma once

#include "server/storage/ArchiveStore.h"

#include <memory>
#include <optional>

namespace Canto {

class SqlConnection;

/// An archive store of the "sql" driver: Prosody's `prosodyarchive` table, ordered by sort_id.
/// Queries are built as mod_storage_sql builds them (see ArchiveQuery); item counts for the quota
/// are cached per user on the storage thread.
class SqlArchiveStore final : public ArchiveStore
{
public:
    SqlArchiveStore(std::shared_ptr<SqlConnection> connection, QString host, QString store,
                    std::optional<int> itemLimit);

    QFuture<Result<QString>> append(const QString& user, const QString& key, const QVariant& value, qint64 when,
                                    const QString& with) override;
    QFuture<Result<ArchiveResult>> find(const QString& user, const ArchiveQuery& query) override;
    QFuture<Result<ArchiveItem>> get(const QString& user, const QString& key) override;
    QFuture<Result<int>> deleteItems(const QString& user, const ArchiveQuery& query) override;
    QFuture<Result<QStringList>> users() override;

private:
    std::shared_ptr<SqlConnection> m_connection;
    QString m_host;
    QString m_store;
    std::optional<int> m_itemLimit;
};

} // namespace Canto
