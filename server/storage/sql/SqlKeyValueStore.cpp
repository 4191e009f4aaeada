#include "server/storage/sql/SqlKeyValueStore.h"

#include "server/storage/KeyValueRows.h"
#include "server/storage/sql/SqlConnection.h"

using namespace Qt::StringLiterals;

namespace Canto {

SqlKeyValueStore::SqlKeyValueStore(std::shared_ptr<SqlConnection> connection, QString host, QString store)
    : m_connection(std::move(connection)), m_host(std::move(host)), m_store(std::move(store))
{}

QFuture<Result<QVariant>> SqlKeyValueStore::get(const QString& user)
{
    return m_connection->run<QVariant>([host = m_host, store = m_store, user](SqlSession& session) -> Result<QVariant> {
        auto query = session.exec(
            uR"(SELECT "key", "type", "value" FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?)"_s,
            {host, user, store});
        if (!query)
            return query.error();
        QSqlQuery rows = std::move(query).value();
        QList<KeyValueRows::Row> result;
        while (rows.next())
            result.append({rows.value(0).toString(), {rows.value(1).toString(), rows.value(2).toString()}});
        return KeyValueRows::toValue(result);
    });
}

QFuture<Result<void>> SqlKeyValueStore::set(const QString& user, const QVariant& value)
{
    auto encoded = KeyValueRows::fromValue(value);
    if (!encoded)
        return QtFuture::makeReadyFuture(Result<void>(encoded.error()));
    return m_connection->run<void>([host = m_host, store = m_store, user,
                                    rows = std::move(encoded).value()](SqlSession& session) -> Result<void> {
        return session.transaction<void>([&]() -> Result<void> {
            auto deleted = session.exec(uR"(DELETE FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?)"_s,
                                        {host, user, store});
            if (!deleted)
                return deleted.error();
            for (const auto& [key, encodedValue] : rows) {
                auto inserted = session.exec(
                    uR"(INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?))"_s,
                    {host, user, store, key, encodedValue.type, encodedValue.text});
                if (!inserted)
                    return inserted.error();
            }
            return {};
        });
    });
}

QFuture<Result<QStringList>> SqlKeyValueStore::users()
{
    return m_connection->run<QStringList>([host = m_host, store = m_store](SqlSession& session) -> Result<QStringList> {
        auto query =
            session.exec(uR"(SELECT DISTINCT "user" FROM "prosody" WHERE "host" = ? AND "store" = ? ORDER BY "user")"_s,
                         {host, store});
        if (!query)
            return query.error();
        QSqlQuery rows = std::move(query).value();
        QStringList users;
        while (rows.next())
            users.append(rows.value(0).toString());
        return users;
    });
}

} // namespace Canto
