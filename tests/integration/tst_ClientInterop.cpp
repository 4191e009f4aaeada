// Protocol tests with the independent QXmpp client against a real cantod process: SASL over
// STARTTLS and direct TLS, ping, disco, version, time, a message to oneself, a wrong password,
// and malformed XML that must not disturb another client. The instant-messaging scenarios (roster,
// subscriptions, delivery, offline, carbons, MAM paging, stream resumption) run against a second
// cantod with the IM modules enabled on its host; the same scenarios pass against Prosody 0.12
// (tests/interop/run-against-prosody.sh), which is how the client's expectations were checked.
#include "support/CantodProcess.h"

#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;
using Canto::Test::CantodProcess;

class tst_ClientInterop : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CantodProcess> m_server;
    std::unique_ptr<CantodProcess> m_imServer;
    QString m_imServerFailure;

    // Started by the first IM row, not in initTestCase(): a module that cannot load yet must fail
    // only the IM rows. Prosody's module ids; the host list adds to the global one.
    bool ensureImServer()
    {
        if (m_imServer) {
            return m_imServerFailure.isEmpty();
        }
        m_imServer = std::make_unique<CantodProcess>(
            QString(), u"VirtualHost \"localhost\"\n"
                       "modules_enabled = { \"roster\", \"offline\", \"carbons\", \"mam\", \"smacks\" }\n"_s);
        if (!m_imServer->start()) {
            m_imServerFailure = u"cantod with the IM modules did not start:\n"_s + m_imServer->log();
            return false;
        }
        for (const auto& [user, password] : {std::pair{u"alice"_s, u"wonderland"_s}, {u"bob"_s, u"builder"_s}}) {
            const CantodProcess::Output added = m_imServer->cantoctl({u"adduser"_s, user + u"@localhost"_s, password});
            if (added.exitCode != 0) {
                m_imServerFailure = u"cantoctl adduser failed: "_s + added.text;
                return false;
            }
        }
        return true;
    }

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

    void cleanupTestCase()
    {
        m_imServer.reset();
        m_server.reset();
    }

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

    // Each row is one scenario of canto-interop-client with alice (--jid) and bob (--peer-jid);
    // the client checks the exact stanzas, this checks its verdict line too, so a client that
    // exits 0 without running the scenario cannot pass.
    void imScenario_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<bool>("directTls");
        QTest::newRow("roster") << u"roster"_s << false;
        QTest::newRow("subscription") << u"subscription"_s << false;
        QTest::newRow("delivery") << u"delivery"_s << false;
        QTest::newRow("offline") << u"offline"_s << false;
        QTest::newRow("carbons") << u"carbons"_s << false;
        QTest::newRow("mam") << u"mam"_s << false;
        QTest::newRow("resume") << u"resume"_s << false;
        QTest::newRow("resume-direct-tls") << u"resume"_s << true;
    }

    void imScenario()
    {
        QFETCH(QString, scenario);
        QFETCH(bool, directTls);
        QVERIFY2(ensureImServer(), qPrintable(m_imServerFailure));
        QStringList args = account(u"alice"_s, u"wonderland"_s);
        args << u"--peer-jid"_s << u"bob@localhost"_s << u"--peer-password"_s << u"builder"_s << u"--scenario"_s
             << scenario << u"--port"_s
             << QString::number(directTls ? m_imServer->directTlsPort() : m_imServer->c2sPort());
        if (directTls) {
            args << u"--direct-tls"_s;
        }
        const CantodProcess::Output result = m_imServer->client(args);
        const bool passed = result.exitCode == 0 && result.text.contains(u"PASS "_s + scenario);
        if (!passed) {
            // QTest cuts long failure messages: the transcript goes to the log, the verdict into
            // the failure.
            qInfo().noquote() << result.text << "\n--- server log ---\n" << m_imServer->log();
        }
        static const QRegularExpression verdict(u"^FAIL .*$"_s, QRegularExpression::MultilineOption);
        QVERIFY2(passed, qPrintable(u"exit %1: %2"_s.arg(result.exitCode).arg(verdict.match(result.text).captured())));
    }
};

QTEST_GUILESS_MAIN(tst_ClientInterop)
#include "tst_ClientInterop.moc"
