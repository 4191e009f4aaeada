#include "StorageTestFixture.h"

#include "server/storage/KeyValueStore.h"
#include "server/storage/MapStore.h"
#include "server/xmpp/XmlElement.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_MapStore : public QObject
{
    Q_OBJECT

public:
    explicit tst_MapStore(bool sqlOnly = false) : m_sqlOnly(sqlOnly) {}

private Q_SLOTS:
    void initTestCase_data() { StorageTestFixture::addDriverRows(!m_sqlOnly); }
    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        auto ready = m_fixture.setUp(driver);
        QVERIFY2(ready.isOk(), qPrintable(ready.isOk() ? QString() : ready.error().toString()));
        auto store = m_fixture.manager().openMap(m_fixture.host(), u"cron"_s);
        QVERIFY(store.isOk());
        m_store = store.value();
    }
    void cleanup()
    {
        m_store.reset();
        m_fixture.tearDown();
    }

    void setAndGet_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QVariant>("expected");
        QTest::newRow("string") << QVariant(u"hello"_s) << QVariant(u"hello"_s);
        QTest::newRow("empty-string") << QVariant(u""_s) << QVariant(u""_s);
        QTest::newRow("integer") << QVariant(qint64(1700000000)) << QVariant(qint64(1700000000));
        QTest::newRow("real") << QVariant(2.5) << QVariant(2.5);
        QTest::newRow("boolean") << QVariant(true) << QVariant(true);
        QTest::newRow("map") << QVariant(QVariantMap{{u"a"_s, u"b"_s}}) << QVariant(QVariantMap{{u"a"_s, u"b"_s}});
        QTest::newRow("list") << QVariant(QVariantList{u"a"_s, true}) << QVariant(QVariantList{u"a"_s, true});
        XmlElement element(u"storage"_s, u"storage:bookmarks"_s);
        element.addChild(u"conference"_s).setAttribute(u"jid"_s, u"room@muc.example"_s);
        QTest::newRow("xml") << QVariant::fromValue(element) << QVariant::fromValue(element);
    }
    void setAndGet()
    {
        QFETCH(QVariant, value);
        QFETCH(QVariant, expected);
        AWAIT_OK(set, m_store->set(u"alice"_s, u"last"_s, value));
        AWAIT_OK(got, m_store->get(u"alice"_s, u"last"_s));
        QCOMPARE(got.value(), expected);
        AWAIT_OK(other, m_store->get(u"bob"_s, u"last"_s));
        QVERIFY(!other.value().isValid());
    }

    void missingKey()
    {
        AWAIT_OK(set, m_store->set(u"alice"_s, u"a"_s, 1));
        AWAIT_OK(got, m_store->get(u"alice"_s, u"b"_s));
        QVERIFY(!got.value().isValid());
    }

    void invalidValueDeletes()
    {
        AWAIT_OK(set, m_store->set(u"alice"_s, u"a"_s, 1));
        AWAIT_OK(deleted, m_store->set(u"alice"_s, u"a"_s, QVariant()));
        AWAIT_OK(got, m_store->get(u"alice"_s, u"a"_s));
        QVERIFY(!got.value().isValid());
    }

    void setKeys()
    {
        AWAIT_OK(first, m_store->setKeys(u"alice"_s, {{u"a"_s, 1}, {u"b"_s, 2}, {u"c"_s, 3}}));
        AWAIT_OK(second, m_store->setKeys(u"alice"_s, {{u"a"_s, u"one"_s}, {u"b"_s, QVariant()}}));
        AWAIT_OK(a, m_store->get(u"alice"_s, u"a"_s));
        AWAIT_OK(b, m_store->get(u"alice"_s, u"b"_s));
        AWAIT_OK(c, m_store->get(u"alice"_s, u"c"_s));
        QCOMPARE(a.value(), QVariant(u"one"_s));
        QVERIFY(!b.value().isValid());
        QCOMPARE(c.value(), QVariant(qint64(3)));
    }

    void setKeysIsAtomic()
    {
        AWAIT_OK(first, m_store->setKeys(u"alice"_s, {{u"a"_s, 1}}));
        AWAIT_ERROR(m_store->setKeys(u"alice"_s, {{u"a"_s, 2}, {u"z"_s, QDateTime::currentDateTimeUtc()}}),
                    u"bad-request"_s);
        AWAIT_OK(a, m_store->get(u"alice"_s, u"a"_s));
        QCOMPARE(a.value(), QVariant(qint64(1)));
    }

    void getAll()
    {
        AWAIT_OK(a, m_store->set(u"alice"_s, u"seen"_s, 10));
        AWAIT_OK(b, m_store->set(u"bob"_s, u"seen"_s, 20));
        AWAIT_OK(h, m_store->set(QString(), u"seen"_s, 30));
        AWAIT_OK(c, m_store->set(u"carol"_s, u"other"_s, 40));
        auto otherHost = m_fixture.manager().openMap(u"x."_s + m_fixture.host(), u"cron"_s);
        QVERIFY(otherHost.isOk());
        AWAIT_OK(x, otherHost.value()->set(u"dave"_s, u"seen"_s, 50));
        AWAIT_OK(all, m_store->getAll(u"seen"_s));
        const QHash<QString, QVariant> expected{
            {u"alice"_s, qint64(10)}, {u"bob"_s, qint64(20)}, {QString(), qint64(30)}};
        QCOMPARE(all.value(), expected);
    }

    void deleteAll()
    {
        AWAIT_OK(a, m_store->setKeys(u"alice"_s, {{u"seen"_s, 1}, {u"kept"_s, 2}}));
        AWAIT_OK(b, m_store->set(u"bob"_s, u"seen"_s, 3));
        AWAIT_OK(deleted, m_store->deleteAll(u"seen"_s));
        AWAIT_OK(all, m_store->getAll(u"seen"_s));
        QVERIFY(all.value().isEmpty());
        AWAIT_OK(kept, m_store->get(u"alice"_s, u"kept"_s));
        QCOMPARE(kept.value(), QVariant(qint64(2)));
    }

    void emptyKeysAreRefused()
    {
        AWAIT_ERROR(m_store->get(u"alice"_s, QString()), u"bad-request"_s);
        AWAIT_ERROR(m_store->set(u"alice"_s, QString(), 1), u"bad-request"_s);
        AWAIT_ERROR(m_store->setKeys(u"alice"_s, {{QString(), 1}}), u"bad-request"_s);
        AWAIT_ERROR(m_store->getAll(QString()), u"bad-request"_s);
        AWAIT_ERROR(m_store->deleteAll(QString()), u"bad-request"_s);
    }

    void sharesRowsWithKeyval()
    {
        // As in Prosody, a map store and a keyval store of the same name are the same rows.
        AWAIT_OK(set, m_store->setKeys(u"alice"_s, {{u"a"_s, 1}, {u"b"_s, u"x"_s}}));
        auto keyval = m_fixture.manager().openKeyValue(m_fixture.host(), u"cron"_s);
        QVERIFY(keyval.isOk());
        AWAIT_OK(got, keyval.value()->get(u"alice"_s));
        QCOMPARE(got.value().toMap(), (QVariantMap{{u"a"_s, qint64(1)}, {u"b"_s, u"x"_s}}));
        AWAIT_OK(replaced, keyval.value()->set(u"alice"_s, QVariantMap{{u"c"_s, true}}));
        AWAIT_OK(a, m_store->get(u"alice"_s, u"a"_s));
        AWAIT_OK(c, m_store->get(u"alice"_s, u"c"_s));
        QVERIFY(!a.value().isValid());
        QCOMPARE(c.value(), QVariant(true));
    }

    void readsProsodyRows_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QVariant>("expected");
        QTest::newRow("string") << u"string"_s << u"abc"_s << QVariant(u"abc"_s);
        QTest::newRow("integer") << u"number"_s << u"1700000000"_s << QVariant(qint64(1700000000));
        QTest::newRow("lua54-float") << u"number"_s << u"3.0"_s << QVariant(3.0);
        QTest::newRow("exponent") << u"number"_s << u"1e+20"_s << QVariant(1e20);
        QTest::newRow("boolean") << u"boolean"_s << u"false"_s << QVariant(false);
        QTest::newRow("json") << u"json"_s << u"{\"a\":[1,2]}"_s
                              << QVariant(QVariantMap{{u"a"_s, QVariantList{qint64(1), qint64(2)}}});
        XmlElement element(u"x"_s, u"jabber:x:data"_s);
        element.setAttribute(u"type"_s, u"result"_s);
        QTest::newRow("xml") << u"xml"_s << u"<x xmlns='jabber:x:data' type='result'/>"_s
                             << QVariant::fromValue(element);
    }
    void readsProsodyRows()
    {
        QFETCH(QString, type);
        QFETCH(QString, text);
        QFETCH(QVariant, expected);
        QVERIFY(m_fixture.isSql()); // run only for the SQL drivers (see main)
        QSqlDatabase raw = m_fixture.rawDatabase();
        QSqlQuery insert(raw);
        QVERIFY(insert.prepare(
            uR"(INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?))"_s));
        for (const QString& value : {m_fixture.host(), u"alice"_s, u"cron"_s, u"k"_s, type, text})
            insert.addBindValue(value);
        QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        AWAIT_OK(got, m_store->get(u"alice"_s, u"k"_s));
        QCOMPARE(got.value(), expected);
    }

    void malformedStoredValueIsAnError()
    {
        QVERIFY(m_fixture.isSql()); // run only for the SQL drivers (see main)
        QSqlDatabase raw = m_fixture.rawDatabase();
        QSqlQuery insert(raw);
        QVERIFY(insert.prepare(
            uR"(INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?))"_s));
        for (const QString& value : {m_fixture.host(), u"alice"_s, u"cron"_s, u"k"_s, u"boolean"_s, u"yes"_s})
            insert.addBindValue(value);
        QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        AWAIT_ERROR(m_store->get(u"alice"_s, u"k"_s), u"internal-server-error"_s);
    }

private:
    bool m_sqlOnly = false;
    StorageTestFixture m_fixture;
    std::shared_ptr<MapStore> m_store;
};

// Tests on raw Prosody rows exist only for SQL databases: they run in a second pass over the
// SQL drivers, the rest over every driver.
int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    return runSplitByDriver<tst_MapStore>(argc, argv, {u"readsProsodyRows"_s, u"malformedStoredValueIsAnError"_s});
}
#include "tst_MapStore.moc"
