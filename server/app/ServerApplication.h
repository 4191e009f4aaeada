#pragma once

#include "server/config/Config.h"
#include "server/core/EventBus.h"
#include "server/core/ServerContext.h"
#include "server/core/SharedTables.h"
#include "server/storage/StorageSettings.h"
#include "shared/Result.h"

#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QStringList>

#include <memory>

namespace Canto {

class AccountManager;
class C2sListener;
class CertificateStore;
class HostManager;
class LogManager;
class MetricsRegistry;
class ServerMetrics;
class ModuleManager;
class Router;
class RosterManager;
class SessionManager;
class StorageManager;

/// The composition root of cantod (DESIGN §3): owns every manager as a member in dependency
/// order (destroyed in reverse), reads the config, activates hosts and loads their modules,
/// prepares certificates and storage, then opens the listeners.
class ServerApplication : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString configFile;    // empty: the embedded default config
        QString dataDirectory; // overrides data_path
        bool foreground = true;
    };
    struct ListeningAddress
    {
        QString service; // "c2s" or "c2s_direct_tls"
        QHostAddress address;
        quint16 port;
    };

    explicit ServerApplication(Options options, QObject* parent = nullptr);
    ~ServerApplication() override;

    /// Loads the config and sets everything up; listeners open asynchronously (after
    /// certificates exist) and `started` or `startFailed` follows.
    Result<void> start();
    void stop();

    ServerContext& context() { return m_context; }
    const Config& config() const { return m_config; }
    QList<ListeningAddress> listeningAddresses() const;

    /// The data directory a config implies: data_path, resolved against the config's folder.
    static QString dataDirectoryFor(const Config& config, const QString& configFile, const QString& overrideDir);
    /// The storage options (storage, default_storage, sql, storage_archive_item_limit).
    static StorageSettings storageSettingsFor(const Config& config, const QString& dataDirectory);
    /// Loads the config file, or the embedded default when `configFile` is empty.
    static Config loadConfig(const QString& configFile);

Q_SIGNALS:
    void started();
    void startFailed(const QString& error);

private:
    void openListeners();
    Result<void> listen(const QString& service, bool directTls, const QList<quint16>& ports);

    Options m_options;
    Config m_config;
    EventBus m_globalEvents;
    SharedTables m_sharedTables;
    ServerContext m_context;
    std::unique_ptr<LogManager> m_log;
    std::unique_ptr<MetricsRegistry> m_metrics;
    std::unique_ptr<ServerMetrics> m_serverMetrics;
    std::unique_ptr<StorageManager> m_storage;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HostManager> m_hosts;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<AccountManager> m_accounts;
    std::unique_ptr<RosterManager> m_rosters;
    std::unique_ptr<ModuleManager> m_modules;
    std::unique_ptr<CertificateStore> m_certificates;
    QList<C2sListener*> m_listeners;
    QString m_pidFile;
};

} // namespace Canto
