#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {
const QString HostConfig = u"VirtualHost \"a.test\"\n"_s;
}

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
        alice->send(presence);
        QCOMPARE(alice->session().isAvailable(), available);
        QCOMPARE(alice->session().priority(), priority);
        if (available) {
            XmlElement expected = TestXml::parse(presence);
            expected.setAttribute(u"from"_s, alice->fullJid());
            QCOMPARE(alice->session().presence(), expected);
        }
        QVERIFY(alice->received().isEmpty());
    }

    void directedPresence_data()
    {
        QTest::addColumn<QString>("to");
        QTest::addColumn<QStringList>("expectedRecipients"); // bob's resources

        QTest::newRow("bare-to-available-resources") << u"bob@a.test"_s << QStringList{u"one"_s, u"two"_s};
        QTest::newRow("full-to-that-resource") << u"bob@a.test/two"_s << QStringList{u"two"_s};
        QTest::newRow("full-to-unavailable-resource") << u"bob@a.test/away"_s << QStringList();
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

    void presenceToOwnBareIsNotEchoed()
    {
        TestServer server(HostConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto other = server.login(u"alice"_s, u"a.test"_s, u"other"_s);
        QVERIFY(alice && other);
        other->sendAvailable();
        alice->send(u"<presence to='alice@a.test'/>"_s);
        // Addressed to the own bare JID it is the user's own presence (presence/self).
        QVERIFY(other->received().isEmpty());
        QVERIFY(alice->session().isAvailable());
    }
};

QTEST_GUILESS_MAIN(tst_PresenceModule)
#include "tst_PresenceModule.moc"
