#include "server/app/ServerApplication.h"

#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/HostManager.h"
#include "server/core/ModuleManager.h"
#include "server/core/RosterManager.h"
#include "server/core/Router.h"
#include "server/core/SessionManager.h"
#include "server/logging/LogManager.h"
#include "server/metrics/MetricsRegistry.h"
#include "server/metrics/ServerMetrics.h"
#include "server/net/C2sListener.h"
#include "server/net/CertificateStore.h"
#include "server/storage/StorageManager.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcServer, "canto.app.server")

namespace Canto {

namespace {
const QString GlobalHost = QStringLiteral("*");

QStringList stringList(const ConfigValue& value)
{
    QStringList list;
    if (value.isString()) {
        list << value.toString();
    }
    for (const ConfigValue& item : value.array()) {
        list << item.toString();
    }
    return list;
}

QList<quint16> portList(const ConfigValue& value, QList<quint16> fallback)
{
    if (value.isNil()) {
        return fallback;
    }
    QList<quint16> ports;
    if (value.isNumber()) {
        ports << quint16(value.toNumber());
    }
    for (const ConfigValue& item : value.array()) {
        ports << quint16(item.toNumber());
    }
    return ports;
}
} // namespace

ServerApplication::ServerApplication(Options options, QObject* parent) : QObject(parent), m_options(std::move(options))
{}

ServerApplication::~ServerApplication()
{
    stop();
}

Config ServerApplication::loadConfig(const QString& configFile)
{
    if (configFile.isEmpty()) {
        return Config::fromString(Config::embeddedDefault(), u"(embedded default config)"_s, QDir::currentPath());
    }
    return Config::fromFile(configFile);
}

QString ServerApplication::dataDirectoryFor(const Config& config, const QString& configFile, const QString& overrideDir)
{
    if (!overrideDir.isEmpty()) {
        return QDir(overrideDir).absolutePath();
    }
    const QString base = configFile.isEmpty() ? QDir::currentPath() : QFileInfo(configFile).absolutePath();
    const QString configured = config.get(GlobalHost, u"data_path"_s).toString();
    if (configured.isEmpty()) {
        return QDir(base).filePath(configFile.isEmpty() ? u"canto-data"_s : u"data"_s);
    }
    return QFileInfo(configured).isAbsolute() ? configured : QDir(base).filePath(configured);
}

StorageSettings ServerApplication::storageSettingsFor(const Config& config, const QString& dataDirectory)
{
    StorageSettings settings;
    settings.dataPath = dataDirectory;
    const ConfigValue storage = config.get(GlobalHost, u"storage"_s);
    if (storage.isString()) {
        settings.driver = storage.toString();
    } else if (storage.isTable()) {
        for (const auto& [store, driver] : storage.map()) {
            settings.storeDrivers.insert(store, driver.toString());
        }
    }
    settings.defaultDriver = config.get(GlobalHost, u"default_storage"_s).toString();
    const ConfigValue sql = config.get(GlobalHost, u"sql"_s);
    if (sql.isTable()) {
        const auto text = [&sql](const QString& key, const QString& fallback) {
            const ConfigValue v = sql.value(key);
            return v.isNil() ? fallback : (v.isNumber() ? QString::number(qint64(v.toNumber())) : v.toString());
        };
        settings.sql.driver = text(u"driver"_s, settings.sql.driver);
        settings.sql.database = text(u"database"_s, settings.sql.database);
        settings.sql.host = text(u"host"_s, {});
        settings.sql.port = text(u"port"_s, u"0"_s).toInt();
        settings.sql.username = text(u"username"_s, {});
        settings.sql.password = text(u"password"_s, {});
    }
    const ConfigValue limit = config.get(GlobalHost, u"storage_archive_item_limit"_s);
    if (limit.isNumber()) {
        settings.archiveItemLimit = int(limit.toNumber());
    } else if (limit.isBool() && !limit.toBool()) {
        settings.archiveItemLimit = std::nullopt;
    }
    return settings;
}

Result<void> ServerApplication::start()
{
    m_config = loadConfig(m_options.configFile);
    if (m_config.hasErrors()) {
        QStringList errors;
        for (const ConfigProblem& problem : m_config.problems()) {
            errors << problem.toString();
        }
        return Result<void>::failure(u"bad-format"_s, errors.join(u'\n'));
    }
    const QString dataDir = dataDirectoryFor(m_config, m_options.configFile, m_options.dataDirectory);
    if (!QDir().mkpath(dataDir)) {
        return Result<void>::failure(u"internal-server-error"_s, u"Cannot create the data folder "_s + dataDir);
    }

    m_log = std::make_unique<LogManager>();
    if (const QString problem = m_log->configure(m_config, dataDir, m_options.foreground); !problem.isEmpty()) {
        return Result<void>::failure(u"internal-server-error"_s, u"Cannot open log file "_s + problem);
    }
    m_log->install();
    for (const ConfigProblem& problem : m_config.problems()) {
        qCWarning(lcServer).noquote() << problem.toString();
    }

    m_context.config = &m_config;
    m_context.globalEvents = &m_globalEvents;
    m_context.sharedTables = &m_sharedTables;
    m_context.configDirectory =
        m_options.configFile.isEmpty() ? QDir::currentPath() : QFileInfo(m_options.configFile).absolutePath();
    m_context.dataDirectory = dataDir;
    m_context.sourceDirectory = QCoreApplication::applicationDirPath();
    m_context.startedAt = QDateTime::currentDateTimeUtc();

    m_pidFile = m_config.get(GlobalHost, u"pidfile"_s).toString();
    if (!m_pidFile.isEmpty()) {
        if (QFileInfo(m_pidFile).isRelative()) {
            m_pidFile = QDir(dataDir).filePath(m_pidFile);
        }
        QFile pid(m_pidFile);
        if (!pid.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            return Result<void>::failure(u"internal-server-error"_s,
                                         u"Cannot write pidfile "_s + m_pidFile + u": "_s + pid.errorString());
        }
        pid.write(QByteArray::number(QCoreApplication::applicationPid()) + '\n');
    }

    m_metrics = std::make_unique<MetricsRegistry>();
    m_context.metrics = m_metrics.get();
    m_serverMetrics = std::make_unique<ServerMetrics>(*m_metrics);
    m_context.serverMetrics = m_serverMetrics.get();
    m_storage = std::make_unique<StorageManager>(storageSettingsFor(m_config, dataDir));
    m_context.storage = m_storage.get();
    m_router = std::make_unique<Router>(m_context);
    m_context.router = m_router.get();
    m_hosts = std::make_unique<HostManager>(m_context);
    m_context.hosts = m_hosts.get();
    m_sessions = std::make_unique<SessionManager>(m_context);
    m_context.sessions = m_sessions.get();
    m_accounts = std::make_unique<AccountManager>(m_context);
    m_context.accounts = m_accounts.get();
    m_rosters = std::make_unique<RosterManager>(m_context);
    m_context.rosters = m_rosters.get();
    m_modules = std::make_unique<ModuleManager>(m_context);
    m_context.modules = m_modules.get();
    m_certificates = std::make_unique<CertificateStore>(m_context);

    m_globalEvents.fire(u"server-starting"_s);
    qCInfo(lcServer).noquote() << "Canto" << QCoreApplication::applicationVersion() << "starting with"
                               << (m_options.configFile.isEmpty() ? u"the embedded default config"_s
                                                                  : m_options.configFile)
                               << "- data in" << dataDir;

    // Hosts first, then their modules (so a module can see every host when it loads).
    QStringList localHosts;
    for (const QString& name : m_config.hosts()) {
        const ConfigSection* section = m_config.section(name);
        if (m_config.get(name, u"enabled"_s).isBool() && !m_config.get(name, u"enabled"_s).toBool()) {
            continue;
        }
        const bool component = section->kind() == ConfigSection::Kind::Component;
        m_hosts->activate(name, component ? Host::Type::Component : Host::Type::Local, section->componentModule());
        if (!component) {
            localHosts << name;
        }
    }
    if (localHosts.isEmpty()) {
        return Result<void>::failure(u"bad-format"_s,
                                     u"No VirtualHost is defined: users would have nowhere to log in"_s);
    }
    for (const QString& name : m_hosts->hostNames()) {
        const QStringList modules = m_modules->modulesForHost(m_config, name);
        m_modules->loadAll(name, modules);
        const auto failed = m_modules->failedModules(name);
        for (auto it = failed.cbegin(); it != failed.cend(); ++it) {
            qCWarning(lcServer).noquote()
                << "Module" << it.key() << "on" << name << "is not running:" << it.value().message;
        }
    }

    m_storage->prepare().then(this, [this](Result<void> prepared) {
        if (!prepared) {
            const QString error = u"Storage is not usable: "_s + prepared.error().toString();
            qCCritical(lcServer).noquote() << error;
            Q_EMIT startFailed(error);
            return;
        }
        // Which hosts can offer SCRAM-SHA-256 depends on the stored accounts: learn it first.
        // One count held by this loop itself: a check that finishes at once (its continuation
        // runs inside then()) must not start the certificates before the other hosts are counted,
        // or two preparations would generate the same files at the same time.
        auto pending = std::make_shared<int>(1);
        const auto afterAccounts = [this] {
            m_certificates->prepare(m_hosts->hostNames(), [this](Result<void> ready) {
                if (!ready) {
                    const QString error = u"Certificates are not usable: "_s + ready.error().toString();
                    qCCritical(lcServer).noquote() << error;
                    Q_EMIT startFailed(error);
                    return;
                }
                openListeners();
            });
        };
        for (Host* host : m_hosts->hosts()) {
            if (host->type() != Host::Type::Local) {
                continue;
            }
            ++*pending;
            m_accounts->refreshScramPolicy(host->name()).then(this, [pending, afterAccounts](Result<int> counted) {
                if (!counted) {
                    qCWarning(lcServer).noquote() << "Cannot check stored accounts:" << counted.error().toString();
                }
                if (--*pending == 0) {
                    afterAccounts();
                }
            });
        }
        if (--*pending == 0) {
            afterAccounts();
        }
    });
    return {};
}

void ServerApplication::openListeners()
{
    const QList<quint16> plainPorts = portList(m_config.get(GlobalHost, u"c2s_ports"_s), {5222});
    const QList<quint16> tlsPorts = portList(m_config.get(GlobalHost, u"c2s_direct_tls_ports"_s), {5223});
    if (Result<void> r = listen(u"c2s"_s, false, plainPorts); !r) {
        Q_EMIT startFailed(r.error().text);
        return;
    }
    if (Result<void> r = listen(u"c2s_direct_tls"_s, true, tlsPorts); !r) {
        Q_EMIT startFailed(r.error().text);
        return;
    }
    m_globalEvents.fire(u"server-started"_s);
    qCInfo(lcServer).noquote() << "Server started";
    Q_EMIT started();
}

Result<void> ServerApplication::listen(const QString& service, bool directTls, const QList<quint16>& ports)
{
    ClientConnectionSettings settings;
    settings.directTls = directTls;
    const auto boolean = [this](const QString& name, bool fallback) {
        const ConfigValue v = m_config.get(GlobalHost, name);
        return v.isBool() ? v.toBool() : fallback;
    };
    const auto number = [this](const QString& name, double fallback) {
        const ConfigValue v = m_config.get(GlobalHost, name);
        return v.isNumber() ? v.toNumber() : fallback;
    };
    settings.requireEncryption = boolean(u"c2s_require_encryption"_s, true);
    settings.allowUnencryptedPlain = boolean(u"allow_unencrypted_plain_auth"_s, false);
    settings.stanzaSizeLimit = qint64(number(u"c2s_stanza_size_limit"_s, 256 * 1024));
    settings.negotiationTimeoutSeconds = int(number(u"c2s_timeout"_s, 60));
    const int maxConnections = int(number(u"c2s_max_connections"_s, 100000));
    // Prosody's name for the listen queue; login bursts of hundreds of clients need a deep one.
    int backlog = int(number(u"tcp_backlog"_s, 1024));
    if (const ConfigValue network = m_config.get(GlobalHost, u"network_settings"_s); network.isTable()) {
        if (const ConfigValue v = network.value(u"tcp_backlog"_s); v.isNumber()) {
            backlog = int(v.toNumber());
        }
    }

    QStringList interfaces = stringList(m_config.get(GlobalHost, service + u"_interfaces"_s));
    if (interfaces.isEmpty()) {
        interfaces = stringList(m_config.get(GlobalHost, u"c2s_interfaces"_s));
    }
    if (interfaces.isEmpty()) {
        interfaces = stringList(m_config.get(GlobalHost, u"interfaces"_s));
    }
    if (interfaces.isEmpty()) {
        interfaces = {u"*"_s};
    }
    for (const quint16 port : ports) {
        for (const QString& iface : interfaces) {
            QHostAddress address;
            if (iface == u"*"_s) {
                address = QHostAddress::Any;
            } else if (iface == u"::"_s) {
                address = QHostAddress::AnyIPv6;
            } else if (!address.setAddress(iface)) {
                return Result<void>::failure(u"bad-format"_s, u"Invalid interface address in config: "_s + iface);
            }
            auto* listener = new C2sListener(m_context, *m_certificates, settings, maxConnections, this);
            listener->setListenBacklogSize(backlog);
            if (!listener->listen(address, port)) {
                const QString error = u"Cannot listen for %1 on %2 port %3: %4"_s.arg(
                    service, address.toString(), QString::number(port), listener->errorString());
                delete listener;
                return Result<void>::failure(u"internal-server-error"_s, error);
            }
            m_listeners << listener;
            qCInfo(lcServer).noquote() << "Listening for" << service << "on"
                                       << listener->serverAddress().toString() + u" port "_s +
                                              QString::number(listener->serverPort());
        }
    }
    return {};
}

QList<ServerApplication::ListeningAddress> ServerApplication::listeningAddresses() const
{
    QList<ListeningAddress> list;
    for (const C2sListener* listener : m_listeners) {
        list << ListeningAddress{listener->isDirectTls() ? u"c2s_direct_tls"_s : u"c2s"_s, listener->serverAddress(),
                                 listener->serverPort()};
    }
    return list;
}

void ServerApplication::stop()
{
    if (!m_hosts) {
        return;
    }
    m_globalEvents.fire(u"server-stopping"_s);
    for (C2sListener* listener : m_listeners) {
        listener->close();
    }
    for (Host* host : m_hosts->hosts()) {
        for (ClientSession* session : host->allClientSessions()) {
            session->close(u"system-shutdown"_s, u"Server is shutting down"_s);
        }
    }
    m_globalEvents.fire(u"server-stopped"_s);
    if (!m_pidFile.isEmpty()) {
        QFile::remove(m_pidFile);
    }
    qDeleteAll(m_listeners);
    m_listeners.clear();
    // Storage results still on their way reach modules and managers while they exist.
    if (m_storage) {
        m_storage->drain();
    }
    m_modules.reset();
    m_context.modules = nullptr;
    m_rosters.reset();
    m_context.rosters = nullptr;
    m_accounts.reset();
    m_context.accounts = nullptr;
    m_sessions.reset();
    m_context.sessions = nullptr;
    m_hosts.reset();
    m_context.hosts = nullptr;
    qCInfo(lcServer).noquote() << "Server stopped";
}

} // namespace Canto
