#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/RosterManager.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {
const QString HostConfig = uR"(
modules_enabled = { "disco" }
VirtualHost "a.test"
    modules_enabled = { "ping", "version", "time", "uptime" }
    hide_os_type = true
    disco_items = { { "pubsub.example.org", "Public PubSub" }, { "proxy.example.org" } }
VirtualHost "b.test"
    name = "Bee Server"
Component "muc.a.test" "ping"
    name = "Rooms"
Component "hidden.a.test" "ping"
    disco_hidden = true
Component "other.b.test" "ping"
)"_s;

QString info(const QString& host, const QString& content)
{
    return u"<iq type='result' id='d1' from='%1' to='alice@a.test/test'><query "
           u"xmlns='http://jabber.org/protocol/disco#info'>%2</query></iq>"_s.arg(host, content);
}
} // namespace

class tst_DiscoModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hostInfo_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expected");

        QTest::newRow("features-of-loaded-modules-sorted")
            << u"a.test"_s
            << info(u"a.test"_s, u"<identity category='server' type='im' name='Canto'/>"
                                 u"<feature var='http://jabber.org/protocol/disco#info'/>"
                                 u"<feature var='http://jabber.org/protocol/disco#items'/>"
                                 u"<feature var='jabber:iq:last'/><feature var='jabber:iq:version'/>"
                                 u"<feature var='msgoffline'/><feature var='urn:xmpp:ping'/>"
                                 u"<feature var='urn:xmpp:time'/>"_s);
        QTest::newRow("other-host-name-option")
            << u"b.test"_s
            << info(u"b.test"_s, u"<identity category='server' type='im' name='Bee Server'/>"
                                 u"<feature var='http://jabber.org/protocol/disco#info'/>"
                                 u"<feature var='http://jabber.org/protocol/disco#items'/>"
                                 u"<feature var='msgoffline'/>"_s); // offline is always loaded
    }
    void hostInfo()
    {
        QFETCH(QString, host);
        QFETCH(QString, expected);

        TestServer server(HostConfig);
        QVERIFY(server.configProblems().isEmpty());
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(
            u"<iq type='get' id='d1' to='%1'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s.arg(host));
        QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(expected));
    }

    void unknownNode()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='d2' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info' "
                    u"node='urn:nothing'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='error' id='d2' from='a.test' to='alice@a.test/test'><error "
                                    u"type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                    u"</error></iq>"_s));
    }

    void hostItems_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("expectedItems");

        QTest::newRow("components-and-configured-items")
            << u"a.test"_s
            << u"<item jid='muc.a.test' name='Rooms'/><item jid='pubsub.example.org' name='Public PubSub'/>"
               u"<item jid='proxy.example.org'/>"_s;
        QTest::newRow("only-own-subdomains") << u"b.test"_s << u"<item jid='other.b.test'/>"_s;
    }
    void hostItems()
    {
        QFETCH(QString, host);
        QFETCH(QString, expectedItems);

        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(
            u"<iq type='get' id='d3' to='%1'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"_s.arg(host));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(
                     u"<iq type='result' id='d3' from='%1' to='alice@a.test/test'><query "
                     u"xmlns='http://jabber.org/protocol/disco#items'>%2</query></iq>"_s.arg(host, expectedItems)));
    }

    void accountInfo()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='d4' to='alice@a.test'><query "
                    u"xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='d4' to='alice@a.test/test'><query "
                                    u"xmlns='http://jabber.org/protocol/disco#info'>"
                                    u"<identity category='account' type='registered'/>"
                                    u"<feature var='http://jabber.org/protocol/disco#info'/>"
                                    u"<feature var='http://jabber.org/protocol/disco#items'/></query></iq>"_s));
        alice->send(u"<iq type='get' id='d5'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='d5' to='alice@a.test/test'><query "
                                    u"xmlns='http://jabber.org/protocol/disco#items'/></iq>"_s));
    }

    void otherUsersAccountIsNotAnswered()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='d6' to='bob@a.test'><query "
                    u"xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='error' id='d6' from='bob@a.test' to='alice@a.test/test'><error "
                                    u"type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                    u"</error></iq>"_s));
    }

    void contactsSeeTheAccountOthersDoNot()
    {
        TestServer server(u"VirtualHost \"a.test\"\n    modules_enabled = { \"disco\" }\n"_s);
        server.rosters().withRoster(u"a.test"_s, u"alice"_s, [](Result<Roster*> roster) {
            roster.value()->ensureItem(u"bob@a.test"_s).subscription = u"from"_s;
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        auto carol = server.login(u"carol"_s, u"a.test"_s);
        QVERIFY(alice && bob && carol);
        const QString query =
            u"<iq type='get' id='d1' to='alice@a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s;
        bob->send(query);
        QTRY_COMPARE(bob->received().size(), 1);
        const XmlElement answer = bob->takeReceived().first();
        QCOMPARE(answer.attribute(u"type"), u"result"_s);
        QCOMPARE(answer.attribute(u"from"), u"alice@a.test"_s);
        QVERIFY(TestXml::canonical(answer).contains(u"category='account'"_s));
        carol->send(query);
        QTRY_COMPARE(carol->received().size(), 1);
        QCOMPARE(
            TestXml::canonical(carol->takeReceived()),
            TestXml::canonical(u"<iq type='error' id='d1' from='alice@a.test' to='carol@a.test/test'>"
                               u"<error type='cancel'>"
                               u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s));
    }
};

QTEST_GUILESS_MAIN(tst_DiscoModule)
#include "tst_DiscoModule.moc"
