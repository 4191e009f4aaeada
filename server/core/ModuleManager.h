#pragma once

#include "server/core/ModuleApi.h"
#include "server/core/ModuleStatus.h"
#include "shared/Result.h"

#include <QHash>
#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <map>
#include <memory>

namespace Canto {

class Config;
class ModuleFactory;
struct ServerContext;

/// Loads, unloads and reloads modules per host (Prosody's modulemanager). Modules are the Qt
/// plugins compiled into the binary (or found in the plugin path with CANTO_DYNAMIC_MODULES).
/// A module whose load fails (or that does not exist) is recorded with an error status instead
/// of taking the server down. Dependencies (metadata "depends" and ModuleApi::depends) load
/// first; unloading a module unloads the modules that depend on it.
class ModuleManager : public QObject
{
    Q_OBJECT

public:
    /// Modules every host gets (Prosody autoloads presence, message, iq, offline, c2s, s2s).
    static QStringList autoloadedModules();
    /// Prosody module ids whose work Canto's core does itself (listing them is accepted).
    static QStringList builtinModules();
    /// Modules a Component inherits from the global modules_enabled.
    static QStringList componentInheritableModules();

    /// Prosody's get_modules_for_host: the component module first, then autoloaded + global
    /// enabled - global disabled (for components only the inheritable ones), then host enabled -
    /// host disabled. Autoloaded modules missing from `available` (when given) are left out:
    /// Prosody autoloads modules Canto does not have yet, which is not an error.
    static QStringList modulesForHost(bool isComponent, const QString& componentModule,
                                      const QStringList& globalEnabled, const QStringList& globalDisabled,
                                      const QStringList& hostEnabled, const QStringList& hostDisabled,
                                      const QStringList& available = {});

    explicit ModuleManager(ServerContext& context, QObject* parent = nullptr);

    /// modulesForHost() with the lists read from `config` (section of `host` and the global one)
    /// and this build's available modules.
    QStringList modulesForHost(const Config& config, const QString& host) const;
    ~ModuleManager() override;

    /// Ids of every module this build provides, sorted.
    QStringList availableModules() const;
    bool isAvailable(const QString& name) const;
    QJsonObject metadata(const QString& name) const;

    Result<ModuleApi*> load(const QString& host, const QString& name);
    Result<void> unload(const QString& host, const QString& name);
    Result<ModuleApi*> reload(const QString& host, const QString& name);
    /// load() on behalf of module `dependent`: also records the reverse dependency.
    Result<ModuleApi*> loadDependency(const QString& host, const QString& name, const QString& dependent);
    /// Loads every module in `names` on `host`, reporting failures as module statuses.
    void loadAll(const QString& host, const QStringList& names);
    void unloadAll(const QString& host);

    ModuleApi* module(const QString& host, const QString& name) const;
    bool isLoaded(const QString& host, const QString& name) const { return module(host, name) != nullptr; }
    QStringList loadedModules(const QString& host) const;
    /// Modules that failed to load on a host, with their error status.
    QMap<QString, ModuleStatus> failedModules(const QString& host) const;

    /// Items of `key` added by the modules of `host` and by global modules, with their source.
    std::vector<std::pair<QString, QVariant>> hostItemsWithSource(const QString& host, const QString& key) const;

Q_SIGNALS:
    void moduleLoaded(const QString& host, const QString& name);
    void moduleUnloaded(const QString& host, const QString& name);
    void moduleFailed(const QString& host, const QString& name, const QString& error);

private:
    struct Available
    {
        QJsonObject metadata;
        ModuleFactory* factory = nullptr;
    };
    using HostModules = std::map<QString, std::unique_ptr<ModuleApi>>;

    void discover();
    Result<ModuleApi*> doLoad(const QString& host, const QString& name, QStringList& loading);
    void recordFailure(const QString& host, const QString& name, const QString& error);

    ServerContext& m_context;
    QHash<QString, Available> m_available;
    std::map<QString, HostModules> m_loaded;
    QHash<QString, QMap<QString, ModuleStatus>> m_failed;
    QHash<QString, QSet<QString>> m_reverseDependencies; // "host|module" -> dependents
};

} // namespace Canto
