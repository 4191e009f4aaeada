#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/AccountManager.h"
#include "server/core/Host.h"

#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

QString bounce(const QString& from)
{
    return u"<message id='m1' from='%1' to='alice@a.test/test' type='error'><error type='cancel'>"
           u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"_s.arg(from);
}

} // namespace

class tst_MessageModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void delivery_data()
    {
        QTest::addColumn<QStringList>("bobSessions"); // "resource:priority" or "resource:unavailable"
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("type"); // "" = no type attribute (normal)
        QTest::addColumn<QStringList>("expectedRecipients");
        QTest::addColumn<QString>("expectedBounceFrom"); // "" = alice gets nothing back

        QTest::newRow("full-available") << QStringList{u"phone:0"_s, u"laptop:5"_s} << u"bob@a.test/phone"_s
                                        << u"chat"_s << QStringList{u"phone"_s} << QString();
        QTest::newRow("full-negative-priority-still-gets-it")
            << QStringList{u"phone:-1"_s} << u"bob@a.test/phone"_s << u"chat"_s << QStringList{u"phone"_s} << QString();
        QTest::newRow("full-gone-chat-falls-back-to-bare") << QStringList{u"laptop:1"_s} << u"bob@a.test/phone"_s
                                                           << u"chat"_s << QStringList{u"laptop"_s} << QString();
        QTest::newRow("full-gone-normal-falls-back-to-bare")
            << QStringList{u"laptop:1"_s, u"tablet:0"_s} << u"bob@a.test/phone"_s << QString()
            << QStringList{u"laptop"_s, u"tablet"_s} << QString();
        QTest::newRow("full-connected-without-presence-gets-it")
            << QStringList{u"phone:unavailable"_s, u"laptop:1"_s} << u"bob@a.test/phone"_s << u"chat"_s
            << QStringList{u"phone"_s} << QString();
        QTest::newRow("full-gone-headline-dropped")
            << QStringList{u"laptop:1"_s} << u"bob@a.test/phone"_s << u"headline"_s << QStringList() << QString();
        QTest::newRow("full-gone-groupchat-bounces") << QStringList{u"laptop:1"_s} << u"bob@a.test/phone"_s
                                                     << u"groupchat"_s << QStringList() << u"bob@a.test/phone"_s;
        QTest::newRow("full-gone-nobody-online-bounces")
            << QStringList() << u"bob@a.test/phone"_s << u"chat"_s << QStringList() << u"bob@a.test/phone"_s;
        QTest::newRow("bare-chat-highest-priority") << QStringList{u"a:1"_s, u"b:5"_s, u"c:5"_s} << u"bob@a.test"_s
                                                    << u"chat"_s << QStringList{u"b"_s, u"c"_s} << QString();
        QTest::newRow("bare-normal-all-non-negative")
            << QStringList{u"a:1"_s, u"b:5"_s, u"c:-1"_s, u"d:unavailable"_s} << u"bob@a.test"_s << QString()
            << QStringList{u"a"_s, u"b"_s} << QString();
        QTest::newRow("bare-headline-all-non-negative") << QStringList{u"a:1"_s, u"b:0"_s, u"c:-5"_s} << u"bob@a.test"_s
                                                        << u"headline"_s << QStringList{u"a"_s, u"b"_s} << QString();
        QTest::newRow("bare-chat-only-negative-bounces")
            << QStringList{u"a:-1"_s} << u"bob@a.test"_s << u"chat"_s << QStringList() << u"bob@a.test"_s;
        QTest::newRow("bare-headline-offline-dropped")
            << QStringList() << u"bob@a.test"_s << u"headline"_s << QStringList() << QString();
        QTest::newRow("bare-groupchat-bounces")
            << QStringList{u"a:1"_s} << u"bob@a.test"_s << u"groupchat"_s << QStringList() << u"bob@a.test"_s;
        QTest::newRow("bare-normal-offline-bounces")
            << QStringList() << u"bob@a.test"_s << QString() << QStringList() << u"bob@a.test"_s;
        QTest::newRow("unknown-user-bounces-the-same")
            << QStringList() << u"nobody@a.test"_s << u"chat"_s << QStringList() << u"nobody@a.test"_s;
    }
    void delivery()
    {
        QFETCH(QStringList, bobSessions);
        QFETCH(QString, to);
        QFETCH(QString, type);
        QFETCH(QStringList, expectedRecipients);
        QFETCH(QString, expectedBounceFrom);

        TestServer server(u"VirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        std::vector<std::unique_ptr<TestClient>> bobs;
        for (const QString& spec : bobSessions) {
            auto bob = server.login(u"bob"_s, u"a.test"_s, spec.section(u':', 0, 0));
            QVERIFY(bob);
            const QString priority = spec.section(u':', 1);
            if (priority != u"unavailable"_s) {
                bob->sendAvailable(priority.toInt());
            }
            bobs.push_back(std::move(bob));
        }
        alice->takeReceived(); // presence reflections
        for (const auto& bob : bobs) {
            bob->takeReceived();
        }
        const QString typeAttribute = type.isEmpty() ? QString() : u" type='%1'"_s.arg(type);
        alice->send(u"<message id='m1' to='%1'%2><body>hi</body></message>"_s.arg(to, typeAttribute));

        const QString delivered =
            u"<message id='m1' to='%1' from='alice@a.test/test'%2><body>hi</body></message>"_s.arg(to, typeAttribute);
        QStringList recipients;
        for (const auto& bob : bobs) {
            const QList<XmlElement> got = bob->takeReceived();
            if (!got.isEmpty()) {
                recipients << bob->session().resource();
                QCOMPARE(TestXml::canonical(got), TestXml::canonical(delivered));
            }
        }
        QCOMPARE(recipients, expectedRecipients);
        if (expectedBounceFrom.isEmpty()) {
            QCOMPARE(TestXml::canonical(alice->takeReceived()), QStringList());
        } else {
            QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(bounce(expectedBounceFrom)));
        }
    }

    void errorsAreNeverAnswered_data()
    {
        QTest::addColumn<QString>("to");
        QTest::newRow("full-gone") << u"bob@a.test/phone"_s;
        QTest::newRow("bare-offline") << u"bob@a.test"_s;
        QTest::newRow("unknown-user") << u"nobody@a.test"_s;
    }
    void errorsAreNeverAnswered()
    {
        QFETCH(QString, to);

        TestServer server(u"VirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        alice->takeReceived();
        alice->send(u"<message id='e1' to='%1' type='error'><error type='cancel'><item-not-found "
                    u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"_s.arg(to));
        QVERIFY(alice->received().isEmpty());
    }

    void offlineHandlerTakesItForExistingAccountsOnly()
    {
        QStringList offline;
        TestServer server(u"VirtualHost \"a.test\"\n"_s);
        bool created = false;
        server.accounts().create(u"a.test"_s, u"bob"_s, u"secret"_s).then([&created](Result<void> r) {
            created = bool(r);
        });
        QTRY_VERIFY(created);
        server.host(u"a.test"_s)->events().addHandler(u"message/offline/handle"_s, [&offline](Event& e) {
            offline << e.value(u"username"_s).toString() + u' ' + e.stanza->childText(u"body");
            return QVariant(true);
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->sendAvailable();
        alice->takeReceived();
        alice->send(u"<message to='bob@a.test' type='chat'><body>later</body></message>"_s);
        QTRY_COMPARE(offline, QStringList{u"bob later"_s});
        QVERIFY(alice->received().isEmpty());
        // No account, no storage: the same error as for an offline user without offline storage.
        alice->send(u"<message id='x' to='nobody@a.test' type='chat'><body>later</body></message>"_s);
        QTRY_COMPARE(alice->received().size(), 1);
        QCOMPARE(alice->received().first().attribute(u"type"), u"error"_s);
        QCOMPARE(offline.size(), 1);
    }

    void messageToSelfReachesOwnResources()
    {
        TestServer server(u"VirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto other = server.login(u"alice"_s, u"a.test"_s, u"other"_s);
        QVERIFY(alice && other);
        alice->sendAvailable();
        other->sendAvailable(1);
        alice->takeReceived();
        other->takeReceived();
        alice->send(u"<message to='alice@a.test' type='chat'><body>note</body></message>"_s);
        // The own bare JID: 'to' is removed, delivered by the bare rules (highest priority).
        QCOMPARE(TestXml::canonical(other->takeReceived()),
                 TestXml::canonical(u"<message from='alice@a.test/test' type='chat'><body>note</body></message>"_s));
        QVERIFY(alice->received().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_MessageModule)
#include "tst_MessageModule.moc"
