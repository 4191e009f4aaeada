#include "TestClient.h"
#include "TestServer.h"
#include "TestXml.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString Services = u"<iq type='get' id='e1' to='a.test'><services xmlns='urn:xmpp:extdisco:2'%1/></iq>"_s;

QList<XmlElement> ask(TestClient& client, const QString& xml)
{
    client.takeReceived();
    client.send(xml);
    if (!QTest::qWaitFor([&client] { return !client.received().isEmpty(); }, 5000)) {
        return {};
    }
    return client.takeReceived();
}

// "type/transport/host/port/username/restricted" per service, credentials left out.
QStringList summary(const XmlElement& reply)
{
    QStringList out;
    const XmlElement* services = reply.firstChild();
    if (!services) {
        return {u"<no payload>"_s};
    }
    for (const XmlElement* service : services->children(u"service")) {
        out << QStringList{service->attribute(u"type"),     service->attribute(u"transport"),
                           service->attribute(u"host"),     service->attribute(u"port"),
                           service->attribute(u"username"), service->attribute(u"restricted")}
                   .join(u'/');
    }
    return out;
}

QString expectedPassword(const QString& secret, const QString& username)
{
    return QString::fromLatin1(
        QMessageAuthenticationCode::hash(username.toUtf8(), secret.toUtf8(), QCryptographicHash::Sha1).toBase64());
}

} // namespace

class tst_ExternalServicesModule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void services_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("typeFilter");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<QString>("warning"); // a log line that must appear ("" = none)
        QTest::addColumn<int>("level");       // its QtMsgType

        const QString two = u"external_services = { { type = \"stun\", transport = \"udp\", host = \"stun.a.test\", "
                            u"port = 3478 }, { type = \"turn\", transport = \"tcp\", port = 3479, username = \"u\", "
                            u"password = \"p\" } }"_s;
        QTest::newRow("configured") << two << QString()
                                    << QStringList{u"stun/udp/stun.a.test/3478//"_s, u"turn/tcp/a.test/3479/u/1"_s}
                                    << QString() << int(QtWarningMsg);
        QTest::newRow("type-filter") << two << u"turn"_s << QStringList{u"turn/tcp/a.test/3479/u/1"_s} << QString()
                                     << int(QtWarningMsg);
        QTest::newRow("type-filter-nothing") << two << u"turns"_s << QStringList() << QString() << int(QtWarningMsg);
        QTest::newRow("defaults-host-and-port")
            << u"external_service_host = \"media.a.test\"\nexternal_service_port = 5349\n"
               u"external_services = { { type = \"stun\", transport = \"udp\" } }"_s
            << QString() << QStringList{u"stun/udp/media.a.test/5349//"_s} << QString() << int(QtWarningMsg);
        QTest::newRow("restricted-flag")
            << u"external_services = { { type = \"ftp\", transport = \"tcp\", port = 21, restricted = true } }"_s
            << QString() << QStringList{u"ftp/tcp/a.test/21//1"_s} << QString() << int(QtWarningMsg);
        QTest::newRow("turn-external") << u"turn_external_secret = \"s3cret\"\nturn_external_host = \"turn.a.test\"\n"
                                          u"turn_external_tcp = true\nturn_external_tls_port = 5349"_s
                                       << QString()
                                       << QStringList{u"stun/udp/turn.a.test/3478//"_s,
                                                      u"stun/tcp/turn.a.test/3478//"_s,
                                                      u"turn/udp/turn.a.test/3478/EXPIRY/1"_s,
                                                      u"turn/tcp/turn.a.test/3478/EXPIRY/1"_s,
                                                      u"turns/tcp/turn.a.test/5349//"_s}
                                       << QString() << int(QtWarningMsg);
        QTest::newRow("nothing-configured")
            << QString() << QString() << QStringList() << QString() << int(QtWarningMsg);
        QTest::newRow("missing-type-skipped")
            << u"external_services = { { transport = \"udp\", port = 1 }, { type = \"stun\", transport = \"udp\", "
               u"port = 2 } }"_s
            << QString() << QStringList{u"stun/udp/a.test/2//"_s} << u"mandatory 'type'"_s << int(QtCriticalMsg);
        QTest::newRow("item-not-a-table")
            << u"external_services = { \"stun.a.test\", { type = \"stun\", transport = \"udp\", port = 2 } }"_s
            << QString() << QStringList{u"stun/udp/a.test/2//"_s} << u"not a table"_s << int(QtCriticalMsg);
        QTest::newRow("option-not-a-table") << u"external_services = \"stun\""_s << QString() << QStringList()
                                            << u"must be a list of tables"_s << int(QtCriticalMsg);
        QTest::newRow("bad-port-left-out")
            << u"external_services = { { type = \"stun\", transport = \"udp\", port = \"x\" } }"_s << QString()
            << QStringList{u"stun/udp/a.test///"_s} << u"invalid 'port'"_s << int(QtWarningMsg);
    }
    void services()
    {
        QFETCH(QString, options);
        QFETCH(QString, typeFilter);
        QFETCH(QStringList, expected);
        QFETCH(QString, warning);
        QFETCH(int, level);

        if (!warning.isEmpty()) {
            QTest::ignoreMessage(QtMsgType(level), QRegularExpression(QRegularExpression::escape(warning)));
        }
        TestServer server(options + u"\nmodules_enabled = { \"external_services\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const QString filter = typeFilter.isEmpty() ? QString() : u" type='%1'"_s.arg(typeFilter);
        const QList<XmlElement> reply = ask(*alice, Services.arg(filter));
        QCOMPARE(reply.size(), 1);
        QCOMPARE(reply.first().attribute(u"type"), u"result"_s);
        QStringList got = summary(reply.first());
        // TURN REST usernames carry their expiry: check it, then compare the rest.
        for (QString& line : got) {
            const QString username = line.section(u'/', 4, 4);
            if (username.isEmpty() || !line.startsWith(u"turn/"_s) || line.contains(u"/u/"_s)) {
                continue;
            }
            const qint64 expiry = username.toLongLong();
            QVERIFY2(expiry >= before + 86400 && expiry <= before + 86402, qPrintable(username));
            line.replace(username, u"EXPIRY"_s);
        }
        QCOMPARE(got, expected);
    }

    void turnCredentialsAreHmacOfTheUsername()
    {
        TestServer server(u"external_services = { { type = \"turn\", transport = \"udp\", port = 3478, "
                          u"secret = \"k\", username = \"alice\", ttl = 600 }, { type = \"turn\", transport = \"tcp\", "
                          u"port = 3478, secret = true, expires = 2000000000 } }\nexternal_service_secret = \"def\"\n"
                          u"modules_enabled = { \"external_services\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const QList<XmlElement> reply = ask(*alice, Services.arg(QString()));
        QCOMPARE(reply.size(), 1);
        const QList<const XmlElement*> services = reply.first().firstChild()->children(u"service");
        QCOMPARE(services.size(), 2);

        const QString first = services[0]->attribute(u"username");
        QVERIFY2(first.endsWith(u":alice"_s), qPrintable(first));
        const qint64 expiry = first.section(u':', 0, 0).toLongLong();
        QVERIFY(expiry >= before + 600 && expiry <= before + 602);
        QCOMPARE(services[0]->attribute(u"password"), expectedPassword(u"k"_s, first));
        QCOMPARE(services[0]->attribute(u"expires"),
                 QDateTime::fromSecsSinceEpoch(expiry, Qt::UTC).toString(u"yyyy-MM-dd'T'HH:mm:ss'Z'"_s));

        QCOMPARE(services[1]->attribute(u"username"), u"2000000000"_s);
        QCOMPARE(services[1]->attribute(u"password"), expectedPassword(u"def"_s, u"2000000000"_s));
        QCOMPARE(services[1]->attribute(u"expires"), u"2033-05-18T03:33:20Z"_s);
        QCOMPARE(services[1]->attribute(u"restricted"), u"1"_s);
    }

    void credentials_data()
    {
        QTest::addColumn<QString>("request");
        QTest::addColumn<QStringList>("expected"); // "type/host/port" of returned services
        QTest::addColumn<QString>("error");        // expected error condition ("" = result)

        QTest::newRow("matching-port") << u"<service type='turn' host='turn.a.test' port='3478'/>"_s
                                       << QStringList{u"turn/turn.a.test/3478"_s} << QString();
        QTest::newRow("portless-request")
            << u"<service type='turn' host='turn.a.test'/>"_s << QStringList{u"turn/turn.a.test/3478"_s} << QString();
        QTest::newRow("wrong-port") << u"<service type='turn' host='turn.a.test' port='1'/>"_s << QStringList()
                                    << QString();
        QTest::newRow("unrestricted-never")
            << u"<service type='stun' host='turn.a.test' port='3478'/>"_s << QStringList() << QString();
        QTest::newRow("missing-host") << u"<service type='turn'/>"_s << QStringList() << u"bad-request"_s;
    }
    void credentials()
    {
        QFETCH(QString, request);
        QFETCH(QStringList, expected);
        QFETCH(QString, error);

        TestServer server(u"turn_external_secret = \"s\"\nturn_external_host = \"turn.a.test\"\n"
                          u"modules_enabled = { \"external_services\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        const QList<XmlElement> reply =
            ask(*alice, u"<iq type='get' id='c1' to='a.test'><credentials xmlns='urn:xmpp:extdisco:2'>%1"
                        u"</credentials></iq>"_s.arg(request));
        QCOMPARE(reply.size(), 1);
        if (!error.isEmpty()) {
            QCOMPARE(reply.first().attribute(u"type"), u"error"_s);
            QVERIFY(reply.first().firstChild(u"error")->firstChild(error));
            return;
        }
        const XmlElement* credentials = reply.first().firstChild(u"credentials", u"urn:xmpp:extdisco:2");
        QVERIFY(credentials);
        QStringList got;
        for (const XmlElement* service : credentials->children(u"service")) {
            got << service->attribute(u"type") + u'/' + service->attribute(u"host") + u'/' +
                       service->attribute(u"port");
            QCOMPARE(service->attribute(u"password"), expectedPassword(u"s"_s, service->attribute(u"username")));
        }
        QCOMPARE(got, expected);
    }

    void access_data()
    {
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("own-user") << QString() << u"alice"_s << u"a.test"_s << true;
        QTest::newRow("other-host-user") << QString() << u"bob"_s << u"b.test"_s << false;
        QTest::newRow("access-list-jid") << u"external_service_access = { \"bob@b.test\" }"_s << u"bob"_s << u"b.test"_s
                                         << true;
        QTest::newRow("access-list-host")
            << u"external_service_access = { \"b.test\" }"_s << u"bob"_s << u"b.test"_s << true;
        QTest::newRow("access-list-excludes-own")
            << u"external_service_access = { \"b.test\" }"_s << u"alice"_s << u"a.test"_s << false;
    }
    void access()
    {
        QFETCH(QString, options);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(bool, allowed);

        TestServer server(u"VirtualHost \"a.test\"\n%1\nmodules_enabled = { \"external_services\" }\n"
                          u"external_services = { { type = \"stun\", transport = \"udp\", port = 3478 } }\n"
                          u"VirtualHost \"b.test\"\n"_s.arg(options));
        auto client = server.login(user, host);
        QVERIFY(client);
        for (const QString& action : {u"services"_s, u"credentials"_s}) {
            const QList<XmlElement> reply = ask(
                *client, u"<iq type='get' id='a1' to='a.test'><%1 xmlns='urn:xmpp:extdisco:2'/></iq>"_s.arg(action));
            QCOMPARE(reply.size(), 1);
            QCOMPARE(reply.first().attribute(u"type"), allowed ? u"result"_s : u"error"_s);
            if (!allowed) {
                QVERIFY(reply.first().firstChild(u"error")->firstChild(u"forbidden"));
            }
        }
    }

    void legacyNamespaceAnswersInKind()
    {
        TestServer server(u"external_services = { { type = \"stun\", transport = \"udp\", port = 3478 } }\n"
                          u"modules_enabled = { \"external_services\" }\nVirtualHost \"a.test\"\n"_s);
        auto alice = server.login(u"alice"_s, u"a.test"_s);
        QVERIFY(alice);
        QCOMPARE(TestXml::canonical(ask(*alice, u"<iq type='get' id='e1' to='a.test'><services "
                                                u"xmlns='urn:xmpp:extdisco:1'/></iq>"_s)),
                 TestXml::canonical(u"<iq type='result' id='e1' from='a.test' to='alice@a.test/test'><services "
                                    u"xmlns='urn:xmpp:extdisco:1'><service type='stun' transport='udp' host='a.test' "
                                    u"port='3478'/></services></iq>"_s));
    }
};

QTEST_GUILESS_MAIN(tst_ExternalServicesModule)
#include "tst_ExternalServicesModule.moc"
