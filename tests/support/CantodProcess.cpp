#include "support/CantodProcess.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace Canto::Test {

CantodProcess::CantodProcess(QString extraConfig, QString hosts)
    : m_extraConfig(std::move(extraConfig)), m_hosts(std::move(hosts))
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
}

CantodProcess::~CantodProcess()
{
    stop();
}

QString CantodProcess::cantodPath()
{
    return QStringLiteral(CANTO_CANTOD_PATH);
}

QString CantodProcess::cantoctlPath()
{
    return QStringLiteral(CANTO_CANTOCTL_PATH);
}

QString CantodProcess::interopClientPath()
{
    return QStringLiteral(CANTO_INTEROP_CLIENT);
}

QString CantodProcess::configFile() const
{
    return m_dir.filePath(u"canto.cfg.lua"_s);
}

QString CantodProcess::dataDirectory() const
{
    return m_dir.filePath(u"data"_s);
}

bool CantodProcess::start(int timeoutMs)
{
    if (!m_dir.isValid()) {
        return false;
    }
    QFile config(configFile());
    if (!config.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        return false;
    }
    const QString text = u"-- written by CantodProcess for an integration test\n"
                         "interfaces = { \"127.0.0.1\" }\n"
                         "c2s_ports = { 0 }\n"
                         "c2s_direct_tls_ports = { 0 }\n"
                         "data_path = \"data\"\n"
                         "log = { }\n"
                         "storage = \"sql\"\n"
                         "sql = "_s +
                         sqlOption() +
                         u"\n"
                         "modules_enabled = { \"disco\", \"ping\", \"version\", \"time\", \"uptime\" }\n"_s +
                         m_extraConfig + u"\n"_s + m_hosts;
    config.write(text.toUtf8());
    config.close();

    m_log.clear();
    m_c2sPort = m_directTlsPort = 0;
    m_process.start(cantodPath(), {u"--config"_s, configFile()});
    if (!m_process.waitForStarted(timeoutMs)) {
        return false;
    }
    static const QRegularExpression listening(u"Listening for (c2s|c2s_direct_tls) on \\S+ port (\\d+)"_s);
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())))) {
            if (m_process.state() != QProcess::Running) {
                m_log += QString::fromUtf8(m_process.readAll());
                return false;
            }
            continue;
        }
        m_log += QString::fromUtf8(m_process.readAll());
        auto it = listening.globalMatch(m_log);
        while (it.hasNext()) {
            const auto match = it.next();
            (match.captured(1) == u"c2s"_s ? m_c2sPort : m_directTlsPort) = quint16(match.captured(2).toUInt());
        }
        if (m_log.contains(u"Server started"_s)) {
            return m_c2sPort != 0 && m_directTlsPort != 0;
        }
    }
    return false;
}

QString CantodProcess::sqlOption() const
{
    const auto quoted = [](QString text) -> QString {
        text.replace(u'\\', u"\\\\"_s).replace(u'"', u"\\\""_s);
        return u'"' + text + u'"';
    };
    QStringList fields{u"driver = "_s + quoted(m_sql.driver), u"database = "_s + quoted(m_sql.database)};
    if (!m_sql.host.isEmpty()) {
        fields << u"host = "_s + quoted(m_sql.host);
    }
    if (m_sql.port != 0) {
        fields << u"port = "_s + QString::number(m_sql.port);
    }
    if (!m_sql.username.isEmpty()) {
        fields << u"username = "_s + quoted(m_sql.username);
    }
    if (!m_sql.password.isEmpty()) {
        fields << u"password = "_s + quoted(m_sql.password);
    }
    return u"{ "_s + fields.join(u", "_s) + u" }"_s;
}

QString CantodProcess::log()
{
    if (m_process.state() == QProcess::Running) {
        m_process.waitForReadyRead(50);
    }
    m_log += QString::fromUtf8(m_process.readAll());
    return m_log;
}

void CantodProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning) {
        return;
    }
    m_process.terminate();
    if (!m_process.waitForFinished(15000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    m_log += QString::fromUtf8(m_process.readAll());
}

CantodProcess::Output CantodProcess::cantoctl(const QStringList& arguments, const QByteArray& input) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(cantoctlPath(), QStringList{u"--config"_s, configFile()} + arguments);
    if (!input.isEmpty()) {
        process.write(input);
    }
    process.closeWriteChannel();
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll())};
}

CantodProcess::Output CantodProcess::client(const QStringList& arguments) const
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(interopClientPath(), QStringList{u"--host"_s, u"127.0.0.1"_s, u"--ignore-ssl-errors"_s} + arguments);
    process.waitForFinished(60000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll())};
}

} // namespace Canto::Test
