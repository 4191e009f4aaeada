// SCRAM -PLUS logins end to end: canto-bench's SCRAM client (bench/loadgen, OpenSSL, no Qt)
// binds to the TLS channel with tls-exporter over STARTTLS and direct TLS against a real cantod.
// (QXmpp 1.4, the interop client, has no channel binding.)
#include "support/CantodProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace Qt::StringLiterals;
using Canto::Test::CantodProcess;

class tst_ChannelBindingLogin : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<CantodProcess> m_server;

    QJsonObject bench(const QString& tls, const QString& mechanism, quint16 port, QString* output)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(CANTO_BENCH_PATH),
                      {u"--host"_s,         u"127.0.0.1"_s, u"--port"_s,         QString::number(port),
                       u"--domain"_s,       u"localhost"_s, u"--tls"_s,          tls,
                       u"--mech"_s,         mechanism,      u"--clients"_s,      u"2"_s,
                       u"--concurrency"_s,  u"2"_s,         u"--hold-seconds"_s, u"0"_s,
                       u"--user-pattern"_s, u"plus%d"_s,    u"--password"_s,     u"bound"_s});
        process.waitForFinished(60000);
        *output = QString::fromUtf8(process.readAll());
        for (const QString& line : output->split(u'\n')) {
            if (line.startsWith(u'{')) {
                return QJsonDocument::fromJson(line.toUtf8()).object();
            }
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<CantodProcess>();
        QVERIFY2(m_server->start(), qPrintable(m_server->log()));
        for (const QString& user : {u"plus1@localhost"_s, u"plus2@localhost"_s}) {
            const CantodProcess::Output added = m_server->cantoctl({u"adduser"_s, user, u"bound"_s});
            QVERIFY2(added.exitCode == 0, qPrintable(added.text));
        }
    }

    void cleanupTestCase() { m_server.reset(); }

    void plusLogin_data()
    {
        QTest::addColumn<QString>("tls");
        QTest::addColumn<QString>("mechanism");
        for (const QString& tls : {u"starttls"_s, u"direct"_s}) {
            for (const QString& mechanism : {u"SCRAM-SHA-256-PLUS"_s, u"SCRAM-SHA-1-PLUS"_s}) {
                QTest::addRow("%s-%s", qPrintable(tls), qPrintable(mechanism)) << tls << mechanism;
            }
        }
    }

    void plusLogin()
    {
        QFETCH(QString, tls);
        QFETCH(QString, mechanism);
        QString output;
        const QJsonObject result =
            bench(tls, mechanism, tls == u"direct"_s ? m_server->directTlsPort() : m_server->c2sPort(), &output);
        QVERIFY2(result.value(u"ok"_s).toInt() == 2, qPrintable(output + m_server->log()));
        QCOMPARE(result.value(u"failed"_s).toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_ChannelBindingLogin)
#include "tst_ChannelBindingLogin.moc"
