#include "server/xmpp/Namespaces.h"
#include "server/xmpp/XmlElement.h"

#include <QTest>
#include <QVariant>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_XmlElement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void escape_data();
    void escape();
    void serialize_data();
    void serialize();
    void attributes();
    void children();
    void text();
    void equality();
    void variant();
    void openTag();
};

void tst_XmlElement::escape_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<bool>("attribute");
    QTest::addColumn<QString>("expected");
    QTest::newRow("plain") << u"hello"_s << false << u"hello"_s;
    QTest::newRow("markup") << u"a<b>&c"_s << false << u"a&lt;b&gt;&amp;c"_s;
    QTest::newRow("quotes-in-text") << u"'\""_s << false << u"'\""_s;
    QTest::newRow("quotes-in-attribute") << u"'\""_s << true << u"&apos;&quot;"_s;
    QTest::newRow("newline-in-text") << u"a\nb"_s << false << u"a\nb"_s;
    QTest::newRow("newline-in-attribute") << u"a\nb\tc"_s << true << u"a&#10;b&#9;c"_s;
    QTest::newRow("carriage-return") << u"a\rb"_s << false << u"a&#13;b"_s;
    QTest::newRow("control-char") << u"a\u0001b"_s << false << u"a\uFFFDb"_s;
    QTest::newRow("nul") << QString::fromUtf16(u"a\0b", 3) << true << u"a\uFFFDb"_s;
    QTest::newRow("non-char") << u"x\uFFFE"_s << false << u"x\uFFFD"_s;
    QTest::newRow("surrogate-pair") << u"\U0001F600"_s << false << u"\U0001F600"_s;
    QTest::newRow("lone-high-surrogate") << QString(QChar(0xD83D)) + u"x" << false << u"\uFFFDx"_s;
    QTest::newRow("lone-low-surrogate") << u"x"_s + QChar(0xDE00) << false << u"x\uFFFD"_s;
    QTest::newRow("unicode") << u"h\u00e9llo"_s << true << u"h\u00e9llo"_s;
}

void tst_XmlElement::escape()
{
    QFETCH(QString, input);
    QFETCH(bool, attribute);
    QFETCH(QString, expected);
    QCOMPARE(xmlEscape(input, attribute), expected);
}

void tst_XmlElement::serialize_data()
{
    QTest::addColumn<XmlElement>("element");
    QTest::addColumn<QString>("parentXmlns");
    QTest::addColumn<QString>("expected");

    XmlElement empty(u"ping"_s, Ns::Ping.toString());
    QTest::newRow("empty-standalone") << empty << QString() << u"<ping xmlns='urn:xmpp:ping'/>"_s;
    QTest::newRow("empty-same-ns") << empty << u"urn:xmpp:ping"_s << u"<ping/>"_s;

    XmlElement message(u"message"_s, Ns::Client.toString());
    message.setAttribute(u"to"_s, u"juliet@example.com"_s).setAttribute(u"type"_s, u"chat"_s);
    message.addTextChild(u"body"_s, {}, u"Wherefore & why?"_s);
    message.addChild(u"active"_s, Ns::ChatStates.toString());
    QTest::newRow("message-in-client-stream")
        << message << u"jabber:client"_s
        << u"<message to='juliet@example.com' type='chat'><body>Wherefore &amp; why?</body>"
           u"<active xmlns='http://jabber.org/protocol/chatstates'/></message>"_s;
    QTest::newRow("message-in-server-stream")
        << message << u"jabber:server"_s
        << u"<message to='juliet@example.com' type='chat'><body>Wherefore &amp; why?</body>"
           u"<active xmlns='http://jabber.org/protocol/chatstates'/></message>"_s;
    QTest::newRow("message-standalone")
        << message << QString()
        << u"<message xmlns='jabber:client' to='juliet@example.com' type='chat'><body>Wherefore &amp; why?</body>"
           u"<active xmlns='http://jabber.org/protocol/chatstates'/></message>"_s;

    XmlElement attr(u"item"_s);
    attr.setAttribute(u"name"_s, u"O'Brien <\"x\">"_s);
    QTest::newRow("attribute-escaping") << attr << QString() << u"<item name='O&apos;Brien &lt;&quot;x&quot;&gt;'/>"_s;

    XmlElement nested(u"query"_s, Ns::DiscoInfo.toString());
    XmlElement& x = nested.addChild(u"x"_s, Ns::DataForms.toString());
    x.addChild(u"field"_s).setAttribute(u"var"_s, u"FORM_TYPE"_s);
    nested.addChild(u"feature"_s).setAttribute(u"var"_s, u"urn:xmpp:ping"_s);
    QTest::newRow("nested-namespaces")
        << nested << QString()
        << u"<query xmlns='http://jabber.org/protocol/disco#info'><x xmlns='jabber:x:data'><field var='FORM_TYPE'/></x>"
           u"<feature var='urn:xmpp:ping'/></query>"_s;

    XmlElement inherit(u"a"_s, u"urn:a"_s);
    inherit.addChild(XmlElement(u"b"_s));
    QTest::newRow("empty-xmlns-inherits") << inherit << QString() << u"<a xmlns='urn:a'><b/></a>"_s;

    XmlElement features(u"features"_s, Ns::Streams.toString());
    features.addChild(u"starttls"_s, Ns::Tls.toString()).addChild(u"required"_s);
    QTest::newRow("stream-prefix-in-stream")
        << features << u"jabber:client"_s
        << u"<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
           u"</stream:features>"_s;
    QTest::newRow("stream-ns-standalone")
        << features << QString()
        << u"<features xmlns='http://etherx.jabber.org/streams'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>"
           u"<required/></starttls></features>"_s;

    XmlElement mixed(u"p"_s, u"urn:x"_s);
    mixed.addText(u"a "_s);
    mixed.addTextChild(u"b"_s, {}, u"bold"_s);
    mixed.addText(u" c"_s);
    QTest::newRow("mixed-content") << mixed << u"urn:x"_s << u"<p>a <b>bold</b> c</p>"_s;

    XmlElement foreign(u"message"_s, Ns::Client.toString());
    foreign.addChild(u"body"_s, Ns::Server.toString());
    QTest::newRow("content-ns-equivalence-only-at-top")
        << foreign << u"jabber:client"_s << u"<message><body xmlns='jabber:server'/></message>"_s;
}

void tst_XmlElement::serialize()
{
    QFETCH(XmlElement, element);
    QFETCH(QString, parentXmlns);
    QFETCH(QString, expected);
    QCOMPARE(element.toXml(parentXmlns), expected);
    QString appended = u"prefix"_s;
    element.appendXml(appended, parentXmlns);
    QCOMPARE(appended, u"prefix"_s + expected);
}

void tst_XmlElement::attributes()
{
    XmlElement e(u"iq"_s);
    e.setAttribute(u"type"_s, u"get"_s).setAttribute(u"id"_s, u"1"_s).setAttribute(u"to"_s, u"a"_s);
    QVERIFY(e.hasAttribute(u"id"));
    QVERIFY(!e.hasAttribute(u"from"));
    QCOMPARE(e.attribute(u"from", u"dflt"_s), u"dflt"_s);
    QVERIFY(e.attribute(u"from").isNull());

    e.setAttribute(u"id"_s, u"2"_s); // replaced in place
    QCOMPARE(e.attributes().size(), 3);
    QCOMPARE(e.attributes().at(1), XmlElement::Attribute(u"id"_s, u"2"_s));
    QCOMPARE(e.toXml(), u"<iq type='get' id='2' to='a'/>"_s);

    e.removeAttribute(u"type");
    QCOMPARE(e.toXml(), u"<iq id='2' to='a'/>"_s);
    e.removeAttribute(u"missing");
    QCOMPARE(e.attributes().size(), 2);
}

void tst_XmlElement::children()
{
    XmlElement iq(u"iq"_s, Ns::Client.toString());
    XmlElement& query = iq.addChild(u"query"_s, Ns::Roster.toString());
    QCOMPARE(query.xmlns(), Ns::Roster.toString());
    query.addChild(u"item"_s).setAttribute(u"jid"_s, u"a@b"_s);
    query.addChild(u"item"_s).setAttribute(u"jid"_s, u"c@d"_s);
    query.addChild(u"other"_s, u"urn:other"_s);
    iq.addText(u"  "_s);

    QCOMPARE(iq.childElementCount(), 1);
    QVERIFY(iq.firstChild(u"query", Ns::Roster));
    QVERIFY(!iq.firstChild(u"query", Ns::DiscoInfo));
    QVERIFY(!iq.firstChild(u"item"));
    const XmlElement* q = iq.firstChild();
    QVERIFY(q);
    QCOMPARE(q->children(u"item").size(), 2);
    QCOMPARE(q->children({}, Ns::Roster).size(), 2);
    QCOMPARE(q->children().size(), 3);
    QCOMPARE(q->children(u"item").at(1)->attribute(u"jid"), u"c@d"_s);
    QCOMPARE(q->children(u"item").at(0)->xmlns(), Ns::Roster.toString()); // inherited

    XmlElement* mutableQuery = iq.firstChild(u"query");
    QVERIFY(mutableQuery);
    QCOMPARE(mutableQuery->removeChildren(u"item"), 2);
    QCOMPARE(mutableQuery->childElementCount(), 1);
    QCOMPARE(mutableQuery->removeChildren(u"nothing"), 0);
    QCOMPARE(mutableQuery->removeChildren(), 1);
    QCOMPARE(mutableQuery->childElementCount(), 0);
    QCOMPARE(iq.nodes().size(), size_t(2)); // the query and the text node remain
}

void tst_XmlElement::text()
{
    XmlElement message(u"message"_s, Ns::Client.toString());
    message.addTextChild(u"subject"_s, {}, u"Hi"_s);
    message.addTextChild(u"body"_s, {}, u"one"_s);
    message.firstChild(u"body")->addText(u" two"_s);
    message.addText(u"x"_s);
    message.addText(QString()); // no empty nodes
    message.addText(u"y"_s);    // merged with the previous text node
    QCOMPARE(message.childText(u"body"), u"one two"_s);
    QCOMPARE(message.childText(u"subject", Ns::Client), u"Hi"_s);
    QVERIFY(message.childText(u"thread").isNull());
    QCOMPARE(message.text(), u"xy"_s);
    QCOMPARE(message.nodes().size(), size_t(3));
}

void tst_XmlElement::equality()
{
    XmlElement a(u"a"_s, u"urn:a"_s);
    a.setAttribute(u"x"_s, u"1"_s).setAttribute(u"y"_s, u"2"_s);
    a.addTextChild(u"b"_s, {}, u"t"_s);
    XmlElement b(u"a"_s, u"urn:a"_s);
    b.setAttribute(u"y"_s, u"2"_s).setAttribute(u"x"_s, u"1"_s);
    b.addTextChild(u"b"_s, {}, u"t"_s);
    QVERIFY(a == b); // attribute order does not matter

    XmlElement c = b;
    c.firstChild(u"b")->addText(u"!"_s);
    QVERIFY(!(a == c));
    XmlElement d = b;
    d.setXmlns(u"urn:d"_s);
    QVERIFY(!(a == d));
    XmlElement e = b;
    e.setAttribute(u"x"_s, u"other"_s);
    QVERIFY(!(a == e));
    XmlElement f = b;
    f.setAttribute(u"z"_s, u"1"_s);
    QVERIFY(!(a == f));
    QVERIFY(XmlElement().isNull());
    QVERIFY(!a.isNull());
}

void tst_XmlElement::variant()
{
    XmlElement a(u"a"_s, u"urn:a"_s);
    a.addTextChild(u"b"_s, {}, u"text"_s);
    const QVariant v = QVariant::fromValue(a);
    QVERIFY(v.canConvert<XmlElement>());
    QCOMPARE(v.value<XmlElement>(), a);
    QVERIFY(v == QVariant::fromValue(a));
}

void tst_XmlElement::openTag()
{
    XmlElement header(u"stream:stream"_s);
    header.setAttribute(u"xmlns"_s, Ns::Client.toString());
    header.setAttribute(u"xmlns:stream"_s, Ns::Streams.toString());
    header.setAttribute(u"version"_s, u"1.0"_s);
    header.addChild(u"ignored"_s);
    QCOMPARE(header.toOpenTag(), u"<stream:stream xmlns='jabber:client' "
                                 u"xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"_s);
}

QTEST_GUILESS_MAIN(tst_XmlElement)
#include "tst_XmlElement.moc"
