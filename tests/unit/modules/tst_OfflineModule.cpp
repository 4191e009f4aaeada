#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/AccountManager.h"
#include "server/core/ModuleApi.h"
#include "server/storage/ArchiveStore.h"
#include "server/storage/StorageManager.h"
#include "server/storage/StoredXmlParser.h"
#include "server/xmpp/Namespaces.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString HostConfig = u"VirtualHost \"a.test\"\n"_s;

QString withLimit(int limit)
{
    return u"offline_max_messages = %1\nVirtualHost \"a.test\"\n"_s.arg(limit);
}

// Checks every delay stamp of the received stanzas (from the host, a UTC XEP-0082 time within
// [notBefore, now]) and replaces it with "STAMP", so the rest can be compared canonically.
QStringList withoutStamps(QList<XmlElement> stanzas, qint64 notBefore)
{
    QStringList result;
    for (XmlElement& stanza : stanzas) {
        if (XmlElement* delay = stanza.firstChild(u"delay", Ns::Delay)) {
            const QString stamp = delay->attribute(u"stamp");
            const QDateTime when = QDateTime::fromString(stamp, Qt::ISODate);
            if (!stamp.endsWith(u'Z') || !when.isValid() || when.toSecsSinceEpoch() < notBefore ||
                when.toSecsSinceEpoch() > QDateTime::currentSecsSinceEpoch()) {
                result << u"bad stamp: "_s + stamp;
            }
            delay->setAttribute(u"stamp"_s, u"STAMP"_s);
        }
        result << TestXml::canonical(stanza);
    }
    return result;
}

QString delivered(const QString& body, const QString& id = u"m1"_s)
{
    return u"<message id='%2' to='bob@a.test' from='alice@a.test/test' type='chat'><body>%1</body>"
           u"<delay xmlns='urn:xmpp:delay' from='a.test' stamp='STAMP'/></message>"_s.arg(body, id);
}

QString bounce(const QString& id = u"m1"_s)
{
    return u"<message id='%1' from='bob@a.test' to='alice@a.test/test' type='error'><error type='cancel'>"
           u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"_s.arg(id);
}

std::shared_ptr<ArchiveStore> offlineStore(TestServer& server)
{
    auto store = server.storage().openArchive(u"a.test"_s, u"offline"_s);
    return store ? store.value() : nullptr;
}

// What a client got besides presence (its own reflected presence and its contacts').
QList<XmlElement> messages(TestClient& client)
{
    QList<XmlElement> got = client.takeReceived();
    got.removeIf([](const XmlElement& stanza) { return stanza.name() == u"presence"_s; });
    return got;
}

// Whether a message has arrived (without taking it: QTRY_* evaluates its expression again).
bool hasMessage(const TestClient& client)
{
    return std::any_of(client.received().cbegin(), client.received().cend(),
                       [](const XmlElement& stanza) { return stanza.name() == u"message"_s; });
}

// Offline storage is only for existing accounts (as Prosody).
bool createAccount(TestServer& server, const QString& user)
{
    auto created = server.accounts().create(u"a.test"_s, user, u"secret"_s);
    return QTest::qWaitFor([&created] { return created.isFinished(); }, 10000) && created.result();
}

int storedCount(TestServer& server, const QString& user)
{
    ArchiveQuery query;
    query.limit = 0;
    query.total = true;
    auto future = offlineStore(server)->find(user, query);
    // Storage answers on its worker thread; wait without blocking the event loop.
    if (!QTest::qWaitFor([&future] { return future.isFinished(); }, 5000)) {
        return -2;
    }
    const Result<ArchiveResult> found = future.result();
    return found ? found->total.value_or(-1) : -1;
}

} // namespace

class tst_OfflineModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void storeAndDeliver_data()
    {
        QTest::addColumn<QString>("sent");     // what alice sends to bob (offline), without 'to'
        QTest::addColumn<QString>("expected"); // what bob gets at login ("" = nothing)
        QTest::addColumn<bool>("bounced");     // alice gets service-unavailable

        const QString delay = u"<delay xmlns='urn:xmpp:delay' from='a.test' stamp='STAMP'/>"_s;
        QTest::newRow("chat-with-body") << u"<message id='m1' type='chat'><body>hi</body></message>"_s
                                        << delivered(u"hi"_s) << false;
        QTest::newRow("normal-without-type")
            << u"<message id='m1'><subject>s</subject><body>hi</body></message>"_s
            << u"<message id='m1' to='bob@a.test' from='alice@a.test/test'><subject>s</subject><body>hi</body>"_s +
                   delay + u"</message>"_s
            << false;
        QTest::newRow("receipt-is-content")
            << u"<message id='m1'><received xmlns='urn:xmpp:receipts' id='x'/></message>"_s
            << u"<message id='m1' to='bob@a.test' from='alice@a.test/test'><received xmlns='urn:xmpp:receipts' "
               u"id='x'/>"_s +
                   delay + u"</message>"_s
            << false;
        QTest::newRow("chat-state-only-dropped-silently")
            << u"<message id='m1' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/>"
               u"<thread>t</thread></message>"_s
            << QString() << false;
        QTest::newRow("store-hint-keeps-chat-state")
            << u"<message id='m1' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/>"
               u"<store xmlns='urn:xmpp:hints'/></message>"_s
            << u"<message id='m1' to='bob@a.test' from='alice@a.test/test' type='chat'>"
               u"<paused xmlns='http://jabber.org/protocol/chatstates'/><store xmlns='urn:xmpp:hints'/>"_s +
                   delay + u"</message>"_s
            << false;
        QTest::newRow("no-store-hint-bounces")
            << u"<message id='m1' type='chat'><body>hi</body><no-store xmlns='urn:xmpp:hints'/></message>"_s
            << QString() << true;
        QTest::newRow("no-permanent-store-hint-bounces")
            << u"<message id='m1' type='chat'><body>hi</body><no-permanent-store xmlns='urn:xmpp:hints'/>"
               u"</message>"_s
            << QString() << true;
        QTest::newRow("headline-not-stored")
            << u"<message id='m1' type='headline'><body>hi</body></message>"_s << QString() << false;
    }
    void storeAndDeliver()
    {
        QFETCH(QString, sent);
        QFETCH(QString, expected);
        QFETCH(bool, bounced);

        const qint64 start = QDateTime::currentSecsSinceEpoch();
        TestServer server(HostConfig);
        QVERIFY(createAccount(server, u"bob"_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable(); // the message module only delivers (bounces) to available sessions
        XmlElement message = TestXml::parse(sent);
        message.setAttribute(u"to"_s, u"bob@a.test"_s);
        alice->send(message);
        QTRY_COMPARE(storedCount(server, u"bob"_s), expected.isEmpty() ? 0 : 1);
        QCOMPARE(TestXml::canonical(messages(*alice)), bounced ? TestXml::canonical(bounce()) : QStringList());

        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        QTRY_COMPARE(storedCount(server, u"bob"_s), 0);
        QList<XmlElement> got = bob->takeReceived();
        got.removeIf([](const XmlElement& stanza) { return stanza.name() == u"presence"_s; });
        QCOMPARE(withoutStamps(got, start), expected.isEmpty() ? QStringList() : TestXml::canonical(expected));
    }

    void limitBouncesAndFreesAfterDelivery()
    {
        const qint64 start = QDateTime::currentSecsSinceEpoch();
        TestServer server(withLimit(2));
        QVERIFY(createAccount(server, u"bob"_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        // Three at once: the queue is counted once, the third does not fit.
        for (const QString& id : {u"m1"_s, u"m2"_s, u"m3"_s}) {
            alice->send(u"<message id='%1' to='bob@a.test' type='chat'><body>%1</body></message>"_s.arg(id));
        }
        QTRY_VERIFY(hasMessage(*alice));
        QCOMPARE(TestXml::canonical(messages(*alice)), TestXml::canonical(bounce(u"m3"_s)));
        QCOMPARE(storedCount(server, u"bob"_s), 2);
        // Now the size is known: refused at once, through the message module.
        alice->send(u"<message id='m4' to='bob@a.test' type='chat'><body>m4</body></message>"_s);
        QCOMPARE(TestXml::canonical(messages(*alice)), TestXml::canonical(bounce(u"m4"_s)));

        {
            auto bob = server.login(u"bob"_s, u"a.test"_s);
            QVERIFY(bob);
            bob->sendAvailable();
            QTRY_COMPARE(storedCount(server, u"bob"_s), 0);
            QList<XmlElement> got = bob->takeReceived();
            got.removeIf([](const XmlElement& stanza) { return stanza.name() == u"presence"_s; });
            QCOMPARE(withoutStamps(got, start),
                     TestXml::canonical(delivered(u"m1"_s, u"m1"_s) + delivered(u"m2"_s, u"m2"_s)));
        }
        // Bob is offline again and his queue is empty: two fit again.
        for (const QString& id : {u"m5"_s, u"m6"_s}) {
            alice->send(u"<message id='%1' to='bob@a.test' type='chat'><body>%1</body></message>"_s.arg(id));
        }
        QTRY_COMPARE(storedCount(server, u"bob"_s), 2);
        QVERIFY(messages(*alice).isEmpty());
    }

    void storageFailureBounces()
    {
        // The storage quota (storage_archive_item_limit, 10000) is reached before the module's
        // own limit: the append fails after the message was accepted, so the module bounces it.
        TestServer server(withLimit(20000));
        QVERIFY(createAccount(server, u"bob"_s));
        auto store = offlineStore(server);
        QVERIFY(store);
        for (int i = 0; i < 10000; ++i) {
            XmlElement old(u"message"_s, Ns::Client.toString());
            old.setAttribute(u"to"_s, u"bob@a.test"_s);
            old.addTextChild(u"body"_s, Ns::Client.toString(), QString::number(i));
            auto appended = store->append(u"bob"_s, QString(), QVariant::fromValue(old), 0, QString());
            QVERIFY(QTest::qWaitFor([&appended] { return appended.isFinished(); }, 5000));
            QVERIFY(appended.result());
        }
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        alice->send(u"<message id='m1' to='bob@a.test' type='chat'><body>hi</body></message>"_s);
        QTRY_VERIFY(hasMessage(*alice));
        QCOMPARE(TestXml::canonical(messages(*alice)), TestXml::canonical(bounce()));
        QCOMPARE(storedCount(server, u"bob"_s), 10000);
    }

    void persistsAcrossRestartAndReadsProsodyRows()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        const qint64 start = QDateTime::currentSecsSinceEpoch();
        {
            TestServer server(HostConfig, {.sqliteFile = file});
            QVERIFY(createAccount(server, u"bob"_s));
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            alice->send(u"<message id='m1' to='bob@a.test' type='chat'><body>before restart</body></message>"_s);
            QTRY_COMPARE(storedCount(server, u"bob"_s), 1);
            // A message as Prosody 0.12 stores it: type "xml", no namespace on the stanza (the
            // stream's default), no delay element, with = "".
            const auto prosody = StoredXmlParser::parse(u"<message from='carol@a.test/x' to='bob@a.test' "
                                                        u"type='chat' id='p1'><body>from prosody</body></message>"_s);
            QVERIFY(prosody);
            auto appended = offlineStore(server)->append(u"bob"_s, QString(), QVariant::fromValue(prosody.value()),
                                                         start, QString());
            QTRY_VERIFY(appended.isFinished());
            QVERIFY(appended.result());
            QTRY_COMPARE(storedCount(server, u"bob"_s), 2);
        }
        TestServer restarted(HostConfig, {.sqliteFile = file});
        auto bob = restarted.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        bob->sendAvailable();
        QTRY_COMPARE(storedCount(restarted, u"bob"_s), 0);
        QList<XmlElement> got = bob->takeReceived();
        got.removeIf([](const XmlElement& stanza) { return stanza.name() == u"presence"_s; });
        QCOMPARE(withoutStamps(got, start),
                 TestXml::canonical(delivered(u"before restart"_s) +
                                    u"<message from='carol@a.test/x' to='bob@a.test' type='chat' id='p1'>"
                                    u"<body>from prosody</body><delay xmlns='urn:xmpp:delay' from='a.test' "
                                    u"stamp='STAMP'/></message>"_s));
    }

    void twoResourcesAtOnceGetEachMessageOnce()
    {
        // SQLite, so storage really answers later and both presences arrive before it does.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        TestServer server(HostConfig, {.sqliteFile = dir.filePath(u"canto.sqlite"_s)});
        QVERIFY(createAccount(server, u"bob"_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        for (int i = 0; i < 5; ++i) {
            alice->send(u"<message id='m%1' to='bob@a.test' type='chat'><body>%1</body></message>"_s.arg(i));
        }
        QTRY_COMPARE(storedCount(server, u"bob"_s), 5);

        auto phone = server.login(u"bob"_s, u"a.test"_s, u"phone"_s);
        auto laptop = server.login(u"bob"_s, u"a.test"_s, u"laptop"_s);
        QVERIFY(phone && laptop);
        phone->sendAvailable();
        laptop->sendAvailable();
        QTRY_COMPARE(storedCount(server, u"bob"_s), 0);
        const auto bodies = [](TestClient& client) {
            QStringList result;
            for (const XmlElement& stanza : client.takeReceived()) {
                if (stanza.name() == u"message"_s) {
                    result << stanza.childText(u"body");
                }
            }
            return result;
        };
        const QStringList phoneGot = bodies(*phone);
        const QStringList laptopGot = bodies(*laptop);
        QCOMPARE(phoneGot + laptopGot, (QStringList{u"0"_s, u"1"_s, u"2"_s, u"3"_s, u"4"_s}));
        QVERIFY(laptopGot.isEmpty()); // the first one takes all, oldest first
    }

    void negativePriorityGetsNothing()
    {
        TestServer server(HostConfig);
        QVERIFY(createAccount(server, u"bob"_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<message id='m1' to='bob@a.test' type='chat'><body>hi</body></message>"_s);
        QTRY_COMPARE(storedCount(server, u"bob"_s), 1);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        bob->sendAvailable(-1);
        QTRY_VERIFY(!bob->received().isEmpty()); // the presence round trip has happened
        QCOMPARE(storedCount(server, u"bob"_s), 1);
        for (const XmlElement& stanza : bob->takeReceived()) {
            QCOMPARE(stanza.name(), u"presence"_s);
        }
    }

    void unknownUserBounces()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        alice->send(u"<message id='m1' to='nobody@a.test' type='chat'><body>hi</body></message>"_s);
        QTRY_VERIFY(hasMessage(*alice));
        QCOMPARE(TestXml::canonical(messages(*alice)), TestXml::canonical(bounce().replace(u"bob@"_s, u"nobody@"_s)));
        QCOMPARE(storedCount(server, u"nobody"_s), 0);
    }

    void advertisesMsgOffline()
    {
        TestServer server(u"modules_enabled = { \"disco\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(
            u"<iq type='get' id='d1' to='a.test'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"_s);
        const QList<XmlElement> got = alice->takeReceived();
        QCOMPARE(got.size(), 1);
        bool found = false;
        for (const XmlElement* feature : got.first().firstChild(u"query")->children(u"feature")) {
            found = found || feature->attribute(u"var") == u"msgoffline"_s;
        }
        QVERIFY(found);
    }
};

QTEST_GUILESS_MAIN(tst_OfflineModule)
#include "tst_OfflineModule.moc"
