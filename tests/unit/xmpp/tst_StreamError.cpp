#include "server/xmpp/Namespaces.h"
#include "server/xmpp/StreamError.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_StreamError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void toXml_data();
    void toXml();
    void fromElement();
};

void tst_StreamError::toXml_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("not-well-formed")
        << u"not-well-formed"_s << QString()
        << u"<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"_s;
    QTest::newRow("with-text")
        << u"policy-violation"_s << u"stanza > 256 KiB"_s
        << u"<stream:error><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
           u"<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>stanza &gt; 256 KiB</text></stream:error>"_s;
    QTest::newRow("empty-condition")
        << QString() << QString()
        << u"<stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"_s;
}

void tst_StreamError::toXml()
{
    QFETCH(QString, condition);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    const StreamError error(condition, text);
    QCOMPARE(error.toXml(), expected);
    QCOMPARE(error.toElement().xmlns(), Ns::Streams.toString());
}

void tst_StreamError::fromElement()
{
    const StreamError original(u"host-unknown"_s, u"no such host"_s);
    const Result<StreamError> parsed = StreamError::fromElement(original.toElement());
    QVERIFY(parsed);
    QCOMPARE(*parsed, original);

    XmlElement unknown(u"error"_s, Ns::Streams.toString());
    unknown.addChild(u"brand-new"_s, Ns::StreamErrors.toString());
    QCOMPARE(StreamError::fromElement(unknown)->condition(), u"undefined-condition"_s);
    QVERIFY(!StreamError::fromElement(XmlElement(u"error"_s, Ns::Client.toString())));
    QVERIFY(StreamError::isDefinedCondition(u"see-other-host"));
    QVERIFY(!StreamError::isDefinedCondition(u"nope"));
    QVERIFY(StreamError().isNull());
}

QTEST_GUILESS_MAIN(tst_StreamError)
#include "tst_StreamError.moc"
