#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString ServerConfig = u"modules_enabled = { \"private\" }\nVirtualHost \"a.test\"\n"_s;
const QString Prefs = u"<prefs xmlns='exodus:prefs'><nick>Hamlet</nick><x a='1'/></prefs>"_s;

QList<XmlElement> exchange(TestClient& client, const QString& xml)
{
    client.takeReceived();
    client.send(xml);
    if (!QTest::qWaitFor([&client] { return !client.received().isEmpty(); }, 5000)) {
        return {};
    }
    return client.takeReceived();
}

QString query(const QString& type, const QString& content, const QString& to = {})
{
    const QString toAttribute = to.isEmpty() ? QString() : u" to='%1'"_s.arg(to);
    return u"<iq type='%1' id='p1'%2><query xmlns='jabber:iq:private'>%3</query></iq>"_s.arg(type, toAttribute,
                                                                                             content);
}

QString result(const QString& content)
{
    return content.isNull() ? u"<iq type='result' id='p1' to='alice@a.test/test'/>"_s
                            : u"<iq type='result' id='p1' to='alice@a.test/test'><query "
                              u"xmlns='jabber:iq:private'>%1</query></iq>"_s.arg(content);
}

QString error(const QString& from, const QString& type, const QString& condition)
{
    const QString fromAttribute = from.isEmpty() ? QString() : u" from='%1'"_s.arg(from);
    return u"<iq type='error' id='p1'%1 to='alice@a.test/test'><error type='%2'><%3 "
           u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s.arg(fromAttribute, type, condition);
}

QString stripText(const XmlElement& element)
{
    // The refusals carry English text; compare conditions only.
    XmlElement copy = element;
    if (XmlElement* error = copy.firstChild(u"error")) {
        error->removeChildren(u"text");
    }
    return TestXml::canonical(copy);
}

} // namespace

class tst_PrivateModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requests_data()
    {
        QTest::addColumn<QStringList>("before"); // requests alice sends first (each must succeed)
        QTest::addColumn<QString>("request");
        QTest::addColumn<QString>("expected");

        const QStringList stored{query(u"set"_s, Prefs)};
        QTest::newRow("get-stored") << stored << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s) << result(Prefs);
        QTest::newRow("get-to-own-bare-jid")
            << stored << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s, u"alice@a.test"_s) << result(Prefs);
        QTest::newRow("get-nothing-echoes-request")
            << QStringList() << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s)
            << result(u"<prefs xmlns='exodus:prefs'/>"_s);
        QTest::newRow("key-is-name-and-namespace") << stored << query(u"get"_s, u"<prefs xmlns='other:prefs'/>"_s)
                                                   << result(u"<prefs xmlns='other:prefs'/>"_s);
        QTest::newRow("set-replaces") << QStringList{query(u"set"_s, Prefs),
                                                     query(u"set"_s, u"<prefs xmlns='exodus:prefs'><v/></prefs>"_s)}
                                      << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s)
                                      << result(u"<prefs xmlns='exodus:prefs'><v/></prefs>"_s);
        QTest::newRow("empty-set-deletes")
            << QStringList{query(u"set"_s, Prefs), query(u"set"_s, u"<prefs xmlns='exodus:prefs' a='b'/>"_s)}
            << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s) << result(u"<prefs xmlns='exodus:prefs'/>"_s);
        QTest::newRow("set-ok") << QStringList() << query(u"set"_s, Prefs) << result(QString());
        QTest::newRow("other-user-forbidden")
            << stored << query(u"get"_s, u"<prefs xmlns='exodus:prefs'/>"_s, u"bob@a.test"_s)
            << error(u"bob@a.test"_s, u"auth"_s, u"forbidden"_s);
        QTest::newRow("other-user-set-forbidden") << QStringList() << query(u"set"_s, Prefs, u"bob@a.test"_s)
                                                  << error(u"bob@a.test"_s, u"auth"_s, u"forbidden"_s);
        QTest::newRow("no-child") << QStringList() << query(u"get"_s, QString())
                                  << error(QString(), u"modify"_s, u"not-acceptable"_s);
        QTest::newRow("two-children") << QStringList() << query(u"get"_s, u"<a xmlns='x:a'/><b xmlns='x:b'/>"_s)
                                      << error(QString(), u"modify"_s, u"not-acceptable"_s);
        QTest::newRow("child-without-own-namespace") << QStringList() << query(u"set"_s, u"<prefs><v/></prefs>"_s)
                                                     << error(QString(), u"modify"_s, u"not-acceptable"_s);
    }
    void requests()
    {
        QFETCH(QStringList, before);
        QFETCH(QString, request);
        QFETCH(QString, expected);

        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        for (const QString& xml : before) {
            QCOMPARE(exchange(*alice, xml).value(0).attribute(u"type"), u"result"_s);
        }
        const QList<XmlElement> reply = exchange(*alice, request);
        QCOMPARE(reply.size(), 1);
        QCOMPARE(stripText(reply.first()), TestXml::canonical(TestXml::parse(expected)));
    }

    void usersAreSeparate()
    {
        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        exchange(*alice, query(u"set"_s, Prefs));
        const QList<XmlElement> reply =
            exchange(*bob, u"<iq type='get' id='p1'><query xmlns='jabber:iq:private'><prefs "
                           u"xmlns='exodus:prefs'/></query></iq>"_s);
        QCOMPARE(TestXml::canonical(reply),
                 TestXml::canonical(u"<iq type='result' id='p1' to='bob@a.test/test'><query "
                                    u"xmlns='jabber:iq:private'><prefs xmlns='exodus:prefs'/></query></iq>"_s));
    }

    void persistsAcrossRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        const QString bookmarks = u"<storage xmlns='storage:bookmarks'><conference jid='r@muc.a.test' "
                                  u"autojoin='true' name='Room'><nick>al</nick></conference></storage>"_s;
        {
            TestServer server(ServerConfig, TestServer::Options{.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QCOMPARE(exchange(*alice, query(u"set"_s, bookmarks)).value(0).attribute(u"type"), u"result"_s);
        }
        TestServer restarted(ServerConfig, TestServer::Options{.sqliteFile = file});
        auto alice = restarted.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(TestXml::canonical(exchange(*alice, query(u"get"_s, u"<storage xmlns='storage:bookmarks'/>"_s))),
                 TestXml::canonical(result(bookmarks)));
    }
};

QTEST_GUILESS_MAIN(tst_PrivateModule)
#include "tst_PrivateModule.moc"
