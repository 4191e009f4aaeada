#pragma once

#include "server/storage/MapStore.h"

#include <memory>

namespace Canto {

class SqlConnection;

/// A map store of the "sql" driver: Prosody's `prosody` table with `key` = map key (the same rows
/// a keyval store of that name reads). Empty keys are "bad-request"; setKeys is one transaction.
class SqlMapStore final : public MapStore
{
public:
    SqlMapStore(std::shared_ptr<SqlConnection> connection, QString host, QString store);

    QFuture<Result<QVariant>> get(const QString& user, const QString& key) override;
    QFuture<Result<void>> set(const QString& user, const QString& key, const QVariant& value) override;
    QFuture<Result<void>> setKeys(const QString& user, const QVariantMap& values) override;
    QFuture<Result<QHash<QString, QVariant>>> getAll(const QString& key) override;
    QFuture<Result<void>> deleteAll(const QString& key) override;

private:
    std::shared_ptr<SqlConnection> m_connection;
    QString m_host;
    QString m_store;
};

} // namespace Canto
