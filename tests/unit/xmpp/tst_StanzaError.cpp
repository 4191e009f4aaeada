#include "server/xmpp/Namespaces.h"
#include "server/xmpp/StanzaError.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_StanzaError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultType_data();
    void defaultType();
    void toElement();
    void roundTrip();
    void fromElement_data();
    void fromElement();
};

void tst_StanzaError::defaultType_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("type");
    QTest::newRow("bad-request") << u"bad-request"_s << u"modify"_s;
    QTest::newRow("forbidden") << u"forbidden"_s << u"auth"_s;
    QTest::newRow("item-not-found") << u"item-not-found"_s << u"cancel"_s;
    QTest::newRow("resource-constraint") << u"resource-constraint"_s << u"wait"_s;
    QTest::newRow("service-unavailable") << u"service-unavailable"_s << u"cancel"_s;
    QTest::newRow("not-authorized") << u"not-authorized"_s << u"auth"_s;
    QTest::newRow("unknown") << u"made-up"_s << u"cancel"_s;
}

void tst_StanzaError::defaultType()
{
    QFETCH(QString, condition);
    QFETCH(QString, type);
    QCOMPARE(StanzaError::defaultType(condition), type);
    QCOMPARE(StanzaError::make(condition).type, type);
    QCOMPARE(StanzaError::isDefinedCondition(condition), condition != u"made-up");
}

void tst_StanzaError::toElement()
{
    StanzaError error = StanzaError::make(u"gone"_s, u"moved"_s);
    error.conditionText = u"xmpp:new@example.com"_s;
    error.by = u"example.com"_s;
    error.applicationCondition = XmlElement(u"unsupported"_s, u"http://jabber.org/protocol/pubsub#errors"_s);
    error.applicationCondition.setAttribute(u"feature"_s, u"publish"_s);
    QCOMPARE(error.toElement().toXml(Ns::Client),
             u"<error type='cancel' by='example.com'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>"
             u"xmpp:new@example.com</gone><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>moved</text>"
             u"<unsupported xmlns='http://jabber.org/protocol/pubsub#errors' feature='publish'/></error>"_s);
}

void tst_StanzaError::roundTrip()
{
    StanzaError error = StanzaError::make(u"not-acceptable"_s, u"too long"_s);
    error.applicationCondition = XmlElement(u"x"_s, u"urn:x"_s);
    const Result<StanzaError> parsed = StanzaError::fromElement(error.toElement());
    QVERIFY(parsed);
    QCOMPARE(*parsed, error);
    // From the whole stanza as well.
    XmlElement stanza(u"iq"_s, Ns::Client.toString());
    stanza.setAttribute(u"type"_s, u"error"_s);
    stanza.addChild(error.toElement());
    QCOMPARE(StanzaError::fromElement(stanza).valueOr({}), error);
}

void tst_StanzaError::fromElement_data()
{
    QTest::addColumn<QString>("xmlType");
    QTest::addColumn<QString>("conditionName");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("condition");
    QTest::newRow("defined") << u"wait"_s << u"resource-constraint"_s << true << u"resource-constraint"_s;
    QTest::newRow("unknown-condition") << u"cancel"_s << u"frobnicated"_s << true << u"undefined-condition"_s;
    QTest::newRow("no-condition") << u"cancel"_s << QString() << true << u"undefined-condition"_s;
    QTest::newRow("bad-type") << u"explode"_s << u"conflict"_s << false << QString();
    QTest::newRow("missing-type") << QString() << u"conflict"_s << false << QString();
}

void tst_StanzaError::fromElement()
{
    QFETCH(QString, xmlType);
    QFETCH(QString, conditionName);
    QFETCH(bool, ok);
    QFETCH(QString, condition);
    XmlElement error(u"error"_s, Ns::Client.toString());
    if (!xmlType.isEmpty())
        error.setAttribute(u"type"_s, xmlType);
    if (!conditionName.isEmpty())
        error.addChild(conditionName, Ns::Stanzas.toString());
    const Result<StanzaError> parsed = StanzaError::fromElement(error);
    QCOMPARE(bool(parsed), ok);
    if (ok)
        QCOMPARE(parsed->condition, condition);
    else
        QCOMPARE(parsed.error().condition, u"bad-request"_s);
    QVERIFY(!StanzaError::fromElement(XmlElement(u"iq"_s, Ns::Client.toString())));
}

QTEST_GUILESS_MAIN(tst_StanzaError)
#include "tst_StanzaError.moc"
