#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString ServerConfig = u"modules_enabled = { \"vcard\" }\nVirtualHost \"a.test\"\n"_s;
const QString AliceVcard = u"<vCard xmlns='vcard-temp'><FN>Alice</FN><N><GIVEN>Alice</GIVEN></N>"
                           u"<NOTE xml:lang='en'>a &amp; b</NOTE><X/></vCard>"_s;

QString error(const QString& from, const QString& to, const QString& type, const QString& condition)
{
    const QString fromAttribute = from.isEmpty() ? QString() : u" from='%1'"_s.arg(from);
    return u"<iq type='error' id='v1'%1 to='%2'><error type='%3'><%4 "
           u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s.arg(fromAttribute, to, type, condition);
}

// Sends `xml` and waits for exactly one reply.
QList<XmlElement> exchange(TestClient& client, const QString& xml)
{
    client.takeReceived();
    client.send(xml);
    if (!QTest::qWaitFor([&client] { return !client.received().isEmpty(); }, 5000)) {
        return {};
    }
    return client.takeReceived();
}

// The rows of the "vcard" store in a SQLite file, as "key|type|value".
QStringList storedRows(const QString& file, const QString& user)
{
    QStringList rows;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"inspect"_s);
        db.setDatabaseName(file);
        if (db.open()) {
            QSqlQuery query(db);
            query.prepare(u"SELECT \"key\", \"type\", \"value\" FROM \"prosody\" WHERE \"host\"='a.test' AND "
                          u"\"user\"=? AND \"store\"='vcard' ORDER BY \"key\""_s);
            query.addBindValue(user);
            query.exec();
            while (query.next()) {
                rows << query.value(0).toString() + u'|' + query.value(1).toString() + u'|' + query.value(2).toString();
            }
        }
    }
    QSqlDatabase::removeDatabase(u"inspect"_s);
    return rows;
}

bool execute(const QString& file, const QStringList& statements)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"writer"_s);
        db.setDatabaseName(file);
        ok = db.open();
        for (const QString& statement : statements) {
            QSqlQuery query(db);
            if (ok && !query.exec(statement)) {
                qWarning() << query.lastError().text();
                ok = false;
            }
        }
    }
    QSqlDatabase::removeDatabase(u"writer"_s);
    return ok;
}

// A Canto database with its tables (they are created when storage is first used).
void createSchema(const QString& file)
{
    TestServer schema(ServerConfig, TestServer::Options{.sqliteFile = file});
    auto alice = schema.login(u"alice"_s, u"a.test"_s);
    exchange(*alice, u"<iq type='get' id='g'><vCard xmlns='vcard-temp'/></iq>"_s);
}

} // namespace

class tst_VcardModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requests_data()
    {
        QTest::addColumn<bool>("aliceHasVcard");
        QTest::addColumn<QString>("sender");
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("expected");

        const QString get = u"<iq type='get' id='v1'%1><vCard xmlns='vcard-temp'/></iq>"_s;
        const QString set = u"<iq type='set' id='v1'%1><vCard xmlns='vcard-temp'><FN>X</FN></vCard></iq>"_s;
        QTest::newRow("own-get") << true << u"alice"_s << get.arg(QString())
                                 << u"<iq type='result' id='v1' to='alice@a.test/test'>%1</iq>"_s.arg(AliceVcard);
        QTest::newRow("own-get-to-own-bare-jid")
            << true << u"alice"_s << get.arg(u" to='alice@a.test'"_s)
            << u"<iq type='result' id='v1' to='alice@a.test/test'>%1</iq>"_s.arg(AliceVcard);
        QTest::newRow("other-user-get") << true << u"bob"_s << get.arg(u" to='alice@a.test'"_s)
                                        << u"<iq type='result' id='v1' from='alice@a.test' "
                                           u"to='bob@a.test/test'>%1</iq>"_s.arg(AliceVcard);
        QTest::newRow("own-get-none") << false << u"alice"_s << get.arg(QString())
                                      << error(QString(), u"alice@a.test/test"_s, u"cancel"_s, u"item-not-found"_s);
        QTest::newRow("other-user-get-none")
            << true << u"alice"_s << get.arg(u" to='bob@a.test'"_s)
            << error(u"bob@a.test"_s, u"alice@a.test/test"_s, u"cancel"_s, u"item-not-found"_s);
        QTest::newRow("host-get-none") << true << u"alice"_s << get.arg(u" to='a.test'"_s)
                                       << error(u"a.test"_s, u"alice@a.test/test"_s, u"cancel"_s, u"item-not-found"_s);
        QTest::newRow("set-other-user-forbidden")
            << true << u"bob"_s << set.arg(u" to='alice@a.test'"_s)
            << error(u"alice@a.test"_s, u"bob@a.test/test"_s, u"auth"_s, u"forbidden"_s);
        QTest::newRow("set-host-forbidden") << true << u"bob"_s << set.arg(u" to='a.test'"_s)
                                            << error(u"a.test"_s, u"bob@a.test/test"_s, u"auth"_s, u"forbidden"_s);
        QTest::newRow("set-own") << false << u"bob"_s << set.arg(QString())
                                 << u"<iq type='result' id='v1' to='bob@a.test/test'/>"_s;
    }
    void requests()
    {
        QFETCH(bool, aliceHasVcard);
        QFETCH(QString, sender);
        QFETCH(QString, request);
        QFETCH(QString, expected);

        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        if (aliceHasVcard) {
            QCOMPARE(TestXml::canonical(exchange(*alice, u"<iq type='set' id='s1'>%1</iq>"_s.arg(AliceVcard))),
                     TestXml::canonical(u"<iq type='result' id='s1' to='alice@a.test/test'/>"_s));
        }
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        TestClient& client = sender == u"alice"_s ? *alice : *bob;
        QCOMPARE(TestXml::canonical(exchange(client, request)), TestXml::canonical(expected));
    }

    void setReplacesAndEmptyVcardReadsBackEmpty()
    {
        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        exchange(*alice, u"<iq type='set' id='s1'>%1</iq>"_s.arg(AliceVcard));
        exchange(*alice, u"<iq type='set' id='s2'><vCard xmlns='vcard-temp'/></iq>"_s);
        QCOMPARE(
            TestXml::canonical(exchange(*alice, u"<iq type='get' id='g'><vCard xmlns='vcard-temp'/></iq>"_s)),
            TestXml::canonical(u"<iq type='result' id='g' to='alice@a.test/test'><vCard xmlns='vcard-temp'/></iq>"_s));
    }

    void sizeLimit_data()
    {
        QTest::addColumn<QString>("option"); // the vcard_max_size line ("" = unset)
        QTest::addColumn<int>("noteLength");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QString>("warning"); // expected log warning ("error:..." critical; "" = none)

        QTest::newRow("default-small") << QString() << 1000 << true << QString();
        QTest::newRow("default-allows-200k") << QString() << 200 * 1024 << true << QString();
        QTest::newRow("limit-fits") << u"vcard_max_size = 2048"_s << 1500 << true << QString();
        QTest::newRow("limit-exceeded") << u"vcard_max_size = 2048"_s << 2100 << false << QString();
        QTest::newRow("below-minimum-clamped-to-1024")
            << u"vcard_max_size = 10"_s << 900 << true << u"vcard_max_size"_s;
        QTest::newRow("not-a-number-uses-default")
            << u"vcard_max_size = \"big\""_s << 100 * 1024 << true << u"error:vcard_max_size"_s;
    }
    void sizeLimit()
    {
        QFETCH(QString, option);
        QFETCH(int, noteLength);
        QFETCH(bool, accepted);
        QFETCH(QString, warning);

        if (warning.startsWith(u"error:"_s)) {
            QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(warning.mid(6)));
        } else if (!warning.isEmpty()) {
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(warning));
        }
        TestServer server(option + u"\nmodules_enabled = { \"vcard\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QString vcard = u"<vCard xmlns='vcard-temp'><NOTE>%1</NOTE></vCard>"_s.arg(QString(noteLength, u'x'));
        const QList<XmlElement> reply = exchange(*alice, u"<iq type='set' id='s1'>%1</iq>"_s.arg(vcard));
        QCOMPARE(reply.size(), 1);
        if (accepted) {
            QCOMPARE(reply.first().attribute(u"type"), u"result"_s);
        } else {
            QCOMPARE(reply.first().attribute(u"type"), u"error"_s);
            const XmlElement* error = reply.first().firstChild(u"error");
            QVERIFY(error);
            QVERIFY(error->firstChild(u"not-acceptable", u"urn:ietf:params:xml:ns:xmpp-stanzas"));
            // Nothing was stored.
            QCOMPARE(exchange(*alice, u"<iq type='get' id='g'><vCard xmlns='vcard-temp'/></iq>"_s)
                         .value(0)
                         .attribute(u"type"),
                     u"error"_s);
        }
    }

    void persistsAcrossRestartInProsodyShape()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(ServerConfig, TestServer::Options{.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QCOMPARE(exchange(*alice, u"<iq type='set' id='s1'>%1</iq>"_s.arg(AliceVcard)).value(0).attribute(u"type"),
                     u"result"_s);
        }
        // The rows mod_storage_sql writes for st.preserialize(vCard); the children row is
        // {"__array": [...]}, which Prosody's util.json reads back as the array part.
        QCOMPARE(
            storedRows(file, u"alice"_s),
            (QStringList{
                u"|json|{\"__array\":[{\"__array\":[\"Alice\"],\"attr\":{\"xmlns\":\"vcard-temp\"},\"name\":\"FN\"},"
                u"{\"__array\":[{\"__array\":[\"Alice\"],\"attr\":{\"xmlns\":\"vcard-temp\"},\"name\":\"GIVEN\"}],"
                u"\"attr\":{\"xmlns\":\"vcard-temp\"},\"name\":\"N\"},{\"__array\":[\"a & b\"],\"attr\":{\"xml:lang\":"
                u"\"en\",\"xmlns\":\"vcard-temp\"},\"name\":\"NOTE\"},{\"attr\":{\"xmlns\":\"vcard-temp\"},\"name\":"
                u"\"X\"}]}"_s,
                u"attr|json|{\"xmlns\":\"vcard-temp\"}"_s,
                u"name|string|vCard"_s,
            }));
        TestServer restarted(ServerConfig, TestServer::Options{.sqliteFile = file});
        auto bob = restarted.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        QCOMPARE(TestXml::canonical(exchange(*bob, u"<iq type='get' id='v1' to='alice@a.test'><vCard "
                                                   u"xmlns='vcard-temp'/></iq>"_s)),
                 TestXml::canonical(
                     u"<iq type='result' id='v1' from='alice@a.test' to='bob@a.test/test'>%1</iq>"_s.arg(AliceVcard)));
    }

    void readsVcardWrittenByProsody()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"prosody.sqlite"_s);
        createSchema(file);
        // Exactly what Prosody 0.12 (mod_vcard + mod_storage_sql + util.json) writes.
        const QString insert = u"INSERT INTO \"prosody\" (\"host\",\"user\",\"store\",\"key\",\"type\",\"value\") "
                               u"VALUES ('a.test','alice','vcard','%1','%2','%3')"_s;
        QVERIFY(execute(
            file,
            {insert.arg(u"name"_s, u"string"_s, u"vCard"_s),
             insert.arg(u"attr"_s, u"json"_s, u"{\"xmlns\":\"vcard-temp\"}"_s),
             insert.arg(QString(), u"json"_s,
                        u"[{\"attr\":{\"xmlns\":\"vcard-temp\"},\"name\":\"FN\",\"__array\":[\"Alice\"]},{\"attr\":"
                        u"{\"xmlns\":\"vcard-temp\"},\"name\":\"N\",\"__array\":[{\"attr\":{\"xmlns\":\"vcard-temp\"},"
                        u"\"name\":\"GIVEN\",\"__array\":[\"Alice\"]}]},{\"attr\":{\"xmlns\":\"vcard-temp\"},"
                        u"\"name\":\"X\"}]"_s)}));
        TestServer server(ServerConfig, TestServer::Options{.sqliteFile = file});
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        QCOMPARE(
            TestXml::canonical(exchange(*bob, u"<iq type='get' id='v1' to='alice@a.test'><vCard "
                                              u"xmlns='vcard-temp'/></iq>"_s)),
            TestXml::canonical(u"<iq type='result' id='v1' from='alice@a.test' to='bob@a.test/test'><vCard "
                               u"xmlns='vcard-temp'><FN>Alice</FN><N><GIVEN>Alice</GIVEN></N><X/></vCard></iq>"_s));
    }

    void unreadableStoredVcardIsAnInternalError()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"broken.sqlite"_s);
        createSchema(file);
        QVERIFY(execute(file, {u"INSERT INTO \"prosody\" (\"host\",\"user\",\"store\",\"key\",\"type\",\"value\") "
                               u"VALUES ('a.test','alice','vcard','name','string','notavcard')"_s}));
        QTest::ignoreMessage(QtCriticalMsg, QRegularExpression(u"unreadable"_s));
        TestServer server(ServerConfig, TestServer::Options{.sqliteFile = file});
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(TestXml::canonical(exchange(*alice, u"<iq type='get' id='v1'><vCard xmlns='vcard-temp'/></iq>"_s)),
                 TestXml::canonical(error(QString(), u"alice@a.test/test"_s, u"wait"_s, u"internal-server-error"_s)));
    }
};

QTEST_GUILESS_MAIN(tst_VcardModule)
#include "tst_VcardModule.moc"
