// Protocol tests with the independent QXmpp client against a real cantod process: SASL over
// STARTTLS and direct TLS, ping, disco, version, time, a message to oneself, a wrong password,
// and malformed XML that must not disturb another client.
#include "support/CantodProcess.h"

#include <QTest>

using namespace Qt::StringLiterals;
using Canto::Test::CantodProcess;

class tst_ClientInterop : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CantodProcess> m_server;

    QStringList account(const QString& user, const QString& password) const
    {
        return {u"--jid"_s, user + u"@localhost"_s, u"--password"_s, password};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<CantodProcess>();
        QVERIFY2(m_server->start(), qPrintable(m_server->log()));
        for (const auto& [user, password] : {std::pair{u"alice"_s, u"wonderland"_s}, {u"bob"_s, u"builder"_s}}) {
            const CantodProcess::Output added = m_server->cantoctl({u"adduser"_s, user + u"@localhost"_s, password});
            QVERIFY2(added.exitCode == 0, qPrintable(added.text));
        }
    }

    void cleanupTestCase() { m_server.reset(); }

    void scenario_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<bool>("directTls");
        QTest::addColumn<QString>("mechanism");

        QTest::newRow("login-starttls-scram-sha-256") << u"login"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("login-direct-tls-scram-sha-256") << u"login"_s << true << u"SCRAM-SHA-256"_s;
        QTest::newRow("login-starttls-scram-sha-1") << u"login"_s << false << u"SCRAM-SHA-1"_s;
        QTest::newRow("login-starttls-plain") << u"login"_s << false << u"PLAIN"_s;
        QTest::newRow("ping") << u"ping"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("ping-direct-tls") << u"ping"_s << true << u"SCRAM-SHA-256"_s;
        QTest::newRow("disco") << u"disco"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("version") << u"version"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("time") << u"time"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("self-message") << u"self-message"_s << false << u"SCRAM-SHA-256"_s;
        QTest::newRow("self-message-direct-tls") << u"self-message"_s << true << u"SCRAM-SHA-256"_s;
    }

    void scenario()
    {
        QFETCH(QString, scenario);
        QFETCH(bool, directTls);
        QFETCH(QString, mechanism);
        QStringList args = account(u"alice"_s, u"wonderland"_s);
        args << u"--scenario"_s << scenario << u"--mechanism"_s << mechanism << u"--port"_s
             << QString::number(directTls ? m_server->directTlsPort() : m_server->c2sPort());
        if (directTls) {
            args << u"--direct-tls"_s;
        }
        if (scenario == u"disco"_s) {
            args << u"--expect-feature"_s << u"jabber:iq:version"_s << u"--expect-feature"_s << u"urn:xmpp:time"_s
                 << u"--expect-feature"_s << u"jabber:iq:last"_s;
        }
        const CantodProcess::Output result = m_server->client(args);
        QVERIFY2(result.exitCode == 0, qPrintable(result.text + u"\n--- server log ---\n"_s + m_server->log()));
    }

    void wrongPasswordIsNotAuthorized_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("mechanism");
        QTest::newRow("existing-user-scram-sha-256") << u"alice"_s << u"SCRAM-SHA-256"_s;
        QTest::newRow("existing-user-plain") << u"alice"_s << u"PLAIN"_s;
        QTest::newRow("unknown-user-scram-sha-256") << u"nobody"_s << u"SCRAM-SHA-256"_s;
    }

    void wrongPasswordIsNotAuthorized()
    {
        QFETCH(QString, user);
        QFETCH(QString, mechanism);
        QStringList args = account(user, u"not-the-password"_s);
        args << u"--scenario"_s << u"wrong-password"_s << u"--mechanism"_s << mechanism << u"--port"_s
             << QString::number(m_server->c2sPort());
        const CantodProcess::Output result = m_server->client(args);
        QVERIFY2(result.exitCode == 0, qPrintable(result.text));
        QVERIFY2(result.text.contains(u"not-authorized"_s), qPrintable(result.text));
    }

    void malformedXmlGetsStreamErrorOthersKeepWorking()
    {
        QStringList args = account(u"alice"_s, u"wonderland"_s);
        args << u"--peer-jid"_s << u"bob@localhost"_s << u"--peer-password"_s << u"builder"_s << u"--scenario"_s
             << u"malformed"_s << u"--port"_s << QString::number(m_server->c2sPort());
        const CantodProcess::Output result = m_server->client(args);
        QVERIFY2(result.exitCode == 0, qPrintable(result.text));
        QVERIFY(result.text.contains(u"not-well-formed"_s));
        QVERIFY(m_server->isRunning());
    }
};

QTEST_GUILESS_MAIN(tst_ClientInterop)
#include "tst_ClientInterop.moc"
