#include "server/storage/sql/SqlArchiveStore.h"

#include "server/storage/ArchiveIdGenerator.h"
#include "server/storage/ValueCodec.h"
#include "server/storage/sql/SqlConnection.h"

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// The WHERE clause of one user's archive (mod_storage_sql's archive_where).
struct Where
{
    QStringList conditions;
    QVariantList args;

    Where(const QString& host, const QString& user, const QString& store)
        : conditions{uR"("host" = ?)"_s, uR"("user" = ?)"_s, uR"("store" = ?)"_s}, args{host, user, store}
    {}

    void add(const QString& condition, const QVariant& arg)
    {
        conditions.append(condition);
        args.append(arg);
    }

    QString sql() const { return conditions.join(u" AND "_s); }
};

void addFilters(Where& where, const ArchiveQuery& query)
{
    if (query.start)
        where.add(uR"("when" >= ?)"_s, *query.start);
    if (query.end)
        where.add(uR"("when" <= ?)"_s, *query.end);
    if (query.with)
        where.add(uR"("with" = ?)"_s, *query.with);
    if (query.key)
        where.add(uR"("key" = ?)"_s, *query.key);
    if (query.ids) {
        if (query.ids->isEmpty()) {
            where.conditions.append(u"1 = 0"_s); // "IN ()" is not valid SQL everywhere
        } else {
            QStringList marks;
            for (const QString& id : *query.ids) {
                marks.append(u"?"_s);
                where.args.append(id);
            }
            where.conditions.append(uR"("key" IN ()"_s + marks.join(u", "_s) + u")"_s);
        }
    }
}

Result<qint64> sortIdOf(SqlSession& session, const QString& host, const QString& user, const QString& store,
                        const QString& key)
{
    auto query = session.exec(
        uR"(SELECT "sort_id" FROM "prosodyarchive" WHERE "key" = ? AND "host" = ? AND "user" = ? AND "store" = ? LIMIT 1)"_s,
        {key, host, user, store});
    if (!query)
        return query.error();
    QSqlQuery row = std::move(query).value();
    if (!row.next())
        return Result<qint64>::failure(u"item-not-found"_s, u"no archived item "_s + key);
    return row.value(0).toLongLong();
}

// after/before: exclusive positions relative to an item (archive_where_id_range).
Result<void> addIdRange(SqlSession& session, Where& where, const QString& host, const QString& user,
                        const QString& store, const ArchiveQuery& query)
{
    if (query.after) {
        auto after = sortIdOf(session, host, user, store, *query.after);
        if (!after)
            return after.error();
        where.add(uR"("sort_id" > ?)"_s, *after);
    }
    if (query.before) {
        auto before = sortIdOf(session, host, user, store, *query.before);
        if (!before)
            return before.error();
        where.add(uR"("sort_id" < ?)"_s, *before);
    }
    return {};
}

QString countKey(const QString& host, const QString& user, const QString& store)
{
    return host + u'\n' + user + u'\n' + store;
}

} // namespace

SqlArchiveStore::SqlArchiveStore(std::shared_ptr<SqlConnection> connection, QString host, QString store,
                                 std::optional<int> itemLimit)
    : m_connection(std::move(connection)), m_host(std::move(host)), m_store(std::move(store)), m_itemLimit(itemLimit)
{}

QFuture<Result<QString>> SqlArchiveStore::append(const QString& user, const QString& key, const QVariant& value,
                                                 qint64 when, const QString& with)
{
    auto encoded = ValueCodec::encode(value);
    if (!encoded)
        return QtFuture::makeReadyFuture(Result<QString>(encoded.error()));
    return m_connection->run<QString>([host = m_host, store = m_store, limit = m_itemLimit, user, key, when, with,
                                       value = std::move(encoded).value()](SqlSession& session) -> Result<QString> {
        const QString cacheKey = countKey(host, user, store);
        auto& counts = session.archiveCounts();
        if (!counts.contains(cacheKey)) {
            auto query = session.exec(
                uR"(SELECT COUNT(*) FROM "prosodyarchive" WHERE "host" = ? AND "user" = ? AND "store" = ?)"_s,
                {host, user, store});
            if (!query)
                return query.error();
            QSqlQuery row = std::move(query).value();
            counts.insert(cacheKey, row.next() ? row.value(0).toLongLong() : 0);
        }
        // As Prosody: the quota is checked before a replaced item is removed.
        if (limit && counts.value(cacheKey) >= *limit)
            return Result<QString>::failure(u"quota-limit"_s, u"archive is full"_s);
        qint64 count = counts.value(cacheKey);
        auto appended = session.transaction<QString>([&]() -> Result<QString> {
            QString id = key;
            if (id.isEmpty()) {
                id = ArchiveIdGenerator::generate();
            } else {
                auto deleted = session.execAffected(
                    uR"(DELETE FROM "prosodyarchive" WHERE "host" = ? AND "user" = ? AND "store" = ? AND "key" = ?)"_s,
                    {host, user, store, id});
                if (!deleted)
                    return deleted.error();
                count -= qMax(0, *deleted);
            }
            auto inserted = session.exec(
                uR"(INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?, ?, ?))"_s,
                {host, user, store, when, with, id, value.type, value.text});
            if (!inserted)
                return inserted.error();
            ++count;
            return id;
        });
        if (appended)
            counts.insert(cacheKey, count);
        else
            counts.remove(cacheKey);
        return appended;
    });
}

QFuture<Result<ArchiveResult>> SqlArchiveStore::find(const QString& user, const ArchiveQuery& query)
{
    if (auto ok = checkArchiveQuery(query); !ok)
        return QtFuture::makeReadyFuture(Result<ArchiveResult>(ok.error()));
    return m_connection->run<ArchiveResult>(
        [host = m_host, store = m_store, user, query](SqlSession& session) -> Result<ArchiveResult> {
            return session.transaction<ArchiveResult>([&]() -> Result<ArchiveResult> {
                ArchiveResult result;
                Where where(host, user, store);
                addFilters(where, query);
                if (query.total) {
                    auto counted =
                        session.exec(uR"(SELECT COUNT(*) FROM "prosodyarchive" WHERE )"_s + where.sql(), where.args);
                    if (!counted)
                        return counted.error();
                    QSqlQuery row = std::move(counted).value();
                    result.total = row.next() ? row.value(0).toInt() : 0;
                    // As Prosody: with total and limit 0 only the count is computed.
                    if (query.limit && *query.limit == 0)
                        return result;
                }
                if (auto range = addIdRange(session, where, host, user, store, query); !range)
                    return range.error();
                QString sql = uR"(SELECT "key", "type", "value", "when", "with" FROM "prosodyarchive" WHERE )"_s +
                              where.sql() + uR"( ORDER BY "sort_id" )"_s + (query.reverse ? u"DESC"_s : u"ASC"_s);
                if (query.limit)
                    sql += u" LIMIT "_s + QString::number(*query.limit);
                auto selected = session.exec(sql, where.args);
                if (!selected)
                    return selected.error();
                QSqlQuery rows = std::move(selected).value();
                while (rows.next()) {
                    auto value = ValueCodec::decode(rows.value(1).toString(), rows.value(2).toString());
                    if (!value)
                        return value.error();
                    result.items.append({rows.value(0).toString(), std::move(value).value(), rows.value(3).toLongLong(),
                                         rows.value(4).toString()});
                }
                return result;
            });
        });
}

QFuture<Result<ArchiveItem>> SqlArchiveStore::get(const QString& user, const QString& key)
{
    ArchiveQuery query;
    query.key = key;
    return find(user, query).then([](Result<ArchiveResult> found) -> Result<ArchiveItem> {
        if (!found)
            return found.error();
        if (found->items.isEmpty())
            return Result<ArchiveItem>::failure(u"item-not-found"_s);
        return found->items.first();
    });
}

QFuture<Result<int>> SqlArchiveStore::deleteItems(const QString& user, const ArchiveQuery& query)
{
    if (auto ok = checkArchiveQuery(query); !ok)
        return QtFuture::makeReadyFuture(Result<int>(ok.error()));
    return m_connection->run<int>([host = m_host, store = m_store, user, query](SqlSession& session) -> Result<int> {
        session.archiveCounts().remove(countKey(host, user, store));
        return session.transaction<int>([&]() -> Result<int> {
            Where where(host, user, store);
            addFilters(where, query);
            if (auto range = addIdRange(session, where, host, user, store, query); !range)
                return range.error();
            if (!query.truncate)
                return session.execAffected(uR"(DELETE FROM "prosodyarchive" WHERE )"_s + where.sql(), where.args);
            // Keep the newest `truncate` matching items (the oldest with reverse): delete the
            // rest, found by skipping `truncate` rows in that order.
            const QString order = query.reverse ? u"ASC"_s : u"DESC"_s;
            QString sql;
            switch (session.dialect()) {
            case SqlDialect::SQLite:
                sql =
                    uR"(DELETE FROM "prosodyarchive" WHERE "sort_id" IN (SELECT "sort_id" FROM "prosodyarchive" WHERE %1 ORDER BY "sort_id" %2 LIMIT -1 OFFSET ?))"_s;
                break;
            case SqlDialect::PostgreSQL:
                sql =
                    uR"(DELETE FROM "prosodyarchive" WHERE "sort_id" IN (SELECT "sort_id" FROM "prosodyarchive" WHERE %1 ORDER BY "sort_id" %2 LIMIT ALL OFFSET ?))"_s;
                break;
            case SqlDialect::MySQL:
                // MySQL allows no LIMIT inside IN (...) nor selecting from the table being changed,
                // except through a derived table.
                sql =
                    uR"(DELETE FROM "prosodyarchive" WHERE "sort_id" IN (SELECT "sort_id" FROM (SELECT "sort_id" FROM "prosodyarchive" WHERE %1 ORDER BY "sort_id" %2 LIMIT 18446744073709551615 OFFSET ?) AS "doomed"))"_s;
                break;
            }
            QVariantList args = where.args;
            args.append(*query.truncate);
            return session.execAffected(sql.arg(where.sql(), order), args);
        });
    });
}

QFuture<Result<QStringList>> SqlArchiveStore::users()
{
    return m_connection->run<QStringList>([host = m_host, store = m_store](SqlSession& session) -> Result<QStringList> {
        auto query = session.exec(
            uR"(SELECT DISTINCT "user" FROM "prosodyarchive" WHERE "host" = ? AND "store" = ? ORDER BY "user")"_s,
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
