#include "EventRecorder.h"
#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"
#include "server/core/Host.h"
#include "server/core/Router.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// The router on its own: the delivery modules are disabled, so nothing but the router's own
// handlers (the iq dispatch of mod_iq) handles the stanzas.
const QString RouterConfig = uR"(
modules_disabled = { "presence", "message" }
VirtualHost "a.test"
Component "comp.a.test" "no_module_here"
)"_s;

const QString Stanzas = u"urn:ietf:params:xml:ns:xmpp-stanzas"_s;

QString errorXml(const QString& kind, const QString& attributes, const QString& type, const QString& condition,
                 const QString& text = {})
{
    const QString textXml = text.isEmpty() ? QString() : u"<text xmlns='%1'>%2</text>"_s.arg(Stanzas, text);
    return u"<%1 %2 type='error'><error type='%3'><%4 xmlns='%5'/>%6</error></%1>"_s.arg(kind, attributes, type,
                                                                                         condition, Stanzas, textXml);
}

} // namespace

class tst_Router : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void eventOrder_data()
    {
        QTest::addColumn<QString>("stanza");
        QTest::addColumn<QStringList>("expectedEvents");
        QTest::addColumn<QString>("expectedReply"); // what alice gets back ("" = nothing)

        const QString ping = u"<ping xmlns='urn:xmpp:ping'/>"_s;
        const QString pingKey = u"urn:xmpp:ping:ping"_s;

        QTest::newRow("message-full") << u"<message to='bob@a.test/phone' type='chat'/>"_s
                                      << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/full"_s,
                                                     u"a.test: message/full"_s}
                                      << errorXml(u"message"_s, u"from='bob@a.test/phone' to='alice@a.test/test'"_s,
                                                  u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("message-bare") << u"<message to='bob@a.test' type='chat'/>"_s
                                      << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/bare"_s,
                                                     u"a.test: message/bare"_s}
                                      << errorXml(u"message"_s, u"from='bob@a.test' to='alice@a.test/test'"_s,
                                                  u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("message-own-bare-is-self")
            << u"<message to='alice@a.test'/>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/bare"_s, u"a.test: message/bare"_s,
                           u"a.test: message/self"_s}
            << errorXml(u"message"_s, u"to='alice@a.test/test'"_s, u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("message-no-to-is-self")
            << u"<message/>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/bare"_s, u"a.test: message/bare"_s,
                           u"a.test: message/self"_s}
            << errorXml(u"message"_s, u"to='alice@a.test/test'"_s, u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("message-host") << u"<message to='a.test'/>"_s
                                      << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/host"_s,
                                                     u"a.test: message/host"_s}
                                      << errorXml(u"message"_s, u"from='a.test' to='alice@a.test/test'"_s, u"cancel"_s,
                                                  u"service-unavailable"_s);
        QTest::newRow("message-component-fires-on-component")
            << u"<message to='comp.a.test'/>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/host"_s, u"comp.a.test: message/host"_s}
            << errorXml(u"message"_s, u"from='comp.a.test' to='alice@a.test/test'"_s, u"cancel"_s,
                        u"service-unavailable"_s);
        QTest::newRow("message-component-user")
            << u"<message to='room@comp.a.test/nick' type='groupchat'/>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/full"_s, u"comp.a.test: message/full"_s}
            << errorXml(u"message"_s, u"from='room@comp.a.test/nick' to='alice@a.test/test'"_s, u"cancel"_s,
                        u"service-unavailable"_s);
        QTest::newRow("message-remote") << u"<message to='bob@remote.example'/>"_s
                                        << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-message/bare"_s,
                                                       u"a.test: route/remote"_s}
                                        << errorXml(u"message"_s, u"from='bob@remote.example' to='alice@a.test/test'"_s,
                                                    u"cancel"_s, u"remote-server-not-found"_s,
                                                    u"Communication with remote domains is not enabled"_s);
        QTest::newRow("presence-bare-unhandled-is-silent")
            << u"<presence to='bob@a.test' type='subscribe'/>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-presence/bare"_s, u"a.test: presence/bare"_s}
            << QString();
        QTest::newRow("presence-full") << u"<presence to='bob@a.test/phone'/>"_s
                                       << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-presence/full"_s,
                                                      u"a.test: presence/full"_s}
                                       << QString();
        QTest::newRow("presence-self") << u"<presence/>"_s
                                       << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-presence/bare"_s,
                                                      u"a.test: presence/bare"_s, u"a.test: presence/self"_s}
                                       << QString();
        QTest::newRow("iq-get-host") << u"<iq type='get' id='i1' to='a.test'>%1</iq>"_s.arg(ping)
                                     << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/host"_s,
                                                    u"a.test: iq/host"_s, u"a.test: iq/host/"_s + pingKey,
                                                    u"a.test: iq-get/host/"_s + pingKey}
                                     << errorXml(u"iq"_s, u"id='i1' from='a.test' to='alice@a.test/test'"_s,
                                                 u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("iq-set-bare") << u"<iq type='set' id='i2' to='bob@a.test'><query xmlns='jabber:iq:test'/></iq>"_s
                                     << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/bare"_s,
                                                    u"a.test: iq/bare"_s, u"a.test: iq/bare/jabber:iq:test:query"_s,
                                                    u"a.test: iq-set/bare/jabber:iq:test:query"_s}
                                     << errorXml(u"iq"_s, u"id='i2' from='bob@a.test' to='alice@a.test/test'"_s,
                                                 u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("iq-get-no-to-is-self")
            << u"<iq type='get' id='i3'>%1</iq>"_s.arg(ping)
            << QStringList{u"a.test: pre-stanza"_s,
                           u"a.test: pre-iq/bare"_s,
                           u"a.test: iq/bare"_s,
                           u"a.test: iq/bare/"_s + pingKey,
                           u"a.test: iq-get/bare/"_s + pingKey,
                           u"a.test: iq/self"_s,
                           u"a.test: iq/self/"_s + pingKey,
                           u"a.test: iq-get/self/"_s + pingKey}
            << errorXml(u"iq"_s, u"id='i3' to='alice@a.test/test'"_s, u"cancel"_s, u"service-unavailable"_s);
        QTest::newRow("iq-child-without-xmlns-is-jabber-client")
            << u"<iq type='get' id='i4' to='a.test'><query/></iq>"_s
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/host"_s, u"a.test: iq/host"_s,
                           u"a.test: iq/host/jabber:client:query"_s, u"a.test: iq-get/host/jabber:client:query"_s}
            << errorXml(u"iq"_s, u"id='i4' from='a.test' to='alice@a.test/test'"_s, u"cancel"_s,
                        u"service-unavailable"_s);
        QTest::newRow("iq-result-by-id-unanswered") << u"<iq type='result' id='r1' to='a.test'/>"_s
                                                    << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/host"_s,
                                                                   u"a.test: iq/host"_s, u"a.test: iq-result/host/r1"_s}
                                                    << QString();
        QTest::newRow("iq-error-by-id-unanswered")
            << errorXml(u"iq"_s, u"id='r2' to='bob@a.test'"_s, u"cancel"_s, u"item-not-found"_s)
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/bare"_s, u"a.test: iq/bare"_s,
                           u"a.test: iq-error/bare/r2"_s}
            << QString();
        QTest::newRow("iq-full-absent-session")
            << u"<iq type='get' id='i5' to='carol@a.test/x'>%1</iq>"_s.arg(ping)
            << QStringList{u"a.test: pre-stanza"_s, u"a.test: pre-iq/full"_s, u"a.test: iq/full"_s}
            << errorXml(u"iq"_s, u"id='i5' from='carol@a.test/x' to='alice@a.test/test'"_s, u"cancel"_s,
                        u"service-unavailable"_s);
        QTest::newRow("error-without-error-child-dropped")
            << u"<message type='error' to='bob@a.test'/>"_s << QStringList() << QString();
    }
    void eventOrder()
    {
        QFETCH(QString, stanza);
        QFETCH(QStringList, expectedEvents);
        QFETCH(QString, expectedReply);

        TestServer server(RouterConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(alice && bob);
        EventRecorder recorder(server);
        alice->send(stanza);
        QCOMPARE(recorder.take(), expectedEvents);
        QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(expectedReply));
        QVERIFY(bob->received().isEmpty());
        QVERIFY(!alice->isClosed());
    }

    void iqToFullJidIsDelivered()
    {
        TestServer server(RouterConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        auto bob = server.login(u"bob"_s, u"a.test"_s, u"phone"_s);
        QVERIFY(alice && bob);
        alice->send(u"<iq type='get' id='v1' to='bob@a.test/phone'><query xmlns='jabber:iq:version'/></iq>"_s);
        QCOMPARE(TestXml::canonical(bob->takeReceived()),
                 TestXml::canonical(u"<iq type='get' id='v1' to='bob@a.test/phone' from='alice@a.test/test'>"
                                    u"<query xmlns='jabber:iq:version'/></iq>"_s));
        bob->send(u"<iq type='result' id='v1' to='alice@a.test/test'/>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='v1' to='alice@a.test/test' from='bob@a.test/phone'/>"_s));
    }

    void fromIsStamped_data()
    {
        QTest::addColumn<QString>("from");
        QTest::newRow("absent") << QString();
        QTest::newRow("spoofed-other-user") << u"mallory@a.test/x"_s;
        QTest::newRow("spoofed-other-domain") << u"bob@elsewhere.example"_s;
        QTest::newRow("own-bare") << u"alice@a.test"_s;
    }
    void fromIsStamped()
    {
        QFETCH(QString, from);

        QStringList seen;
        TestServer server(RouterConfig);
        server.host(u"a.test"_s)->events().addHandler(u"message/full"_s, [&seen](Event& e) {
            seen << e.stanza->attribute(u"from") + u" -> "_s + e.stanza->attribute(u"to");
            return QVariant(true);
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QString fromAttribute = from.isEmpty() ? QString() : u" from='%1'"_s.arg(from);
        alice->send(u"<message to='Bob@A.test/phone'%1/>"_s.arg(fromAttribute));
        // 'to' is prepped, 'from' is always the session's full JID.
        QCOMPARE(seen, QStringList{u"alice@a.test/test -> bob@a.test/phone"_s});
    }

    void rejected_data()
    {
        QTest::addColumn<QString>("stanza");
        QTest::addColumn<QString>("expectedReply"); // "" = nothing

        QTest::newRow("iq-invalid-type") << u"<iq type='bogus' id='b1' to='a.test'><ping xmlns='urn:xmpp:ping'/></iq>"_s
                                         << errorXml(u"iq"_s, u"id='b1' from='a.test'"_s, u"modify"_s, u"bad-request"_s,
                                                     u"Invalid IQ type"_s);
        QTest::newRow("iq-no-type") << u"<iq id='b2' to='a.test'><ping xmlns='urn:xmpp:ping'/></iq>"_s
                                    << errorXml(u"iq"_s, u"id='b2' from='a.test'"_s, u"modify"_s, u"bad-request"_s,
                                                u"Invalid IQ type"_s);
        QTest::newRow("iq-missing-id") << u"<iq type='get' to='a.test'><ping xmlns='urn:xmpp:ping'/></iq>"_s
                                       << errorXml(u"iq"_s, u"from='a.test'"_s, u"modify"_s, u"bad-request"_s,
                                                   u"Missing required 'id' attribute"_s);
        QTest::newRow("iq-get-no-child") << u"<iq type='get' id='b3' to='a.test'/>"_s
                                         << errorXml(u"iq"_s, u"id='b3' from='a.test'"_s, u"modify"_s, u"bad-request"_s,
                                                     u"Incorrect number of children for IQ stanza"_s);
        QTest::newRow("iq-set-two-children")
            << u"<iq type='set' id='b4' to='a.test'><a xmlns='urn:a'/><b xmlns='urn:b'/></iq>"_s
            << errorXml(u"iq"_s, u"id='b4' from='a.test'"_s, u"modify"_s, u"bad-request"_s,
                        u"Incorrect number of children for IQ stanza"_s);
        QTest::newRow("iq-result-no-children-ok") << u"<iq type='result' id='b5' to='a.test'/>"_s << QString();
        QTest::newRow("message-malformed-to-empty-node")
            << u"<message id='m1' to='@a.test'/>"_s
            << errorXml(u"message"_s, u"id='m1' from='@a.test' to='alice@a.test/test'"_s, u"modify"_s,
                        u"jid-malformed"_s);
        QTest::newRow("iq-malformed-to-empty-domain")
            << u"<iq type='get' id='m2' to='bob@'><ping xmlns='urn:xmpp:ping'/></iq>"_s
            << errorXml(u"iq"_s, u"id='m2' from='bob@' to='alice@a.test/test'"_s, u"modify"_s, u"jid-malformed"_s);
        QTest::newRow("iq-result-malformed-to-dropped") << u"<iq type='result' id='m3' to='@a.test'/>"_s << QString();
    }
    void rejected()
    {
        QFETCH(QString, stanza);
        QFETCH(QString, expectedReply);

        TestServer server(RouterConfig);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        EventRecorder recorder(server);
        alice->send(stanza);
        QCOMPARE(TestXml::canonical(alice->takeReceived()), TestXml::canonical(expectedReply));
        if (!expectedReply.isEmpty()) {
            QCOMPARE(recorder.take(), QStringList()); // rejected before any event
        }
    }

    void preEventsCanBlock_data()
    {
        QTest::addColumn<QString>("event");
        QTest::addColumn<QVariant>("returned");
        QTest::addColumn<bool>("delivered");

        QTest::newRow("pre-stanza-any-value-blocks") << u"pre-stanza"_s << QVariant(false) << false;
        QTest::newRow("pre-message-true-blocks") << u"pre-message/full"_s << QVariant(true) << false;
        QTest::newRow("pre-message-false-passes") << u"pre-message/full"_s << QVariant(false) << true;
    }
    void preEventsCanBlock()
    {
        QFETCH(QString, event);
        QFETCH(QVariant, returned);
        QFETCH(bool, delivered);

        int deliveries = 0;
        TestServer server(RouterConfig);
        server.host(u"a.test"_s)->events().addHandler(event, [returned](Event&) { return returned; });
        server.host(u"a.test"_s)->events().addHandler(u"message/full"_s, [&deliveries](Event&) {
            ++deliveries;
            return QVariant(true);
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<message to='bob@a.test/phone'/>"_s);
        QCOMPARE(deliveries, delivered ? 1 : 0);
        QVERIFY(alice->received().isEmpty());
    }

    void routeRemote()
    {
        QVariantMap seen;
        TestServer server(RouterConfig);
        server.host(u"a.test"_s)->events().addHandler(u"route/remote"_s, [&seen](Event& e) {
            seen = QVariantMap{{u"from_host"_s, e.value(u"from_host"_s)},
                               {u"to_host"_s, e.value(u"to_host"_s)},
                               {u"from"_s, e.stanza->attribute(u"from")}};
            return QVariant(true);
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<message to='bob@remote.example/r'><body>hi</body></message>"_s);
        QCOMPARE(seen.value(u"from_host"_s).toString(), u"a.test"_s);
        QCOMPARE(seen.value(u"to_host"_s).toString(), u"remote.example"_s);
        QCOMPARE(seen.value(u"from"_s).toString(), u"alice@a.test/test"_s);
        QVERIFY(alice->received().isEmpty()); // handled: no bounce
    }

    void nonStanzaElements_data()
    {
        QTest::addColumn<QString>("element");
        QTest::addColumn<QString>("expectedEvent");
        QTest::addColumn<bool>("handled");

        QTest::newRow("sm-request-handled")
            << u"<r xmlns='urn:xmpp:sm:3'/>"_s << u"a.test: stanza/urn:xmpp:sm:3:r"_s << true;
        QTest::newRow("unknown-nonza-closes")
            << u"<foo xmlns='urn:test:unknown'/>"_s << u"a.test: stanza/urn:test:unknown:foo"_s << false;
        QTest::newRow("unknown-jabber-client-element-closes") << u"<bar/>"_s << u"a.test: stanza/bar"_s << false;
    }
    void nonStanzaElements()
    {
        QFETCH(QString, element);
        QFETCH(QString, expectedEvent);
        QFETCH(bool, handled);

        TestServer server(RouterConfig);
        if (handled) {
            server.host(u"a.test"_s)->events().addHandler(expectedEvent.section(u": "_s, 1), [](Event&) {
                return QVariant(true);
            });
        }
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        EventRecorder recorder(server);
        alice->send(element);
        QCOMPARE(recorder.take(), QStringList{expectedEvent});
        QCOMPARE(alice->isClosed(), !handled);
        if (!handled) {
            QCOMPARE(alice->closeCondition(), u"unsupported-stanza-type"_s);
        }
    }

    void initialPresenceFiresOnce()
    {
        int initial = 0;
        TestServer server(u"VirtualHost \"a.test\"\n"_s); // with the presence module
        server.host(u"a.test"_s)->events().addHandler(u"presence/initial"_s, [&initial](Event& e) {
            initial += e.origin && e.origin->isClient() ? 1 : 100;
            return QVariant();
        });
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<presence><priority>5</priority></presence>"_s);
        QCOMPARE(initial, 1);
        QVERIFY(alice->session().isAvailable());
        QCOMPARE(alice->session().priority(), 5);
        alice->send(u"<presence><show>away</show></presence>"_s);
        QCOMPARE(initial, 1);
        QCOMPARE(alice->session().priority(), 0);
        alice->send(u"<presence type='unavailable'/>"_s);
        QVERIFY(!alice->session().isAvailable());
        alice->send(u"<presence/>"_s);
        QCOMPARE(initial, 2);
    }

    void moduleSendGoesThroughRouter()
    {
        TestServer server(RouterConfig);
        const quint64 before = server.router().routedCount();
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        EventRecorder recorder(server);
        // Host-originated stanzas skip the pre-events (core_route_stanza).
        server.host(u"a.test"_s)
            ->send(TestXml::parse(u"<iq type='get' id='h1' from='a.test' to='alice@a.test/test'>"
                                  u"<ping xmlns='urn:xmpp:ping'/></iq>"_s));
        QCOMPARE(recorder.take(), QStringList{u"a.test: iq/full"_s});
        QCOMPARE(alice->takeReceived().size(), 1);
        QCOMPARE(server.router().routedCount(), before + 1);
    }
};

QTEST_GUILESS_MAIN(tst_Router)
#include "tst_Router.moc"
