#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/mam/MamExpiry.h"
#include "modules/mam/MamModule.h"
#include "server/core/AccountManager.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterManager.h"
#include "server/storage/ArchiveStore.h"
#include "server/storage/KeyValueStore.h"
#include "server/storage/StorageManager.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// The archives hold items from 2023: the cron module must not expire them on its own during a
// test (tests run the expiry task themselves).
const QString MamConfig = uR"(
VirtualHost "a.test"
    modules_enabled = { "mam", "disco" }
    cron_initial_delay = 86400
)"_s;

constexpr qint64 Base = 1700000000; // 2023-11-14T22:13:20Z

// What an archive query sent back: the result messages and the final iq.
struct Answer
{
    QList<XmlElement> results;
    XmlElement iq;

    QStringList ids() const
    {
        QStringList out;
        for (const XmlElement& message : results)
            out << message.firstChild(u"result", u"urn:xmpp:mam:2")->attribute(u"id");
        return out;
    }
    QStringList bodies() const
    {
        QStringList out;
        for (const XmlElement& message : results)
            out << message.firstChild(u"result")->firstChild(u"forwarded")->firstChild(u"message")->childText(u"body");
        return out;
    }
    const XmlElement* fin() const { return iq.firstChild(u"fin", u"urn:xmpp:mam:2"); }
    QString rsm(QStringView name) const
    {
        const XmlElement* f = fin();
        const XmlElement* set = f ? f->firstChild(u"set") : nullptr;
        return set ? set->childText(name) : QString();
    }
    QString condition() const
    {
        const XmlElement* error = iq.firstChild(u"error");
        return error && error->firstChild() ? error->firstChild()->name() : QString();
    }
};

// Sends an iq and collects everything up to its answer.
Answer ask(TestClient& client, const QString& iq)
{
    client.takeReceived();
    const QString id = TestXml::parse(iq).attribute(u"id");
    client.send(iq);
    Answer answer;
    const bool answered = QTest::qWaitFor(
        [&] {
            for (const XmlElement& stanza : client.received())
                if (stanza.name() == u"iq"_s && stanza.attribute(u"id") == id)
                    return true;
            return false;
        },
        5000);
    if (!answered)
        qWarning("no answer to %s", qPrintable(iq));
    for (const XmlElement& stanza : client.takeReceived()) {
        if (stanza.name() == u"iq"_s && stanza.attribute(u"id") == id)
            answer.iq = stanza;
        else if (stanza.firstChild(u"result", u"urn:xmpp:mam:2"))
            answer.results << stanza;
    }
    return answer;
}

Answer query(TestClient& client, const QString& children = {}, const QString& queryId = u"f1"_s)
{
    return ask(client, u"<iq type='set' id='q1'><query xmlns='urn:xmpp:mam:2' queryid='%1'>%2</query></iq>"_s.arg(
                           queryId, children));
}

QString form(const QString& fields)
{
    return u"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
           u"<value>urn:xmpp:mam:2</value></field>%1</x>"_s.arg(fields);
}

QString formField(const QString& var, const QString& value)
{
    return u"<field var='%1'><value>%2</value></field>"_s.arg(var, value);
}

std::shared_ptr<ArchiveStore> archiveOf(TestServer& server)
{
    return server.storage().openArchive(u"a.test"_s, u"archive"_s).value();
}

// Puts k1..k<count> into alice's archive: `when` Base + 100*i, alternately with bob and carol.
void preload(TestServer& server, int count)
{
    auto store = archiveOf(server);
    for (int i = 1; i <= count; ++i) {
        const QString with = i % 2 ? u"bob@a.test"_s : u"carol@a.test"_s;
        const XmlElement message = TestXml::parse(
            u"<message type='chat' from='%1/x' to='alice@a.test/test'><body>m%2</body></message>"_s.arg(with).arg(i));
        auto appended = store->append(u"alice"_s, u"k%1"_s.arg(i), QVariant::fromValue(message), Base + 100 * i, with);
        QTRY_VERIFY(appended.isFinished());
        QVERIFY(appended.result());
    }
}

Roster& rosterOf(TestServer& server, const QString& user)
{
    Roster* result = nullptr;
    server.rosters().withRoster(u"a.test"_s, user, [&](Result<Roster*> roster) { result = roster.value(); });
    Q_ASSERT(result); // the memory driver answers at once
    return *result;
}

const XmlElement* stanzaIdOf(const XmlElement& message, const QString& by)
{
    for (const XmlElement* id : message.children(u"stanza-id", u"urn:xmpp:sid:0"))
        if (id->attribute(u"by") == by)
            return id;
    return nullptr;
}

// canonical() of one element, comparable with TestXml::canonical(QString).
QStringList canon(const XmlElement& element)
{
    return TestXml::canonical(QList<XmlElement>{element});
}

Modules::MamModule* mamOf(TestServer& server)
{
    ModuleApi* api = server.module(u"a.test"_s, u"mam"_s);
    return api ? qobject_cast<Modules::MamModule*>(api->moduleInstance()) : nullptr;
}

} // namespace

class tst_MamModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void archivesBothDirectionsWithStanzaIds()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->sendAvailable();
        bob->sendAvailable();
        alice->takeReceived();
        bob->takeReceived();

        alice->send(u"<message id='m1' to='bob@a.test' type='chat'><body>hello</body></message>"_s);
        const QList<XmlElement> delivered = bob->takeReceived();
        QCOMPARE(delivered.size(), 1);
        const XmlElement* bobsId = stanzaIdOf(delivered.first(), u"bob@a.test"_s);
        QVERIFY(bobsId);
        // The sender's archive id never leaves the server.
        QCOMPARE(delivered.first().children(u"stanza-id", u"urn:xmpp:sid:0").size(), 1);

        const Answer bobs = query(*bob);
        QCOMPARE(bobs.ids(), QStringList{bobsId->attribute(u"id")});
        QCOMPARE(
            canon(bobs.results.first()),
            TestXml::canonical(uR"(<message to='bob@a.test/test'><result xmlns='urn:xmpp:mam:2' queryid='f1' id='%1'>
                     <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='%2'/>
                     <message xmlns='jabber:client' id='m1' to='bob@a.test' type='chat' from='alice@a.test/test'>
                     <body>hello</body></message></forwarded></result></message>)"_s.arg(
                bobsId->attribute(u"id"),
                bobs.results.first().firstChild()->firstChild()->firstChild()->attribute(u"stamp"))));
        const QString stamp = bobs.results.first().firstChild()->firstChild()->firstChild()->attribute(u"stamp");
        QVERIFY(qAbs(QDateTime::fromString(stamp, Qt::ISODate).toSecsSinceEpoch() -
                     QDateTime::currentSecsSinceEpoch()) < 60);
        QCOMPARE(canon(bobs.iq), TestXml::canonical(uR"(<iq type='result' id='q1' to='bob@a.test/test'>
                     <fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'>
                     <first>%1</first><last>%1</last><count>1</count></set></fin></iq>)"_s.arg(
                                     bobsId->attribute(u"id"))));

        const Answer alices = query(*alice);
        QCOMPARE(alices.bodies(), QStringList{u"hello"_s});
        QVERIFY(alices.ids().first() != bobsId->attribute(u"id"));

        // A query filtered by the partner: the 'with' column is the other party's bare JID.
        QCOMPARE(query(*alice, form(formField(u"with"_s, u"bob@a.test/any"_s))).bodies(), QStringList{u"hello"_s});
        QCOMPARE(query(*bob, form(formField(u"with"_s, u"alice@a.test"_s))).bodies(), QStringList{u"hello"_s});
        QCOMPARE(query(*bob, form(formField(u"with"_s, u"carol@a.test"_s))).bodies(), QStringList());
    }

    void messageToOwnAccountIsArchivedOnce()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto other = server.login(u"alice"_s, u"a.test"_s, u"other"_s);
        QVERIFY(alice && other);
        alice->sendAvailable();
        other->sendAvailable(1);
        alice->takeReceived();
        other->takeReceived();
        alice->send(u"<message to='alice@a.test' type='chat'><body>note</body></message>"_s);
        const QList<XmlElement> got = other->takeReceived();
        QCOMPARE(got.size(), 1);
        const XmlElement* id = stanzaIdOf(got.first(), u"alice@a.test"_s);
        QVERIFY(id);
        QCOMPARE(query(*alice).ids(), QStringList{id->attribute(u"id")});
    }

    void whatIsArchived_data()
    {
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("archived");

        QTest::newRow("chat-body") << u"<message type='chat'><body>x</body></message>"_s << true;
        QTest::newRow("normal-body") << u"<message><body>x</body></message>"_s << true;
        QTest::newRow("headline") << u"<message type='headline'><body>x</body></message>"_s << false;
        QTest::newRow("no-store-hint") << u"<message type='chat'><body>x</body><no-store xmlns='urn:xmpp:hints'/>"
                                          u"</message>"_s
                                       << false;
        QTest::newRow("no-permanent-store-hint")
            << u"<message type='chat'><body>x</body><no-permanent-store xmlns='urn:xmpp:hints'/></message>"_s << false;
        QTest::newRow("store-hint-without-body")
            << u"<message type='chat'><store xmlns='urn:xmpp:hints'/></message>"_s << true;
        QTest::newRow("chat-state-only")
            << u"<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"_s << false;
        QTest::newRow("chat-state-with-store-hint")
            << u"<message type='chat'><store xmlns='urn:xmpp:hints'/>"
               u"<composing xmlns='http://jabber.org/protocol/chatstates'/></message>"_s
            << true;
        QTest::newRow("receipt-request") << u"<message type='chat'><request xmlns='urn:xmpp:receipts'/></message>"_s
                                         << true;
        QTest::newRow("subject") << u"<message><subject>s</subject></message>"_s << true;
        QTest::newRow("encrypted") << u"<message type='chat'><encryption xmlns='urn:xmpp:eme:0'/></message>"_s << true;
        QTest::newRow("empty") << u"<message type='chat'/>"_s << false;
        QTest::newRow("error-to-bare") << u"<message type='error'><error type='cancel'/></message>"_s << false;
    }
    void whatIsArchived()
    {
        QFETCH(QString, message);
        QFETCH(bool, archived);

        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        bob->sendAvailable();
        bob->takeReceived();
        XmlElement stanza = TestXml::parse(message);
        stanza.setAttribute(u"to"_s, u"bob@a.test"_s);
        alice->send(stanza);
        const QList<XmlElement> delivered = bob->takeReceived();
        if (stanza.attribute(u"type") != u"error"_s) {
            QCOMPARE(delivered.size(), 1);
            QCOMPARE(stanzaIdOf(delivered.first(), u"bob@a.test"_s) != nullptr, archived);
        }
        QCOMPARE(query(*alice).results.size(), archived ? 1 : 0);
        QCOMPARE(query(*bob).results.size(), archived ? 1 : 0);
        if (archived) {
            // dont_archive_namespaces (chat states by default) never reach the archive.
            const Answer answer = query(*bob);
            const XmlElement* stored = answer.results.first().firstChild()->firstChild()->firstChild(u"message");
            QVERIFY(!stored->firstChild({}, u"http://jabber.org/protocol/chatstates"));
        }
    }

    void ignoredNamespacesAreNotStored()
    {
        TestServer server(MamConfig + u"    dont_archive_namespaces = { \"urn:xmpp:receipts\" }\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        bob->sendAvailable();
        // Worth archiving for its receipt request, but nothing is left once receipts are ignored.
        alice->send(u"<message to='bob@a.test' type='chat'><request xmlns='urn:xmpp:receipts'/></message>"_s);
        alice->send(u"<message to='bob@a.test' type='chat'><body>b</body><request xmlns='urn:xmpp:receipts'/>"
                    u"<active xmlns='http://jabber.org/protocol/chatstates'/></message>"_s);
        const Answer answer = query(*alice);
        QCOMPARE(answer.bodies(), QStringList{u"b"_s});
        const XmlElement* stored = answer.results.first().firstChild()->firstChild()->firstChild(u"message");
        QVERIFY(!stored->firstChild({}, u"urn:xmpp:receipts"));
        // The option replaces the default list: chat states are kept now.
        QVERIFY(stored->firstChild({}, u"http://jabber.org/protocol/chatstates"));
    }

    void archivesWhilePreferencesLoad()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestServer server(MamConfig, {.sqliteFile = dir.filePath(u"canto.sqlite"_s)});
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        QVERIFY(!mamOf(server)->isReady()); // the SQL worker has not answered yet
        // To the full JID: delivered at once, without waiting for presence (and so the roster).
        alice->send(u"<message to='bob@a.test/test' type='chat'><body>early</body></message>"_s);
        const QList<XmlElement> delivered = bob->takeReceived();
        QCOMPARE(delivered.size(), 1);
        // No id yet: it would name an item that may never exist.
        QVERIFY(!stanzaIdOf(delivered.first(), u"bob@a.test"_s));
        QTRY_VERIFY(mamOf(server)->isReady());
        QTRY_COMPARE(query(*bob).bodies(), QStringList{u"early"_s});
        QCOMPARE(query(*alice).bodies(), QStringList{u"early"_s});
    }

    void forgedStanzaIdsAreStripped()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        bob->sendAvailable();
        bob->takeReceived();
        alice->send(u"<message to='bob@a.test' type='chat'><body>x</body>"
                    u"<stanza-id xmlns='urn:xmpp:sid:0' by='bob@a.test' id='forged-bob'/>"
                    u"<stanza-id xmlns='urn:xmpp:sid:0' by='alice@a.test' id='forged-alice'/>"
                    u"<stanza-id xmlns='urn:xmpp:sid:0' by='room@muc.b.test' id='kept'/></message>"_s);
        const QList<XmlElement> delivered = bob->takeReceived();
        QCOMPARE(delivered.size(), 1);
        QStringList ids;
        for (const XmlElement* id : delivered.first().children(u"stanza-id", u"urn:xmpp:sid:0"))
            ids << id->attribute(u"by") + u'=' +
                       (id->attribute(u"id").startsWith(u"forged"_s) ? id->attribute(u"id") : u"*"_s);
        ids.sort();
        QCOMPARE(ids, (QStringList{u"bob@a.test=*"_s, u"room@muc.b.test=*"_s}));
        QCOMPARE(stanzaIdOf(delivered.first(), u"room@muc.b.test"_s)->attribute(u"id"), u"kept"_s);
        // No archive keeps an id claiming to be its owner's (only ids we add may say that).
        for (TestClient* client : {alice.get(), bob.get()}) {
            const Answer answer = query(*client);
            QCOMPARE(answer.results.size(), 1);
            const XmlElement* stored = answer.results.first().firstChild()->firstChild()->firstChild(u"message");
            QVERIFY(!stanzaIdOf(*stored, client->bareJid()));
            QVERIFY(stanzaIdOf(*stored, u"room@muc.b.test"_s));
        }
    }

    void filters_data()
    {
        QTest::addColumn<QString>("fields");
        QTest::addColumn<QStringList>("expected");
        // RSM count is of everything matching the filters, before after-id/before-id (Prosody).

        QTest::newRow("none") << QString() << QStringList{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s, u"k5"_s};
        QTest::newRow("with") << formField(u"with"_s, u"carol@a.test"_s) << QStringList{u"k2"_s, u"k4"_s};
        QTest::newRow("start-inclusive") << formField(u"start"_s, u"2023-11-14T22:18:20Z"_s)
                                         << QStringList{u"k3"_s, u"k4"_s, u"k5"_s};
        QTest::newRow("end-inclusive") << formField(u"end"_s, u"2023-11-14T22:18:20Z"_s)
                                       << QStringList{u"k1"_s, u"k2"_s, u"k3"_s};
        QTest::newRow("start-with-offset-and-fraction")
            << formField(u"start"_s, u"2023-11-15T00:18:20.123+02:00"_s) << QStringList{u"k3"_s, u"k4"_s, u"k5"_s};
        QTest::newRow("start-end-with") << formField(u"start"_s, u"2023-11-14T22:15:01Z"_s) +
                                               formField(u"end"_s, u"2023-11-14T22:20:00Z"_s) +
                                               formField(u"with"_s, u"bob@a.test"_s)
                                        << QStringList{u"k3"_s};
        QTest::newRow("after-id") << formField(u"after-id"_s, u"k3"_s) << QStringList{u"k4"_s, u"k5"_s};
        QTest::newRow("before-id") << formField(u"before-id"_s, u"k3"_s) << QStringList{u"k1"_s, u"k2"_s};
        QTest::newRow("ids") << u"<field var='ids'><value>k4</value><value>k1</value></field>"_s
                             << QStringList{u"k1"_s, u"k4"_s};
        QTest::newRow("unknown-field-ignored")
            << formField(u"whatever"_s, u"x"_s) << QStringList{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s, u"k5"_s};
    }
    void filters()
    {
        QFETCH(QString, fields);
        QFETCH(QStringList, expected);

        TestServer server(MamConfig);
        preload(server, 5);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer answer = query(*alice, form(fields));
        QCOMPARE(answer.ids(), expected);
        QCOMPARE(answer.fin()->attribute(u"complete"), u"true"_s);
        const bool positioned = fields.contains(u"after-id"_s) || fields.contains(u"before-id"_s);
        QCOMPARE(answer.rsm(u"count"), positioned ? u"5"_s : QString::number(expected.size()));
    }

    void paging_data()
    {
        QTest::addColumn<QString>("rsm");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<bool>("complete");

        QTest::newRow("first-page") << u"<max>2</max>"_s << QStringList{u"k1"_s, u"k2"_s} << false;
        QTest::newRow("after-k2") << u"<max>2</max><after>k2</after>"_s << QStringList{u"k3"_s, u"k4"_s} << false;
        QTest::newRow("after-k4-last-page") << u"<max>2</max><after>k4</after>"_s << QStringList{u"k5"_s} << true;
        QTest::newRow("after-k3-exactly-full")
            << u"<max>2</max><after>k3</after>"_s << QStringList{u"k4"_s, u"k5"_s} << true;
        QTest::newRow("last-page") << u"<max>2</max><before/>"_s << QStringList{u"k4"_s, u"k5"_s} << false;
        QTest::newRow("before-k4") << u"<max>2</max><before>k4</before>"_s << QStringList{u"k2"_s, u"k3"_s} << false;
        QTest::newRow("before-k2-first-page") << u"<max>2</max><before>k2</before>"_s << QStringList{u"k1"_s} << true;
        QTest::newRow("max-zero-counts-only") << u"<max>0</max>"_s << QStringList() << true;
        QTest::newRow("max-above-cap") << u"<max>100</max>"_s << QStringList{u"k1"_s, u"k2"_s, u"k3"_s} << false;
        QTest::newRow("default-max-capped") << QString() << QStringList{u"k1"_s, u"k2"_s, u"k3"_s} << false;
    }
    void paging()
    {
        QFETCH(QString, rsm);
        QFETCH(QStringList, expected);
        QFETCH(bool, complete);

        TestServer server(MamConfig + u"    max_archive_query_results = 3\n"_s);
        preload(server, 5);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QString set =
            rsm.isEmpty() ? QString() : u"<set xmlns='http://jabber.org/protocol/rsm'>%1</set>"_s.arg(rsm);
        const Answer answer = query(*alice, set);
        QCOMPARE(answer.ids(), expected); // always oldest first
        QCOMPARE(answer.fin()->attribute(u"complete"), complete ? u"true"_s : QString());
        QCOMPARE(answer.rsm(u"first"), expected.value(0));
        QCOMPARE(answer.rsm(u"last"), expected.isEmpty() ? QString() : expected.last());
        QCOMPARE(answer.rsm(u"count"), u"5"_s);
        for (const XmlElement& message : answer.results)
            QCOMPARE(message.firstChild()->attribute(u"queryid"), u"f1"_s);
    }

    void walkBackwardsThroughEverything()
    {
        TestServer server(MamConfig);
        preload(server, 7);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QStringList seen;
        QString before;
        for (int pages = 0; pages < 10; ++pages) {
            const Answer answer = query(
                *alice,
                u"<set xmlns='http://jabber.org/protocol/rsm'><max>3</max><before>%1</before></set>"_s.arg(before));
            seen = answer.ids() + seen;
            if (answer.fin()->attribute(u"complete") == u"true"_s)
                break;
            before = answer.rsm(u"first");
        }
        QCOMPARE(seen, (QStringList{u"k1"_s, u"k2"_s, u"k3"_s, u"k4"_s, u"k5"_s, u"k6"_s, u"k7"_s}));
    }

    void countFollowsExpiryAndOption_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("rsm");
        QTest::addColumn<QString>("count");

        QTest::newRow("default") << QString() << QString() << u"3"_s;
        QTest::newRow("never-expires-no-count") << u"archive_expires_after = \"never\""_s << QString() << QString();
        QTest::newRow("never-expires-but-max-zero")
            << u"archive_expires_after = \"never\""_s
            << u"<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>"_s << u"3"_s;
        QTest::newRow("never-expires-include-total")
            << u"archive_expires_after = \"never\"\n    mam_include_total = true"_s << QString() << u"3"_s;
        QTest::newRow("total-off") << u"mam_include_total = false"_s << QString() << QString();
    }
    void countFollowsExpiryAndOption()
    {
        QFETCH(QString, options);
        QFETCH(QString, rsm);
        QFETCH(QString, count);

        TestServer server(MamConfig + u"    "_s + options + u"\n"_s);
        preload(server, 3);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(query(*alice, rsm).rsm(u"count"), count);
    }

    void errors_data()
    {
        QTest::addColumn<QString>("children");
        QTest::addColumn<QString>("expected");

        const QString badRequest = u"<iq type='error' id='q1' to='alice@a.test/test'><error type='modify'>"
                                   u"<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                   u"<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>%1</text></error></iq>"_s;
        QTest::newRow("unknown-after")
            << u"<set xmlns='http://jabber.org/protocol/rsm'><after>nope</after></set>"_s
            << u"<iq type='error' id='q1' to='alice@a.test/test'><error type='modify'>"
               u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
        QTest::newRow("unknown-before")
            << u"<set xmlns='http://jabber.org/protocol/rsm'><before>nope</before></set>"_s
            << u"<iq type='error' id='q1' to='alice@a.test/test'><error type='modify'>"
               u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
        QTest::newRow("unknown-after-id")
            << form(formField(u"after-id"_s, u"nope"_s))
            << u"<iq type='error' id='q1' to='alice@a.test/test'><error type='modify'>"
               u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
        QTest::newRow("bad-start") << form(formField(u"start"_s, u"yesterday"_s))
                                   << badRequest.arg(u"invalid timestamp"_s);
        QTest::newRow("impossible-date") << form(formField(u"end"_s, u"2023-02-30T00:00:00Z"_s))
                                         << badRequest.arg(u"invalid timestamp"_s);
        QTest::newRow("bad-with") << form(formField(u"with"_s, u"a@b@c"_s)) << badRequest.arg(u"Invalid JID: a@b@c"_s);
        QTest::newRow("wrong-form-type")
            << u"<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:xmpp:mam:1</value></field></x>"_s
            << badRequest.arg(u"Unexpected FORM_TYPE, expected 'urn:xmpp:mam:2'"_s);
        QTest::newRow("no-form-type") << u"<x xmlns='jabber:x:data' type='submit'/>"_s
                                      << badRequest.arg(u"Unexpected FORM_TYPE, expected 'urn:xmpp:mam:2'"_s);
        QTest::newRow("negative-max") << u"<set xmlns='http://jabber.org/protocol/rsm'><max>-1</max></set>"_s
                                      << badRequest.arg(u"RSM max must not be negative"_s);
    }
    void errors()
    {
        QFETCH(QString, children);
        QFETCH(QString, expected);

        TestServer server(MamConfig);
        preload(server, 2);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer answer = query(*alice, children);
        QVERIFY(answer.results.isEmpty());
        QCOMPARE(canon(answer.iq), TestXml::canonical(expected));
    }

    void otherUsersArchiveIsNotReachable()
    {
        TestServer server(MamConfig);
        preload(server, 2);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        const Answer answer =
            ask(*bob, u"<iq type='set' id='q1' to='alice@a.test'><query xmlns='urn:xmpp:mam:2'/></iq>"_s);
        QVERIFY(answer.results.isEmpty());
        QCOMPARE(answer.condition(), u"service-unavailable"_s);
    }

    void formDiscoveryAndDisco()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer form = ask(*alice, u"<iq type='get' id='g1'><query xmlns='urn:xmpp:mam:2'/></iq>"_s);
        QCOMPARE(canon(form.iq), TestXml::canonical(uR"(<iq type='result' id='g1' to='alice@a.test/test'>
            <query xmlns='urn:xmpp:mam:2'><x xmlns='jabber:x:data' type='form'>
            <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>
            <field var='with' type='jid-single'/>
            <field var='start' type='text-single'><validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:dateTime'/></field>
            <field var='end' type='text-single'><validate xmlns='http://jabber.org/protocol/xdata-validate' datatype='xs:dateTime'/></field>
            <field var='before-id' type='text-single'/><field var='after-id' type='text-single'/>
            <field var='ids' type='list-multi'/></x></query></iq>)"_s));

        const Answer info = ask(
            *alice,
            u"<iq type='get' id='d1' to='alice@a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        QStringList features;
        for (const XmlElement* feature : info.iq.firstChild(u"query")->children(u"feature"))
            features << feature->attribute(u"var");
        QVERIFY2(features.contains(u"urn:xmpp:mam:2"_s), qPrintable(features.join(u' ')));
        QVERIFY(features.contains(u"urn:xmpp:mam:2#extended"_s));
        QVERIFY(features.contains(u"urn:xmpp:sid:0"_s));
    }

    void preferences_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("prefs");            // set first ("" = keep the defaults)
        QTest::addColumn<QString>("expectedPrefs");    // what a get answers afterwards
        QTest::addColumn<QStringList>("archivedFrom"); // of messages from bob, carol and dave

        QTest::newRow("default-always") << QString() << QString()
                                        << u"<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never/></prefs>"_s
                                        << QStringList{u"bob"_s, u"carol"_s, u"dave"_s};
        QTest::newRow("option-false") << u"default_archive_policy = false"_s << QString()
                                      << u"<prefs xmlns='urn:xmpp:mam:2' default='never'><always/><never/></prefs>"_s
                                      << QStringList();
        QTest::newRow("option-roster") << u"default_archive_policy = \"roster\""_s << QString()
                                       << u"<prefs xmlns='urn:xmpp:mam:2' default='roster'><always/><never/></prefs>"_s
                                       << QStringList{u"bob"_s};
        QTest::newRow("never-but-carol")
            << QString()
            << u"<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>carol@a.test</jid></always><never/></prefs>"_s
            << u"<prefs xmlns='urn:xmpp:mam:2' default='never'><always><jid>carol@a.test</jid></always><never/></prefs>"_s
            << QStringList{u"carol"_s};
        QTest::newRow("always-but-bob")
            << QString()
            << u"<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never><jid>bob@a.test</jid></never></prefs>"_s
            << u"<prefs xmlns='urn:xmpp:mam:2' default='always'><always/><never><jid>bob@a.test</jid></never></prefs>"_s
            << QStringList{u"carol"_s, u"dave"_s};
        QTest::newRow("roster-plus-dave")
            << u"default_archive_policy = false"_s
            << u"<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>dave@a.test</jid></always></prefs>"_s
            << u"<prefs xmlns='urn:xmpp:mam:2' default='roster'><always><jid>dave@a.test</jid></always><never/></prefs>"_s
            << QStringList{u"bob"_s, u"dave"_s};
    }
    void preferences()
    {
        QFETCH(QString, options);
        QFETCH(QString, prefs);
        QFETCH(QString, expectedPrefs);
        QFETCH(QStringList, archivedFrom);

        TestServer server(MamConfig + u"    "_s + options + u"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        rosterOf(server, u"alice"_s).ensureItem(u"bob@a.test"_s).subscription = u"both"_s;
        if (!prefs.isEmpty()) {
            const Answer set = ask(*alice, u"<iq type='set' id='p1'>%1</iq>"_s.arg(prefs));
            QCOMPARE(
                canon(set.iq),
                TestXml::canonical(u"<iq type='result' id='p1' to='alice@a.test/test'>%1</iq>"_s.arg(expectedPrefs)));
        }
        const Answer get = ask(*alice, u"<iq type='get' id='p2'><prefs xmlns='urn:xmpp:mam:2'/></iq>"_s);
        QCOMPARE(canon(get.iq),
                 TestXml::canonical(u"<iq type='result' id='p2' to='alice@a.test/test'>%1</iq>"_s.arg(expectedPrefs)));

        for (const QString& sender : {u"bob"_s, u"carol"_s, u"dave"_s}) {
            auto client = server.login(sender, u"a.test"_s);
            client->send(u"<message to='alice@a.test' type='chat'><body>%1</body></message>"_s.arg(sender));
        }
        QCOMPARE(query(*alice).bodies(), archivedFrom);
    }

    void preferencesAreStoredLikeProsody()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        ask(*alice, u"<iq type='set' id='p1'><prefs xmlns='urn:xmpp:mam:2' default='roster'>"
                    u"<always><jid>Bob@A.test</jid></always><never><jid>carol@a.test</jid></never></prefs></iq>"_s);
        auto store = server.storage().openKeyValue(u"a.test"_s, u"archive_prefs"_s).value();
        auto stored = store->get(u"alice"_s);
        QTRY_VERIFY(stored.isFinished());
        const QVariantMap expected{
            {u"bob@a.test"_s, true}, {u"carol@a.test"_s, false}, {u"__hash"_s, QVariantList{false, u"roster"_s}}};
        QCOMPARE(stored.result().value().toMap(), expected);
    }

    void badPreferences()
    {
        TestServer server(MamConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer answer =
            ask(*alice, u"<iq type='set' id='p1'><prefs xmlns='urn:xmpp:mam:2' default='sometimes'/></iq>"_s);
        QCOMPARE(answer.condition(), u"bad-request"_s);
    }

    void offlineRecipientsAreArchivedIfTheyExist()
    {
        TestServer server(MamConfig);
        bool created = false;
        server.accounts().create(u"a.test"_s, u"bob"_s, u"secret"_s).then([&created](Result<void> r) {
            created = bool(r);
        });
        QTRY_VERIFY(created);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<message to='bob@a.test' type='chat'><body>later</body></message>"_s);
        alice->send(u"<message to='nobody@a.test' type='chat'><body>lost</body></message>"_s);
        auto store = archiveOf(server);
        QTRY_COMPARE(store->find(u"bob"_s, {}).result().value().items.size(), 1);
        QCOMPARE(store->find(u"nobody"_s, {}).result().value().items.size(), 0);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QCOMPARE(query(*bob).bodies(), QStringList{u"later"_s});
    }

    void rosterPolicyLoadsTheRosterWhenNotCached()
    {
        TestServer server(MamConfig + u"    default_archive_policy = \"roster\"\n"_s);
        bool created = false;
        server.accounts().create(u"a.test"_s, u"bob"_s, u"secret"_s).then([&created](Result<void> r) {
            created = bool(r);
        });
        QTRY_VERIFY(created);
        // Bob's roster is only in storage (as Prosody wrote it), not loaded.
        Roster stored;
        stored.ensureItem(u"carol@a.test"_s).subscription = u"both"_s;
        auto rosters = server.storage().openKeyValue(u"a.test"_s, u"roster"_s).value();
        auto saved = rosters->set(u"bob"_s, stored.toStored());
        QTRY_VERIFY(saved.isFinished());
        QVERIFY(!server.rosters().cached(u"a.test"_s, u"bob"_s));
        for (const QString& sender : {u"carol"_s, u"dave"_s}) {
            auto client = server.login(sender, u"a.test"_s);
            client->send(u"<message to='bob@a.test' type='chat'><body>%1</body></message>"_s.arg(sender));
        }
        auto store = archiveOf(server);
        QTRY_COMPARE(store->find(u"bob"_s, {}).result().value().items.size(), 1);
        QCOMPARE(store->find(u"bob"_s, {}).result().value().items.first().with, u"carol@a.test"_s);
    }

    void fullArchiveMakesRoom_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<int>("expired"); // of the preloaded items, how many are old
        QTest::addColumn<int>("count");   // items afterwards

        // The memory driver's quota is storage_archive_item_limit's default, 10000.
        QTest::newRow("expired-items-go-first") << QString() << 10 << 9991;
        QTest::newRow("then-the-oldest-percent") << QString() << 0 << 9901;
        QTest::newRow("never-expires-oldest-percent") << u"archive_expires_after = \"never\""_s << 10 << 9901;
    }
    void fullArchiveMakesRoom()
    {
        QFETCH(QString, options);
        QFETCH(int, expired);
        QFETCH(int, count);

        TestServer server(MamConfig + u"    "_s + options + u"\n"_s);
        auto store = archiveOf(server);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QVariant message = QVariant::fromValue(TestXml::parse(u"<message><body>old</body></message>"_s));
        for (int i = 0; i < 10000; ++i) {
            auto appended = store->append(u"alice"_s, {}, message, i < expired ? now - 30 * 86400 : now, u"x@a.test"_s);
            QVERIFY(appended.isFinished() && appended.result());
        }
        QVERIFY(!store->append(u"alice"_s, {}, message, now, u"x@a.test"_s).result()); // full
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable(); // so the note reaches her, rather than bouncing into the archive too
        alice->send(u"<message to='alice@a.test' type='chat'><body>new</body></message>"_s);
        const QString countOnly = u"<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>"_s;
        QTRY_COMPARE(query(*alice, countOnly).rsm(u"count"), QString::number(count));
        const QString lastOne = u"<set xmlns='http://jabber.org/protocol/rsm'><max>1</max><before/></set>"_s;
        QCOMPARE(query(*alice, lastOne).bodies(), QStringList{u"new"_s});
    }

    void metadata()
    {
        TestServer server(MamConfig);
        preload(server, 3);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer answer = ask(*alice, u"<iq type='get' id='m1'><metadata xmlns='urn:xmpp:mam:2'/></iq>"_s);
        QCOMPARE(
            canon(answer.iq),
            TestXml::canonical(u"<iq type='result' id='m1' to='alice@a.test/test'><metadata xmlns='urn:xmpp:mam:2'>"
                               u"<start id='k1' timestamp='2023-11-14T22:15:00Z'/>"
                               u"<end id='k3' timestamp='2023-11-14T22:18:20Z'/></metadata></iq>"_s));
    }

    void expiryRunsFromCron_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<qint64>("age"); // seconds; 0 = never
        QTest::newRow("default-1w") << QString() << qint64(7 * 86400);
        QTest::newRow("2d") << u"archive_expires_after = \"2d\""_s << qint64(2 * 86400);
        QTest::newRow("1 month is 31 days") << u"archive_expires_after = \"1 month\""_s << qint64(31 * 86400);
        QTest::newRow("seconds") << u"archive_expires_after = 3600"_s << qint64(3600);
        QTest::newRow("never") << u"archive_expires_after = \"never\""_s << qint64(0);
    }
    void expiryRunsFromCron()
    {
        QFETCH(QString, option);
        QFETCH(qint64, age);

        TestServer server(MamConfig + u"    "_s + option + u"\n"_s);
        preload(server, 3); // Base+100 .. Base+300
        auto* mam = mamOf(server);
        QVERIFY(mam);
        const ModuleApi* api = server.module(u"a.test"_s, u"mam"_s);
        std::optional<CronTask> task;
        for (const auto& [key, item] : api->items())
            if (key == u"task"_s)
                task = item.value<CronTask>();
        if (age == 0) {
            QVERIFY(!task);
            QVERIFY(!mam->expiry());
            return;
        }
        QVERIFY(task);
        QCOMPARE(task->when, u"daily"_s);
        QCOMPARE(mam->expiry()->maxAge(), age);
        QSignalSpy finished(mam->expiry(), &Modules::MamExpiry::finished);
        // "Now" is such that k1 (and only k1) is older than the limit.
        task->run(*task, Base + 150 + age);
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(0).toInt(), 1);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QCOMPARE(query(*alice).ids(), (QStringList{u"k2"_s, u"k3"_s}));
    }

    void cleanupIntervalReplacesTheDailyTask()
    {
        TestServer server(MamConfig + u"    archive_cleanup_interval = 1\n"_s);
        preload(server, 2); // from 2023: long expired
        const ModuleApi* api = server.module(u"a.test"_s, u"mam"_s);
        QVERIFY(api);
        for (const auto& item : api->items())
            QVERIFY(item.first != u"task"_s);
        QSignalSpy finished(mamOf(server)->expiry(), &Modules::MamExpiry::finished);
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).toInt(), 2);
        QCOMPARE(archiveOf(server)->find(u"alice"_s, {}).result().value().items.size(), 0);
    }

    void badExpiryFailsToLoad()
    {
        TestServer server(MamConfig + u"    archive_expires_after = \"soon\"\n"_s);
        QVERIFY(!mamOf(server));
    }

    void persistsAcrossRestartOnSqlite()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        QString id;
        {
            TestServer server(MamConfig, {.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            auto bob = server.login(u"bob"_s, u"a.test"_s);
            QVERIFY(alice && bob);
            // Once the preferences answer, archiving decisions are synchronous.
            const Answer set = ask(*alice, u"<iq type='set' id='p1'><prefs xmlns='urn:xmpp:mam:2' default='always'>"
                                           u"<never><jid>carol@a.test</jid></never></prefs></iq>"_s);
            QCOMPARE(set.iq.attribute(u"type"), u"result"_s);
            QTRY_VERIFY(mamOf(server)->isReady());
            bob->sendAvailable();
            bob->takeReceived();
            alice->send(u"<message to='bob@a.test' type='chat'><body>kept</body></message>"_s);
            const QList<XmlElement> delivered = bob->takeReceived();
            QCOMPARE(delivered.size(), 1);
            QVERIFY(stanzaIdOf(delivered.first(), u"bob@a.test"_s));
            const Answer answer = query(*alice);
            QCOMPARE(answer.bodies(), QStringList{u"kept"_s});
            id = answer.ids().first();
        }
        TestServer server(MamConfig, {.sqliteFile = file});
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const Answer answer = query(*alice);
        QCOMPARE(answer.ids(), QStringList{id});
        QCOMPARE(answer.bodies(), QStringList{u"kept"_s});
        const Answer prefs = ask(*alice, u"<iq type='get' id='p2'><prefs xmlns='urn:xmpp:mam:2'/></iq>"_s);
        QCOMPARE(canon(*prefs.iq.firstChild()),
                 TestXml::canonical(u"<prefs xmlns='urn:xmpp:mam:2' default='always'><always/>"
                                    u"<never><jid>carol@a.test</jid></never></prefs>"_s));
        // Paging by an id from before the restart.
        QCOMPARE(query(*alice, u"<set xmlns='http://jabber.org/protocol/rsm'><after>%1</after></set>"_s.arg(id)).ids(),
                 QStringList());
    }
};

QTEST_GUILESS_MAIN(tst_MamModule)
#include "tst_MamModule.moc"
