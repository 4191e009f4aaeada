#include "server/storage/sql/SqlMapStore.h"

#include "server/storage/ValueCodec.h"
#include "server/storage/sql/SqlConnection.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

Error emptyKeyError()
{
    return Error{u"bad-request"_s, u"map keys must not be empty"_s};
}

} // namespace

SqlMapStore::SqlMapStore(std::shared_ptr<SqlConnection> connection, QString host, QString store)
    : m_connection(std::move(connection)), m_host(std::move(host)), m_store(std::move(store))
{}

QFuture<Result<QVariant>> SqlMapStore::get(const QString& user, const QString& key)
{
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(Result<QVariant>(emptyKeyError()));
    return m_connection->run<QVariant>([host = m_host, store = m_store, user,
                                        key](SqlSession& session) -> Result<QVariant> {
        auto query = session.exec(
            uR"(SELECT "type", "value" FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ? LIMIT 1)"_s,
            {host, user, store, key});
        if (!query)
            return query.error();
        QSqlQuery row = std::move(query).value();
        if (!row.next())
            return QVariant();
        return ValueCodec::decode(row.value(0).toString(), row.value(1).toString());
    });
}

QFuture<Result<void>> SqlMapStore::set(const QString& user, const QString& key, const QVariant& value)
{
    return setKeys(user, QVariantMap{{key, value}});
}

QFuture<Result<void>> SqlMapStore::setKeys(const QString& user, const QVariantMap& values)
{
    QList<std::pair<QString, std::optional<EncodedValue>>> changes;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key().isEmpty())
            return QtFuture::makeReadyFuture(Result<void>(emptyKeyError()));
        if (!it.value().isValid()) {
            changes.append({it.key(), std::nullopt});
            continue;
        }
        auto encoded = ValueCodec::encode(it.value());
        if (!encoded)
            return QtFuture::makeReadyFuture(Result<void>(encoded.error()));
        changes.append({it.key(), std::move(encoded).value()});
    }
    return m_connection->run<void>([host = m_host, store = m_store, user,
                                    changes = std::move(changes)](SqlSession& session) -> Result<void> {
        // Delete then insert rather than an UPSERT: it works on every engine, including databases
        // whose index Prosody created non-unique (MySQL).
        return session.transaction<void>([&]() -> Result<void> {
            for (const auto& [key, change] : changes) {
                auto deleted = session.exec(
                    uR"(DELETE FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ?)"_s,
                    {host, user, store, key});
                if (!deleted)
                    return deleted.error();
                if (!change)
                    continue;
                auto inserted = session.exec(
                    uR"(INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?))"_s,
                    {host, user, store, key, change->type, change->text});
                if (!inserted)
                    return inserted.error();
            }
            return {};
        });
    });
}

QFuture<Result<QHash<QString, QVariant>>> SqlMapStore::getAll(const QString& key)
{
    using Values = QHash<QString, QVariant>;
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(Result<Values>(emptyKeyError()));
    return m_connection->run<Values>([host = m_host, store = m_store, key](SqlSession& session) -> Result<Values> {
        auto query = session.exec(
            uR"(SELECT "user", "type", "value" FROM "prosody" WHERE "host" = ? AND "store" = ? AND "key" = ?)"_s,
            {host, store, key});
        if (!query)
            return query.error();
        QSqlQuery rows = std::move(query).value();
        Values values;
        while (rows.next()) {
            auto value = ValueCodec::decode(rows.value(1).toString(), rows.value(2).toString());
            if (!value)
                return value.error();
            values.insert(rows.value(0).toString(), std::move(value).value());
        }
        return values;
    });
}

QFuture<Result<void>> SqlMapStore::deleteAll(const QString& key)
{
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(Result<void>(emptyKeyError()));
    return m_connection->run<void>([host = m_host, store = m_store, key](SqlSession& session) -> Result<void> {
        auto deleted = session.exec(uR"(DELETE FROM "prosody" WHERE "host" = ? AND "store" = ? AND "key" = ?)"_s,
                                    {host, store, key});
        if (!deleted)
            return deleted.error();
        return {};
    });
}

} // namespace Canto
