#include "server/logging/LogManager.h"

#include "server/config/Config.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

#include <cstdio>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {
// COMPAT: Qt's message handler is a plain function pointer with no user data, so the installed
// manager is reachable only through this one pointer (set by install(), cleared on destruction).
LogManager* s_installed = nullptr;

const char* levelName(LogManager::Level level)
{
    switch (level) {
    case LogManager::Level::Debug:
        return "debug";
    case LogManager::Level::Info:
        return "info";
    case LogManager::Level::Warn:
        return "warn";
    case LogManager::Level::Error:
        return "error";
    }
    return "info";
}
} // namespace

LogManager::LogManager(QObject* parent) : QObject(parent) {}

LogManager::~LogManager()
{
    if (s_installed == this) {
        qInstallMessageHandler(nullptr);
        s_installed = nullptr;
    }
}

LogManager::Level LogManager::parseLevel(const QString& name, Level fallback)
{
    if (name == u"debug"_s) {
        return Level::Debug;
    }
    if (name == u"info"_s) {
        return Level::Info;
    }
    if (name == u"warn"_s || name == u"warning"_s) {
        return Level::Warn;
    }
    if (name == u"error"_s) {
        return Level::Error;
    }
    return fallback;
}

QString LogManager::configure(const Config& config, const QString& dataDirectory, bool foreground)
{
    QMutexLocker lock(&m_mutex);
    m_sinks.clear();
    QString problem;
    const auto addSink = [&](Level level, const QString& target) {
        if (target.isEmpty() || target == u"*console"_s || target == u"*stderr"_s || target == u"*stdout"_s) {
            if (!foreground) {
                m_sinks.push_back(Sink{level, {}, nullptr});
            }
            return;
        }
        if (target.startsWith(u'*')) {
            return; // *syslog and other sink types are not available yet
        }
        const QString path = QFileInfo(target).isAbsolute() ? target : QDir(dataDirectory).filePath(target);
        auto file = std::make_unique<QFile>(path);
        QDir().mkpath(QFileInfo(path).absolutePath());
        if (!file->open(QIODevice::Append | QIODevice::Text)) {
            problem = path + u": "_s + file->errorString();
            return;
        }
        m_sinks.push_back(Sink{level, path, std::move(file)});
    };
    const ConfigValue log = config.get(QString(Config::Global.toString()), u"log"_s);
    if (log.isString()) {
        addSink(Level::Info, log.toString());
    } else if (log.isTable()) {
        for (const auto& [levelName, target] : log.map()) {
            addSink(parseLevel(levelName), target.toString());
        }
        for (const ConfigValue& item : log.array()) {
            addSink(Level::Info, item.toString());
        }
    }
    if (foreground) {
        const bool debug = qEnvironmentVariableIsSet("CANTO_DEBUG");
        m_sinks.push_back(Sink{debug ? Level::Debug : Level::Info, {}, nullptr});
    }
    m_minimum = Level::Error;
    for (const Sink& sink : m_sinks) {
        m_minimum = std::min(m_minimum, sink.minimum);
    }
    QLoggingCategory::setFilterRules(m_minimum == Level::Debug ? u"canto.*.debug=true"_s : u"canto.*.debug=false"_s);
    return problem;
}

void LogManager::reopen()
{
    QMutexLocker lock(&m_mutex);
    for (Sink& sink : m_sinks) {
        if (sink.file) {
            sink.file->close();
            (void)sink.file->open(QIODevice::Append | QIODevice::Text);
        }
    }
}

void LogManager::install()
{
    s_installed = this;
    m_installed = true;
    qInstallMessageHandler(&LogManager::handler);
}

void LogManager::handler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    Level level = Level::Info;
    switch (type) {
    case QtDebugMsg:
        level = Level::Debug;
        break;
    case QtInfoMsg:
        level = Level::Info;
        break;
    case QtWarningMsg:
        level = Level::Warn;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        level = Level::Error;
        break;
    }
    if (s_installed) {
        s_installed->write(level, context.category ? context.category : "default", message);
    } else {
        std::fprintf(stderr, "%s\n", qPrintable(message));
    }
}

void LogManager::write(Level level, const char* category, const QString& message)
{
    if (level < m_minimum) {
        return;
    }
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' +
                            QByteArray(category) + ' ' + levelName(level) + ' ' + message.toUtf8() + '\n';
    {
        QMutexLocker lock(&m_mutex);
        for (Sink& sink : m_sinks) {
            if (level < sink.minimum) {
                continue;
            }
            if (sink.file) {
                sink.file->write(line);
                sink.file->flush();
            } else {
                std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
            }
        }
    }
    Q_EMIT lineLogged(int(level), QString::fromLatin1(category), message);
}

} // namespace Canto
