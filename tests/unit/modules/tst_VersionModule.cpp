#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

class tst_VersionModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void version_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("expectedQuery");

        const QString version = QStringLiteral(CANTO_VERSION);
        QTest::newRow("configured-os") << u"os_type = \"TestOS 1\""_s
                                       << u"<query xmlns='jabber:iq:version'><name>Canto</name><version>%1</version>"
                                          u"<os>TestOS 1</os></query>"_s.arg(version);
        QTest::newRow("hidden-os") << u"hide_os_type = true"_s
                                   << u"<query xmlns='jabber:iq:version'><name>Canto</name><version>%1</version>"
                                      u"</query>"_s.arg(version);
        QTest::newRow("server-name") << u"server_name = \"Example\"\nhide_os_type = true"_s
                                     << u"<query xmlns='jabber:iq:version'><name>Example</name><version>%1"
                                        u"</version></query>"_s.arg(version);
    }
    void version()
    {
        QFETCH(QString, options);
        QFETCH(QString, expectedQuery);

        TestServer server(u"modules_enabled = { \"version\" }\n"_s + options + u"\nVirtualHost \"a.test\"\n"_s);
        QVERIFY(server.configProblems().isEmpty());
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='get' id='v1' to='a.test'><query xmlns='jabber:iq:version'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='result' id='v1' from='a.test' to='alice@a.test/test'>"_s +
                                    expectedQuery + u"</iq>"_s));
    }

    void setIsNotAnswered()
    {
        TestServer server(u"modules_enabled = { \"version\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        alice->send(u"<iq type='set' id='v2' to='a.test'><query xmlns='jabber:iq:version'/></iq>"_s);
        QCOMPARE(TestXml::canonical(alice->takeReceived()),
                 TestXml::canonical(u"<iq type='error' id='v2' from='a.test' to='alice@a.test/test'>"
                                    u"<error type='cancel'><service-unavailable "
                                    u"xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"_s));
    }
};

QTEST_GUILESS_MAIN(tst_VersionModule)
#include "tst_VersionModule.moc"
