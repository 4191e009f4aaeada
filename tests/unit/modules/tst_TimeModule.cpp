#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_TimeModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void time()
    {
        TestServer server(u"modules_enabled = { \"time\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        alice->send(u"<iq type='get' id='t1' to='a.test'><time xmlns='urn:xmpp:time'/></iq>"_s);
        const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);
        const QList<XmlElement> replies = alice->takeReceived();
        QCOMPARE(replies.size(), 1);
        const XmlElement* time = replies.first().firstChild(u"time", u"urn:xmpp:time");
        QVERIFY(time);
        const QString utc = time->childText(u"utc");
        const QDateTime parsed = QDateTime::fromString(utc, Qt::ISODate);
        QVERIFY2(parsed.isValid() && utc.endsWith(u'Z'), qPrintable(utc));
        QVERIFY(parsed >= before.addMSecs(-before.time().msec()) && parsed <= after);
        // The rest of the reply is fixed: compare it with the utc text taken out.
        XmlElement expected = TestXml::parse(
            u"<iq type='result' id='t1' from='a.test' to='alice@a.test/test'><time xmlns='urn:xmpp:time'>"
            u"<tzo>+00:00</tzo><utc>%1</utc></time></iq>"_s.arg(utc));
        QCOMPARE(replies.first(), expected);
    }

    void onlyGetOnHost()
    {
        TestServer server(u"modules_enabled = { \"time\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='set' id='t2' to='a.test'><time xmlns='urn:xmpp:time'/></iq>"_s);
        const QList<XmlElement> replies = alice->takeReceived();
        QCOMPARE(replies.size(), 1);
        QCOMPARE(replies.first().attribute(u"type"), u"error"_s);
    }
};

QTEST_GUILESS_MAIN(tst_TimeModule)
#include "tst_TimeModule.moc"
