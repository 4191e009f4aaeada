#include "server/xmpp/Namespaces.h"
#include "server/xmpp/StreamParser.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QByteArray Header = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                          "xmlns:stream='http://etherx.jabber.org/streams' to='example.com' version='1.0' "
                          "xml:lang='en'>";

// Records every signal as one line, so whole parses can be compared.
class Recorder
{
public:
    explicit Recorder(StreamParser& parser)
    {
        QObject::connect(&parser, &StreamParser::streamOpened,
                         [this](const XmlElement& header) { events << u"open "_s + header.toOpenTag(); });
        QObject::connect(&parser, &StreamParser::elementReceived, [this](const XmlElement& element) {
            events << u"element "_s + element.toXml();
            elements.push_back(element);
        });
        QObject::connect(&parser, &StreamParser::streamClosed, [this] { events << u"closed"_s; });
        QObject::connect(&parser, &StreamParser::error,
                         [this](const QString& condition, const QString&) { events << u"error "_s + condition; });
    }
    QStringList events;
    std::vector<XmlElement> elements;
};

QStringList parseWhole(const QByteArray& data, const StreamParser::Limits& limits = {})
{
    StreamParser parser(limits);
    Recorder recorder(parser);
    parser.feed(data);
    return recorder.events;
}

QString lastEvent(const QStringList& events)
{
    return events.isEmpty() ? QString() : events.last();
}

} // namespace

class tst_StreamParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The XML reader (about 14 KiB) is dropped between stanzas and re-created, primed with the
    // stream header, for the next one: prefixes declared on the header must still resolve.
    void readerIsReleasedBetweenStanzas()
    {
        StreamParser parser;
        QList<XmlElement> elements;
        QObject::connect(&parser, &StreamParser::elementReceived,
                         [&elements](const XmlElement& element) { elements << element; });
        QSignalSpy opened(&parser, &StreamParser::streamOpened);
        parser.feed(QByteArrayLiteral("<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                                      "xmlns:stream='http://etherx.jabber.org/streams' xmlns:x='urn:x' "
                                      "to='example.org' version='1.0'>"));
        QCOMPARE(opened.count(), 1);
        QVERIFY(!parser.holdsReader());
        parser.feed(QByteArrayLiteral("<message to='a@b'><x:y/><body>one</body></message>"));
        QVERIFY(!parser.holdsReader());
        parser.feed(QByteArrayLiteral("<message to='c@d'><body>tw"));
        QVERIFY(parser.holdsReader()); // a stanza is half read: the reader stays
        parser.feed(QByteArrayLiteral("o</body></message> "));
        parser.feed(QByteArrayLiteral("<iq type='get' id='1'><x:q/></iq>"));
        QCOMPARE(opened.count(), 1); // re-reading the header is not reported again
        QCOMPARE(elements.size(), 3);
        QCOMPARE(elements.at(0).firstChild(u"y")->xmlns(), u"urn:x"_s);
        QCOMPARE(elements.at(1).childText(u"body"), u"two"_s);
        QCOMPARE(elements.at(2).firstChild(u"q")->xmlns(), u"urn:x"_s);
        QSignalSpy closed(&parser, &StreamParser::streamClosed);
        parser.feed(QByteArrayLiteral("</stream:stream>"));
        QCOMPARE(closed.count(), 1);
        QVERIFY(!parser.hasFailed());
    }

    void header();
    void stanzas();
    void splitAtEveryByte();
    void byteByByte();
    void rejected_data();
    void rejected();
    void failedStaysFailed();
    void stanzaSizeLimit_data();
    void stanzaSizeLimit();
    void sizeCountsBytesNotCharacters();
    void manySmallStanzasInOneBigChunk();
    void hugeStanzaStopsEarly();
    void headerSizeLimit();
    void depthLimit();
    void attributeLimit();
    void garbage_data();
    void garbage();
    void resetFromSlotDiscardsRest();
    void closeIgnoresTrailingData();
    void prefixedAttributes();
    void deleteFromSlot();
};

void tst_StreamParser::header()
{
    StreamParser parser;
    QSignalSpy opened(&parser, &StreamParser::streamOpened);
    parser.feed(Header);
    QCOMPARE(opened.size(), 1);
    const auto header = opened.at(0).at(0).value<XmlElement>();
    QCOMPARE(header.name(), u"stream"_s);
    QCOMPARE(header.xmlns(), Ns::Streams.toString());
    QCOMPARE(header.attribute(u"to"), u"example.com"_s);
    QCOMPARE(header.attribute(u"version"), u"1.0"_s);
    QCOMPARE(header.attribute(u"xml:lang"), u"en"_s);
    QCOMPARE(parser.contentNamespace(), Ns::Client.toString());
    QCOMPARE(parser.state(), StreamParser::State::Open);
    QCOMPARE(parser.bufferedBytes(), 0);
}

void tst_StreamParser::stanzas()
{
    StreamParser parser;
    Recorder recorder(parser);
    parser.feed(Header + "<message to='a@b' type='chat'><body>h\xc3\xa9llo &amp; &lt;bye&gt; &#65;"
                         "<![CDATA[<raw>]]></body><x xmlns='urn:x'><y/></x></message> \n "
                         "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
                         "<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq></stream:stream>");
    QCOMPARE(recorder.elements.size(), size_t(3));
    const XmlElement& message = recorder.elements[0];
    QCOMPARE(message.name(), u"message"_s);
    QCOMPARE(message.xmlns(), Ns::Client.toString());
    QCOMPARE(message.childText(u"body", Ns::Client), u"h\u00e9llo & <bye> A<raw>"_s);
    QVERIFY(message.firstChild(u"x", u"urn:x"));
    QVERIFY(message.firstChild(u"x")->firstChild(u"y", u"urn:x"));
    QCOMPARE(recorder.elements[1].name(), u"features"_s);
    QCOMPARE(recorder.elements[1].xmlns(), Ns::Streams.toString());
    QVERIFY(recorder.elements[1].firstChild(u"starttls", Ns::Tls));
    QCOMPARE(recorder.elements[2].toXml(Ns::Client), u"<iq type='get' id='1'><ping xmlns='urn:xmpp:ping'/></iq>"_s);
    QCOMPARE(lastEvent(recorder.events), u"closed"_s);
    QCOMPARE(parser.state(), StreamParser::State::Closed);
}

static QByteArray sampleStream()
{
    return Header +
           "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGp1bGlldAByMG0zMG15cjBtMzA=</auth>"
           "<message from='juliet@example.com/balcony' to='romeo@example.net' type='chat' xml:lang='en'>"
           "<body>Wherefore art thou, Romeo? \xe2\x9c\x93 \xf0\x9f\x98\x80 &apos;&quot;</body>"
           "<thread>e0ffe42b28561960c6b12b944a092794b9683a38</thread></message>\r\n  "
           "<presence><show>away</show><status>\xc3\xa9t\xc3\xa9</status><c xmlns='http://jabber.org/protocol/caps' "
           "hash='sha-1' node='n' ver='v'/></presence> "
           "<iq type='set' id='x'><query xmlns='jabber:iq:roster'><item jid='a@b' name='A &amp; B'>"
           "<group>Friends</group></item></query></iq>"
           "</stream:stream>";
}

void tst_StreamParser::splitAtEveryByte()
{
    const QByteArray data = sampleStream();
    const QStringList expected = parseWhole(data);
    QCOMPARE(expected.size(), 6); // open, 4 elements, closed
    QCOMPARE(lastEvent(expected), u"closed"_s);
    for (qsizetype split = 1; split < data.size(); ++split) {
        StreamParser parser;
        Recorder recorder(parser);
        parser.feed(data.left(split));
        parser.feed(data.mid(split));
        if (recorder.events != expected) {
            qWarning() << "split at" << split;
            QCOMPARE(recorder.events, expected);
        }
    }
}

void tst_StreamParser::byteByByte()
{
    const QByteArray data = sampleStream();
    StreamParser parser;
    Recorder recorder(parser);
    qsizetype maxBuffered = 0;
    for (char c : data) {
        parser.feed(QByteArray(1, c));
        maxBuffered = std::max(maxBuffered, parser.bufferedBytes());
    }
    QCOMPARE(recorder.events, parseWhole(data));
    // The largest element is well below 300 bytes: accounting resets at each element boundary.
    QVERIFY2(maxBuffered < 300, QByteArray::number(maxBuffered).constData());
}

void tst_StreamParser::rejected_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QString>("condition");
    QTest::newRow("dtd") << QByteArray("<?xml version='1.0'?><!DOCTYPE stream:stream [<!ENTITY x 'y'>]>") + Header
                         << u"restricted-xml"_s;
    QTest::newRow("pi-in-stanza") << Header + "<message><?php echo 1; ?></message>" << u"restricted-xml"_s;
    QTest::newRow("pi-before-header") << QByteArray("<?foo bar?>") + Header << u"restricted-xml"_s;
    QTest::newRow("comment") << Header + "<message><!-- hi --></message>" << u"restricted-xml"_s;
    QTest::newRow("comment-at-stream-level") << Header + "<!-- hi -->" << u"restricted-xml"_s;
    QTest::newRow("undeclared-entity") << Header + "<message><body>&nbsp;</body></message>" << u"not-well-formed"_s;
    QTest::newRow("mismatched-tag") << Header + "<message><body></message>" << u"not-well-formed"_s;
    QTest::newRow("bad-utf8") << Header + "<message><body>\xff\xfe</body></message>" << u"not-well-formed"_s;
    QTest::newRow("latin1-declared") << QByteArray("<?xml version='1.0' encoding='ISO-8859-1'?><stream:stream/>")
                                     << u"unsupported-encoding"_s;
    QTest::newRow("utf16-bom") << QByteArray("\xff\xfe<\0s\0", 6) << u"unsupported-encoding"_s;
    QTest::newRow("wrong-stream-namespace")
        << QByteArray("<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>") << u"invalid-namespace"_s;
    QTest::newRow("wrong-root-name") << QByteArray("<stream:foo xmlns:stream='http://etherx.jabber.org/streams'>")
                                     << u"bad-format"_s;
    QTest::newRow("no-namespace-root") << QByteArray("<html>") << u"invalid-namespace"_s;
    QTest::newRow("unbound-prefix") << Header + "<foo:bar/>" << u"not-well-formed"_s;
    QTest::newRow("duplicate-attribute") << Header + "<message to='a' to='b'/>" << u"not-well-formed"_s;
    QTest::newRow("second-xml-declaration") << Header + "<?xml version='1.0'?>" << u"not-well-formed"_s;
    QTest::newRow("text-before-header") << QByteArray("hello") << u"not-well-formed"_s;
}

void tst_StreamParser::rejected()
{
    QFETCH(QByteArray, data);
    QFETCH(QString, condition);
    StreamParser parser;
    Recorder recorder(parser);
    parser.feed(data);
    QCOMPARE(lastEvent(recorder.events), u"error "_s + condition);
    QVERIFY(parser.hasFailed());
    QCOMPARE(parser.lastError().condition(), condition);
    QVERIFY(recorder.elements.empty());
}

void tst_StreamParser::failedStaysFailed()
{
    StreamParser parser;
    Recorder recorder(parser);
    parser.feed(Header + "<a><b></a>");
    QCOMPARE(recorder.events.size(), 2);
    parser.feed("<message/><message/>");
    parser.feed(Header);
    QCOMPARE(recorder.events.size(), 2); // nothing after the error
    QCOMPARE(parser.bufferedBytes(), 0);

    parser.reset(); // a fresh stream works again
    QVERIFY(!parser.hasFailed());
    parser.feed(Header + "<message/>");
    QCOMPARE(recorder.events.size(), 4);
    QCOMPARE(lastEvent(recorder.events), u"element <message xmlns='jabber:client'/>"_s);
}

void tst_StreamParser::stanzaSizeLimit_data()
{
    QTest::addColumn<int>("padding");
    QTest::addColumn<int>("chunkSize");
    QTest::addColumn<bool>("accepted");
    // "<message><body>" + padding + "</body></message>" is 32 bytes plus the padding.
    QTest::newRow("at-limit-one-chunk") << 68 << 0 << true;
    QTest::newRow("over-limit-one-chunk") << 69 << 0 << false;
    QTest::newRow("at-limit-bytewise") << 68 << 1 << true;
    QTest::newRow("over-limit-bytewise") << 69 << 1 << false;
    QTest::newRow("at-limit-7") << 68 << 7 << true;
    QTest::newRow("over-limit-7") << 69 << 7 << false;
}

void tst_StreamParser::stanzaSizeLimit()
{
    QFETCH(int, padding);
    QFETCH(int, chunkSize);
    QFETCH(bool, accepted);
    StreamParser::Limits limits;
    limits.maxStanzaSize = 100;
    StreamParser parser(limits);
    Recorder recorder(parser);
    parser.feed(Header);
    // Each stanza is measured on its own: two at-limit stanzas in a row are fine.
    const QByteArray stanza = "<message><body>" + QByteArray(padding, 'x') + "</body></message>";
    const QByteArray data = stanza + stanza;
    if (chunkSize == 0) {
        parser.feed(data);
    } else {
        for (qsizetype i = 0; i < data.size(); i += chunkSize)
            parser.feed(data.mid(i, chunkSize));
    }
    if (accepted) {
        QCOMPARE(recorder.elements.size(), size_t(2));
        QVERIFY(!parser.hasFailed());
    } else {
        QVERIFY(recorder.elements.empty());
        QCOMPARE(lastEvent(recorder.events), u"error policy-violation"_s);
    }
}

void tst_StreamParser::sizeCountsBytesNotCharacters()
{
    StreamParser::Limits limits;
    limits.maxStanzaSize = 100;
    // 30 x U+00E9 (2 bytes each) + 32 bytes of markup = 92 bytes: accepted.
    QByteArray ok = "<message><body>";
    for (int i = 0; i < 30; ++i)
        ok += "\xc3\xa9";
    ok += "</body></message>";
    QCOMPARE(lastEvent(parseWhole(Header + ok + ok, limits)).left(8), u"element "_s);
    // 40 x U+00E9 = 80 bytes + 32: rejected, though it is only 72 characters.
    QByteArray tooBig = "<message><body>";
    for (int i = 0; i < 40; ++i)
        tooBig += "\xc3\xa9";
    tooBig += "</body></message>";
    QCOMPARE(lastEvent(parseWhole(Header + ok + tooBig, limits)), u"error policy-violation"_s);
    // 4-byte characters (2 UTF-16 units) are counted correctly as well.
    QByteArray emoji = "<message><body>";
    for (int i = 0; i < 16; ++i)
        emoji += "\xf0\x9f\x98\x80"; // 64 bytes
    emoji += "</body></message>";
    const QStringList events = parseWhole(Header + emoji + emoji + ok, limits);
    QCOMPARE(events.size(), 4);
    QCOMPARE(lastEvent(events).left(8), u"element "_s);
}

void tst_StreamParser::manySmallStanzasInOneBigChunk()
{
    StreamParser::Limits limits;
    limits.maxStanzaSize = 1000;
    QByteArray data = Header;
    for (int i = 0; i < 5000; ++i)
        data += "<presence id='" + QByteArray::number(i) + "'/>\n";
    StreamParser parser(limits);
    Recorder recorder(parser);
    parser.feed(data); // about 130 KB in one call, far above the per-stanza limit
    QVERIFY(!parser.hasFailed());
    QCOMPARE(recorder.elements.size(), size_t(5000));
    QCOMPARE(recorder.elements.back().attribute(u"id"), u"4999"_s);
}

void tst_StreamParser::hugeStanzaStopsEarly()
{
    StreamParser parser; // default limit: 256 KiB
    QSignalSpy errors(&parser, &StreamParser::error);
    parser.feed(Header + "<message><body>");
    const QByteArray chunk(64 * 1024, 'x');
    qsizetype fed = 0;
    // 64 MiB offered; the parser must refuse right after the limit and never hold more.
    for (int i = 0; i < 1024 && errors.isEmpty(); ++i) {
        parser.feed(chunk);
        fed += chunk.size();
        QVERIFY(parser.bufferedBytes() <= parser.limits().maxStanzaSize);
    }
    QCOMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).toString(), u"policy-violation"_s);
    QVERIFY2(fed <= parser.limits().maxStanzaSize + chunk.size(), QByteArray::number(fed).constData());
    QCOMPARE(parser.bufferedBytes(), 0);

    // The same with garbage that never closes a tag.
    StreamParser garbage;
    QSignalSpy garbageErrors(&garbage, &StreamParser::error);
    garbage.feed(Header + "<a b='");
    for (int i = 0; i < 1024 && garbageErrors.isEmpty(); ++i)
        garbage.feed(chunk);
    QCOMPARE(garbageErrors.size(), 1);
    QCOMPARE(garbageErrors.at(0).at(0).toString(), u"policy-violation"_s);
}

void tst_StreamParser::headerSizeLimit()
{
    StreamParser::Limits limits;
    limits.maxHeaderSize = 200;
    QCOMPARE(lastEvent(parseWhole(Header, limits)).left(5), u"open "_s);
    const QByteArray bigHeader =
        "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='" + QByteArray(300, 'a') + "'>";
    QCOMPARE(lastEvent(parseWhole(bigHeader, limits)), u"error policy-violation"_s);
}

void tst_StreamParser::depthLimit()
{
    StreamParser::Limits limits;
    limits.maxDepth = 5;
    auto nested = [](int depth) -> QByteArray {
        QByteArray open;
        QByteArray close;
        for (int i = 0; i < depth; ++i) {
            open += "<a>";
            close.prepend("</a>");
        }
        return open + close;
    };
    QCOMPARE(lastEvent(parseWhole(Header + nested(5), limits)).left(8), u"element "_s);
    QCOMPARE(lastEvent(parseWhole(Header + nested(6), limits)), u"error policy-violation"_s);
    // An endless descent fails without waiting for the element to end.
    QByteArray endless = Header;
    for (int i = 0; i < 100000; ++i)
        endless += "<a>";
    QCOMPARE(lastEvent(parseWhole(endless)), u"error policy-violation"_s);
}

void tst_StreamParser::attributeLimit()
{
    StreamParser::Limits limits;
    limits.maxAttributes = 5; // the header has 3 attributes and 2 namespace declarations
    QCOMPARE(lastEvent(parseWhole(Header + "<iq a='1' b='2' c='3' d='4' e='5'/>", limits)).left(8), u"element "_s);
    QCOMPARE(lastEvent(parseWhole(Header + "<iq a='1' b='2' c='3' d='4' e='5' f='6'/>", limits)),
             u"error policy-violation"_s);
    // Namespace declarations count too, on stanzas and on the header.
    QCOMPARE(lastEvent(parseWhole(Header + "<iq a='1' b='2' c='3' d='4' xmlns:x='u' xmlns:y='v'/>", limits)),
             u"error policy-violation"_s);
    limits.maxAttributes = 4;
    QCOMPARE(lastEvent(parseWhole(Header, limits)), u"error policy-violation"_s);
}

void tst_StreamParser::garbage_data()
{
    QTest::addColumn<QByteArray>("data");
    QTest::newRow("angles") << QByteArray(10000, '<');
    QTest::newRow("closers") << Header + QByteArray(10000, '>') + QByteArray("</a>").repeated(100);
    QTest::newRow("binary") << QByteArray("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11); // a TLS ClientHello
    QTest::newRow("http") << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
    QByteArray noise;
    quint32 seed = 12345;
    for (int i = 0; i < 20000; ++i) {
        seed = seed * 1103515245u + 12345u;
        noise += char(seed >> 24);
    }
    QTest::newRow("noise-after-header") << Header + noise;
    QTest::newRow("noise") << noise;
}

void tst_StreamParser::garbage()
{
    QFETCH(QByteArray, data);
    // Whole and in small pieces: always exactly one error, never a crash, never elements.
    for (qsizetype chunk : {data.size(), qsizetype(3)}) {
        StreamParser parser;
        Recorder recorder(parser);
        for (qsizetype i = 0; i < data.size(); i += chunk)
            parser.feed(data.mid(i, chunk));
        QVERIFY(recorder.elements.empty());
        QCOMPARE(recorder.events.filter(u"error "_s).size(), 1);
        QVERIFY(lastEvent(recorder.events).startsWith(u"error "_s));
    }
}

void tst_StreamParser::resetFromSlotDiscardsRest()
{
    StreamParser parser;
    QStringList events;
    connect(&parser, &StreamParser::streamOpened, &parser, [&](const XmlElement&) { events << u"open"_s; });
    connect(&parser, &StreamParser::elementReceived, &parser, [&](const XmlElement& element) {
        events << element.name();
        if (element.name() == u"starttls")
            parser.reset(); // as the negotiator does after sending <proceed/>
    });
    connect(&parser, &StreamParser::error, &parser, [&](const QString& condition) { events << condition; });
    // Plaintext injected after <starttls/> must never be processed (STARTTLS command injection).
    parser.feed(Header + "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/><message><body>injected</body></message>");
    QCOMPARE(events, (QStringList{u"open"_s, u"starttls"_s}));
    QCOMPARE(parser.state(), StreamParser::State::AwaitingHeader);
    QCOMPARE(parser.bufferedBytes(), 0);
    // The restarted stream has its own XML declaration and header.
    parser.feed(Header + "<message/>");
    QCOMPARE(events, (QStringList{u"open"_s, u"starttls"_s, u"open"_s, u"message"_s}));
}

void tst_StreamParser::closeIgnoresTrailingData()
{
    StreamParser parser;
    Recorder recorder(parser);
    parser.feed(Header + "<message/></stream:stream><message/>");
    parser.feed("<more/>");
    QCOMPARE(recorder.events.size(), 3);
    QCOMPARE(lastEvent(recorder.events), u"closed"_s);
}

void tst_StreamParser::prefixedAttributes()
{
    StreamParser parser;
    Recorder recorder(parser);
    parser.feed("<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' "
                "xmlns:db='jabber:server:dialback' xmlns:p='urn:p'>"
                "<db:result from='a' to='b'>key</db:result><message p:x='1'><body/></message>");
    QCOMPARE(parser.contentNamespace(), Ns::Server.toString());
    QCOMPARE(recorder.elements.size(), size_t(2));
    QCOMPARE(recorder.elements[0].name(), u"result"_s);
    QCOMPARE(recorder.elements[0].xmlns(), Ns::Dialback.toString());
    QCOMPARE(recorder.elements[0].text(), u"key"_s);
    // The prefix declared on the header travels with the attribute that uses it.
    QCOMPARE(recorder.elements[1].attribute(u"p:x"), u"1"_s);
    QCOMPARE(recorder.elements[1].toXml(Ns::Server), u"<message xmlns:p='urn:p' p:x='1'><body/></message>"_s);
    // And the serialized form parses back to the same element.
    StreamParser again;
    Recorder reparsed(again);
    again.feed(Header + recorder.elements[1].toXml(Ns::Client).toUtf8());
    QCOMPARE(reparsed.elements.size(), size_t(1));
    XmlElement expected = recorder.elements[1];
    QCOMPARE(reparsed.elements[0].toXml(),
             XmlElement(expected).toXml().replace(u"jabber:server"_s, u"jabber:client"_s));
}

void tst_StreamParser::deleteFromSlot()
{
    auto* parser = new StreamParser;
    int elements = 0;
    connect(parser, &StreamParser::elementReceived, parser, [&](const XmlElement&) {
        ++elements;
        delete parser; // must not crash the feed() that emitted
    });
    parser->feed(Header + "<message/><message/>");
    QCOMPARE(elements, 1);
}

QTEST_GUILESS_MAIN(tst_StreamParser)
#include "tst_StreamParser.moc"
