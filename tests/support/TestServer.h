#pragma once

#include "server/config/Config.h"
#include "server/core/EventBus.h"
#include "server/core/ServerContext.h"
#include "server/core/SharedTables.h"
#include "server/metrics/MetricsRegistry.h"

#include <QObject>
#include <QString>

#include <memory>

namespace Canto {

class AccountManager;
class Host;
class HostManager;
class ModuleApi;
class ModuleManager;
class Router;
class RosterManager;
class SessionManager;
class StorageManager;
class TestClient;
struct TestModuleScripts;

/// An in-process Canto server for unit tests: the real managers (EventBus, SharedTables,
/// MetricsRegistry, StorageManager, Router, HostManager, SessionManager, AccountManager,
/// ModuleManager) wired through a ServerContext exactly as ServerApplication does, without
/// network listeners. The config comes from a string. Storage is the "memory" driver, or SQLite
/// in `sqliteFile` when given (a second TestServer on the same file acts as a restart).
/// start() activates the config's hosts and loads their modules (ModuleManager::modulesForHost).
class TestServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString sqliteFile; // empty: the memory driver
        bool start = true;  // activate hosts and load modules in the constructor
    };

    explicit TestServer(const QString& configText, const Options& options);
    explicit TestServer(const QString& configText) : TestServer(configText, Options{}) {}
    ~TestServer() override;

    /// Activates every enabled host of the config, then loads each host's modules.
    void start();
    /// The config's problems as text (empty when the config is clean).
    QString configProblems() const;

    ServerContext& context() { return m_context; }
    Config& config() { return m_config; }
    EventBus& globalEvents() { return m_globalEvents; }
    SharedTables& sharedTables() { return m_sharedTables; }
    MetricsRegistry& metrics() { return m_metrics; }
    StorageManager& storage() { return *m_storage; }
    Router& router() { return *m_router; }
    HostManager& hosts() { return *m_hosts; }
    SessionManager& sessions() { return *m_sessions; }
    AccountManager& accounts() { return *m_accounts; }
    RosterManager& rosters() { return *m_rosters; }
    ModuleManager& modules() { return *m_modules; }
    /// What the test-only modules do (see TestModuleScripts).
    TestModuleScripts& scripts() { return *m_scripts; }

    Host* host(const QString& name) const;
    /// The loaded module `name` on `host` (or globally), nullptr if not loaded.
    ModuleApi* module(const QString& host, const QString& name) const;

    /// A client session of username@host, authenticated and bound to `resource` (nullptr with a
    /// warning if binding fails).
    std::unique_ptr<TestClient> login(const QString& username, const QString& host,
                                      const QString& resource = QStringLiteral("test"));

private:
    Config m_config;
    EventBus m_globalEvents;
    SharedTables m_sharedTables;
    std::shared_ptr<TestModuleScripts> m_scripts;
    MetricsRegistry m_metrics;
    ServerContext m_context;
    std::unique_ptr<StorageManager> m_storage;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HostManager> m_hosts;
    std::unique_ptr<SessionManager> m_sessions;
    std::unique_ptr<AccountManager> m_accounts;
    std::unique_ptr<RosterManager> m_rosters;
    std::unique_ptr<ModuleManager> m_modules;
};

} // namespace Canto
