#include "StorageTestFixture.h"

#include "server/storage/KeyValueStore.h"
#include "server/xmpp/XmlElement.h"

#include <QDateTime>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <cmath>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

XmlElement vcard()
{
    XmlElement element(u"vCard"_s, u"vcard-temp"_s);
    element.addTextChild(u"FN"_s, {}, u"Alice <& Co>"_s);
    element.addChild(u"PHOTO"_s).setAttribute(u"type"_s, u"image/png"_s);
    return element;
}

} // namespace

class tst_KeyValueStore : public QObject
{
    Q_OBJECT

public:
    explicit tst_KeyValueStore(bool sqlOnly = false) : m_sqlOnly(sqlOnly) {}

private Q_SLOTS:
    void initTestCase_data() { StorageTestFixture::addDriverRows(!m_sqlOnly); }
    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        auto ready = m_fixture.setUp(driver);
        QVERIFY2(ready.isOk(), qPrintable(ready.isOk() ? QString() : ready.error().toString()));
        auto store = m_fixture.manager().openKeyValue(m_fixture.host(), u"accounts"_s);
        QVERIFY(store.isOk());
        m_store = store.value();
    }
    void cleanup()
    {
        m_store.reset();
        m_fixture.tearDown();
    }

    void roundTrip_data()
    {
        QTest::addColumn<QVariantMap>("value");
        QTest::addColumn<QVariantMap>("expected");
        const QVariantMap strings{{u"name"_s, u"Älice ☃"_s}, {u"empty"_s, u""_s}};
        QTest::newRow("strings") << strings << strings;
        const QVariantMap numbers{{u"int"_s, qint64(42)},
                                  {u"negative"_s, qint64(-7)},
                                  {u"real"_s, 1.5},
                                  {u"big"_s, qint64(9007199254740993LL)}};
        QTest::newRow("numbers") << numbers << numbers;
        // Lua's tostring(3.0) in "%.14g" is "3": an integral double comes back as an integer.
        QTest::newRow("integral-double") << QVariantMap{{u"n"_s, 3.0}} << QVariantMap{{u"n"_s, qint64(3)}};
        QTest::newRow("int-widens") << QVariantMap{{u"n"_s, 5}} << QVariantMap{{u"n"_s, qint64(5)}};
        const QVariantMap booleans{{u"yes"_s, true}, {u"no"_s, false}};
        QTest::newRow("booleans") << booleans << booleans;
        const QVariantMap json{{u"groups"_s, QVariantList{u"Friends"_s, u"Work"_s}},
                               {u"contact"_s, QVariantMap{{u"name"_s, u"Bob"_s}, {u"subscription"_s, u"both"_s}}}};
        QTest::newRow("json") << json << json;
        const QVariantMap xml{{u"card"_s, QVariant::fromValue(vcard())}};
        QTest::newRow("xml") << xml << xml;
        QTest::newRow("invalid-entries-left-out")
            << QVariantMap{{u"kept"_s, u"x"_s}, {u"dropped"_s, QVariant()}} << QVariantMap{{u"kept"_s, u"x"_s}};
    }
    void roundTrip()
    {
        QFETCH(QVariantMap, value);
        QFETCH(QVariantMap, expected);
        AWAIT_OK(set, m_store->set(u"alice"_s, value));
        AWAIT_OK(got, m_store->get(u"alice"_s));
        QCOMPARE(got.value().toMap(), expected);
    }

    void missingUserHasNoData()
    {
        AWAIT_OK(got, m_store->get(u"nobody"_s));
        QVERIFY(!got.value().isValid());
    }

    void setReplacesWholeMap()
    {
        AWAIT_OK(first, m_store->set(u"alice"_s, QVariantMap{{u"a"_s, 1}, {u"b"_s, 2}}));
        AWAIT_OK(second, m_store->set(u"alice"_s, QVariantMap{{u"c"_s, u"x"_s}}));
        AWAIT_OK(got, m_store->get(u"alice"_s));
        QCOMPARE(got.value().toMap(), (QVariantMap{{u"c"_s, u"x"_s}}));
    }

    void deletes_data()
    {
        QTest::addColumn<QVariant>("deletion");
        QTest::newRow("invalid") << QVariant();
        QTest::newRow("empty-map") << QVariant(QVariantMap());
    }
    void deletes()
    {
        QFETCH(QVariant, deletion);
        AWAIT_OK(set, m_store->set(u"alice"_s, QVariantMap{{u"a"_s, 1}}));
        AWAIT_OK(deleted, m_store->set(u"alice"_s, deletion));
        AWAIT_OK(got, m_store->get(u"alice"_s));
        QVERIFY(!got.value().isValid());
        AWAIT_OK(users, m_store->users());
        QVERIFY(!users.value().contains(u"alice"_s));
    }

    void rejects_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::addColumn<QString>("condition");
        QTest::newRow("string-not-map") << QVariant(u"text"_s) << u"bad-request"_s;
        QTest::newRow("list-not-map") << QVariant(QVariantList{1, 2}) << u"bad-request"_s;
        QTest::newRow("number-not-map") << QVariant(7) << u"bad-request"_s;
        QTest::newRow("empty-key") << QVariant(QVariantMap{{QString(), 1}}) << u"bad-request"_s;
        QTest::newRow("unsupported-type")
            << QVariant(QVariantMap{{u"t"_s, QDateTime::currentDateTimeUtc()}}) << u"bad-request"_s;
        QTest::newRow("nan") << QVariant(QVariantMap{{u"n"_s, std::nan("")}}) << u"bad-request"_s;
        QTest::newRow("nested-xml") << QVariant(QVariantMap{{u"l"_s, QVariantList{QVariant::fromValue(vcard())}}})
                                    << u"bad-request"_s;
    }
    void rejects()
    {
        QFETCH(QVariant, value);
        QFETCH(QString, condition);
        AWAIT_OK(set, m_store->set(u"alice"_s, QVariantMap{{u"old"_s, true}}));
        AWAIT_ERROR(m_store->set(u"alice"_s, value), condition);
        // A refused value leaves the old one in place.
        AWAIT_OK(got, m_store->get(u"alice"_s));
        QCOMPARE(got.value().toMap(), (QVariantMap{{u"old"_s, true}}));
    }

    void users()
    {
        AWAIT_OK(a, m_store->set(u"bob"_s, QVariantMap{{u"x"_s, 1}}));
        AWAIT_OK(b, m_store->set(u"alice"_s, QVariantMap{{u"x"_s, 1}}));
        AWAIT_OK(c, m_store->set(QString(), QVariantMap{{u"host"_s, u"level"_s}}));
        auto other = m_fixture.manager().openKeyValue(m_fixture.host(), u"roster"_s);
        QVERIFY(other.isOk());
        AWAIT_OK(d, other.value()->set(u"carol"_s, QVariantMap{{u"x"_s, 1}}));
        AWAIT_OK(users, m_store->users());
        QCOMPARE(users.value(), (QStringList{QString(), u"alice"_s, u"bob"_s}));
    }

    void hostsAndStoresAreSeparate()
    {
        AWAIT_OK(set, m_store->set(u"alice"_s, QVariantMap{{u"x"_s, 1}}));
        auto otherHost = m_fixture.manager().openKeyValue(u"other."_s + m_fixture.host(), u"accounts"_s);
        auto otherStore = m_fixture.manager().openKeyValue(m_fixture.host(), u"vcard"_s);
        QVERIFY(otherHost.isOk() && otherStore.isOk());
        AWAIT_OK(fromHost, otherHost.value()->get(u"alice"_s));
        AWAIT_OK(fromStore, otherStore.value()->get(u"alice"_s));
        QVERIFY(!fromHost.value().isValid());
        QVERIFY(!fromStore.value().isValid());
    }

    void continuesOnCallerThread()
    {
        QThread* continuedOn = nullptr;
        bool done = false;
        m_store->set(u"alice"_s, QVariantMap{{u"x"_s, 1}}).then(this, [&](Result<void> result) {
            QVERIFY(result.isOk());
            continuedOn = QThread::currentThread();
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(continuedOn, thread());
    }

    void readsProsodyRows()
    {
        QVERIFY(m_fixture.isSql()); // run only for the SQL drivers (see main)
        // Rows exactly as Prosody's mod_storage_sql writes an account (internal_hashed) and an
        // extra row of non-string keys.
        QSqlDatabase raw = m_fixture.rawDatabase();
        QVERIFY(raw.isOpen());
        const QList<QStringList> rows{
            {u"salt"_s, u"string"_s, u"4a0e1b0e-5e1b"_s},
            {u"iteration_count"_s, u"number"_s, u"4096"_s},
            {u"stored_key"_s, u"string"_s, u"d2c7a8f0"_s},
            {u"updated"_s, u"number"_s, u"1700000000.25"_s},
            {u"enabled"_s, u"boolean"_s, u"true"_s},
            {u"roles"_s, u"json"_s, u"{\"prosody:registered\":true}"_s},
            {QString(), u"json"_s, u"{\"extra\":\"x\",\"salt\":\"ignored\"}"_s},
        };
        for (const QStringList& row : rows) {
            QSqlQuery insert(raw);
            QVERIFY(insert.prepare(
                uR"(INSERT INTO "prosody" ("host", "user", "store", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?))"_s));
            for (const QString& value : QStringList{m_fixture.host(), u"alice"_s, u"accounts"_s,
                                                    row[0].isNull() ? u""_s : row[0], row[1], row[2]})
                insert.addBindValue(value);
            QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        }
        AWAIT_OK(got, m_store->get(u"alice"_s));
        const QVariantMap expected{{u"salt"_s, u"4a0e1b0e-5e1b"_s},
                                   {u"iteration_count"_s, qint64(4096)},
                                   {u"stored_key"_s, u"d2c7a8f0"_s},
                                   {u"updated"_s, 1700000000.25},
                                   {u"enabled"_s, true},
                                   {u"roles"_s, QVariantMap{{u"prosody:registered"_s, true}}},
                                   {u"extra"_s, u"x"_s}};
        QCOMPARE(got.value().toMap(), expected);
    }

    void writesProsodyEncodings()
    {
        QVERIFY(m_fixture.isSql()); // run only for the SQL drivers (see main)
        AWAIT_OK(set, m_store->set(u"alice"_s, QVariantMap{{u"s"_s, u"text"_s},
                                                           {u"i"_s, 4096},
                                                           {u"d"_s, 0.1},
                                                           {u"b"_s, false},
                                                           {u"j"_s, QVariantList{1, u"two"_s}},
                                                           {u"x"_s, QVariant::fromValue(vcard())}}));
        QSqlDatabase raw = m_fixture.rawDatabase();
        QSqlQuery query(raw);
        QVERIFY(query.prepare(
            uR"(SELECT "key", "type", "value" FROM "prosody" WHERE "host" = ? AND "user" = ? AND "store" = ?)"_s));
        query.addBindValue(m_fixture.host());
        query.addBindValue(u"alice"_s);
        query.addBindValue(u"accounts"_s);
        QVERIFY2(query.exec(), qPrintable(query.lastError().text()));
        QMap<QString, QPair<QString, QString>> stored;
        while (query.next())
            stored.insert(query.value(0).toString(), {query.value(1).toString(), query.value(2).toString()});
        QCOMPARE(stored.size(), 6);
        QCOMPARE(stored[u"s"_s], qMakePair(u"string"_s, u"text"_s));
        QCOMPARE(stored[u"i"_s], qMakePair(u"number"_s, u"4096"_s));
        QCOMPARE(stored[u"d"_s], qMakePair(u"number"_s, u"0.1"_s));
        QCOMPARE(stored[u"b"_s], qMakePair(u"boolean"_s, u"false"_s));
        QCOMPARE(stored[u"j"_s], qMakePair(u"json"_s, u"[1,\"two\"]"_s));
        QCOMPARE(stored[u"x"_s].first, u"xml"_s);
        QCOMPARE(stored[u"x"_s].second, vcard().toXml());
    }

private:
    bool m_sqlOnly = false;
    StorageTestFixture m_fixture;
    std::shared_ptr<KeyValueStore> m_store;
};

// Tests on raw Prosody rows exist only for SQL databases: they run in a second pass over the
// SQL drivers, the rest over every driver.
int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    return runSplitByDriver<tst_KeyValueStore>(argc, argv, {u"readsProsodyRows"_s, u"writesProsodyEncodings"_s});
}
#include "tst_KeyValueStore.moc"
