#pragma once

#include "server/storage/KeyValueStore.h"

#include <memory>

namespace Canto {

class SqlConnection;

/// A keyval store of the "sql" driver: rows of Prosody's `prosody` table (one per map key, see
/// KeyValueRows), read and written on the storage thread.
class SqlKeyValueStore final : public KeyValueStore
{
public:
    SqlKeyValueStore(std::shared_ptr<SqlConnection> connection, QString host, QString store);

    QFuture<Result<QVariant>> get(const QString& user) override;
    QFuture<Result<void>> set(const QString& user, const QVariant& value) override;
    QFuture<Result<QStringList>> users() override;

private:
    std::shared_ptr<SqlConnection> m_connection;
    QString m_host;
    QString m_store;
};

} // namespace Canto
