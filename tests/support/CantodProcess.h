#pragma once

#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>

namespace Canto::Test {

/// A real cantod process for integration tests: writes a config into a temporary folder
/// (listeners on 127.0.0.1 port 0, SQLite in the folder, its own certificates), starts the
/// binary, and learns the ports it got from its log. Also runs cantoctl against the same config
/// and the independent interop client against the server.
class CantodProcess
{
public:
    struct Output
    {
        int exitCode = -1;
        QString text; // stdout and stderr
    };

    /// The `sql` option the server gets (Prosody's shape). The default is an SQLite file
    /// canto.sqlite in the temporary folder; tests of existing databases (a Prosody SQLite file,
    /// the PostgreSQL fixture) set another one with setSqlDatabase() before start().
    struct SqlDatabase
    {
        QString driver = QStringLiteral("SQLite3"); // "SQLite3", "PostgreSQL" or "MySQL"
        QString database;                           // SQLite: a file (absolute, or relative to data_path)
        QString host;
        int port = 0; // 0: the driver's default
        QString username;
        QString password;

        static SqlDatabase sqlite(const QString& file) { return {QStringLiteral("SQLite3"), file, {}, 0, {}, {}}; }
    };

    /// `extraConfig` is appended to the global section (before the hosts).
    explicit CantodProcess(QString extraConfig = {}, QString hosts = QStringLiteral("VirtualHost \"localhost\"\n"));
    ~CantodProcess();

    /// Takes effect at the next start(), which writes the config that cantoctl() also reads.
    void setSqlDatabase(SqlDatabase database) { m_sql = std::move(database); }
    const SqlDatabase& sqlDatabase() const { return m_sql; }

    bool start(int timeoutMs = 30000);
    void stop();
    bool isRunning() const { return m_process.state() == QProcess::Running; }

    quint16 c2sPort() const { return m_c2sPort; }
    quint16 directTlsPort() const { return m_directTlsPort; }
    QString configFile() const;
    QString dataDirectory() const;
    /// Everything the server logged so far.
    QString log();

    Output cantoctl(const QStringList& arguments, const QByteArray& input = {}) const;
    /// Runs the interop client with `arguments` (plus --host 127.0.0.1 and --ignore-ssl-errors).
    Output client(const QStringList& arguments) const;

    static QString cantodPath();
    static QString cantoctlPath();
    static QString interopClientPath();

private:
    QString sqlOption() const;

    QTemporaryDir m_dir;
    QString m_extraConfig;
    QString m_hosts;
    SqlDatabase m_sql = SqlDatabase::sqlite(QStringLiteral("canto.sqlite"));
    QProcess m_process;
    QString m_log;
    quint16 m_c2sPort = 0;
    quint16 m_directTlsPort = 0;
};

} // namespace Canto::Test
