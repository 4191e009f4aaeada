#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_PingModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ping_data()
    {
        QTest::addColumn<QString>("to"); // "" = no 'to' (the user's own account)
        QTest::addColumn<QString>("expected");

        QTest::newRow("host") << u"a.test"_s << u"<iq type='result' id='p1' from='a.test' to='alice@a.test/test'/>"_s;
        QTest::newRow("own-bare-jid") << u"alice@a.test"_s << u"<iq type='result' id='p1' to='alice@a.test/test'/>"_s;
        QTest::newRow("no-to-is-self") << QString() << u"<iq type='result' id='p1' to='alice@a.test/test'/>"_s;
        QTest::newRow("component-with-ping")
            << u"ping.a.test"_s << u"<iq type='result' id='p1' from='ping.a.test' to='alice@a.test/test'/>"_s;
        QTest::newRow("other-users-bare-jid")
            << u"bob@a.test"_s
            << u"<iq type='error' id='p1' from='bob@a.test' to='alice@a.test/test'><error type='cancel'>"
               u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
        QTest::newRow("host-without-ping")
            << u"b.test"_s
            << u"<iq type='error' id='p1' from='b.test' to='alice@a.test/test'><error type='cancel'>"
               u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
    }
    void ping()
    {
        QFETCH(QString, to);
        QFETCH(QString, expected);

        TestServer server(uR"(
VirtualHost "a.test"
    modules_enabled = { "ping" }
VirtualHost "b.test"
Component "ping.a.test" "ping"
)"_s);
        QVERIFY(server.configProblems().isEmpty());
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QString toAttribute = to.isEmpty() ? QString() : u" to='%1'"_s.arg(to);
        alice->send(u"<iq type='get' id='p1'%1><ping xmlns='urn:xmpp:ping'/></iq>"_s.arg(toAttribute));
        QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(expected));
    }
};

QTEST_GUILESS_MAIN(tst_PingModule)
#include "tst_PingModule.moc"
