#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/AccountManager.h"
#include "server/core/Host.h"
#include "server/core/RosterManager.h"
#include "server/storage/StorageManager.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString TwoHosts = uR"(
VirtualHost "a.test"
    modules_enabled = { "blocklist", "disco" }
VirtualHost "b.test"
    modules_enabled = { "blocklist" }
)"_s;

const QString Stanzas = u"urn:ietf:params:xml:ns:xmpp-stanzas"_s;

// Sends `xml` and waits until the client got something back (storage answers asynchronously).
QList<XmlElement> exchange(TestClient& client, const QString& xml)
{
    client.takeReceived();
    client.send(xml);
    if (!QTest::qWaitFor([&client] { return !client.received().isEmpty(); })) {
        return {};
    }
    return client.takeReceived();
}

// The block list as the server reports it (also waits until the list is loaded).
QStringList blocklist(TestClient& client)
{
    const QList<XmlElement> reply =
        exchange(client, u"<iq type='get' id='bl'><blocklist xmlns='urn:xmpp:blocking'/></iq>"_s);
    QStringList jids;
    for (const XmlElement& stanza : reply) {
        if (stanza.attribute(u"id") != u"bl"_s) {
            continue;
        }
        if (const XmlElement* list = stanza.firstChild(u"blocklist")) {
            for (const XmlElement* item : list->children(u"item")) {
                jids << item->attribute(u"jid");
            }
        }
    }
    return jids;
}

bool block(TestClient& client, const QStringList& jids, const QString& action = u"block"_s)
{
    QString items;
    for (const QString& jid : jids) {
        items += u"<item jid='%1'/>"_s.arg(jid);
    }
    const QList<XmlElement> reply =
        exchange(client, u"<iq type='set' id='edit'><%1 xmlns='urn:xmpp:blocking'>%2</%1></iq>"_s.arg(action, items));
    for (const XmlElement& stanza : reply) {
        if (stanza.attribute(u"id") == u"edit"_s) {
            return stanza.attribute(u"type") == u"result"_s;
        }
    }
    return false;
}

QString error(const QString& name, const QString& from, const QString& to, const QString& id, const QString& type,
              const QString& condition, const QString& extra = {})
{
    return u"<%1 id='%4' from='%2' to='%3' type='error'><error type='%5'><%6 xmlns='%7'/>%8</error></%1>"_s.arg(
        name, from, to, id, type, condition, Stanzas, extra);
}

} // namespace

class tst_BlocklistModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void edits_data()
    {
        QTest::addColumn<QStringList>("initial");
        QTest::addColumn<QString>("request");       // the payload of an iq set
        QTest::addColumn<QString>("expectedError"); // "" = result
        QTest::addColumn<QStringList>("expectedList");

        QTest::newRow("block-one") << QStringList()
                                   << u"<block xmlns='urn:xmpp:blocking'><item jid='bob@b.test'/></block>"_s
                                   << QString() << QStringList{u"bob@b.test"_s};
        QTest::newRow("block-preps-jids") << QStringList()
                                          << u"<block xmlns='urn:xmpp:blocking'><item jid='Bob@B.TEST/Phone'/>"
                                             u"<item jid='C.TEST'/></block>"_s
                                          << QString() << QStringList{u"bob@b.test/Phone"_s, u"c.test"_s};
        QTest::newRow("block-twice-keeps-one")
            << QStringList{u"bob@b.test"_s} << u"<block xmlns='urn:xmpp:blocking'><item jid='bob@b.test'/></block>"_s
            << QString() << QStringList{u"bob@b.test"_s};
        QTest::newRow("block-without-items") << QStringList{u"bob@b.test"_s} << u"<block xmlns='urn:xmpp:blocking'/>"_s
                                             << u"bad-request"_s << QStringList{u"bob@b.test"_s};
        QTest::newRow("block-malformed-jid") << QStringList()
                                             << u"<block xmlns='urn:xmpp:blocking'><item jid='good@b.test'/>"
                                                u"<item jid='a@b@c/'/></block>"_s
                                             << u"jid-malformed"_s << QStringList();
        QTest::newRow("unblock-one") << QStringList{u"bob@b.test"_s, u"carol@b.test"_s}
                                     << u"<unblock xmlns='urn:xmpp:blocking'><item jid='bob@b.test'/></unblock>"_s
                                     << QString() << QStringList{u"carol@b.test"_s};
        QTest::newRow("unblock-not-blocked")
            << QStringList{u"carol@b.test"_s}
            << u"<unblock xmlns='urn:xmpp:blocking'><item jid='dave@b.test'/></unblock>"_s << QString()
            << QStringList{u"carol@b.test"_s};
        QTest::newRow("unblock-all") << QStringList{u"bob@b.test"_s, u"carol@b.test"_s}
                                     << u"<unblock xmlns='urn:xmpp:blocking'/>"_s << QString() << QStringList();
    }
    void edits()
    {
        QFETCH(QStringList, initial);
        QFETCH(QString, request);
        QFETCH(QString, expectedError);
        QFETCH(QStringList, expectedList);

        TestServer server(TwoHosts);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(blocklist(*alice), QStringList());
        if (!initial.isEmpty()) {
            QVERIFY(block(*alice, initial));
        }
        const QList<XmlElement> reply = exchange(*alice, u"<iq type='set' id='e1'>%1</iq>"_s.arg(request));
        const QString expected = expectedError.isEmpty() ? u"<iq type='result' id='e1' to='alice@a.test/test'/>"_s
                                                         : error(u"iq"_s, QString(), u"alice@a.test/test"_s, u"e1"_s,
                                                                 u"modify"_s, expectedError)
                                                               .replace(u" from=''"_s, QString());
        QCOMPARE(TestXml::canonical(reply.mid(0, 1)), TestXml::canonical(expected));
        QCOMPARE(blocklist(*alice), expectedList);
    }

    void pushesGoToInterestedResources()
    {
        TestServer server(TwoHosts);
        auto one = server.login(u"alice"_s, u"a.test"_s, u"one"_s);
        auto two = server.login(u"alice"_s, u"a.test"_s, u"two"_s);
        auto three = server.login(u"alice"_s, u"a.test"_s, u"three"_s);
        QVERIFY(one && two && three);
        QCOMPARE(blocklist(*one), QStringList()); // asking for the list makes "one" interested
        two->session().setInterested(true);       // as a resource that asked for its roster

        QVERIFY(block(*one, {u"bob@b.test"_s}));
        const QString push =
            u"<iq type='set' id='blocklist-push' to='alice@a.test/%1'><block xmlns='urn:xmpp:blocking'>"
            u"<item jid='bob@b.test'/></block></iq>"_s;
        // "one" got its result (taken by block()) followed by the push.
        QTRY_VERIFY(!two->received().isEmpty());
        QCOMPARE(TestXml::canonical(two->takeReceived()), TestXml::canonical(push.arg(u"two"_s)));
        QVERIFY(three->received().isEmpty());

        one->takeReceived();
        QVERIFY(block(*one, {}, u"unblock"_s));
        QTRY_VERIFY(!two->received().isEmpty());
        QCOMPARE(TestXml::canonical(two->takeReceived()),
                 TestXml::canonical(u"<iq type='set' id='blocklist-push' to='alice@a.test/two'>"
                                    u"<unblock xmlns='urn:xmpp:blocking'/></iq>"_s));
        QVERIFY(three->received().isEmpty());
    }

    void incoming_data()
    {
        QTest::addColumn<QString>("blocked"); // what alice blocks
        QTest::addColumn<QString>("sender");  // "user@host/resource" that sends
        QTest::addColumn<QString>("stanza");  // sent by the sender (to alice)
        QTest::addColumn<QString>("bounce");  // expected answer to the sender ("" = nothing)
        QTest::addColumn<bool>("delivered");  // whether alice gets it

        const QString bob = u"bob@a.test/test"_s;
        QTest::newRow("message-bare-bounces")
            << u"bob@a.test"_s << bob << u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s
            << error(u"message"_s, u"alice@a.test"_s, bob, u"m1"_s, u"cancel"_s, u"service-unavailable"_s) << false;
        QTest::newRow("message-normal-bare-bounces")
            << u"bob@a.test"_s << bob << u"<message id='m1' to='alice@a.test'><body>x</body></message>"_s
            << error(u"message"_s, u"alice@a.test"_s, bob, u"m1"_s, u"cancel"_s, u"service-unavailable"_s) << false;
        QTest::newRow("message-online-full-dropped")
            << u"bob@a.test"_s << bob
            << u"<message id='m1' to='alice@a.test/test' type='chat'><body>x</body></message>"_s << QString() << false;
        QTest::newRow("message-headline-dropped")
            << u"bob@a.test"_s << bob
            << u"<message id='m1' to='alice@a.test' type='headline'><body>x</body></message>"_s << QString() << false;
        QTest::newRow("presence-dropped")
            << u"bob@a.test"_s << bob << u"<presence id='p1' to='alice@a.test/test'/>"_s << QString() << false;
        QTest::newRow("presence-subscribe-dropped")
            << u"bob@a.test"_s << bob << u"<presence id='p1' to='alice@a.test' type='subscribe'/>"_s << QString()
            << false;
        QTest::newRow("iq-get-bounces") << u"bob@a.test"_s << bob
                                        << u"<iq id='i1' to='alice@a.test/test' type='get'><q xmlns='urn:x'/></iq>"_s
                                        << error(u"iq"_s, u"alice@a.test/test"_s, bob, u"i1"_s, u"cancel"_s,
                                                 u"service-unavailable"_s)
                                        << false;
        QTest::newRow("iq-result-dropped")
            << u"bob@a.test"_s << bob << u"<iq id='i1' to='alice@a.test/test' type='result'/>"_s << QString() << false;
        QTest::newRow("full-jid-entry-blocks-that-resource")
            << u"bob@a.test/test"_s << bob
            << u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s
            << error(u"message"_s, u"alice@a.test"_s, bob, u"m1"_s, u"cancel"_s, u"service-unavailable"_s) << false;
        QTest::newRow("domain-entry-blocks-its-users")
            << u"b.test"_s << u"dave@b.test/test"_s
            << u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s
            << error(u"message"_s, u"alice@a.test"_s, u"dave@b.test/test"_s, u"m1"_s, u"cancel"_s,
                     u"service-unavailable"_s)
            << false;
        QTest::newRow("other-resource-passes")
            << u"bob@a.test/other"_s << bob
            << u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s << QString() << true;
        QTest::newRow("not-blocked-passes")
            << u"carol@a.test"_s << bob << u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s
            << QString() << true;
    }
    void incoming()
    {
        QFETCH(QString, blocked);
        QFETCH(QString, sender);
        QFETCH(QString, stanza);
        QFETCH(QString, bounce);
        QFETCH(bool, delivered);

        TestServer server(TwoHosts);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto from = server.login(sender.section(u'@', 0, 0), sender.section(u'@', 1).section(u'/', 0, 0),
                                 sender.section(u'/', 1));
        QVERIFY(alice && from);
        alice->sendAvailable();
        from->sendAvailable();
        QVERIFY(block(*alice, {blocked}));
        QCOMPARE(blocklist(*from), QStringList()); // also: the sender's own list is loaded
        alice->takeReceived();
        from->takeReceived();

        from->send(stanza);
        if (bounce.isEmpty()) {
            QVERIFY(from->received().isEmpty());
        } else {
            QTRY_VERIFY(!from->received().isEmpty());
            QCOMPARE(TestXml::canonical(from->takeReceived()), TestXml::canonical(bounce));
        }
        const QList<XmlElement> got = alice->takeReceived();
        QCOMPARE(!got.isEmpty(), delivered);
    }

    void outgoing_data()
    {
        QTest::addColumn<QString>("stanza");   // sent by alice, who blocked bob
        QTest::addColumn<QString>("expected"); // what alice gets back ("" = nothing)

        const QString alice = u"alice@a.test/test"_s;
        const QString blockedError =
            u"<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>You have blocked this JID</text>"
            u"<blocked xmlns='urn:xmpp:blocking:errors'/>"_s;
        QTest::newRow("message-bare") << u"<message id='m1' to='bob@a.test' type='chat'><body>x</body></message>"_s
                                      << error(u"message"_s, u"bob@a.test"_s, alice, u"m1"_s, u"cancel"_s,
                                               u"not-acceptable"_s, blockedError);
        QTest::newRow("message-full") << u"<message id='m1' to='bob@a.test/test'><body>x</body></message>"_s
                                      << error(u"message"_s, u"bob@a.test/test"_s, alice, u"m1"_s, u"cancel"_s,
                                               u"not-acceptable"_s, blockedError);
        QTest::newRow("iq-get-full") << u"<iq id='i1' to='bob@a.test/test' type='get'><q xmlns='urn:x'/></iq>"_s
                                     << error(u"iq"_s, u"bob@a.test/test"_s, alice, u"i1"_s, u"cancel"_s,
                                              u"not-acceptable"_s, blockedError);
        QTest::newRow("presence-directed-full") << u"<presence id='p1' to='bob@a.test/test'/>"_s
                                                << error(u"presence"_s, u"bob@a.test/test"_s, alice, u"p1"_s,
                                                         u"cancel"_s, u"not-acceptable"_s, blockedError);
        QTest::newRow("presence-directed-bare")
            << u"<presence id='p1' to='bob@a.test'/>"_s
            << error(u"presence"_s, u"bob@a.test"_s, alice, u"p1"_s, u"cancel"_s, u"not-acceptable"_s, blockedError);
        QTest::newRow("iq-result-dropped-silently")
            << u"<iq id='i1' to='bob@a.test/test' type='result'/>"_s << QString();
        QTest::newRow("message-error-dropped-silently")
            << u"<message id='m1' to='bob@a.test/test' type='error'><error type='cancel'>"
               u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"_s
            << QString();
    }
    void outgoing()
    {
        QFETCH(QString, stanza);
        QFETCH(QString, expected);

        TestServer server(TwoHosts);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->sendAvailable();
        bob->sendAvailable();
        QVERIFY(block(*alice, {u"bob@a.test"_s}));
        QCOMPARE(blocklist(*bob), QStringList());
        alice->takeReceived();
        bob->takeReceived();

        alice->send(stanza);
        QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(expected));
        QVERIFY(bob->received().isEmpty());
    }

    void sessionJustBoundIsCheckedToo()
    {
        // On SQLite the list loads on the storage thread: a stanza sent right after binding
        // waits for it instead of slipping through.
        QTemporaryDir dir;
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(TwoHosts, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QVERIFY(block(*alice, {u"bob@a.test"_s}));
        }
        TestServer server(TwoHosts, {.sqliteFile = file});
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<message id='m1' to='bob@a.test' type='chat'><body>x</body></message>"_s);
        QTRY_VERIFY(!alice->received().isEmpty());
        QCOMPARE(alice->received().first().attribute(u"type"), u"error"_s);
        QVERIFY(alice->received().first().firstChild(u"error")->firstChild(u"blocked"));
        QVERIFY(bob->received().isEmpty() || bob->received().first().name() != u"message"_s);
    }

    void offlineRecipientIsChecked_data()
    {
        QTest::addColumn<QString>("sender");
        QTest::addColumn<bool>("stored");

        QTest::newRow("blocked-bounced") << u"bob"_s << false;
        QTest::newRow("other-stored-offline") << u"carol"_s << true;
    }
    void offlineRecipientIsChecked()
    {
        QFETCH(QString, sender);
        QFETCH(bool, stored);

        QTemporaryDir dir;
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(TwoHosts, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QVERIFY(block(*alice, {u"bob@a.test"_s}));
        }
        // A restart: alice is offline and her list is not loaded.
        TestServer server(TwoHosts, {.sqliteFile = file});
        QStringList offline;
        server.host(u"a.test"_s)->events().addHandler(u"message/offline/handle"_s, [&offline](Event& e) {
            offline << e.stanza->attribute(u"from");
            return QVariant(true);
        });
        auto created = server.accounts().create(u"a.test"_s, u"alice"_s, u"pw"_s); // offline storage needs it
        QTRY_VERIFY(created.isFinished());
        QVERIFY(created.result());
        auto from = server.login(sender, u"a.test"_s);
        QVERIFY(from);
        from->sendAvailable();                    // so that a bounce is delivered
        QTRY_COMPARE(from->received().size(), 1); // the presence reflected (once the roster loaded)
        from->takeReceived();
        QCOMPARE(blocklist(*from), QStringList());
        from->send(u"<message id='m1' to='alice@a.test' type='chat'><body>x</body></message>"_s);
        if (stored) {
            QTRY_COMPARE(offline, QStringList{sender + u"@a.test/test"_s});
            QVERIFY(from->received().isEmpty());
        } else {
            QTRY_VERIFY(!from->received().isEmpty());
            QCOMPARE(TestXml::canonical(from->takeReceived()),
                     TestXml::canonical(error(u"message"_s, u"alice@a.test"_s, u"bob@a.test/test"_s, u"m1"_s,
                                              u"cancel"_s, u"service-unavailable"_s)));
            QVERIFY(offline.isEmpty());
        }
    }

    void persistsInProsodyShape()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(TwoHosts, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QVERIFY(block(*alice, {u"bob@a.test"_s, u"c.test"_s}));
        }
        {
            // The rows as Prosody 0.12's mod_blocklist + mod_storage_sql write them.
            QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"raw"_s);
            db.setDatabaseName(file);
            QVERIFY(db.open());
            QSqlQuery query(db);
            QVERIFY(query.exec(u"SELECT \"key\", \"type\", \"value\" FROM prosody WHERE host='a.test' AND "
                               u"\"user\"='alice' AND store='blocklist' ORDER BY \"key\""_s));
            QStringList rows;
            while (query.next()) {
                rows << query.value(0).toString() + u'|' + query.value(1).toString() + u'|' + query.value(2).toString();
            }
            QCOMPARE(rows.size(), 3);
            QVERIFY2(rows.at(0).startsWith(u"|json|{\"__hash\":[false,{\"created\":"_s), qPrintable(rows.at(0)));
            QVERIFY2(rows.at(0).contains(u"\"modified\":"_s), qPrintable(rows.at(0)));
            QVERIFY2(rows.at(1).startsWith(u"bob@a.test|number|"_s), qPrintable(rows.at(1)));
            QVERIFY2(rows.at(2).startsWith(u"c.test|number|"_s), qPrintable(rows.at(2)));
            // What an older Prosody wrote for another user: `true` values, no metadata.
            QVERIFY(query.exec(u"INSERT INTO prosody (host, \"user\", store, \"key\", type, value) VALUES "
                               u"('a.test', 'carol', 'blocklist', 'bob@a.test', 'boolean', 'true'), "
                               u"('a.test', 'carol', 'blocklist', 'dave@a.test', 'boolean', 'false')"_s));
            db.close();
        }
        QSqlDatabase::removeDatabase(u"raw"_s);
        {
            TestServer server(TwoHosts, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            auto carol = server.login(u"carol"_s, u"a.test"_s);
            QVERIFY(alice && carol);
            QCOMPARE(blocklist(*alice), (QStringList{u"bob@a.test"_s, u"c.test"_s}));
            QCOMPARE(blocklist(*carol), QStringList{u"bob@a.test"_s});
            QVERIFY(block(*alice, {}, u"unblock"_s));
        }
        {
            TestServer server(TwoHosts, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            QCOMPARE(blocklist(*alice), QStringList());
        }
    }

    void blockingHidesPresenceFromSubscribedContact()
    {
        TestServer server(TwoHosts);
        bool ready = false;
        server.rosters().withRoster(u"a.test"_s, u"alice"_s, [&](Result<Roster*> roster) {
            QVERIFY(roster);
            roster.value()->ensureItem(u"bob@a.test"_s).subscription = u"both"_s;
            roster.value()->setPendingIn(u"carol@a.test"_s, true);
            ready = true;
        });
        QTRY_VERIFY(ready);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        bob->sendAvailable();
        alice->sendAvailable();
        QCOMPARE(blocklist(*alice), QStringList());
        bob->takeReceived();

        QVERIFY(block(*alice, {u"bob@a.test"_s, u"carol@a.test"_s}));
        QTRY_VERIFY(!bob->received().isEmpty());
        QCOMPARE(TestXml::canonical(bob->takeReceived()),
                 TestXml::canonical(u"<presence type='unavailable' from='alice@a.test/test' to='bob@a.test'/>"_s));
        // carol's pending subscription request is dropped: she could never get an answer.
        QTRY_VERIFY(!server.rosters().cached(u"a.test"_s, u"alice"_s)->isPendingIn(u"carol@a.test"_s));

        // Unblocking: bob sees alice's current presence again (a probe on his behalf).
        QVERIFY(block(*alice, {u"bob@a.test"_s}, u"unblock"_s));
        QTRY_VERIFY(!bob->received().isEmpty());
        const XmlElement presence = bob->takeReceived().first();
        QCOMPARE(presence.name(), u"presence"_s);
        QCOMPARE(presence.attribute(u"from"), u"alice@a.test/test"_s);
        QCOMPARE(presence.attribute(u"type"), QString());
    }

    void discoAdvertisesFeature()
    {
        TestServer server(TwoHosts);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(
            u"<iq type='get' id='d1' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        QTRY_VERIFY(!alice->received().isEmpty());
        const XmlElement reply = alice->takeReceived().first();
        QStringList features;
        for (const XmlElement* feature : reply.firstChild(u"query")->children(u"feature")) {
            features << feature->attribute(u"var");
        }
        QVERIFY2(features.contains(u"urn:xmpp:blocking"_s), qPrintable(features.join(u' ')));
    }
};

QTEST_GUILESS_MAIN(tst_BlocklistModule)
#include "tst_BlocklistModule.moc"
