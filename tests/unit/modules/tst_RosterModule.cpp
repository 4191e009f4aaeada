#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/RosterManager.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString RosterConfig = u"VirtualHost \"a.test\"\n    modules_enabled = { \"roster\" }\n"_s;

QString rosterGet(const QString& id, const QString& ver = QStringLiteral("none"))
{
    const QString verAttribute = ver == u"none"_s ? QString() : u" ver='%1'"_s.arg(ver);
    return u"<iq type='get' id='%1'><query xmlns='jabber:iq:roster'%2/></iq>"_s.arg(id, verAttribute);
}

Roster& rosterOf(TestServer& server, const QString& user)
{
    Roster* result = nullptr;
    server.rosters().withRoster(u"a.test"_s, user, [&](Result<Roster*> roster) { result = roster.value(); });
    Q_ASSERT(result); // the memory driver answers at once
    return *result;
}

} // namespace

class tst_RosterModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getEmptyRosterAndVersioning()
    {
        TestServer server(RosterConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(rosterGet(u"r1"_s));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(
                     u"<iq type='result' id='r1' to='alice@a.test/test'><query xmlns='jabber:iq:roster'/></iq>"_s));
        alice->send(rosterGet(u"r2"_s, QString()));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='r2' to='alice@a.test/test'>"
                                    u"<query xmlns='jabber:iq:roster' ver='0'/></iq>"_s));
        alice->send(u"<iq type='set' id='s1'><query xmlns='jabber:iq:roster'><item jid='bob@b.test' name='Bob'>"
                    u"<group>Friends</group></item></query></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='s1' to='alice@a.test/test'/>"
                                    u"<iq type='set' id='push1' to='alice@a.test/test'><query xmlns='jabber:iq:roster' "
                                    u"ver='1'><item jid='bob@b.test' name='Bob' subscription='none'>"
                                    u"<group>Friends</group></item></query></iq>"_s));
        // Up to date: an empty result.
        alice->send(rosterGet(u"r3"_s, u"1"_s));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='r3' to='alice@a.test/test'/>"_s));
        // Stale: the whole roster.
        alice->send(rosterGet(u"r4"_s, u"0"_s));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='r4' to='alice@a.test/test'><query "
                                    u"xmlns='jabber:iq:roster' ver='1'><item jid='bob@b.test' name='Bob' "
                                    u"subscription='none'><group>Friends</group></item></query></iq>"_s));
    }

    void pushesGoToInterestedResourcesOnly()
    {
        TestServer server(RosterConfig);
        auto phone = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        auto laptop = server.login(u"alice"_s, u"a.test"_s, u"laptop"_s);
        auto bot = server.login(u"alice"_s, u"a.test"_s, u"bot"_s); // never asks for the roster
        QVERIFY(phone && laptop && bot);
        phone->send(rosterGet(u"r1"_s));
        laptop->send(rosterGet(u"r1"_s));
        phone->takeReceived();
        laptop->takeReceived();
        laptop->send(u"<iq type='set' id='s1'><query xmlns='jabber:iq:roster'><item jid='Bob@B.test' "
                     u"subscription='both' ask='subscribe'/></query></iq>"_s);
        // The client's subscription and ask are ignored; the JID is prepared.
        const QString item = u"<query xmlns='jabber:iq:roster'><item jid='bob@b.test' subscription='none'/></query>"_s;
        QCOMPARE(TestXml::canonical(phone->takeReceived()),
                 TestXml::canonical(u"<iq type='set' id='push2' to='alice@a.test/phone'>"_s + item + u"</iq>"_s));
        QCOMPARE(TestXml::canonical(laptop->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='s1' to='alice@a.test/laptop'/><iq type='set' id='push1' "
                                    u"to='alice@a.test/laptop'>"_s +
                                    item + u"</iq>"_s));
        QVERIFY(bot->received().isEmpty());
        // Remove.
        phone->send(u"<iq type='set' id='s2'><query xmlns='jabber:iq:roster'><item jid='bob@b.test' "
                    u"subscription='remove'/></query></iq>"_s);
        QCOMPARE(TestXml::canonical(phone->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='s2' to='alice@a.test/phone'/><iq type='set' id='push4' "
                                    u"to='alice@a.test/phone'><query xmlns='jabber:iq:roster'><item jid='bob@b.test' "
                                    u"subscription='remove'/></query></iq>"_s));
        QCOMPARE(rosterOf(server, u"alice"_s).size(), 0);
    }

    void invalidSets_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("error"); // "type condition"

        QTest::newRow("two-items") << u"<item jid='b@b.test'/><item jid='c@b.test'/>"_s << u"modify bad-request"_s;
        QTest::newRow("no-item") << QString() << u"modify bad-request"_s;
        QTest::newRow("not-an-item") << u"<group>x</group>"_s << u"modify bad-request"_s;
        QTest::newRow("no-jid") << u"<item name='x'/>"_s << u"modify jid-malformed"_s;
        QTest::newRow("bad-jid") << u"<item jid='a@b@c'/>"_s << u"modify jid-malformed"_s;
        QTest::newRow("full-jid") << u"<item jid='bob@b.test/phone'/>"_s << u"modify jid-malformed"_s;
        QTest::newRow("self") << u"<item jid='alice@a.test'/>"_s << u"cancel not-allowed"_s;
        QTest::newRow("empty-group") << u"<item jid='b@b.test'><group/></item>"_s << u"modify not-acceptable"_s;
        QTest::newRow("blank-group") << u"<item jid='b@b.test'><group>  </group></item>"_s
                                     << u"modify not-acceptable"_s;
        QTest::newRow("duplicate-group") << u"<item jid='b@b.test'><group>x</group><group>x</group></item>"_s
                                         << u"modify bad-request"_s;
        QTest::newRow("long-name") << u"<item jid='b@b.test' name='%1'/>"_s.arg(QString(41, u'n'))
                                   << u"modify not-acceptable"_s;
        QTest::newRow("long-group") << u"<item jid='b@b.test'><group>%1</group></item>"_s.arg(QString(41, u'g'))
                                    << u"modify not-acceptable"_s;
        QTest::newRow("remove-unknown") << u"<item jid='nobody@b.test' subscription='remove'/>"_s
                                        << u"modify item-not-found"_s;
        QTest::newRow("roster-full") << u"<item jid='third@b.test'/>"_s << u"wait resource-constraint"_s;
    }
    void invalidSets()
    {
        QFETCH(QString, query);
        QFETCH(QString, error);

        TestServer server(u"VirtualHost \"a.test\"\n    modules_enabled = { \"roster\" }\n"
                          u"    max_roster_items = 2\n    roster_max_name_length = 40\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        Roster& roster = rosterOf(server, u"alice"_s);
        roster.ensureItem(u"first@b.test"_s);
        roster.ensureItem(u"second@b.test"_s);
        alice->send(u"<iq type='set' id='s1'><query xmlns='jabber:iq:roster'>%1</query></iq>"_s.arg(query));
        const QList<XmlElement> got = alice->takeReceived();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().attribute(u"type"), u"error"_s);
        const XmlElement* errorElement = got.first().firstChild(u"error");
        QVERIFY(errorElement);
        QCOMPARE(errorElement->attribute(u"type") + u' ' + errorElement->firstChild()->name(), error);
        QCOMPARE(roster.size(), 2);
    }

    void removeCancelsSubscriptionsBothWays()
    {
        TestServer server(RosterConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        rosterOf(server, u"alice"_s).ensureItem(u"bob@a.test"_s).subscription = u"both"_s;
        rosterOf(server, u"bob"_s).ensureItem(u"alice@a.test"_s).subscription = u"both"_s;
        bob->send(rosterGet(u"r1"_s));
        bob->takeReceived();
        alice->send(u"<iq type='set' id='s1'><query xmlns='jabber:iq:roster'><item jid='bob@a.test' "
                    u"subscription='remove'/></query></iq>"_s);
        QVERIFY(!rosterOf(server, u"alice"_s).item(u"bob@a.test"_s));
        QCOMPARE(rosterOf(server, u"bob"_s).item(u"alice@a.test"_s)->subscription, u"none"_s);
        const QStringList got = TestXml::canonical(bob->takeReceived());
        QVERIFY2(got.join(u'\n').contains(u"type=\"unsubscribe\""_s) ||
                     got.join(u'\n').contains(u"type='unsubscribe'"_s),
                 qPrintable(got.join(u'\n')));
        QVERIFY(got.join(u'\n').contains(u"unsubscribed"_s));
    }
};

QTEST_GUILESS_MAIN(tst_RosterModule)
#include "tst_RosterModule.moc"
