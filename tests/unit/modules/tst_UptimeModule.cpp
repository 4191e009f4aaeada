#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QDateTime>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_UptimeModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uptime_data()
    {
        QTest::addColumn<qint64>("startedAgo");
        QTest::newRow("just-started") << qint64(0);
        QTest::newRow("one-hour") << qint64(3600);
        QTest::newRow("ten-days") << qint64(10 * 86400);
    }
    void uptime()
    {
        QFETCH(qint64, startedAgo);

        TestServer server(u"modules_enabled = { \"uptime\" }\nVirtualHost \"a.test\"\n"_s);
        server.context().startedAt = QDateTime::currentDateTimeUtc().addSecs(-startedAgo);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='u1' to='a.test'><query xmlns='jabber:iq:last'/></iq>"_s);
        const QList<XmlElement> replies = alice->takeReceived();
        QCOMPARE(replies.size(), 1);
        const XmlElement* query = replies.first().firstChild(u"query", u"jabber:iq:last");
        QVERIFY(query);
        const qint64 seconds = query->attribute(u"seconds").toLongLong();
        QVERIFY2(seconds >= startedAgo && seconds <= startedAgo + 1, qPrintable(query->attribute(u"seconds")));
        QCOMPARE(replies.first(), TestXml::parse(u"<iq type='result' id='u1' from='a.test' to='alice@a.test/test'>"
                                                 u"<query xmlns='jabber:iq:last' seconds='%1'/></iq>"_s.arg(seconds)));
    }
};

QTEST_GUILESS_MAIN(tst_UptimeModule)
#include "tst_UptimeModule.moc"
