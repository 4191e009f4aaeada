#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/AccountManager.h"
#include "server/core/RosterManager.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString HostConfig = u"VirtualHost \"a.test\"\n    modules_enabled = { \"roster\" }\n"_s;

Roster& rosterOf(TestServer& server, const QString& user)
{
    Roster* result = nullptr;
    server.rosters().withRoster(u"a.test"_s, user, [&](Result<Roster*> roster) { result = roster.value(); });
    Q_ASSERT(result); // the memory driver answers at once
    return *result;
}

QString stateOf(TestServer& server, const QString& user, const QString& contact)
{
    Roster& roster = rosterOf(server, user);
    const RosterItem* item = roster.item(contact);
    QString state = item ? item->subscription : u"absent"_s;
    if (item && item->ask)
        state += u"+ask"_s;
    if (item && item->approved)
        state += u"+approved"_s;
    if (roster.isPendingIn(contact))
        state += u"+pending"_s;
    return state;
}

// The received stanzas as "<name> <type> from=<from>" lines, for order-insensitive checks.
QStringList summary(TestClient& client)
{
    QStringList lines;
    for (const XmlElement& stanza : client.takeReceived()) {
        QString line =
            stanza.name() + u' ' + stanza.attribute(u"type", u"-"_s) + u" from="_s + stanza.attribute(u"from");
        if (stanza.name() == u"iq"_s) {
            const XmlElement* item = stanza.firstChild() ? stanza.firstChild()->firstChild(u"item") : nullptr;
            if (item) {
                line += u" item="_s + item->attribute(u"jid") + u':' + item->attribute(u"subscription") +
                        (item->hasAttribute(u"ask") ? u"+ask"_s : QString()) +
                        (item->hasAttribute(u"approved") ? u"+approved"_s : QString());
            }
        }
        lines << line;
    }
    lines.sort();
    return lines;
}

// A logged-in client that fetched its roster (interested) and sent initial presence.
std::unique_ptr<TestClient> online(TestServer& server, const QString& user, const QString& resource = u"r"_s,
                                   int priority = 0)
{
    auto client = server.login(user, u"a.test"_s, resource);
    client->send(u"<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>"_s);
    client->sendAvailable(priority);
    client->takeReceived();
    return client;
}

} // namespace

class tst_PresenceModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void ownPresence_data()
    {
        QTest::addColumn<QString>("presence");
        QTest::addColumn<bool>("available");
        QTest::addColumn<int>("priority");

        QTest::newRow("available-default-priority") << u"<presence/>"_s << true << 0;
        QTest::newRow("priority") << u"<presence><priority>7</priority></presence>"_s << true << 7;
        QTest::newRow("negative-priority") << u"<presence><priority>-3</priority></presence>"_s << true << -3;
        QTest::newRow("priority-clamped-high") << u"<presence><priority>300</priority></presence>"_s << true << 127;
        QTest::newRow("priority-clamped-low") << u"<presence><priority>-300</priority></presence>"_s << true << -128;
        QTest::newRow("priority-garbage-is-zero") << u"<presence><priority>high</priority></presence>"_s << true << 0;
        QTest::newRow("unavailable") << u"<presence type='unavailable'/>"_s << false << 0;
    }
    void ownPresence()
    {
        QFETCH(QString, presence);
        QFETCH(bool, available);
        QFETCH(int, priority);

        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QVERIFY(!alice->session().isAvailable());
        alice->send(u"<presence><priority>50</priority></presence>"_s); // a previous state to change
        alice->takeReceived();
        alice->send(presence);
        QCOMPARE(alice->session().isAvailable(), available);
        QCOMPARE(alice->session().priority(), priority);
        // The presence is reflected to the session that sent it (RFC 6121 §4.2.2).
        XmlElement expected = TestXml::parse(presence);
        expected.setAttribute(u"from"_s, alice->fullJid());
        expected.setAttribute(u"to"_s, alice->fullJid());
        QCOMPARE(TestXml::canonical(alice->takeReceived()), QStringList{TestXml::canonical(expected)});
        if (available) {
            QCOMPARE(alice->session().presence().childText(u"priority"), expected.childText(u"priority"));
            QVERIFY(alice->session().presence().firstChild(u"delay", u"urn:xmpp:delay"));
        }
    }

    void directedPresence_data()
    {
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expectedRecipients"); // bob's resources

        QTest::newRow("bare-to-available-resources") << u"bob@a.test"_s << QStringList{u"one"_s, u"two"_s};
        QTest::newRow("full-to-that-resource") << u"bob@a.test/two"_s << QStringList{u"two"_s};
        QTest::newRow("full-to-bound-resource-without-presence") << u"bob@a.test/away"_s << QStringList{u"away"_s};
        QTest::newRow("full-to-missing-resource") << u"bob@a.test/gone"_s << QStringList();
        QTest::newRow("unknown-user") << u"nobody@a.test"_s << QStringList();
    }
    void directedPresence()
    {
        QFETCH(QString, to);
        QFETCH(QStringList, expectedRecipients);

        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto one = server.login(u"bob"_s, u"a.test"_s, u"one"_s);
        auto two = server.login(u"bob"_s, u"a.test"_s, u"two"_s);
        auto away = server.login(u"bob"_s, u"a.test"_s, u"away"_s); // bound, never sent presence
        QVERIFY(alice && one && two && away);
        one->sendAvailable();
        two->sendAvailable(-1); // negative priority still gets directed presence
        for (TestClient* client : {alice.get(), one.get(), two.get(), away.get()}) {
            client->takeReceived();
        }
        alice->send(u"<presence to='%1'><status>hello</status></presence>"_s.arg(to));
        const QString expected =
            u"<presence to='%1' from='alice@a.test/test'><status>hello</status></presence>"_s.arg(to);
        QStringList recipients;
        for (TestClient* bob : {one.get(), two.get(), away.get()}) {
            const QList<XmlElement> got = bob->takeReceived();
            if (!got.isEmpty()) {
                recipients << bob->session().resource();
                QCOMPARE(TestXml::canonical(got), TestXml::canonical(expected));
            }
        }
        QCOMPARE(recipients, expectedRecipients);
        QVERIFY(alice->received().isEmpty());
    }

    void directedPresenceEndsWithTheSession()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        auto carol = online(server, u"carol"_s);
        alice->send(u"<presence to='carol@a.test/r'/>"_s);
        QCOMPARE(summary(*carol), QStringList{u"presence - from=alice@a.test/r"_s});
        alice.reset(); // the session ends without unavailable presence
        QCOMPARE(summary(*carol), QStringList{u"presence unavailable from=alice@a.test/r"_s});
    }

    void presenceToOwnBareIsOwnPresence()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto other = server.login(u"alice"_s, u"a.test"_s, u"other"_s);
        QVERIFY(alice && other);
        other->sendAvailable();
        other->takeReceived();
        alice->send(u"<presence to='alice@a.test'/>"_s);
        QVERIFY(alice->session().isAvailable());
        // The other resource sees it once, and alice sees the other resource's presence.
        QCOMPARE(summary(*other), QStringList{u"presence - from=alice@a.test/test"_s});
        QCOMPARE(summary(*alice),
                 (QStringList{u"presence - from=alice@a.test/other"_s, u"presence - from=alice@a.test/test"_s}));
    }

    void subscriptionHandshake()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        auto bob = online(server, u"bob"_s);

        alice->send(u"<presence to='bob@a.test' type='subscribe'/>"_s);
        QCOMPARE(stateOf(server, u"alice"_s, u"bob@a.test"_s), u"none+ask"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"absent+pending"_s);
        QCOMPARE(summary(*alice), QStringList{u"iq set from= item=bob@a.test:none+ask"_s});
        QCOMPARE(summary(*bob), QStringList{u"presence subscribe from=alice@a.test"_s});

        bob->send(u"<presence to='alice@a.test' type='subscribed'/>"_s);
        QCOMPARE(stateOf(server, u"alice"_s, u"bob@a.test"_s), u"to"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"from"_s);
        QCOMPARE(summary(*bob), QStringList{u"iq set from= item=alice@a.test:from"_s});
        QCOMPARE(summary(*alice), (QStringList{u"iq set from= item=bob@a.test:to"_s, u"presence - from=bob@a.test/r"_s,
                                               u"presence subscribed from=bob@a.test"_s}));

        // Now alice's contact sees... nothing of alice (subscription 'to' only); bob's changes reach alice.
        bob->send(u"<presence><show>away</show></presence>"_s);
        bob->takeReceived(); // its reflection
        QCOMPARE(summary(*alice), QStringList{u"presence - from=bob@a.test/r"_s});
        alice->send(u"<presence><show>dnd</show></presence>"_s);
        const QStringList gotByBob = summary(*bob);
        QVERIFY2(gotByBob.isEmpty(), qPrintable(gotByBob.join(u'\n')));

        // Alice unsubscribes: both sides drop to none and alice sees bob go (§3.3.3).
        alice->send(u"<presence to='bob@a.test' type='unsubscribe'/>"_s);
        QCOMPARE(stateOf(server, u"alice"_s, u"bob@a.test"_s), u"none"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"none"_s);
        QCOMPARE(summary(*bob),
                 (QStringList{u"iq set from= item=alice@a.test:none"_s, u"presence unsubscribe from=alice@a.test"_s}));
    }

    void denyingARequest()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        auto bob = online(server, u"bob"_s);
        alice->send(u"<presence to='bob@a.test' type='subscribe'/>"_s);
        alice->takeReceived();
        bob->takeReceived();
        bob->send(u"<presence to='alice@a.test' type='unsubscribed'/>"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"absent"_s);
        QCOMPARE(stateOf(server, u"alice"_s, u"bob@a.test"_s), u"none"_s);
        QCOMPARE(summary(*alice),
                 (QStringList{u"iq set from= item=bob@a.test:none"_s, u"presence unsubscribed from=bob@a.test"_s}));
    }

    void preApprovedRequestIsAnsweredAtOnce()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        auto bob = online(server, u"bob"_s);
        bob->send(u"<presence to='alice@a.test' type='subscribed'/>"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"none+approved"_s);
        QCOMPARE(summary(*bob), QStringList{u"iq set from= item=alice@a.test:none+approved"_s});
        QCOMPARE(summary(*alice), QStringList()); // a pre-approval is not routed

        alice->send(u"<presence to='bob@a.test' type='subscribe'/>"_s);
        QCOMPARE(stateOf(server, u"alice"_s, u"bob@a.test"_s), u"to"_s);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"from"_s);
        QCOMPARE(summary(*bob), QStringList{u"iq set from= item=alice@a.test:from"_s}); // no request shown
        QCOMPARE(summary(*alice),
                 (QStringList{u"iq set from= item=bob@a.test:none+ask"_s, u"iq set from= item=bob@a.test:to"_s,
                              u"presence - from=bob@a.test/r"_s, u"presence subscribed from=bob@a.test"_s}));
    }

    void broadcastProbesAndUnavailable()
    {
        TestServer server(HostConfig);
        rosterOf(server, u"alice"_s).ensureItem(u"bob@a.test"_s).subscription = u"both"_s;
        rosterOf(server, u"bob"_s).ensureItem(u"alice@a.test"_s).subscription = u"both"_s;
        rosterOf(server, u"carol"_s).ensureItem(u"alice@a.test"_s).subscription = u"to"_s; // alice didn't approve
        auto bob = online(server, u"bob"_s);
        auto carol = online(server, u"carol"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s, u"r"_s);
        alice->sendAvailable(5);
        // Initial presence: reflected, broadcast to bob (from/both), probe answered by bob's presence.
        QCOMPARE(summary(*alice),
                 (QStringList{u"presence - from=alice@a.test/r"_s, u"presence - from=bob@a.test/r"_s}));
        QCOMPARE(summary(*bob), QStringList{u"presence - from=alice@a.test/r"_s});
        QCOMPARE(summary(*carol), QStringList()); // carol asked, alice never approved
        // A second resource of alice sees the first.
        auto alice2 = server.login(u"alice"_s, u"a.test"_s, u"r2"_s);
        alice2->sendAvailable();
        QCOMPARE(summary(*alice2),
                 (QStringList{u"presence - from=alice@a.test/r"_s, u"presence - from=alice@a.test/r2"_s,
                              u"presence - from=bob@a.test/r"_s}));
        QCOMPARE(summary(*alice), QStringList{u"presence - from=alice@a.test/r2"_s});
        bob->takeReceived();
        // Session end without unavailable: everyone who saw it gets unavailable.
        alice.reset();
        QCOMPARE(summary(*bob), QStringList{u"presence unavailable from=alice@a.test/r"_s});
        QCOMPARE(summary(*alice2), QStringList{u"presence unavailable from=alice@a.test/r"_s});
    }

    void probes_data()
    {
        QTest::addColumn<QString>("subscription"); // alice's item for bob
        QTest::addColumn<bool>("aliceOnline");
        QTest::addColumn<QStringList>("expected"); // what bob gets

        QTest::newRow("subscribed-online") << u"from"_s << true << QStringList{u"presence - from=alice@a.test/r"_s};
        QTest::newRow("subscribed-offline")
            << u"both"_s << false << QStringList{u"presence unavailable from=alice@a.test"_s};
        // bob believes he is subscribed: the 'unsubscribed' answer corrects his roster (§4.3.2).
        QTest::newRow("not-subscribed") << u"to"_s << true
                                        << QStringList{u"iq set from= item=alice@a.test:none"_s,
                                                       u"presence unsubscribed from=alice@a.test"_s};
        QTest::newRow("no-item") << QString() << true
                                 << QStringList{u"iq set from= item=alice@a.test:none"_s,
                                                u"presence unsubscribed from=alice@a.test"_s};
    }
    void probes()
    {
        QFETCH(QString, subscription);
        QFETCH(bool, aliceOnline);
        QFETCH(QStringList, expected);

        TestServer server(HostConfig);
        if (!subscription.isEmpty()) {
            rosterOf(server, u"alice"_s).ensureItem(u"bob@a.test"_s).subscription = subscription;
        }
        std::unique_ptr<TestClient> alice;
        if (aliceOnline) {
            alice = online(server, u"alice"_s);
        }
        rosterOf(server, u"bob"_s).ensureItem(u"alice@a.test"_s).subscription = u"to"_s;
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"r"_s);
        bob->send(u"<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq>"_s);
        bob->takeReceived();
        bob->send(u"<presence to='alice@a.test' type='probe'/>"_s);
        QCOMPARE(summary(*bob), expected);
    }

    void pendingRequestsAreShownAtLogin()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        alice->send(u"<presence to='bob@a.test' type='subscribe'/>"_s);
        alice->takeReceived();
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"r"_s);
        bob->sendAvailable();
        QCOMPARE(summary(*bob),
                 (QStringList{u"presence - from=bob@a.test/r"_s, u"presence subscribe from=alice@a.test"_s}));
    }

    void subscriptionToOneselfIsIgnored()
    {
        TestServer server(HostConfig);
        auto alice = online(server, u"alice"_s);
        alice->send(u"<presence to='alice@a.test' type='subscribe'/>"_s);
        QCOMPARE(summary(*alice), QStringList());
        QCOMPARE(rosterOf(server, u"alice"_s).size(), 0);
    }

    void deletingAnAccountEndsItsSubscriptionsAndData()
    {
        TestServer server(HostConfig);
        bool created = false;
        server.accounts().create(u"a.test"_s, u"alice"_s, u"pw"_s).then([&created](Result<void> r) {
            created = bool(r);
        });
        QTRY_VERIFY(created);
        rosterOf(server, u"alice"_s).ensureItem(u"bob@a.test"_s).subscription = u"both"_s;
        server.rosters().save(u"a.test"_s, u"alice"_s);
        rosterOf(server, u"bob"_s).ensureItem(u"alice@a.test"_s).subscription = u"both"_s;
        auto bob = online(server, u"bob"_s);
        bool removed = false;
        server.accounts().remove(u"a.test"_s, u"alice"_s).then([&removed](Result<void> r) { removed = bool(r); });
        QTRY_VERIFY(removed);
        QCOMPARE(stateOf(server, u"bob"_s, u"alice@a.test"_s), u"none"_s);
        QCOMPARE(
            summary(*bob),
            (QStringList{u"iq set from= item=alice@a.test:none"_s, u"iq set from= item=alice@a.test:to"_s,
                         u"presence unsubscribe from=alice@a.test"_s, u"presence unsubscribed from=alice@a.test"_s}));
        QCOMPARE(rosterOf(server, u"alice"_s).size(), 0); // purged, not just forgotten
    }
};

QTEST_GUILESS_MAIN(tst_PresenceModule)
#include "tst_PresenceModule.moc"
