#include "StorageTestFixture.h"

#include "server/storage/StorageManager.h"

#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// One column as the database describes it: name, type, NOT NULL, part of the primary key.
using Column = std::tuple<QString, QString, bool, bool>;

Result<QList<QStringList>> rows(QSqlDatabase& database, const QString& sql, const QVariantList& binds = {})
{
    QSqlQuery query(database);
    if (binds.isEmpty()) {
        if (!query.exec(sql)) // not prepared: PostgreSQL cannot PREPARE DDL
            return Error{u"sql"_s, query.lastError().text()};
    } else {
        if (!query.prepare(sql))
            return Error{u"sql"_s, query.lastError().text()};
        for (const QVariant& value : binds)
            query.addBindValue(value);
        if (!query.exec())
            return Error{u"sql"_s, query.lastError().text()};
    }
    QList<QStringList> result;
    while (query.next()) {
        QStringList row;
        for (int i = 0; i < query.record().count(); ++i)
            row.append(query.value(i).toString());
        result.append(row);
    }
    return result;
}

} // namespace

class tst_SqlMigrator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase_data() { StorageTestFixture::addDriverRows(false); }
    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        auto ready = m_fixture.setUp(driver);
        QVERIFY2(ready.isOk(), qPrintable(ready.isOk() ? QString() : ready.error().toString()));
    }
    void cleanup() { m_fixture.tearDown(); }

    void schemaMatchesProsody_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QList<Column>>("sqliteColumns");
        QTest::addColumn<QList<Column>>("postgresqlColumns");
        QTest::addColumn<QStringList>("indexes"); // name, "unique" suffix for unique ones
        auto text = [](const QString& name) {
            return Column{name, u"TEXT"_s, true, false};
        };
        auto pgText = [](const QString& name) {
            return Column{name, u"text"_s, true, false};
        };
        // mod_storage_sql's create_table (TEXT for MEDIUMTEXT outside MySQL; BIGSERIAL on PostgreSQL).
        QTest::newRow("prosody") << u"prosody"_s << QList<Column>{text(u"host"_s), text(u"user"_s), text(u"store"_s),
                                                                  text(u"key"_s),  text(u"type"_s), text(u"value"_s)}
                                 << QList<Column>{pgText(u"host"_s), pgText(u"user"_s), pgText(u"store"_s),
                                                  pgText(u"key"_s),  pgText(u"type"_s), pgText(u"value"_s)}
                                 << QStringList{u"prosody_unique_index unique"_s};
        QTest::newRow("prosodyarchive") << u"prosodyarchive"_s
                                        << QList<Column>{Column{u"sort_id"_s, u"INTEGER"_s, false, true},
                                                         text(u"host"_s),
                                                         text(u"user"_s),
                                                         text(u"store"_s),
                                                         text(u"key"_s),
                                                         Column{u"when"_s, u"INTEGER"_s, true, false},
                                                         text(u"with"_s),
                                                         text(u"type"_s),
                                                         text(u"value"_s)}
                                        << QList<Column>{Column{u"sort_id"_s, u"bigint"_s, true, true},
                                                         pgText(u"host"_s),
                                                         pgText(u"user"_s),
                                                         pgText(u"store"_s),
                                                         pgText(u"key"_s),
                                                         Column{u"when"_s, u"integer"_s, true, false},
                                                         pgText(u"with"_s),
                                                         pgText(u"type"_s),
                                                         pgText(u"value"_s)}
                                        << QStringList{u"prosodyarchive_index unique"_s, u"prosodyarchive_sort"_s,
                                                       u"prosodyarchive_when"_s, u"prosodyarchive_with_when"_s};
    }
    void schemaMatchesProsody()
    {
        QFETCH(QString, table);
        QFETCH(QList<Column>, sqliteColumns);
        QFETCH(QList<Column>, postgresqlColumns);
        QFETCH(QStringList, indexes);
        QSqlDatabase raw = m_fixture.rawDatabase();
        QList<Column> columns;
        QStringList foundIndexes;
        if (m_fixture.driver() == u"sqlite") {
            auto info = rows(raw, u"PRAGMA table_info(\"%1\")"_s.arg(table));
            QVERIFY2(info.isOk(), qPrintable(info.isOk() ? QString() : info.error().text));
            for (const QStringList& row : info.value()) // cid, name, type, notnull, dflt_value, pk
                columns.append(Column{row[1], row[2], row[3] == u"1", row[5] == u"1"});
            auto list = rows(raw, u"PRAGMA index_list(\"%1\")"_s.arg(table));
            QVERIFY(list.isOk());
            for (const QStringList& row : list.value()) // seq, name, unique, origin, partial
                if (row[3] == u"c")                     // created by CREATE INDEX, not a constraint
                    foundIndexes.append(row[1] + (row[2] == u"1" ? u" unique"_s : QString()));
            QCOMPARE(columns, sqliteColumns);
        } else {
            auto info = rows(raw,
                             u"SELECT c.column_name, c.data_type, c.is_nullable, "
                             "(SELECT COUNT(*) FROM information_schema.key_column_usage k JOIN "
                             "information_schema.table_constraints t ON t.constraint_name = k.constraint_name "
                             "WHERE t.constraint_type = 'PRIMARY KEY' AND k.table_name = c.table_name "
                             "AND k.column_name = c.column_name) "
                             "FROM information_schema.columns c WHERE c.table_name = ? ORDER BY c.ordinal_position"_s,
                             {table});
            QVERIFY2(info.isOk(), qPrintable(info.isOk() ? QString() : info.error().text));
            for (const QStringList& row : info.value())
                columns.append(Column{row[0], row[1], row[2] == u"NO", row[3] != u"0"});
            auto list = rows(raw, u"SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ?"_s, {table});
            QVERIFY(list.isOk());
            for (const QStringList& row : list.value())
                if (!row[0].endsWith(u"_pkey"))
                    foundIndexes.append(row[0] + (row[1].startsWith(u"CREATE UNIQUE") ? u" unique"_s : QString()));
            QCOMPARE(columns, postgresqlColumns);
        }
        foundIndexes.sort();
        QCOMPARE(foundIndexes, indexes);
        auto applied = rows(raw, u"SELECT \"version\", \"name\" FROM \"canto_schema\""_s);
        QVERIFY(applied.isOk());
        QCOMPARE(applied.value(), (QList<QStringList>{{u"1"_s, u"prosody_tables"_s}}));
    }

    void opensProsodyDatabase()
    {
        // Replace Canto's tables with the ones Prosody creates, holding Prosody's data.
        QSqlDatabase raw = m_fixture.rawDatabase();
        const bool sqlite = m_fixture.driver() == u"sqlite";
        QString quote = sqlite ? u"`"_s : u"\""_s;
        QStringList ddl{
            u"DROP TABLE \"prosody\""_s,
            u"DROP TABLE \"prosodyarchive\""_s,
            u"DROP TABLE \"canto_schema\""_s,
            u"CREATE TABLE `prosody` (`host` TEXT NOT NULL,`user` TEXT NOT NULL,`store` TEXT NOT NULL,`key` TEXT "
            "NOT NULL,`type` TEXT NOT NULL,`value` TEXT NOT NULL)"_s,
            u"CREATE UNIQUE INDEX `prosody_unique_index` ON `prosody` (`host`, `user`, `store`, `key`)"_s,
            u"CREATE TABLE `prosodyarchive` (`sort_id` %1,`host` TEXT NOT NULL,`user` TEXT NOT NULL,`store` TEXT "
            "NOT NULL,`key` TEXT NOT NULL,`when` INTEGER NOT NULL,`with` TEXT NOT NULL,`type` TEXT NOT "
            "NULL,`value` TEXT NOT NULL)"_s.arg(sqlite ? u"INTEGER PRIMARY KEY AUTOINCREMENT"_s
                                                       : u"BIGSERIAL PRIMARY KEY"_s),
            u"CREATE UNIQUE INDEX `prosodyarchive_index` ON `prosodyarchive` (`host`, `user`, `store`, `key`)"_s,
            u"INSERT INTO `prosody` VALUES ('%1', 'alice', 'accounts', 'iteration_count', 'number', '4096')"_s.arg(
                m_fixture.host()),
            u"INSERT INTO `prosodyarchive` (`host`, `user`, `store`, `key`, `when`, `with`, `type`, `value`) VALUES "
            "('%1', 'alice', 'archive', 'p1', 1600000000, 'bob@x', 'string', 'old')"_s.arg(m_fixture.host()),
        };
        for (QString statement : ddl) {
            statement.replace(u'`', quote);
            auto done = rows(raw, statement);
            QVERIFY2(done.isOk(), qPrintable(statement + u": "_s + (done.isOk() ? QString() : done.error().text)));
        }

        StorageManager manager(m_fixture.settings());
        AWAIT_OK(prepared, manager.prepare());
        auto applied = rows(raw, u"SELECT \"version\" FROM \"canto_schema\""_s);
        QVERIFY(applied.isOk());
        QCOMPARE(applied.value(), (QList<QStringList>{{u"1"_s}}));
        auto accounts = manager.openKeyValue(m_fixture.host(), u"accounts"_s);
        QVERIFY(accounts.isOk());
        AWAIT_OK(account, accounts.value()->get(u"alice"_s));
        QCOMPARE(account.value().toMap(), (QVariantMap{{u"iteration_count"_s, qint64(4096)}}));
        auto archive = manager.openArchive(m_fixture.host(), u"archive"_s);
        QVERIFY(archive.isOk());
        AWAIT_OK(appended, archive.value()->append(u"alice"_s, u"c1"_s, QVariant(u"new"_s), 1700000000, u"bob@x"_s));
        AWAIT_OK(found, archive.value()->find(u"alice"_s, {}));
        QCOMPARE(found.value().items.size(), 2);
        QCOMPARE(found.value().items[0].key, u"p1"_s);
        QCOMPARE(found.value().items[1].key, u"c1"_s);
    }

    void foreignTableIsAnError()
    {
        QSqlDatabase raw = m_fixture.rawDatabase();
        for (const QString& statement : {u"DROP TABLE \"prosody\""_s, u"DROP TABLE \"canto_schema\""_s,
                                         u"CREATE TABLE \"prosody\" (\"id\" INTEGER, \"data\" TEXT)"_s}) {
            auto done = rows(raw, statement);
            QVERIFY2(done.isOk(), qPrintable(done.isOk() ? QString() : done.error().text));
        }
        StorageManager manager(m_fixture.settings());
        auto prepared = awaitResult(manager.prepare());
        QVERIFY(!prepared.isOk());
        QVERIFY2(prepared.error().text.contains(u"unexpected columns"_s), qPrintable(prepared.error().text));
        // Nothing was recorded or changed.
        auto columns = rows(raw, u"SELECT \"id\", \"data\" FROM \"prosody\""_s);
        QVERIFY(columns.isOk());
    }

    void migrationsRunOnce()
    {
        StorageManager second(m_fixture.settings());
        AWAIT_OK(prepared, second.prepare());
        QSqlDatabase raw = m_fixture.rawDatabase();
        auto applied = rows(raw, u"SELECT COUNT(*) FROM \"canto_schema\""_s);
        QVERIFY(applied.isOk());
        QCOMPARE(applied.value(), (QList<QStringList>{{u"1"_s}}));
    }

private:
    StorageTestFixture m_fixture;
};

QTEST_GUILESS_MAIN(tst_SqlMigrator)
#include "tst_SqlMigrator.moc"
