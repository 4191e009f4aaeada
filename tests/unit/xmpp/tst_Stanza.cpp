#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_Stanza : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builders();
    void reply_data();
    void reply();
    void errorReply_data();
    void errorReply();
    void noErrorReplyToError();
    void kind_data();
    void kind();
};

static XmlElement withAttributes(const QString& name, std::initializer_list<std::pair<QString, QString>> attributes)
{
    XmlElement e(name, Ns::Client.toString());
    for (const auto& [key, value] : attributes)
        e.setAttribute(key, value);
    return e;
}

void tst_Stanza::builders()
{
    QCOMPARE(Stanza::message(u"a@b/c"_s, u"d@e"_s, u"chat"_s, u"hi <3"_s).toXml(Ns::Client),
             u"<message from='a@b/c' to='d@e' type='chat'><body>hi &lt;3</body></message>"_s);
    QCOMPARE(Stanza::message({}, u"d@e"_s).toXml(Ns::Client), u"<message to='d@e'/>"_s);
    QCOMPARE(Stanza::presence(u"a@b"_s, {}, u"unavailable"_s).toXml(Ns::Client),
             u"<presence from='a@b' type='unavailable'/>"_s);
    QCOMPARE(
        Stanza::iq(u"get"_s, u"p1"_s, u"a@b/c"_s, u"b"_s, XmlElement(u"ping"_s, Ns::Ping.toString())).toXml(Ns::Client),
        u"<iq from='a@b/c' to='b' type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>"_s);
    QCOMPARE(Stanza::iq(u"result"_s, u"p1"_s, {}, {}).toXml(), u"<iq xmlns='jabber:client' type='result' id='p1'/>"_s);
    QCOMPARE(Stanza::message(u"a"_s, u"b"_s, {}, u"x"_s).firstChild(u"body")->xmlns(), Ns::Client.toString());
}

void tst_Stanza::reply_data()
{
    QTest::addColumn<XmlElement>("stanza");
    QTest::addColumn<QString>("expected");
    XmlElement iq = withAttributes(
        u"iq"_s, {{u"type"_s, u"get"_s}, {u"id"_s, u"42"_s}, {u"from"_s, u"a@b/c"_s}, {u"to"_s, u"b"_s}});
    iq.addChild(u"query"_s, Ns::DiscoInfo.toString());
    QTest::newRow("iq-get") << iq << u"<iq to='a@b/c' from='b' id='42' type='result'/>"_s;
    QTest::newRow("iq-set-no-from") << withAttributes(u"iq"_s, {{u"type"_s, u"set"_s}, {u"id"_s, u"x"_s}})
                                    << u"<iq id='x' type='result'/>"_s;
    XmlElement message = Stanza::message(u"a@b/c"_s, u"d@e"_s, u"chat"_s, u"hello"_s);
    message.setAttribute(u"id"_s, u"m1"_s);
    QTest::newRow("message-keeps-type") << message << u"<message to='a@b/c' from='d@e' id='m1' type='chat'/>"_s;
    QTest::newRow("message-no-type") << Stanza::message(u"a"_s, u"b"_s) << u"<message to='a' from='b'/>"_s;
    QTest::newRow("presence-subscribe") << Stanza::presence(u"a@b"_s, u"c@d"_s, u"subscribe"_s)
                                        << u"<presence to='a@b' from='c@d' type='subscribe'/>"_s;
}

void tst_Stanza::reply()
{
    QFETCH(XmlElement, stanza);
    QFETCH(QString, expected);
    QCOMPARE(Stanza::reply(stanza).toXml(Ns::Client), expected);
}

void tst_Stanza::errorReply_data()
{
    QTest::addColumn<XmlElement>("stanza");
    QTest::addColumn<QString>("type");
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("by");
    QTest::addColumn<QString>("expected");

    XmlElement iq = Stanza::iq(u"get"_s, u"v1"_s, u"a@b/c"_s, u"b"_s, XmlElement(u"query"_s, Ns::Version.toString()));
    QTest::newRow("iq-service-unavailable")
        << iq << u"cancel"_s << u"service-unavailable"_s << QString() << QString()
        << u"<iq to='a@b/c' from='b' id='v1' type='error'><error type='cancel'>"
           u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
    QTest::newRow("with-text")
        << iq << u"modify"_s << u"bad-request"_s << u"Missing <id>"_s << QString()
        << u"<iq to='a@b/c' from='b' id='v1' type='error'><error type='modify'>"
           u"<bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
           u"<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Missing &lt;id&gt;</text></error></iq>"_s;
    QTest::newRow("by-kept") << iq << u"cancel"_s << u"item-not-found"_s << QString() << u"pubsub.b"_s
                             << u"<iq to='a@b/c' from='b' id='v1' type='error'><error type='cancel' by='pubsub.b'>"
                                u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
    QTest::newRow("by-equal-to-from-dropped")
        << iq << u"cancel"_s << u"item-not-found"_s << QString() << u"b"_s
        << u"<iq to='a@b/c' from='b' id='v1' type='error'><error type='cancel'>"
           u"<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
    QTest::newRow("default-type") << iq << QString() << u"forbidden"_s << QString() << QString()
                                  << u"<iq to='a@b/c' from='b' id='v1' type='error'><error type='auth'>"
                                     u"<forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s;
    QTest::newRow("message-payload-not-echoed")
        << Stanza::message(u"a@b/c"_s, u"d@e"_s, u"chat"_s, u"secret"_s) << u"cancel"_s << u"service-unavailable"_s
        << QString() << QString()
        << u"<message to='a@b/c' from='d@e' type='error'><error type='cancel'>"
           u"<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"_s;
    QTest::newRow("presence") << Stanza::presence(u"a@b"_s, u"room@muc/nick"_s) << u"cancel"_s << u"conflict"_s
                              << QString() << QString()
                              << u"<presence to='a@b' from='room@muc/nick' type='error'><error type='cancel'>"
                                 u"<conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"_s;
}

void tst_Stanza::errorReply()
{
    QFETCH(XmlElement, stanza);
    QFETCH(QString, type);
    QFETCH(QString, condition);
    QFETCH(QString, text);
    QFETCH(QString, by);
    QFETCH(QString, expected);
    const XmlElement error = Stanza::errorReply(stanza, type, condition, text, by);
    QCOMPARE(error.toXml(Ns::Client), expected);
    QVERIFY(Stanza::isError(error));
    // The error element is in the stanza's namespace, like every other child.
    QCOMPARE(error.firstChild(u"error")->xmlns(), stanza.xmlns());
    // The overload taking a StanzaError gives the same result.
    StanzaError e;
    e.type = type;
    e.condition = condition;
    e.text = text;
    e.by = by;
    QCOMPARE(Stanza::errorReply(stanza, e), error);
}

void tst_Stanza::noErrorReplyToError()
{
    const XmlElement error =
        Stanza::errorReply(Stanza::iq(u"get"_s, u"1"_s, u"a"_s, u"b"_s), u"cancel"_s, u"item-not-found"_s);
    QVERIFY(Stanza::errorReply(error, u"cancel"_s, u"bad-request"_s).isNull());
}

void tst_Stanza::kind_data()
{
    QTest::addColumn<XmlElement>("element");
    QTest::addColumn<int>("kind");
    QTest::addColumn<bool>("isError");
    QTest::addColumn<bool>("isRequest");
    QTest::addColumn<bool>("isResponse");
    using K = Stanza::Kind;
    QTest::newRow("message") << Stanza::message({}, {}) << int(K::Message) << false << false << false;
    QTest::newRow("presence") << Stanza::presence({}, {}) << int(K::Presence) << false << false << false;
    QTest::newRow("iq-get") << Stanza::iq(u"get"_s, u"1"_s, {}, {}) << int(K::Iq) << false << true << false;
    QTest::newRow("iq-set") << Stanza::iq(u"set"_s, u"1"_s, {}, {}) << int(K::Iq) << false << true << false;
    QTest::newRow("iq-result") << Stanza::iq(u"result"_s, u"1"_s, {}, {}) << int(K::Iq) << false << false << true;
    QTest::newRow("iq-error") << Stanza::iq(u"error"_s, u"1"_s, {}, {}) << int(K::Iq) << true << false << true;
    QTest::newRow("server-ns") << XmlElement(u"message"_s, Ns::Server.toString()) << int(K::Message) << false << false
                               << false;
    QTest::newRow("component-ns") << XmlElement(u"iq"_s, Ns::ComponentAccept.toString()) << int(K::Iq) << false << false
                                  << false;
    QTest::newRow("no-ns") << XmlElement(u"presence"_s) << int(K::Presence) << false << false << false;
    QTest::newRow("nonza") << XmlElement(u"r"_s, Ns::StreamManagement.toString()) << int(K::Other) << false << false
                           << false;
    QTest::newRow("foreign-message") << XmlElement(u"message"_s, u"urn:other"_s) << int(K::Other) << false << false
                                     << false;
}

void tst_Stanza::kind()
{
    QFETCH(XmlElement, element);
    QFETCH(int, kind);
    QFETCH(bool, isError);
    QFETCH(bool, isRequest);
    QFETCH(bool, isResponse);
    QCOMPARE(int(Stanza::kind(element)), kind);
    QCOMPARE(Stanza::isStanza(element), kind != int(Stanza::Kind::Other));
    QCOMPARE(Stanza::isIq(element), kind == int(Stanza::Kind::Iq));
    QCOMPARE(Stanza::isMessage(element), kind == int(Stanza::Kind::Message));
    QCOMPARE(Stanza::isPresence(element), kind == int(Stanza::Kind::Presence));
    QCOMPARE(Stanza::isError(element), isError);
    QCOMPARE(Stanza::isIqRequest(element), isRequest);
    QCOMPARE(Stanza::isIqResponse(element), isResponse);
    QCOMPARE(Stanza::kindName(Stanza::kind(element)).isEmpty(), kind == int(Stanza::Kind::Other));
}

QTEST_GUILESS_MAIN(tst_Stanza)
#include "tst_Stanza.moc"
