#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/ModuleApi.h"
#include "server/core/Roster.h"
#include "server/core/RosterItem.h"
#include "server/core/RosterManager.h"
#include "server/storage/KeyValueStore.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString ServerConfig = u"modules_enabled = { \"lastactivity\" }\nVirtualHost \"a.test\"\n"_s;
const QString Query = u"<iq type='get' id='l1'%1><query xmlns='jabber:iq:last'/></iq>"_s;

QList<XmlElement> exchange(TestClient& client, const QString& xml)
{
    client.takeReceived();
    client.send(xml);
    if (!QTest::qWaitFor([&client] { return !client.received().isEmpty(); }, 5000)) {
        return {};
    }
    return client.takeReceived();
}

void subscribe(TestServer& server, const QString& user, const QString& contact, const QString& subscription)
{
    bool done = false;
    server.rosters().withRoster(u"a.test"_s, user, [&](Result<Roster*> roster) {
        if (roster) {
            (*roster)->ensureItem(contact).subscription = subscription;
        }
        done = true;
    });
    QTRY_VERIFY(done);
}

bool store(TestServer& server, const QString& user, const QVariant& value)
{
    ModuleApi* api = server.module(u"a.test"_s, u"lastactivity"_s);
    if (!api) {
        return false;
    }
    auto kv = api->openKeyValueStore(u"lastactivity"_s);
    if (!kv) {
        return false;
    }
    bool saved = false;
    bool done = false;
    (*kv)->set(user, value).then([&](Result<void> r) {
        saved = bool(r);
        done = true;
    });
    return QTest::qWaitFor([&done] { return done; }, 5000) && saved;
}

QVariant load(TestServer& server, const QString& user)
{
    auto kv = server.module(u"a.test"_s, u"lastactivity"_s)->openKeyValueStore(u"lastactivity"_s);
    QVariant value;
    bool done = false;
    (*kv)->get(user).then([&](Result<QVariant> r) {
        value = r ? *r : QVariant();
        done = true;
    });
    (void)QTest::qWaitFor([&done] { return done; }, 5000);
    return value;
}

} // namespace

class tst_LastActivityModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void permissions_data()
    {
        QTest::addColumn<QString>("subscription"); // bob's entry in alice's roster ("" = none)
        QTest::addColumn<bool>("allowed");
        QTest::newRow("not-in-roster") << QString() << false;
        QTest::newRow("none") << u"none"_s << false;
        QTest::newRow("to-only") << u"to"_s << false;
        QTest::newRow("from") << u"from"_s << true;
        QTest::newRow("both") << u"both"_s << true;
    }
    void permissions()
    {
        QFETCH(QString, subscription);
        QFETCH(bool, allowed);

        TestServer server(ServerConfig);
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QVERIFY(store(server, u"alice"_s, QVariantMap{{u"t"_s, now - 3600}, {u"s"_s, u"Lunch"_s}}));
        if (!subscription.isEmpty()) {
            subscribe(server, u"alice"_s, u"bob@a.test"_s, subscription);
        }
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        const QList<XmlElement> reply = exchange(*bob, Query.arg(u" to='alice@a.test'"_s));
        QCOMPARE(reply.size(), 1);
        if (!allowed) {
            QCOMPARE(TestXml::canonical(reply),
                     TestXml::canonical(u"<iq type='error' id='l1' from='alice@a.test' to='bob@a.test/test'><error "
                                        u"type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                                        u"</error></iq>"_s));
            return;
        }
        const XmlElement* query = reply.first().firstChild(u"query", u"jabber:iq:last");
        QVERIFY(query);
        const qint64 seconds = query->attribute(u"seconds").toLongLong();
        QVERIFY2(seconds >= 3600 && seconds <= 3602, qPrintable(query->attribute(u"seconds")));
        QCOMPARE(TestXml::canonical(reply),
                 TestXml::canonical(u"<iq type='result' id='l1' from='alice@a.test' to='bob@a.test/test'><query "
                                    u"xmlns='jabber:iq:last' seconds='%1'>Lunch</query></iq>"_s.arg(seconds)));
    }

    void unavailablePresenceIsRecorded_data()
    {
        QTest::addColumn<QString>("presence");
        QTest::addColumn<QString>("expectedStatus");
        QTest::addColumn<bool>("recorded");
        QTest::newRow("with-status") << u"<presence type='unavailable'><status>Gone fishing</status></presence>"_s
                                     << u"Gone fishing"_s << true;
        QTest::newRow("without-status") << u"<presence type='unavailable'/>"_s << QString() << true;
        QTest::newRow("directed-unavailable-ignored")
            << u"<presence type='unavailable' to='carol@a.test'/>"_s << QString() << false;
        QTest::newRow("available-ignored") << u"<presence><status>here</status></presence>"_s << QString() << false;
    }
    void unavailablePresenceIsRecorded()
    {
        QFETCH(QString, presence);
        QFETCH(QString, expectedStatus);
        QFETCH(bool, recorded);

        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        alice->send(presence);
        if (!recorded) {
            QCOMPARE(load(server, u"alice"_s), QVariant());
            return;
        }
        QTRY_VERIFY(load(server, u"alice"_s).isValid());
        const QVariantMap entry = load(server, u"alice"_s).toMap();
        QVERIFY(qAbs(entry.value(u"t"_s).toLongLong() - QDateTime::currentSecsSinceEpoch()) <= 1);
        QCOMPARE(entry.value(u"s"_s).toString(), expectedStatus);
        QCOMPARE(entry.contains(u"s"_s), !expectedStatus.isEmpty());

        // The user asks about their own account (no 'to').
        const QList<XmlElement> reply = exchange(*alice, Query.arg(QString()));
        const QString text = expectedStatus.isEmpty() ? QString() : expectedStatus;
        QCOMPARE(reply.value(0).firstChild(u"query", u"jabber:iq:last")->text(), text);
    }

    void sessionEndWhileAvailableIsRecorded()
    {
        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        QCOMPARE(load(server, u"alice"_s), QVariant());
        alice->unbind();
        QTRY_VERIFY(load(server, u"alice"_s).isValid());
        QVERIFY(qAbs(load(server, u"alice"_s).toMap().value(u"t"_s).toLongLong() -
                     QDateTime::currentSecsSinceEpoch()) <= 1);
    }

    void sessionEndWithoutPresenceIsNotActivity()
    {
        TestServer server(ServerConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->unbind();
        QCOMPARE(load(server, u"alice"_s), QVariant());
    }

    void onlineUserIsActiveNow()
    {
        TestServer server(ServerConfig);
        QVERIFY(store(server, u"alice"_s,
                      QVariantMap{{u"t"_s, QDateTime::currentSecsSinceEpoch() - 500}, {u"s"_s, u"old"_s}}));
        subscribe(server, u"alice"_s, u"bob@a.test"_s, u"both"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        QCOMPARE(TestXml::canonical(exchange(*bob, Query.arg(u" to='alice@a.test'"_s))),
                 TestXml::canonical(u"<iq type='result' id='l1' from='alice@a.test' to='bob@a.test/test'><query "
                                    u"xmlns='jabber:iq:last' seconds='0'/></iq>"_s));
    }

    void nothingRecordedIsZero()
    {
        TestServer server(ServerConfig);
        subscribe(server, u"alice"_s, u"bob@a.test"_s, u"from"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        QCOMPARE(TestXml::canonical(exchange(*bob, Query.arg(u" to='alice@a.test'"_s))),
                 TestXml::canonical(u"<iq type='result' id='l1' from='alice@a.test' to='bob@a.test/test'><query "
                                    u"xmlns='jabber:iq:last' seconds='0'/></iq>"_s));
    }

    void persistsAcrossRestart()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString file = dir.filePath(u"canto.sqlite"_s);
        {
            TestServer server(ServerConfig, TestServer::Options{.sqliteFile = file});
            auto alice = server.login(u"alice"_s, u"a.test"_s);
            QVERIFY(alice);
            alice->sendAvailable();
            alice->send(u"<presence type='unavailable'><status>bye</status></presence>"_s);
            QTRY_VERIFY(load(server, u"alice"_s).isValid());
        }
        TestServer restarted(ServerConfig, TestServer::Options{.sqliteFile = file});
        auto alice = restarted.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QList<XmlElement> reply = exchange(*alice, Query.arg(QString()));
        QCOMPARE(reply.size(), 1);
        const XmlElement* query = reply.first().firstChild(u"query", u"jabber:iq:last");
        QVERIFY(query);
        QCOMPARE(query->text(), u"bye"_s);
        QVERIFY(query->attribute(u"seconds").toLongLong() <= 2);
    }
};

QTEST_GUILESS_MAIN(tst_LastActivityModule)
#include "tst_LastActivityModule.moc"
