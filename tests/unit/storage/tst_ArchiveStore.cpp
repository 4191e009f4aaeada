#include "StorageTestFixture.h"

#include "server/storage/ArchiveStore.h"
#include "server/xmpp/XmlElement.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

Q_DECLARE_METATYPE(Canto::ArchiveQuery)

namespace {

XmlElement message(const QString& body)
{
    XmlElement element(u"message"_s, u"jabber:client"_s);
    element.setAttribute(u"type"_s, u"chat"_s);
    element.addTextChild(u"body"_s, u"jabber:client"_s, body);
    return element;
}

QStringList keysOf(const QList<ArchiveItem>& items)
{
    QStringList keys;
    for (const ArchiveItem& item : items)
        keys.append(item.key);
    return keys;
}

// k1..k6 at when 100..600, with alternating a@x / b@x.
const QStringList AllKeys{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s};

} // namespace

class tst_ArchiveStore : public QObject
{
    Q_OBJECT

public:
    explicit tst_ArchiveStore(bool sqlOnly = false) : m_sqlOnly(sqlOnly) {}

private Q_SLOTS:
    void initTestCase_data() { StorageTestFixture::addDriverRows(!m_sqlOnly); }
    void init()
    {
        QFETCH_GLOBAL(QString, driver);
        auto ready = m_fixture.setUp(driver, [](StorageSettings& settings) { settings.archiveItemLimit = 8; });
        QVERIFY2(ready.isOk(), qPrintable(ready.isOk() ? QString() : ready.error().toString()));
        auto store = m_fixture.manager().openArchive(m_fixture.host(), u"archive"_s);
        QVERIFY(store.isOk());
        m_store = store.value();
    }
    void cleanup()
    {
        m_store.reset();
        m_fixture.tearDown();
    }

    void find_data()
    {
        QTest::addColumn<ArchiveQuery>("query");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("total"); // -1: not asked
        QTest::addColumn<QString>("error");
        auto q = [](auto&& fill) {
            ArchiveQuery query;
            fill(query);
            return query;
        };
        QTest::newRow("all") << ArchiveQuery() << AllKeys << -1 << QString();
        QTest::newRow("reverse") << q([](auto& x) { x.reverse = true; })
                                 << QStringList{u"k6"_s, u"k5"_s, u"k4"_s, u"k3"_s, u"k2"_s, u"k1"_s} << -1
                                 << QString();
        QTest::newRow("limit") << q([](auto& x) { x.limit = 2; }) << QStringList{u"k1"_s, u"k2"_s} << -1 << QString();
        QTest::newRow("reverse-limit") << q([](auto& x) {
            x.reverse = true;
            x.limit = 2;
        }) << QStringList{u"k6"_s, u"k5"_s}
                                       << -1 << QString();
        QTest::newRow("start-inclusive") << q([](auto& x) { x.start = 300; })
                                         << QStringList{u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s} << -1 << QString();
        QTest::newRow("end-inclusive") << q([](auto& x) { x.end = 300; }) << QStringList{u"k1"_s, u"k2"_s, u"k3"_s}
                                       << -1 << QString();
        QTest::newRow("start-end") << q([](auto& x) {
            x.start = 200;
            x.end = 400;
        }) << QStringList{u"k2"_s, u"k3"_s, u"k4"_s}
                                   << -1 << QString();
        QTest::newRow("with") << q([](auto& x) { x.with = u"a@x"_s; }) << QStringList{u"k1"_s, u"k3"_s, u"k5"_s} << -1
                              << QString();
        QTest::newRow("key") << q([](auto& x) { x.key = u"k4"_s; }) << QStringList{u"k4"_s} << -1 << QString();
        QTest::newRow("ids") << q([](auto& x) {
            x.ids = QSet<QString>{u"k5"_s, u"k2"_s, u"nope"_s};
        }) << QStringList{u"k2"_s, u"k5"_s}
                             << -1 << QString();
        QTest::newRow("ids-empty") << q([](auto& x) { x.ids = QSet<QString>(); }) << QStringList() << -1 << QString();
        QTest::newRow("after") << q([](auto& x) { x.after = u"k2"_s; })
                               << QStringList{u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s} << -1 << QString();
        QTest::newRow("before") << q([](auto& x) { x.before = u"k5"_s; })
                                << QStringList{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s} << -1 << QString();
        QTest::newRow("after-before") << q([](auto& x) {
            x.after = u"k2"_s;
            x.before = u"k5"_s;
        }) << QStringList{u"k3"_s, u"k4"_s}
                                      << -1 << QString();
        QTest::newRow("after-limit") << q([](auto& x) {
            x.after = u"k2"_s;
            x.limit = 2;
        }) << QStringList{u"k3"_s, u"k4"_s}
                                     << -1 << QString();
        QTest::newRow("last-page") << q([](auto& x) {
            x.before = u"k5"_s;
            x.reverse = true;
            x.limit = 2;
        }) << QStringList{u"k4"_s, u"k3"_s}
                                   << -1 << QString();
        QTest::newRow("after-with-other-partner") << q([](auto& x) {
            x.with = u"a@x"_s;
            x.after = u"k2"_s; // an item of b@x still positions the page
        }) << QStringList{u"k3"_s, u"k5"_s} << -1 << QString();
        QTest::newRow("after-unknown") << q([](auto& x) { x.after = u"nope"_s; }) << QStringList() << -1
                                       << u"item-not-found"_s;
        QTest::newRow("before-unknown") << q([](auto& x) { x.before = u"nope"_s; }) << QStringList() << -1
                                        << u"item-not-found"_s;
        QTest::newRow("total") << q([](auto& x) {
            x.total = true;
            x.limit = 2;
        }) << QStringList{u"k1"_s, u"k2"_s}
                               << 6 << QString();
        QTest::newRow("total-before-paging") << q([](auto& x) {
            x.total = true;
            x.with = u"a@x"_s;
            x.after = u"k1"_s;
        }) << QStringList{u"k3"_s, u"k5"_s} << 3
                                             << QString();
        QTest::newRow("total-limit-0") << q([](auto& x) {
            x.total = true;
            x.limit = 0;
        }) << QStringList() << 6 << QString();
        QTest::newRow("limit-0") << q([](auto& x) { x.limit = 0; }) << QStringList() << -1 << QString();
        QTest::newRow("negative-limit") << q([](auto& x) { x.limit = -1; }) << QStringList() << -1 << u"bad-request"_s;
    }
    void find()
    {
        QFETCH(ArchiveQuery, query);
        QFETCH(QStringList, expected);
        QFETCH(int, total);
        QFETCH(QString, error);
        fill(u"alice"_s);
        fill(u"bob"_s); // must not leak into alice's results
        if (QTest::currentTestFailed())
            return;
        if (!error.isEmpty()) {
            AWAIT_ERROR(m_store->find(u"alice"_s, query), error);
            return;
        }
        AWAIT_OK(found, m_store->find(u"alice"_s, query));
        QCOMPARE(keysOf(found.value().items), expected);
        QCOMPARE(found.value().total.value_or(-1), total);
    }

    void itemsKeepTheirFields()
    {
        AWAIT_OK(appended, m_store->append(u"alice"_s, u"id1"_s, QVariant::fromValue(message(u"hi <there>"_s)),
                                           1700000000, u"bob@example.com"_s));
        QCOMPARE(appended.value(), u"id1"_s);
        AWAIT_OK(item, m_store->get(u"alice"_s, u"id1"_s));
        QCOMPARE(item.value().key, u"id1"_s);
        QCOMPARE(item.value().when, qint64(1700000000));
        QCOMPARE(item.value().with, u"bob@example.com"_s);
        QCOMPARE(item.value().value.value<XmlElement>(), message(u"hi <there>"_s));
    }

    void plainValues_data()
    {
        QTest::addColumn<QVariant>("value");
        QTest::newRow("string") << QVariant(u"text"_s);
        QTest::newRow("map") << QVariant(QVariantMap{{u"a"_s, u"b"_s}});
        QTest::newRow("number") << QVariant(qint64(12));
    }
    void plainValues()
    {
        QFETCH(QVariant, value);
        AWAIT_OK(appended, m_store->append(u"alice"_s, u"v"_s, value, 1, QString()));
        AWAIT_OK(item, m_store->get(u"alice"_s, u"v"_s));
        QCOMPARE(item.value().value, value);
    }

    void getMissing() { AWAIT_ERROR(m_store->get(u"alice"_s, u"nope"_s), u"item-not-found"_s); }

    void generatedKeys()
    {
        AWAIT_OK(first, m_store->append(u"alice"_s, QString(), QVariant(u"a"_s), 1, QString()));
        AWAIT_OK(second, m_store->append(u"alice"_s, QString(), QVariant(u"b"_s), 2, QString()));
        static const QRegularExpression uuidV7(
            u"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"_s);
        QVERIFY2(uuidV7.match(first.value()).hasMatch(), qPrintable(first.value()));
        QVERIFY(first.value() != second.value());
        AWAIT_OK(item, m_store->get(u"alice"_s, second.value()));
        QCOMPARE(item.value().value, QVariant(u"b"_s));
    }

    void appendReplacesExistingKey()
    {
        fill(u"alice"_s);
        AWAIT_OK(replaced, m_store->append(u"alice"_s, u"k2"_s, QVariant(u"new"_s), 900, u"c@x"_s));
        ArchiveQuery all;
        all.total = true;
        AWAIT_OK(found, m_store->find(u"alice"_s, all));
        // Replacing deletes and inserts: the item moves to the end of the order.
        QCOMPARE(keysOf(found.value().items), (QStringList{u"k1"_s, u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s, u"k2"_s}));
        QCOMPARE(found.value().total, std::optional<int>(6));
        QCOMPARE(found.value().items.last().value, QVariant(u"new"_s));
        QCOMPARE(found.value().items.last().with, u"c@x"_s);
    }

    void deleteItems_data()
    {
        QTest::addColumn<ArchiveQuery>("query");
        QTest::addColumn<QStringList>("remaining");
        QTest::addColumn<QString>("error");
        auto q = [](auto&& fill) {
            ArchiveQuery query;
            fill(query);
            return query;
        };
        QTest::newRow("all") << ArchiveQuery() << QStringList() << QString();
        QTest::newRow("with") << q([](auto& x) { x.with = u"a@x"_s; }) << QStringList{u"k2"_s, u"k4"_s, u"k6"_s}
                              << QString();
        QTest::newRow("end") << q([](auto& x) { x.end = 200; }) << QStringList{u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s}
                             << QString();
        QTest::newRow("key") << q([](auto& x) { x.key = u"k3"_s; })
                             << QStringList{u"k1"_s, u"k2"_s, u"k4"_s, u"k5"_s, u"k6"_s} << QString();
        QTest::newRow("before") << q([](auto& x) { x.before = u"k3"_s; })
                                << QStringList{u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s} << QString();
        QTest::newRow("truncate-keeps-newest")
            << q([](auto& x) { x.truncate = 2; }) << QStringList{u"k5"_s, u"k6"_s} << QString();
        QTest::newRow("truncate-reverse-keeps-oldest") << q([](auto& x) {
            x.truncate = 2;
            x.reverse = true;
        }) << QStringList{u"k1"_s, u"k2"_s} << QString();
        QTest::newRow("truncate-with") << q([](auto& x) {
            x.truncate = 1;
            x.with = u"a@x"_s;
        }) << QStringList{u"k2"_s, u"k4"_s, u"k5"_s, u"k6"_s}
                                       << QString();
        QTest::newRow("truncate-zero") << q([](auto& x) { x.truncate = 0; }) << QStringList() << QString();
        QTest::newRow("truncate-large") << q([](auto& x) { x.truncate = 100; }) << AllKeys << QString();
        QTest::newRow("after-unknown") << q([](auto& x) { x.after = u"nope"_s; }) << AllKeys << u"item-not-found"_s;
    }
    void deleteItems()
    {
        QFETCH(ArchiveQuery, query);
        QFETCH(QStringList, remaining);
        QFETCH(QString, error);
        fill(u"alice"_s);
        fill(u"bob"_s);
        if (QTest::currentTestFailed())
            return;
        if (!error.isEmpty()) {
            AWAIT_ERROR(m_store->deleteItems(u"alice"_s, query), error);
        } else {
            AWAIT_OK(deleted, m_store->deleteItems(u"alice"_s, query));
            QCOMPARE(deleted.value(), int(AllKeys.size() - remaining.size()));
        }
        AWAIT_OK(left, m_store->find(u"alice"_s, {}));
        QCOMPARE(keysOf(left.value().items), remaining);
        AWAIT_OK(bobs, m_store->find(u"bob"_s, {}));
        QCOMPARE(keysOf(bobs.value().items), AllKeys);
    }

    void quota()
    {
        // init() set storage_archive_item_limit to 8.
        for (int i = 0; i < 8; ++i) {
            AWAIT_OK(appended, m_store->append(u"alice"_s, u"q%1"_s.arg(i), QVariant(i), i, QString()));
        }
        AWAIT_ERROR(m_store->append(u"alice"_s, QString(), QVariant(u"x"_s), 9, QString()), u"quota-limit"_s);
        // As Prosody: replacing an item is refused too when the archive is full.
        AWAIT_ERROR(m_store->append(u"alice"_s, u"q0"_s, QVariant(u"x"_s), 9, QString()), u"quota-limit"_s);
        AWAIT_OK(other, m_store->append(u"bob"_s, QString(), QVariant(u"x"_s), 9, QString()));
        ArchiveQuery oldest;
        oldest.truncate = 6;
        AWAIT_OK(deleted, m_store->deleteItems(u"alice"_s, oldest));
        QCOMPARE(deleted.value(), 2);
        AWAIT_OK(again, m_store->append(u"alice"_s, QString(), QVariant(u"x"_s), 9, QString()));
    }

    void users()
    {
        fill(u"bob"_s);
        fill(u"alice"_s);
        AWAIT_OK(host, m_store->append(QString(), QString(), QVariant(u"host-level"_s), 1, QString()));
        auto otherStore = m_fixture.manager().openArchive(m_fixture.host(), u"muc_log"_s);
        QVERIFY(otherStore.isOk());
        AWAIT_OK(other, otherStore.value()->append(u"carol"_s, QString(), QVariant(u"x"_s), 1, QString()));
        AWAIT_OK(users, m_store->users());
        QCOMPARE(users.value(), (QStringList{QString(), u"alice"_s, u"bob"_s}));
        AWAIT_OK(hostItems, m_store->find(QString(), {}));
        QCOMPARE(hostItems.value().items.size(), 1);
    }

    void readsProsodyRows()
    {
        QVERIFY(m_fixture.isSql()); // run only for the SQL drivers (see main)
        // An archived stanza as mod_mam + mod_storage_sql write it.
        QSqlDatabase raw = m_fixture.rawDatabase();
        QSqlQuery insert(raw);
        QVERIFY(insert.prepare(
            uR"(INSERT INTO "prosodyarchive" ("host", "user", "store", "when", "with", "key", "type", "value") VALUES (?, ?, ?, ?, ?, ?, ?, ?))"_s));
        const QVariantList values{m_fixture.host(),
                                  u"alice"_s,
                                  u"archive"_s,
                                  1700000000,
                                  u"bob@example.com"_s,
                                  u"0190a1b2-0000-7000-8000-000000000001"_s,
                                  u"xml"_s,
                                  u"<message xmlns='jabber:client' type='chat' to='alice@example.com' "
                                  "from='bob@example.com/phone'><body>Hello &amp; welcome</body>"
                                  "<stanza-id xmlns='urn:xmpp:sid:0' by='alice@example.com' id='x'/></message>"_s};
        for (const QVariant& value : values)
            insert.addBindValue(value);
        QVERIFY2(insert.exec(), qPrintable(insert.lastError().text()));
        AWAIT_OK(item, m_store->get(u"alice"_s, u"0190a1b2-0000-7000-8000-000000000001"_s));
        const XmlElement stanza = item.value().value.value<XmlElement>();
        QCOMPARE(stanza.name(), u"message"_s);
        QCOMPARE(stanza.xmlns(), u"jabber:client"_s);
        QCOMPARE(stanza.attribute(u"from"), u"bob@example.com/phone"_s);
        QCOMPARE(stanza.childText(u"body", u"jabber:client"), u"Hello & welcome"_s);
        QVERIFY(stanza.firstChild(u"stanza-id", u"urn:xmpp:sid:0"));
        QCOMPARE(item.value().when, qint64(1700000000));
        QCOMPARE(item.value().with, u"bob@example.com"_s);
    }

private:
    void fill(const QString& user)
    {
        for (int i = 0; i < AllKeys.size(); ++i) {
            auto appended = awaitResult(m_store->append(user, AllKeys[i], QVariant::fromValue(message(AllKeys[i])),
                                                        (i + 1) * 100, i % 2 == 0 ? u"a@x"_s : u"b@x"_s));
            QVERIFY2(appended.isOk(), qPrintable(appended.isOk() ? QString() : appended.error().toString()));
        }
    }

    bool m_sqlOnly = false;
    StorageTestFixture m_fixture;
    std::shared_ptr<ArchiveStore> m_store;
};

// Tests on raw Prosody rows exist only for SQL databases: they run in a second pass over the
// SQL drivers, the rest over every driver.
int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    return runSplitByDriver<tst_ArchiveStore>(argc, argv, {u"readsProsodyRows"_s});
}
#include "tst_ArchiveStore.moc"
