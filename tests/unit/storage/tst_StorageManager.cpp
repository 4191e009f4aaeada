#include "server/storage/StorageManager.h"

#include "StorageTestFixture.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

using DriverTable = QHash<QString, QString>;

class tst_StorageManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void driverFor_data()
    {
        QTest::addColumn<QString>("storage");   // `storage = "..."` (string form)
        QTest::addColumn<DriverTable>("table"); // `storage = { ... }` (table form)
        QTest::addColumn<QString>("defaultStorage");
        QTest::addColumn<QString>("store");
        QTest::addColumn<QString>("expected");
        const QHash<QString, QString> none;
        QTest::newRow("canto-default") << QString() << none << QString() << u"roster"_s << u"sql"_s;
        QTest::newRow("string") << u"memory"_s << none << QString() << u"roster"_s << u"memory"_s;
        QTest::newRow("table-hit") << QString() << QHash<QString, QString>{{u"roster"_s, u"memory"_s}} << QString()
                                   << u"roster"_s << u"memory"_s;
        QTest::newRow("table-miss-default-sql")
            << QString() << QHash<QString, QString>{{u"roster"_s, u"memory"_s}} << QString() << u"vcard"_s << u"sql"_s;
        QTest::newRow("table-miss-default-storage") << QString() << QHash<QString, QString>{{u"roster"_s, u"sql"_s}}
                                                    << u"memory"_s << u"vcard"_s << u"memory"_s;
        QTest::newRow("default-storage") << QString() << none << u"memory"_s << u"vcard"_s << u"memory"_s;
    }
    void driverFor()
    {
        QFETCH(QString, storage);
        QFETCH(DriverTable, table);
        QFETCH(QString, defaultStorage);
        QFETCH(QString, store);
        QFETCH(QString, expected);
        StorageSettings settings;
        settings.driver = storage;
        settings.storeDrivers = table;
        settings.defaultDriver = defaultStorage;
        QCOMPARE(settings.driverFor(store), expected);
    }

    void unknownDriverIsAnError_data()
    {
        QTest::addColumn<QString>("type");
        QTest::newRow("keyval") << u"keyval"_s;
        QTest::newRow("map") << u"map"_s;
        QTest::newRow("archive") << u"archive"_s;
    }
    void unknownDriverIsAnError()
    {
        QFETCH(QString, type);
        StorageSettings settings;
        settings.storeDrivers = {{u"roster"_s, u"internal"_s}};
        settings.driver = u"memory"_s;
        StorageManager manager(settings);
        QString error;
        if (type == u"keyval") {
            auto store = manager.openKeyValue(u"example.com"_s, u"roster"_s);
            QVERIFY(!store.isOk());
            error = store.error().text;
            QVERIFY(manager.openKeyValue(u"example.com"_s, u"vcard"_s).isOk());
        } else if (type == u"map") {
            auto store = manager.openMap(u"example.com"_s, u"roster"_s);
            QVERIFY(!store.isOk());
            error = store.error().text;
        } else {
            auto store = manager.openArchive(u"example.com"_s, u"roster"_s);
            QVERIFY(!store.isOk());
            error = store.error().text;
        }
        QVERIFY2(error.contains(u"\"internal\""_s), qPrintable(error));
    }

    void parseStoreType_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("type");
        QTest::newRow("default") << QString() << true << int(StorageManager::StoreType::KeyValue);
        QTest::newRow("keyval") << u"keyval"_s << true << int(StorageManager::StoreType::KeyValue);
        QTest::newRow("map") << u"map"_s << true << int(StorageManager::StoreType::Map);
        QTest::newRow("archive") << u"archive"_s << true << int(StorageManager::StoreType::Archive);
        QTest::newRow("unknown") << u"keyval+"_s << false << 0;
    }
    void parseStoreType()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QFETCH(int, type);
        auto parsed = StorageManager::parseStoreType(name);
        QCOMPARE(parsed.isOk(), valid);
        if (valid)
            QCOMPARE(int(parsed.value()), type);
    }

    void badSqlSettingsFailPrepare_data()
    {
        QTest::addColumn<QString>("sqlDriver");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("expectedText");
        QTest::newRow("unknown-engine") << u"Oracle"_s << u"x"_s << u"unknown sql driver"_s;
        QTest::newRow("unopenable-sqlite")
            << u"SQLite3"_s << u"/nonexistent/dir/canto.sqlite"_s << u"cannot open the SQLite3 database"_s;
    }
    void badSqlSettingsFailPrepare()
    {
        QFETCH(QString, sqlDriver);
        QFETCH(QString, database);
        QFETCH(QString, expectedText);
        StorageSettings settings;
        settings.sql.driver = sqlDriver;
        settings.sql.database = database;
        StorageManager manager(settings);
        auto prepared = awaitResult(manager.prepare());
        QVERIFY(!prepared.isOk());
        QVERIFY2(prepared.error().text.contains(expectedText), qPrintable(prepared.error().text));
        // The stores opened on it report the same error instead of hanging.
        auto store = manager.openKeyValue(u"example.com"_s, u"roster"_s);
        QVERIFY(store.isOk());
        auto got = awaitResult(store.value()->get(u"alice"_s));
        QVERIFY(!got.isOk());
        QCOMPARE(got.error().condition, u"internal-server-error"_s);
    }

    void storesOutliveTheManager()
    {
        QTemporaryDir directory;
        StorageSettings settings;
        settings.dataPath = directory.path();
        std::shared_ptr<KeyValueStore> store;
        {
            StorageManager manager(settings);
            auto opened = manager.openKeyValue(u"example.com"_s, u"roster"_s);
            QVERIFY(opened.isOk());
            store = opened.value();
        }
        AWAIT_OK(set, store->set(u"alice"_s, QVariantMap{{u"a"_s, 1}}));
        AWAIT_OK(got, store->get(u"alice"_s));
        QCOMPARE(got.value().toMap(), (QVariantMap{{u"a"_s, qint64(1)}}));
    }
};

QTEST_GUILESS_MAIN(tst_StorageManager)
#include "tst_StorageManager.moc"
