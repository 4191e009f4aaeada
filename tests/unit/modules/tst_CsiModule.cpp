#include "EventRecorder.h"
#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/csi_simple/CsiSimpleModule.h"
#include "modules/smacks/SmacksModule.h"
#include "server/core/Event.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// Ids of the stanzas received, in order (nonzas by name).
QStringList ids(const QList<XmlElement>& elements)
{
    QStringList out;
    for (const XmlElement& element : elements) {
        out << (element.hasAttribute(u"id") ? element.attribute(u"id") : element.name());
    }
    return out;
}

QString config(const QString& modules, int queueSize = 256, double resumeDelay = 0)
{
    return uR"(
VirtualHost "a.test"
    modules_enabled = { "message", %1 }
    csi_queue_size = %2
    csi_resume_inactive_delay = %3
)"_s.arg(modules)
        .arg(queueSize)
        .arg(resumeDelay);
}

const QString Composing = u"<message to='alice@a.test/test' type='chat' id='%1'>"
                          u"<composing xmlns='http://jabber.org/protocol/chatstates'/></message>"_s;
const QString Body = u"<message to='alice@a.test/test' type='chat' id='%1'><body>hi</body></message>"_s;
const QString Headline = u"<message to='alice@a.test/test' type='headline' id='%1'><body>news</body></message>"_s;
const QString Iq = u"<iq to='alice@a.test/test' type='get' id='%1'><query xmlns='jabber:iq:version'/></iq>"_s;
const QString Subject = u"<message to='alice@a.test/test' id='%1'><subject>topic</subject></message>"_s;

} // namespace

class tst_CsiModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void feature_data()
    {
        QTest::addColumn<QString>("modules");
        QTest::addColumn<bool>("offered");

        QTest::newRow("csi-alone") << u"\"csi\""_s << false; // nothing acts on it (Prosody)
        QTest::newRow("with-csi_simple") << u"\"csi_simple\""_s << true;
    }
    void feature()
    {
        QFETCH(QString, modules);
        QFETCH(bool, offered);

        TestServer server(config(modules));
        QVERIFY(server.configProblems().isEmpty());
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        XmlElement features(u"features"_s, u"http://etherx.jabber.org/streams"_s);
        Event event(&alice->session(), &features);
        server.host(u"a.test"_s)->events().fire(u"stream-features"_s, event);
        QCOMPARE(features.firstChild(u"csi", u"urn:xmpp:csi:0") != nullptr, offered);
    }

    void stateAndEvents()
    {
        TestServer server(config(u"\"csi\""_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        EventRecorder recorder(server);
        QVERIFY(!alice->session().field(u"csi"_s).isValid());
        alice->send(u"<inactive xmlns='urn:xmpp:csi:0'/>"_s);
        QCOMPARE(alice->session().field(u"csi"_s).toString(), u"inactive"_s);
        alice->send(u"<active xmlns='urn:xmpp:csi:0'/>"_s);
        QCOMPARE(alice->session().field(u"csi"_s).toString(), u"active"_s);
        QCOMPARE(recorder.take({u"csi-"_s}),
                 (QStringList{u"a.test: csi-client-inactive"_s, u"a.test: csi-client-active"_s}));
        QVERIFY(!alice->isClosed());
        QVERIFY(alice->received().isEmpty());
    }

    // What an inactive client gets at once, and what it gets when it goes active again.
    void holdAndFlush_data()
    {
        QTest::addColumn<QStringList>("traffic"); // from bob, ids = row entries
        QTest::addColumn<int>("queueSize");
        QTest::addColumn<QStringList>("atOnce");
        QTest::addColumn<QStringList>("whenActive");

        QTest::newRow("chat-state-held") << QStringList{Composing.arg(u"c1"_s)} << 256 << QStringList()
                                         << QStringList{u"c1"_s};
        QTest::newRow("headline-held") << QStringList{Headline.arg(u"h1"_s)} << 256 << QStringList()
                                       << QStringList{u"h1"_s};
        QTest::newRow("body-flushes-in-order")
            << QStringList{Composing.arg(u"c1"_s), Headline.arg(u"h1"_s), Body.arg(u"m1"_s), Composing.arg(u"c2"_s)}
            << 256 << QStringList{u"c1"_s, u"h1"_s, u"m1"_s} << QStringList{u"c2"_s};
        QTest::newRow("iq-flushes") << QStringList{Composing.arg(u"c1"_s), Iq.arg(u"q1"_s)} << 256
                                    << QStringList{u"c1"_s, u"q1"_s} << QStringList();
        QTest::newRow("subject-flushes") << QStringList{Composing.arg(u"c1"_s), Subject.arg(u"s1"_s)} << 256
                                         << QStringList{u"c1"_s, u"s1"_s} << QStringList();
        QTest::newRow("queue-limit") << QStringList{Composing.arg(u"c1"_s), Composing.arg(u"c2"_s),
                                                    Composing.arg(u"c3"_s), Composing.arg(u"c4"_s)}
                                     << 2 << QStringList{u"c1"_s, u"c2"_s, u"c3"_s} << QStringList{u"c4"_s};
    }
    void holdAndFlush()
    {
        QFETCH(QStringList, traffic);
        QFETCH(int, queueSize);
        QFETCH(QStringList, atOnce);
        QFETCH(QStringList, whenActive);

        TestServer server(config(u"\"csi_simple\""_s, queueSize));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<inactive xmlns='urn:xmpp:csi:0'/>"_s);
        for (const QString& stanza : traffic) {
            bob->send(stanza);
        }
        const QList<XmlElement> first = alice->takeReceived();
        QCOMPARE(ids(first), atOnce);
        alice->send(u"<active xmlns='urn:xmpp:csi:0'/>"_s);
        const QList<XmlElement> rest = alice->takeReceived();
        QCOMPARE(ids(rest), whenActive);
        // Held stanzas carry the time they were held (XEP-0203).
        for (const XmlElement& held : rest) {
            QVERIFY(held.firstChild(u"delay", u"urn:xmpp:delay"));
        }
    }

    void clientActivityFlushes()
    {
        TestServer server(config(u"\"csi_simple\""_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<inactive xmlns='urn:xmpp:csi:0'/>"_s);
        bob->send(Composing.arg(u"c1"_s));
        QVERIFY(alice->takeReceived().isEmpty());
        alice->send(u"<iq type='get' id='p1' to='a.test'><ping xmlns='urn:xmpp:ping'/></iq>"_s);
        QCOMPARE(ids(alice->takeReceived()).value(0), u"c1"_s);
    }

    void pauseAfterFlush()
    {
        // csi_resume_inactive_delay: after a flush, stanzas pass for a moment, then are held again.
        TestServer server(config(u"\"csi_simple\""_s, 256, 0.05));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<inactive xmlns='urn:xmpp:csi:0'/>"_s);
        bob->send(Body.arg(u"m1"_s));
        bob->send(Composing.arg(u"c1"_s));
        QCOMPARE(ids(alice->takeReceived()), (QStringList{u"m1"_s, u"c1"_s}));
        // Until the pause runs out chat states pass; then they are held again.
        QTRY_VERIFY((bob->send(Composing.arg(u"c2"_s)), alice->takeReceived().isEmpty()));
        QCOMPARE_GE(
            qobject_cast<Modules::CsiSimpleModule*>(server.module(u"a.test"_s, u"csi_simple"_s)->moduleInstance())
                ->heldCount(alice->session()),
            1);
    }

    // With stream management, a held stanza is neither counted nor queued until it goes out.
    void cooperatesWithSmacks()
    {
        TestServer server(config(u"\"csi_simple\", \"smacks\""_s));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        auto* smacks = qobject_cast<Modules::SmacksModule*>(server.module(u"a.test"_s, u"smacks"_s)->moduleInstance());
        QVERIFY(smacks);
        alice->send(u"<enable xmlns='urn:xmpp:sm:3'/><inactive xmlns='urn:xmpp:csi:0'/>"_s);
        alice->takeReceived();
        const Modules::SmacksSession* state = smacks->state(alice->session());
        QVERIFY(state);
        bob->send(Composing.arg(u"c1"_s));
        QCOMPARE(state->queue.sent(), 0u);
        bob->send(Body.arg(u"m1"_s));
        QCOMPARE(state->queue.sent(), 2u);
        QCOMPARE(ids(QList<XmlElement>(state->queue.items().begin(), state->queue.items().end())),
                 (QStringList{u"c1"_s, u"m1"_s}));
        QCOMPARE(ids(alice->takeReceived()), (QStringList{u"c1"_s, u"m1"_s}));
        // Going away cleanly flushes what is held into the unacked queue first.
        bob->send(Composing.arg(u"c2"_s));
        QCOMPARE(state->queue.sent(), 2u);
        int failures = 0;
        server.host(u"a.test"_s)
            ->events()
            .addHandler(
                u"delivery/failure"_s,
                [&failures](Event&) -> QVariant {
                    ++failures;
                    return true;
                },
                10);
        alice->unbind();
        QCOMPARE(failures, 3);
    }
};

QTEST_GUILESS_MAIN(tst_CsiModule)
#include "tst_CsiModule.moc"
