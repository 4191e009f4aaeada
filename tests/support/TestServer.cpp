#include "TestServer.h"

#include "TestClient.h"
#include "server/core/AccountManager.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/ModuleManager.h"
#include "server/core/RosterManager.h"
#include "server/core/Router.h"
#include "server/core/SessionManager.h"
#include "server/storage/StorageManager.h"
#include "testmodules/TestModuleScripts.h"

#include <QDir>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

StorageSettings storageSettings(const TestServer::Options& options)
{
    StorageSettings settings;
    if (options.sqliteFile.isEmpty()) {
        settings.driver = u"memory"_s;
        settings.dataPath = QDir::tempPath();
    } else {
        settings.driver = u"sql"_s;
        settings.sql.driver = u"SQLite3"_s;
        settings.sql.database = QFileInfo(options.sqliteFile).absoluteFilePath();
        settings.dataPath = QFileInfo(options.sqliteFile).absolutePath();
    }
    return settings;
}

} // namespace

TestServer::TestServer(const QString& configText, const Options& options)
    : m_config(Config::fromString(configText, u"test.cfg.lua"_s, QDir::currentPath())),
      m_scripts(m_sharedTables.get<TestModuleScripts>(TestModuleScripts::path()))
{
    m_context.config = &m_config;
    m_context.globalEvents = &m_globalEvents;
    m_context.sharedTables = &m_sharedTables;
    m_context.metrics = &m_metrics;
    m_context.configDirectory = QDir::currentPath();
    m_context.dataDirectory = storageSettings(options).dataPath;
    m_context.sourceDirectory = QDir::currentPath();
    m_context.startedAt = QDateTime::currentDateTimeUtc();

    m_storage = std::make_unique<StorageManager>(storageSettings(options));
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

    if (!m_config.problems().isEmpty()) {
        qWarning().noquote() << "TestServer config problems:" << configProblems();
    }
    if (options.start) {
        start();
    }
}

TestServer::~TestServer()
{
    // Results still on their way from the storage thread reach their receivers while they live.
    m_storage->drain();
    // The reverse of ServerApplication's order: modules first (they may use every other part).
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
}

QString TestServer::configProblems() const
{
    QStringList lines;
    for (const ConfigProblem& problem : m_config.problems()) {
        lines << problem.toString();
    }
    return lines.join(u'\n');
}

void TestServer::start()
{
    // As ServerApplication::start(): every host first, then the modules of each host.
    for (const QString& name : m_config.hosts()) {
        const ConfigValue enabled = m_config.get(name, u"enabled"_s);
        if (enabled.isBool() && !enabled.toBool()) {
            continue;
        }
        const ConfigSection* section = m_config.section(name);
        const bool component = section->kind() == ConfigSection::Kind::Component;
        m_hosts->activate(name, component ? Host::Type::Component : Host::Type::Local, section->componentModule());
    }
    for (const QString& name : m_hosts->hostNames()) {
        const QStringList modules = m_modules->modulesForHost(m_config, name);
        m_modules->loadAll(name, modules);
    }
}

Host* TestServer::host(const QString& name) const
{
    return m_hosts->host(name);
}

ModuleApi* TestServer::module(const QString& host, const QString& name) const
{
    if (ModuleApi* api = m_modules->module(host, name)) {
        return api;
    }
    return m_modules->module(u"*"_s, name);
}

std::unique_ptr<TestClient> TestServer::login(const QString& username, const QString& host, const QString& resource)
{
    auto client = std::make_unique<TestClient>(*this, username, host);
    const Result<QString> bound = client->bind(resource);
    if (!bound) {
        qWarning().noquote() << "TestServer: cannot bind" << username << "@" << host << "/" << resource << "-"
                             << bound.error().toString();
        return nullptr;
    }
    return client;
}

} // namespace Canto
