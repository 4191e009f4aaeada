#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "modules/smacks/SmQueue.h"
#include "modules/smacks/SmacksModule.h"
#include "server/core/ClientSession.h"
#include "server/core/Event.h"
#include "server/core/Host.h"
#include "server/core/ModuleApi.h"
#include "server/core/Router.h"
#include "server/core/SessionManager.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;
using Canto::Modules::SmacksModule;
using Canto::Modules::SmQueue;

namespace {

const QString SmConfig = uR"(
VirtualHost "a.test"
    modules_enabled = { "message", "smacks" }
    smacks_hibernation_time = %1
    smacks_max_queue_size = %2
)"_s;

// Elements without their XEP-0203 delay (its stamp is the time of the test).
QStringList withoutDelay(QList<XmlElement> elements)
{
    for (XmlElement& element : elements) {
        element.removeChildren(u"delay", u"urn:xmpp:delay");
    }
    return TestXml::canonical(elements);
}

// A client session owned the way net/ClientConnection owns one, so that it can be handed to
// SessionManager (hibernation) and take over a kept session (resumption). No network.
class RawClient
{
public:
    RawClient(TestServer& server, const QString& username, const QString& id) : m_server(server)
    {
        m_owned = std::make_unique<ClientSession>(id, u"a.test"_s, nullptr, nullptr);
        m_owned->setUsername(username);
        m_owned->setSecure(true);
        attach(*m_owned);
    }

    ClientSession& session() { return *m_current; }
    bool hasSession() const { return m_owned != nullptr; }

    void send(const QString& xml)
    {
        for (const XmlElement& element : TestXml::parseAll(xml)) {
            if (m_current->isBound()) {
                m_current->filterIncoming(element);
                m_server.router().processClientElement(*m_current, element);
            } else {
                XmlElement copy = element;
                m_server.router().fireStanzaEvent(*m_current, copy, u"a.test"_s);
            }
        }
    }
    /// The socket is gone (no </stream:stream>): returns whether the session was kept.
    bool dropConnection()
    {
        m_dropped = true;
        return m_server.sessions().unbindOrKeep(m_owned, u"Disconnected"_s);
    }
    QList<XmlElement> takeReceived() { return std::exchange(m_received, {}); }
    bool isClosed() const { return !m_closeCondition.isNull(); }
    const QString& closeCondition() const { return m_closeCondition; }

    ~RawClient()
    {
        if (m_owned && m_owned->isBound()) {
            m_server.sessions().unbind(*m_owned);
        }
    }

private:
    void attach(ClientSession& session)
    {
        m_current = &session;
        session.attachConnection([this](const XmlElement& element) { m_received << element; },
                                 [this](const QString& condition, const QString&) {
                                     m_closeCondition = condition.isNull() ? u""_s : condition;
                                 },
                                 [this](ClientSession* target) {
                                     if (!target) {
                                         m_server.sessions().keepDetached(std::move(m_owned));
                                         return;
                                     }
                                     std::unique_ptr<ClientSession> taken = m_server.sessions().takeDetached(*target);
                                     if (taken) {
                                         m_replaced = std::exchange(m_owned, std::move(taken));
                                         attach(*m_owned);
                                     }
                                 });
    }

    TestServer& m_server;
    std::unique_ptr<ClientSession> m_owned;
    std::unique_ptr<ClientSession> m_replaced;
    ClientSession* m_current = nullptr;
    QList<XmlElement> m_received;
    QString m_closeCondition;
    bool m_dropped = false;
};

SmacksModule* smacks(TestServer& server)
{
    ModuleApi* api = server.module(u"a.test"_s, u"smacks"_s);
    return api ? qobject_cast<SmacksModule*>(api->moduleInstance()) : nullptr;
}

// Records message/offline/handle without taking the message (priority above offline's).
struct OfflineSpy
{
    explicit OfflineSpy(TestServer& server)
    {
        server.host(u"a.test"_s)
            ->events()
            .addHandler(
                u"message/offline/handle"_s,
                [this](Event& event) -> QVariant {
                    stored << event.value(u"username"_s).toString() + u": "_s + event.stanza->childText(u"body");
                    return true;
                },
                10);
    }
    QStringList stored;
};

} // namespace

class tst_SmacksModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void queueCounters_data()
    {
        QTest::addColumn<quint32>("start");
        QTest::addColumn<int>("pushed");
        QTest::addColumn<quint32>("h");
        QTest::addColumn<QString>("error"); // empty: the ack works
        QTest::addColumn<int>("unackedAfter");

        QTest::newRow("all") << 0u << 3 << 3u << QString() << 0;
        QTest::newRow("some") << 0u << 3 << 1u << QString() << 2;
        QTest::newRow("none") << 0u << 3 << 0u << QString() << 3;
        QTest::newRow("more-than-sent") << 0u << 3 << 4u << u"head"_s << 3;
        QTest::newRow("wraps-at-2^32") << 0xfffffffeU << 4 << 2u << QString() << 0;
        QTest::newRow("wrapped-partial") << 0xfffffffeU << 4 << 0xffffffffU << QString() << 3;
        QTest::newRow("behind-the-tail") << 5u << 2 << 4u << u"tail"_s << 2;
    }
    void queueCounters()
    {
        QFETCH(quint32, start);
        QFETCH(int, pushed);
        QFETCH(quint32, h);
        QFETCH(QString, error);
        QFETCH(int, unackedAfter);

        SmQueue queue(start);
        for (int i = 0; i < pushed; ++i) {
            queue.push(XmlElement(u"message"_s));
        }
        QCOMPARE(queue.sent(), quint32(start + quint32(pushed)));
        const Result<int> acked = queue.ack(h);
        QCOMPARE(acked ? QString() : acked.error().condition, error);
        QCOMPARE(queue.unacked(), unackedAfter);
        if (acked) {
            QCOMPARE(queue.acked(), h);
        }
    }

    void feature_data()
    {
        QTest::addColumn<bool>("authenticated");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<bool>("offered");

        QTest::newRow("before-auth") << false << false << false;
        QTest::newRow("authenticated") << true << false << true;
        QTest::newRow("already-enabled") << true << true << false;
    }
    void feature()
    {
        QFETCH(bool, authenticated);
        QFETCH(bool, enabled);
        QFETCH(bool, offered);

        TestServer server(SmConfig.arg(600).arg(500));
        QVERIFY(server.configProblems().isEmpty());
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        if (enabled) {
            alice->send(u"<enable xmlns='urn:xmpp:sm:3'/>"_s);
        }
        if (!authenticated) {
            alice->session().setUsername(QString());
        }
        XmlElement features(u"features"_s, u"http://etherx.jabber.org/streams"_s);
        Event event(&alice->session(), &features);
        server.host(u"a.test"_s)->events().fire(u"stream-features"_s, event);
        QCOMPARE(features.firstChild(u"sm", u"urn:xmpp:sm:3") != nullptr, offered);
        alice->session().setUsername(u"alice"_s);
    }

    void enable_data()
    {
        QTest::addColumn<QString>("enable");
        QTest::addColumn<bool>("bound");
        QTest::addColumn<QString>("expected"); // "*" stands for the generated id

        QTest::newRow("no-resume") << u"<enable xmlns='urn:xmpp:sm:3'/>"_s << true
                                   << u"<enabled xmlns='urn:xmpp:sm:3'/>"_s;
        QTest::newRow("resume-true") << u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s << true
                                     << u"<enabled xmlns='urn:xmpp:sm:3' id='*' resume='true' max='600'/>"_s;
        QTest::newRow("resume-1") << u"<enable xmlns='urn:xmpp:sm:3' resume='1'/>"_s << true
                                  << u"<enabled xmlns='urn:xmpp:sm:3' id='*' resume='true' max='600'/>"_s;
        QTest::newRow("sm2") << u"<enable xmlns='urn:xmpp:sm:2'/>"_s << true << u"<enabled xmlns='urn:xmpp:sm:2'/>"_s;
        QTest::newRow("twice") << u"<enable xmlns='urn:xmpp:sm:3'/><enable xmlns='urn:xmpp:sm:3'/>"_s << true
                               << u"<enabled xmlns='urn:xmpp:sm:3'/><failed xmlns='urn:xmpp:sm:3'>"
                                  u"<unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"_s;
        QTest::newRow("before-bind") << u"<enable xmlns='urn:xmpp:sm:3'/>"_s << false
                                     << u"<failed xmlns='urn:xmpp:sm:3'>"
                                        u"<unexpected-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"_s;
    }
    void enable()
    {
        QFETCH(QString, enable);
        QFETCH(bool, bound);
        QFETCH(QString, expected);

        TestServer server(SmConfig.arg(600).arg(500));
        RawClient alice(server, u"alice"_s, u"c2s_a"_s);
        if (bound) {
            QVERIFY(server.sessions().bind(alice.session(), u"phone"_s));
        }
        alice.send(enable);
        QList<XmlElement> received = alice.takeReceived();
        for (XmlElement& element : received) {
            if (element.hasAttribute(u"id")) {
                QVERIFY(element.attribute(u"id").size() >= 16);
                element.setAttribute(u"id"_s, u"*"_s);
            }
        }
        QCOMPARE(TestXml::canonical(received), TestXml::canonical(expected));
    }

    void inboundCount_data()
    {
        QTest::addColumn<QString>("traffic");
        QTest::addColumn<QString>("h");

        QTest::newRow("nothing") << QString() << u"0"_s;
        QTest::newRow("three-stanzas")
            << u"<presence/><message to='bob@a.test'><body>1</body></message><iq type='get' id='1' to='a.test'>"
               u"<ping xmlns='urn:xmpp:ping'/></iq>"_s
            << u"3"_s;
        QTest::newRow("nonzas-do-not-count")
            << u"<r xmlns='urn:xmpp:sm:3'/><message to='bob@a.test'><body>1</body></message>"_s << u"1"_s;
        QTest::newRow("invalid-stanzas-count-too")
            << u"<message to='@@bad'><body>1</body></message><iq type='bogus' id='x'/>"_s << u"2"_s;
    }
    void inboundCount()
    {
        QFETCH(QString, traffic);
        QFETCH(QString, h);

        TestServer server(SmConfig.arg(600).arg(500));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<presence/>"_s); // before <enable/>: not counted
        alice->send(u"<enable xmlns='urn:xmpp:sm:3'/>"_s);
        alice->send(traffic);
        alice->takeReceived();
        alice->send(u"<r xmlns='urn:xmpp:sm:3'/>"_s);
        const QList<XmlElement> received = alice->takeReceived();
        QVERIFY(!received.isEmpty());
        QCOMPARE(TestXml::canonical(received.first()),
                 TestXml::canonical(TestXml::parse(u"<a xmlns='urn:xmpp:sm:3' h='%1'/>"_s.arg(h))));
    }

    void outboundAcks()
    {
        TestServer server(SmConfig.arg(600).arg(500));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<enable xmlns='urn:xmpp:sm:3'/>"_s);
        alice->takeReceived();
        for (int i = 1; i <= 3; ++i) {
            bob->send(u"<message to='alice@a.test/test' type='chat'><body>%1</body></message>"_s.arg(i));
        }
        QCOMPARE(alice->received().size(), 3);
        // One <r/> for the burst, once the event loop runs.
        QTRY_COMPARE(alice->received().size(), 4);
        QCOMPARE(TestXml::canonical(alice->received().last()),
                 TestXml::canonical(TestXml::parse(u"<r xmlns='urn:xmpp:sm:3'/>"_s)));
        alice->takeReceived();
        const Modules::SmacksSession* state = smacks(server)->state(alice->session());
        QVERIFY(state);
        QCOMPARE(state->queue.unacked(), 3);
        alice->send(u"<a xmlns='urn:xmpp:sm:3' h='2'/>"_s);
        QCOMPARE(state->queue.unacked(), 1);
        QCOMPARE(state->queue.items().front().childText(u"body"), u"3"_s);
        alice->send(u"<a xmlns='urn:xmpp:sm:3' h='3'/>"_s);
        QCOMPARE(state->queue.unacked(), 0);
        QVERIFY(!alice->isClosed());
    }

    void badAck_data()
    {
        QTest::addColumn<QString>("ack");
        QTest::addColumn<QString>("condition");

        QTest::newRow("more-than-sent") << u"<a xmlns='urn:xmpp:sm:3' h='2'/>"_s << u"undefined-condition"_s;
        QTest::newRow("missing-h") << u"<a xmlns='urn:xmpp:sm:3'/>"_s << u"invalid-xml"_s;
        QTest::newRow("not-a-number") << u"<a xmlns='urn:xmpp:sm:3' h='x'/>"_s << u"invalid-xml"_s;
    }
    void badAck()
    {
        QFETCH(QString, ack);
        QFETCH(QString, condition);

        TestServer server(SmConfig.arg(600).arg(500));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<enable xmlns='urn:xmpp:sm:3'/>"_s);
        bob->send(u"<message to='alice@a.test/test' type='chat'><body>1</body></message>"_s);
        alice->send(ack);
        QVERIFY(alice->isClosed());
        QCOMPARE(alice->closeCondition(), condition);
    }

    void smWithoutEnableIsUnsupported()
    {
        TestServer server(SmConfig.arg(600).arg(500));
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<r xmlns='urn:xmpp:sm:3'/>"_s);
        QCOMPARE(alice->closeCondition(), u"unsupported-stanza-type"_s);
    }

    // A session that ends with unacked stanzas: messages go to another resource or offline
    // storage, an IQ bounces to its sender.
    void unackedOnClose_data()
    {
        QTest::addColumn<bool>("otherResource");
        QTest::newRow("to-offline-storage") << false;
        QTest::newRow("to-other-resource") << true;
    }
    void unackedOnClose()
    {
        QFETCH(bool, otherResource);

        TestServer server(SmConfig.arg(600).arg(500));
        OfflineSpy offline(server);
        auto alice = server.login(u"alice"_s, u"a.test"_s, u"phone"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        std::unique_ptr<TestClient> laptop;
        if (otherResource) {
            laptop = server.login(u"alice"_s, u"a.test"_s, u"laptop"_s);
            laptop->session().setPresence(TestXml::parse(u"<presence/>"_s));
        }
        alice->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        bob->send(u"<message to='alice@a.test/phone' type='chat' id='m1'><body>hello</body></message>"_s);
        bob->send(u"<iq to='alice@a.test/phone' type='get' id='q1'><query xmlns='jabber:iq:version'/></iq>"_s);
        bob->takeReceived();
        alice->unbind(); // a clean end: no hibernation even though resumable

        QCOMPARE(offline.stored, otherResource ? QStringList() : QStringList{u"alice: hello"_s});
        if (otherResource) {
            QCOMPARE(withoutDelay(laptop->takeReceived()),
                     TestXml::canonical(u"<message to='alice@a.test/phone' from='bob@a.test/test' type='chat' "
                                        u"id='m1'><body>hello</body></message>"_s));
        }
        QCOMPARE(withoutDelay(bob->takeReceived()),
                 TestXml::canonical(u"<iq type='error' id='q1' from='alice@a.test/phone' to='bob@a.test/test'>"
                                    u"<error type='cancel'><recipient-unavailable "
                                    u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s));
    }

    void hibernateAndResume()
    {
        TestServer server(SmConfig.arg(600).arg(500));
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        auto first = std::make_unique<RawClient>(server, u"alice"_s, u"c2s_first"_s);
        QVERIFY(server.sessions().bind(first->session(), u"phone"_s));
        ClientSession* original = &first->session();
        first->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        const QString previd = first->takeReceived().value(0).attribute(u"id");
        QVERIFY(!previd.isEmpty());
        bob->send(u"<message to='alice@a.test/phone' type='chat'><body>1</body></message>"_s);
        bob->send(u"<message to='alice@a.test/phone' type='chat'><body>2</body></message>"_s);
        first->send(u"<message to='bob@a.test/test'><body>from alice</body></message>"_s);
        first->send(u"<a xmlns='urn:xmpp:sm:3' h='1'/>"_s); // has seen message 1

        QSignalSpy unbound(&server.sessions(), &SessionManager::sessionUnbound);
        QVERIFY(first->dropConnection());
        QCOMPARE(server.sessions().detachedSessionCount(), 1);
        QCOMPARE(unbound.size(), 0);
        QCOMPARE(server.host(u"a.test"_s)->clientSession(u"alice"_s, u"phone"_s), original);
        bob->send(u"<message to='alice@a.test/phone' type='chat'><body>3</body></message>"_s);
        QCOMPARE(bob->takeReceived().size(), 1); // alice's message only: nothing bounced

        RawClient second(server, u"alice"_s, u"c2s_second"_s);
        second.send(u"<resume xmlns='urn:xmpp:sm:3' previd='%1' h='1'/>"_s.arg(previd));
        QCOMPARE(&second.session(), original);
        QCOMPARE(server.sessions().detachedSessionCount(), 0);
        const QList<XmlElement> received = second.takeReceived();
        QCOMPARE(withoutDelay(received),
                 TestXml::canonical(u"<resumed xmlns='urn:xmpp:sm:3' h='1' previd='%1'/>"
                                    u"<message to='alice@a.test/phone' from='bob@a.test/test' type='chat'>"
                                    u"<body>2</body></message>"
                                    u"<message to='alice@a.test/phone' from='bob@a.test/test' type='chat'>"
                                    u"<body>3</body></message>"
                                    u"<r xmlns='urn:xmpp:sm:3'/>"_s.arg(previd)));
        QVERIFY(received.value(1).firstChild(u"delay", u"urn:xmpp:delay"));
        // The resumed session goes on: counting continues from the old numbers.
        second.send(u"<a xmlns='urn:xmpp:sm:3' h='3'/><r xmlns='urn:xmpp:sm:3'/>"_s);
        QCOMPARE(TestXml::canonical(second.takeReceived()), TestXml::canonical(u"<a xmlns='urn:xmpp:sm:3' h='1'/>"_s));
        QCOMPARE(unbound.size(), 0);
        first.reset();
    }

    void resumeFailures_data()
    {
        QTest::addColumn<QString>("resume");
        QTest::addColumn<QString>("expected");

        QTest::newRow("unknown-id") << u"<resume xmlns='urn:xmpp:sm:3' previd='nope' h='0'/>"_s
                                    << u"<failed xmlns='urn:xmpp:sm:3'><item-not-found "
                                       u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"_s;
        QTest::newRow("expired-id-tells-h") << u"<resume xmlns='urn:xmpp:sm:3' previd='PREVID' h='0'/>"_s
                                            << u"<failed xmlns='urn:xmpp:sm:3' h='1'><item-not-found "
                                               u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"_s;
    }
    void resumeFailures()
    {
        QFETCH(QString, resume);
        QFETCH(QString, expected);

        TestServer server(SmConfig.arg(0.05).arg(500));
        OfflineSpy offline(server);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(bob);
        auto first = std::make_unique<RawClient>(server, u"alice"_s, u"c2s_first"_s);
        QVERIFY(server.sessions().bind(first->session(), u"phone"_s));
        first->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/><presence/>"_s);
        const QString previd = first->takeReceived().value(0).attribute(u"id");
        QSignalSpy unbound(&server.sessions(), &SessionManager::sessionUnbound);
        QVERIFY(first->dropConnection());
        bob->send(u"<message to='alice@a.test/phone' type='chat'><body>while away</body></message>"_s);
        // Hibernation ends: the normal unbind path, and the unacked message goes offline.
        QTRY_COMPARE(unbound.size(), 1);
        QCOMPARE(offline.stored, QStringList{u"alice: while away"_s});
        QTRY_COMPARE(server.sessions().detachedSessionCount(), 0);

        RawClient second(server, u"alice"_s, u"c2s_second"_s);
        second.send(QString(resume).replace(u"PREVID"_s, previd));
        QCOMPARE(TestXml::canonical(second.takeReceived()), TestXml::canonical(expected));
        // The client may bind a new resource after <failed/>.
        QVERIFY(server.sessions().bind(second.session(), u"phone"_s));
        first.reset();
    }

    void resumeOtherUsersSessionFails()
    {
        TestServer server(SmConfig.arg(600).arg(500));
        auto first = std::make_unique<RawClient>(server, u"alice"_s, u"c2s_first"_s);
        QVERIFY(server.sessions().bind(first->session(), u"phone"_s));
        first->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        const QString previd = first->takeReceived().value(0).attribute(u"id");
        QVERIFY(first->dropConnection());
        RawClient mallory(server, u"mallory"_s, u"c2s_m"_s);
        mallory.send(u"<resume xmlns='urn:xmpp:sm:3' previd='%1' h='0'/>"_s.arg(previd));
        QCOMPARE(TestXml::canonical(mallory.takeReceived()),
                 TestXml::canonical(u"<failed xmlns='urn:xmpp:sm:3'><item-not-found "
                                    u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"_s));
        QCOMPARE(server.sessions().detachedSessionCount(), 1);
        first.reset();
    }

    void notResumableIsNotKept()
    {
        TestServer server(SmConfig.arg(600).arg(500));
        RawClient alice(server, u"alice"_s, u"c2s_a"_s);
        QVERIFY(server.sessions().bind(alice.session(), u"phone"_s));
        alice.send(u"<enable xmlns='urn:xmpp:sm:3'/>"_s);
        QVERIFY(!alice.dropConnection());
        QVERIFY(!server.host(u"a.test"_s)->clientSession(u"alice"_s, u"phone"_s));
        QCOMPARE(server.sessions().detachedSessionCount(), 0);
    }

    void queueLimitClosesTheStream()
    {
        TestServer server(SmConfig.arg(600).arg(3));
        OfflineSpy offline(server);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s);
        QVERIFY(alice && bob);
        alice->send(u"<enable xmlns='urn:xmpp:sm:3' resume='true'/>"_s);
        for (int i = 1; i <= 4; ++i) {
            bob->send(u"<message to='alice@a.test/test' type='chat'><body>%1</body></message>"_s.arg(i));
        }
        QTRY_VERIFY(alice->isClosed());
        QCOMPARE(alice->closeCondition(), u"resource-constraint"_s);
        alice->unbind(); // what the connection does when it closes
        QCOMPARE(offline.stored, (QStringList{u"alice: 1"_s, u"alice: 2"_s, u"alice: 3"_s, u"alice: 4"_s}));
    }
};

QTEST_GUILESS_MAIN(tst_SmacksModule)
#include "tst_SmacksModule.moc"
