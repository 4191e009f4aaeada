#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/xmpp/Namespaces.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString HostConfig = u"modules_enabled = { \"carbons\", \"disco\" }\nVirtualHost \"a.test\"\n"_s;

QString enableIq(const QString& what, const QString& id = u"c1"_s)
{
    return u"<iq type='set' id='%2'><%1 xmlns='urn:xmpp:carbons:2'/></iq>"_s.arg(what, id);
}

// What one client got, in order: "direct" for the message itself, "received"/"sent" for carbons.
QStringList kinds(TestClient& client)
{
    QStringList result;
    for (const XmlElement& stanza : client.takeReceived()) {
        if (stanza.name() != u"message"_s) {
            continue;
        }
        if (stanza.firstChild(u"received", Ns::Carbons)) {
            result << u"received"_s;
        } else if (stanza.firstChild(u"sent", Ns::Carbons)) {
            result << u"sent"_s;
        } else {
            result << u"direct"_s;
        }
    }
    return result;
}

struct Account
{
    std::vector<std::unique_ptr<TestClient>> clients;
    TestClient* find(const QString& resource)
    {
        for (const auto& client : clients) {
            if (client->session().resource() == resource) {
                return client.get();
            }
        }
        return nullptr;
    }
};

} // namespace

class tst_CarbonsModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void enableAndDisable()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QVERIFY(!alice->session().field(u"carbons"_s).isValid());
        alice->send(enableIq(u"enable"_s));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='c1' to='alice@a.test/test'/>"_s));
        QCOMPARE(alice->session().field(u"carbons"_s), QVariant(true));
        alice->send(enableIq(u"disable"_s, u"c2"_s));
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='c2' to='alice@a.test/test'/>"_s));
        QVERIFY(!alice->session().field(u"carbons"_s).isValid());
    }

    void enableForSomeoneElseIsNotAllowed()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<iq type='set' id='c1' to='bob@a.test'><enable xmlns='urn:xmpp:carbons:2'/></iq>"_s);
        const QList<XmlElement> got = alice->takeReceived();
        QCOMPARE(got.size(), 1);
        QCOMPARE(got.first().attribute(u"type"), u"error"_s);
        QVERIFY(!bob->session().field(u"carbons"_s).isValid());
    }

    void discoFeature()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(
            u"<iq type='get' id='d1' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        const QList<XmlElement> got = alice->takeReceived();
        QCOMPARE(got.size(), 1);
        QStringList features;
        for (const XmlElement* feature : got.first().firstChild(u"query")->children(u"feature")) {
            features << feature->attribute(u"var");
        }
        QVERIFY2(features.contains(u"urn:xmpp:carbons:2"_s), qPrintable(features.join(u' ')));
        QVERIFY(features.contains(u"urn:xmpp:carbons:rules:0"_s));
    }

    void copies_data()
    {
        QTest::addColumn<QStringList>("aliceSessions"); // "resource:priority:on|off" (carbons)
        QTest::addColumn<QString>("from");              // "bob" or one of alice's resources
        QTest::addColumn<QString>("stanza");            // sent by `from`
        QTest::addColumn<QStringList>("expected");      // "resource=kind,kind" for alice's resources

        const QStringList three{u"phone:5:on"_s, u"laptop:1:on"_s, u"tablet:1:off"_s};
        const QStringList even{u"phone:0:on"_s, u"laptop:0:on"_s, u"tablet:0:off"_s};
        const QString chat = u"<message to='%1' type='chat' id='m1'><body>hi</body></message>"_s;

        // Received side.
        QTest::newRow("in-bare-chat-copied-to-lower-priority")
            << three << u"bob"_s << chat.arg(u"alice@a.test"_s)
            << QStringList{u"phone=direct"_s, u"laptop=received"_s, u"tablet="_s};
        QTest::newRow("in-bare-chat-all-top-no-duplicates")
            << QStringList{u"phone:1:on"_s, u"laptop:1:on"_s} << u"bob"_s << chat.arg(u"alice@a.test"_s)
            << QStringList{u"phone=direct"_s, u"laptop=direct"_s};
        QTest::newRow("in-bare-normal-reaches-all-no-duplicates")
            << QStringList{u"phone:5:on"_s, u"laptop:1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test' id='m1'><body>hi</body></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop=direct"_s};
        QTest::newRow("in-bare-normal-negative-priority-gets-copy")
            << QStringList{u"phone:5:on"_s, u"laptop:-1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test' id='m1'><body>hi</body></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop=received"_s};
        QTest::newRow("in-full-chat") << even << u"bob"_s << chat.arg(u"alice@a.test/phone"_s)
                                      << QStringList{u"phone=direct"_s, u"laptop=received"_s, u"tablet="_s};
        QTest::newRow("in-full-gone-falls-back-to-bare")
            << three << u"bob"_s << chat.arg(u"alice@a.test/gone"_s)
            << QStringList{u"phone=direct"_s, u"laptop=received"_s, u"tablet="_s};
        QTest::newRow("in-private-not-copied")
            << even << u"bob"_s
            << u"<message to='alice@a.test/phone' type='chat'><body>x</body><private xmlns='urn:xmpp:carbons:2'/>"
               u"</message>"_s
            << QStringList{u"phone=direct"_s, u"laptop="_s, u"tablet="_s};
        QTest::newRow("in-no-copy-hint")
            << even << u"bob"_s
            << u"<message to='alice@a.test/phone' type='chat'><body>x</body><no-copy xmlns='urn:xmpp:hints'/>"
               u"</message>"_s
            << QStringList{u"phone=direct"_s, u"laptop="_s, u"tablet="_s};
        QTest::newRow("in-muc-pm-to-full-not-copied") << even << u"bob"_s
                                                      << u"<message to='alice@a.test/phone' type='chat'><body>x</body>"
                                                         u"<x xmlns='http://jabber.org/protocol/muc#user'/></message>"_s
                                                      << QStringList{u"phone=direct"_s, u"laptop="_s, u"tablet="_s};
        QTest::newRow("in-muc-invite-to-bare-copied")
            << QStringList{u"phone:5:on"_s, u"laptop:-1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test' id='i1'><body>join</body><x xmlns='http://jabber.org/protocol/muc#user'>"
               u"<invite from='bob@a.test'/></x></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop=received"_s};
        QTest::newRow("in-headline-not-copied")
            << QStringList{u"phone:5:on"_s, u"laptop:-1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test' type='headline'><body>news</body></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop="_s};
        QTest::newRow("in-normal-without-body-not-copied")
            << QStringList{u"phone:5:on"_s, u"laptop:-1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test'><x xmlns='jabber:x:oob'><url>http://x</url></x></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop="_s};
        QTest::newRow("in-normal-receipt-copied")
            << QStringList{u"phone:5:on"_s, u"laptop:-1:on"_s} << u"bob"_s
            << u"<message to='alice@a.test'><received xmlns='urn:xmpp:receipts' id='m0'/></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop=received"_s};
        QTest::newRow("in-groupchat-not-copied")
            << even << u"bob"_s << u"<message to='alice@a.test/phone' type='groupchat'><body>x</body></message>"_s
            << QStringList{u"phone=direct"_s, u"laptop="_s, u"tablet="_s};

        // Sent side.
        QTest::newRow("out-chat-to-other-resources") << even << u"phone"_s << chat.arg(u"bob@a.test"_s)
                                                     << QStringList{u"phone="_s, u"laptop=sent"_s, u"tablet="_s};
        QTest::newRow("out-sender-without-carbons-still-copied")
            << QStringList{u"phone:0:off"_s, u"laptop:0:on"_s} << u"phone"_s << chat.arg(u"bob@a.test"_s)
            << QStringList{u"phone="_s, u"laptop=sent"_s};
        QTest::newRow("out-private-not-copied")
            << even << u"phone"_s
            << u"<message to='bob@a.test' type='chat'><body>x</body><private xmlns='urn:xmpp:carbons:2'/></message>"_s
            << QStringList{u"phone="_s, u"laptop="_s, u"tablet="_s};
        QTest::newRow("out-muc-pm-copied") << even << u"phone"_s
                                           << u"<message to='bob@a.test/desk' type='chat'><body>x</body>"
                                              u"<x xmlns='http://jabber.org/protocol/muc#user'/></message>"_s
                                           << QStringList{u"phone="_s, u"laptop=sent"_s, u"tablet="_s};
        QTest::newRow("out-to-remote-domain-copied")
            << even << u"phone"_s << chat.arg(u"romeo@remote.example"_s)
            << QStringList{u"phone=direct"_s, u"laptop=sent"_s, u"tablet="_s}; // direct = the s2s bounce

        // Within the account: one copy per resource, never "sent" plus "received".
        QTest::newRow("self-bare-copied-once")
            << QStringList{u"phone:0:on"_s, u"laptop:5:on"_s, u"tablet:1:on"_s} << u"phone"_s
            << chat.arg(u"alice@a.test"_s) << QStringList{u"phone="_s, u"laptop=direct"_s, u"tablet=received"_s};
        QTest::newRow("self-full-copied-once")
            << QStringList{u"phone:0:on"_s, u"laptop:0:on"_s, u"tablet:0:on"_s} << u"phone"_s
            << chat.arg(u"alice@a.test/laptop"_s) << QStringList{u"phone="_s, u"laptop=direct"_s, u"tablet=received"_s};
    }
    void copies()
    {
        QFETCH(QStringList, aliceSessions);
        QFETCH(QString, from);
        QFETCH(QString, stanza);
        QFETCH(QStringList, expected);

        TestServer server(HostConfig);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"desk"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        Account alice;
        for (const QString& spec : aliceSessions) {
            const QStringList parts = spec.split(u':');
            auto client = server.login(u"alice"_s, u"a.test"_s, parts.at(0));
            QVERIFY(client);
            if (parts.at(2) == u"on"_s) {
                client->send(enableIq(u"enable"_s));
            }
            client->sendAvailable(parts.at(1).toInt());
            alice.clients.push_back(std::move(client));
        }
        QTRY_VERIFY(alice.clients.back()->received().size() >= 1); // presences have gone round
        for (const auto& client : alice.clients) {
            client->takeReceived();
        }
        bob->takeReceived();

        TestClient* sender = from == u"bob"_s ? bob.get() : alice.find(from);
        QVERIFY(sender);
        sender->send(stanza);

        QStringList actual;
        for (const auto& client : alice.clients) {
            actual << client->session().resource() + u'=' + kinds(*client).join(u',');
        }
        QCOMPARE(actual, expected);
    }

    void receivedCarbonShape()
    {
        TestServer server(HostConfig);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"desk"_s);
        auto phone = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        auto laptop = server.login(u"alice"_s, u"a.test"_s, u"laptop"_s);
        QVERIFY(bob && phone && laptop);
        laptop->send(enableIq(u"enable"_s));
        phone->sendAvailable(5);
        laptop->sendAvailable(1);
        QTRY_VERIFY(!laptop->received().isEmpty());
        laptop->takeReceived();
        phone->takeReceived();

        bob->send(u"<message to='alice@a.test' type='chat' id='m1'><body>hi</body></message>"_s);
        QCOMPARE(TestXml::canonical(laptop->takeReceived()),
                 TestXml::canonical(u"<message from='alice@a.test' to='alice@a.test/laptop' type='chat'>"
                                    u"<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                                    u"<message xmlns='jabber:client' to='alice@a.test' from='bob@a.test/desk' "
                                    u"type='chat' id='m1'><body>hi</body></message></forwarded></received>"
                                    u"</message>"_s));
    }

    void sentCarbonShape()
    {
        TestServer server(HostConfig);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"desk"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        auto phone = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        auto laptop = server.login(u"alice"_s, u"a.test"_s, u"laptop"_s);
        QVERIFY(phone && laptop);
        laptop->send(enableIq(u"enable"_s));
        laptop->takeReceived();

        phone->send(u"<message to='bob@a.test/desk' type='chat' id='m1'><body>hi</body></message>"_s);
        QCOMPARE(TestXml::canonical(laptop->takeReceived()),
                 TestXml::canonical(u"<message from='alice@a.test' to='alice@a.test/laptop' type='chat'>"
                                    u"<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>"
                                    u"<message xmlns='jabber:client' to='bob@a.test/desk' from='alice@a.test/phone' "
                                    u"type='chat' id='m1'><body>hi</body></message></forwarded></sent>"
                                    u"</message>"_s));
    }

    void privateIsRemovedBeforeDelivery()
    {
        TestServer server(HostConfig);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"desk"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(bob && alice);
        bob->sendAvailable();
        QTRY_VERIFY(!bob->received().isEmpty());
        bob->takeReceived();
        alice->send(u"<message to='bob@a.test/desk' type='chat' id='m1'><body>x</body>"
                    u"<private xmlns='urn:xmpp:carbons:2'/></message>"_s);
        QCOMPARE(TestXml::canonical(bob->takeReceived()),
                 TestXml::canonical(u"<message to='bob@a.test/desk' from='alice@a.test/phone' type='chat' id='m1'>"
                                    u"<body>x</body></message>"_s));
    }

    void disabledResourceGetsNoMoreCopies()
    {
        TestServer server(HostConfig);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"desk"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        auto phone = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        auto laptop = server.login(u"alice"_s, u"a.test"_s, u"laptop"_s);
        QVERIFY(phone && laptop);
        laptop->send(enableIq(u"enable"_s));
        phone->send(u"<message to='bob@a.test/desk' type='chat'><body>1</body></message>"_s);
        laptop->send(enableIq(u"disable"_s, u"c2"_s));
        phone->send(u"<message to='bob@a.test/desk' type='chat'><body>2</body></message>"_s);
        QCOMPARE(kinds(*laptop), QStringList{u"sent"_s});
    }
};

QTEST_GUILESS_MAIN(tst_CarbonsModule)
#include "tst_CarbonsModule.moc"
