#pragma once

#include <QFile>
#include <QList>
#include <QMutex>
#include <QObject>
#include <QString>

#include <memory>

namespace Canto {

class Config;

/// Routes Qt's logging (QLoggingCategory per subsystem: canto.core.router, canto.net.c2s,
/// canto.mod.<id>, ...) to sinks configured by Prosody's `log` option: a file per level
/// (`log = { info = "canto.log", error = "canto.err" }`), a single file (`log = "canto.log"`),
/// "*console" or "*stderr" for standard error. Standard error is always a sink when the server
/// runs in the foreground. Lines are "<ISO time> <category> <level> <message>".
///
/// Qt's message handler is process-wide by design (qInstallMessageHandler), so exactly one
/// LogManager may be installed at a time; it uninstalls itself when destroyed.
class LogManager : public QObject
{
    Q_OBJECT

public:
    enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

    explicit LogManager(QObject* parent = nullptr);
    ~LogManager() override;

    /// Reads `log` from the global section; relative files go into `dataDirectory`.
    /// Returns an error text for a file that cannot be opened (empty on success).
    QString configure(const Config& config, const QString& dataDirectory, bool foreground);
    /// Reopens the log files (logrotate, SIGHUP).
    void reopen();
    void install();

    static Level parseLevel(const QString& name, Level fallback = Level::Info);

Q_SIGNALS:
    /// Every accepted line, for the admin console's live log (emitted on the logging thread).
    void lineLogged(int level, const QString& category, const QString& message);

private:
    struct Sink
    {
        Level minimum;
        QString path; // empty: stderr
        std::unique_ptr<QFile> file;
    };

    static void handler(QtMsgType type, const QMessageLogContext& context, const QString& message);
    void write(Level level, const char* category, const QString& message);

    QMutex m_mutex;
    std::vector<Sink> m_sinks;
    Level m_minimum = Level::Info;
    bool m_installed = false;
};

} // namespace Canto
