#include "server/core/ModuleManager.h"

#include "server/config/Config.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/Module.h"
#include "server/core/ServerContext.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QPluginLoader>

#include <exception>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcModules, "canto.core.modules")

namespace Canto {

namespace {
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

QString reverseKey(const QString& host, const QString& name)
{
    return host + u'|' + name;
}
} // namespace

QStringList ModuleManager::autoloadedModules()
{
    return {u"presence"_s, u"message"_s, u"iq"_s, u"offline"_s, u"c2s"_s, u"s2s"_s};
}

QStringList ModuleManager::builtinModules()
{
    return {u"iq"_s, u"c2s"_s, u"tls"_s, u"saslauth"_s};
}

QStringList ModuleManager::componentInheritableModules()
{
    return {u"tls"_s, u"saslauth"_s, u"dialback"_s, u"iq"_s,
            u"s2s"_s, u"s2s_bidi"_s, u"smacks"_s,   u"server_contact_info"_s};
}

QStringList ModuleManager::modulesForHost(bool isComponent, const QString& componentModule,
                                          const QStringList& globalEnabled, const QStringList& globalDisabled,
                                          const QStringList& hostEnabled, const QStringList& hostDisabled,
                                          const QStringList& available)
{
    const auto availableHint = [&available](const QString& name) {
        return available.isEmpty() || available.contains(name) || builtinModules().contains(name);
    };
    QStringList result;
    const auto add = [&result](const QString& name) {
        if (!name.isEmpty() && !result.contains(name)) {
            result << name;
        }
    };
    if (isComponent) {
        add(componentModule);
    }
    QStringList inherited = autoloadedModules() + globalEnabled;
    for (const QString& name : inherited) {
        if (!globalEnabled.contains(name) && !hostEnabled.contains(name) && !availableHint(name)) {
            continue; // an autoloaded Prosody module Canto does not have (yet): not an error
        }
        if (globalDisabled.contains(name)) {
            continue;
        }
        if (isComponent && !componentInheritableModules().contains(name)) {
            continue;
        }
        add(name);
    }
    for (const QString& name : hostEnabled) {
        add(name);
    }
    for (const QString& name : hostDisabled) {
        if (name != componentModule || !isComponent) {
            result.removeAll(name);
        }
    }
    return result;
}

QStringList ModuleManager::modulesForHost(const Config& config, const QString& host) const
{
    const ConfigSection* section = config.section(host);
    const bool component = section && section->kind() == ConfigSection::Kind::Component;
    const QString global = QString(Config::Global.toString());
    return modulesForHost(component, section ? section->componentModule() : QString(),
                          stringList(config.rawGet(global, u"modules_enabled"_s)),
                          stringList(config.rawGet(global, u"modules_disabled"_s)),
                          stringList(config.rawGet(host, u"modules_enabled"_s)),
                          stringList(config.rawGet(host, u"modules_disabled"_s)), availableModules());
}

ModuleManager::ModuleManager(ServerContext& context, QObject* parent) : QObject(parent), m_context(context)
{
    discover();
}

ModuleManager::~ModuleManager()
{
    // Unload host modules before global ones: host modules may depend on global ones.
    QStringList hosts;
    for (const auto& [host, modules] : m_loaded) {
        if (host != u"*"_s) {
            hosts << host;
        }
    }
    for (const QString& host : hosts) {
        unloadAll(host);
    }
    unloadAll(u"*"_s);
}

void ModuleManager::discover()
{
    const auto plugins = QPluginLoader::staticPlugins();
    for (const QStaticPlugin& plugin : plugins) {
        const QJsonObject meta = plugin.metaData().value(u"MetaData"_s).toObject();
        const QString id = meta.value(u"id"_s).toString();
        if (id.isEmpty()) {
            continue;
        }
        auto* factory = qobject_cast<ModuleFactory*>(plugin.instance());
        if (!factory) {
            continue;
        }
        m_available.insert(id, Available{meta, factory});
    }
}

QStringList ModuleManager::availableModules() const
{
    QStringList names = m_available.keys();
    names.sort();
    return names;
}

bool ModuleManager::isAvailable(const QString& name) const
{
    return m_available.contains(name);
}

QJsonObject ModuleManager::metadata(const QString& name) const
{
    return m_available.value(name).metadata;
}

ModuleApi* ModuleManager::module(const QString& host, const QString& name) const
{
    const auto h = m_loaded.find(host);
    if (h == m_loaded.end()) {
        return nullptr;
    }
    const auto m = h->second.find(name);
    return m == h->second.end() ? nullptr : m->second.get();
}

QStringList ModuleManager::loadedModules(const QString& host) const
{
    QStringList names;
    if (const auto h = m_loaded.find(host); h != m_loaded.end()) {
        for (const auto& [name, api] : h->second) {
            names << name;
        }
    }
    return names;
}

QMap<QString, ModuleStatus> ModuleManager::failedModules(const QString& host) const
{
    return m_failed.value(host);
}

Result<ModuleApi*> ModuleManager::load(const QString& host, const QString& name)
{
    QStringList loading;
    return doLoad(host, name, loading);
}

Result<ModuleApi*> ModuleManager::loadDependency(const QString& host, const QString& name, const QString& dependent)
{
    Result<ModuleApi*> result = load(host, name);
    if (result) {
        const QString depHost = result.value()->host();
        m_reverseDependencies[reverseKey(depHost, name)].insert(reverseKey(host, dependent));
    }
    return result;
}

void ModuleManager::recordFailure(const QString& host, const QString& name, const QString& error)
{
    qCCritical(lcModules).noquote() << "Failed to load module" << name << "on" << host << "-" << error;
    m_failed[host].insert(name, ModuleStatus{ModuleStatus::Type::Error, error, QDateTime::currentDateTimeUtc()});
    Q_EMIT moduleFailed(host, name, error);
}

Result<ModuleApi*> ModuleManager::doLoad(const QString& requestedHost, const QString& name, QStringList& loading)
{
    if (ModuleApi* existing = module(requestedHost, name)) {
        return existing;
    }
    const auto available = m_available.constFind(name);
    if (available == m_available.constEnd()) {
        const QString error = u"Module '%1' is not available in Canto"_s.arg(name);
        recordFailure(requestedHost, name, error);
        return Result<ModuleApi*>::failure(u"item-not-found"_s, error);
    }
    const bool global = available->metadata.value(u"scope"_s).toString() == u"global"_s;
    const QString host = global ? u"*"_s : requestedHost;
    if (ModuleApi* existing = module(host, name)) {
        return existing;
    }
    if (host != u"*"_s && m_context.hosts && !m_context.hosts->host(host)) {
        return Result<ModuleApi*>::failure(u"item-not-found"_s, u"No such host: "_s + host);
    }
    if (loading.contains(reverseKey(host, name))) {
        return Result<ModuleApi*>::failure(u"conflict"_s, u"Circular dependency on module "_s + name);
    }
    loading << reverseKey(host, name);

    for (const QJsonValue& dep : available->metadata.value(u"depends"_s).toArray()) {
        Result<ModuleApi*> loadedDep = doLoad(requestedHost, dep.toString(), loading);
        if (!loadedDep) {
            const QString error = u"Dependency '%1' failed: %2"_s.arg(dep.toString(), loadedDep.error().text);
            recordFailure(host, name, error);
            return Result<ModuleApi*>::failure(u"internal-server-error"_s, error);
        }
        m_reverseDependencies[reverseKey(loadedDep.value()->host(), dep.toString())].insert(reverseKey(host, name));
    }

    auto api = std::make_unique<ModuleApi>(m_context, name, host, available->metadata);
    ModuleApi* apiPtr = api.get();
    m_loaded[host][name] = std::move(api); // visible to depends() calls made from load()
    QString error;
    try {
        apiPtr->setModule(available->factory->create(*apiPtr));
        const Result<void> loaded = apiPtr->moduleInstance()->load();
        if (!loaded) {
            error = loaded.error().toString();
        }
    } catch (const std::exception& e) {
        error = u"exception: "_s + QString::fromLocal8Bit(e.what());
    } catch (...) {
        error = u"unknown exception"_s;
    }
    if (!error.isEmpty()) {
        apiPtr->cleanup();
        m_loaded[host].erase(name);
        recordFailure(host, name, error);
        return Result<ModuleApi*>::failure(u"internal-server-error"_s, error);
    }
    apiPtr->setLoaded(true);
    apiPtr->setStatus(ModuleStatus::Type::Core, u"Loaded"_s, false);
    m_failed[host].remove(name);
    qCDebug(lcModules).noquote() << "Loaded module" << name << "on" << host;

    Event event;
    event.set(u"module"_s, name);
    event.set(u"host"_s, host);
    if (host == u"*"_s) {
        if (m_context.globalEvents) {
            m_context.globalEvents->fire(u"module-loaded"_s, event);
        }
    } else if (Host* h = m_context.hosts ? m_context.hosts->host(host) : nullptr) {
        h->events().fire(u"module-loaded"_s, event);
    }
    Q_EMIT moduleLoaded(host, name);
    return apiPtr;
}

void ModuleManager::loadAll(const QString& host, const QStringList& names)
{
    for (const QString& name : names) {
        if (builtinModules().contains(name)) {
            continue;
        }
        (void)load(host, name);
    }
}

Result<void> ModuleManager::unload(const QString& host, const QString& name)
{
    ModuleApi* api = module(host, name);
    if (!api) {
        return Result<void>::failure(u"item-not-found"_s, u"Module '%1' is not loaded on %2"_s.arg(name, host));
    }
    // Dependents go first.
    const QSet<QString> dependents = m_reverseDependencies.take(reverseKey(host, name));
    for (const QString& key : dependents) {
        const QString depHost = key.section(u'|', 0, 0);
        const QString depName = key.section(u'|', 1);
        if (module(depHost, depName)) {
            (void)unload(depHost, depName);
        }
    }
    api = module(host, name);
    if (!api) {
        return {};
    }
    if (Module* instance = api->moduleInstance()) {
        try {
            instance->unload();
        } catch (...) {
            qCWarning(lcModules).noquote() << "Module" << name << "threw while unloading on" << host;
        }
    }
    api->cleanup();
    std::unique_ptr<ModuleApi> owned = std::move(m_loaded[host][name]);
    m_loaded[host].erase(name);
    Event event;
    event.set(u"module"_s, name);
    event.set(u"host"_s, host);
    if (host == u"*"_s) {
        if (m_context.globalEvents) {
            m_context.globalEvents->fire(u"module-unloaded"_s, event);
        }
    } else if (Host* h = m_context.hosts ? m_context.hosts->host(host) : nullptr) {
        h->events().fire(u"module-unloaded"_s, event);
    }
    Q_EMIT moduleUnloaded(host, name);
    return {};
}

Result<ModuleApi*> ModuleManager::reload(const QString& host, const QString& name)
{
    ModuleApi* api = module(host, name);
    if (!api) {
        return Result<ModuleApi*>::failure(u"item-not-found"_s, u"Module '%1' is not loaded on %2"_s.arg(name, host));
    }
    const QVariant state = api->moduleInstance() ? api->moduleInstance()->save() : QVariant();
    if (Result<void> unloaded = unload(host, name); !unloaded) {
        return unloaded.error();
    }
    Result<ModuleApi*> loaded = load(host, name);
    if (loaded && loaded.value()->moduleInstance()) {
        loaded.value()->moduleInstance()->restore(state);
        Event event;
        event.set(u"module"_s, name);
        event.set(u"host"_s, host);
        loaded.value()->fireEvent(u"module-reloaded"_s, event);
    }
    return loaded;
}

void ModuleManager::unloadAll(const QString& host)
{
    while (true) {
        const QStringList names = loadedModules(host);
        if (names.isEmpty()) {
            break;
        }
        (void)unload(host, names.last());
    }
    m_loaded.erase(host);
}

std::vector<std::pair<QString, QVariant>> ModuleManager::hostItemsWithSource(const QString& host,
                                                                             const QString& key) const
{
    std::vector<std::pair<QString, QVariant>> items;
    const auto collect = [&](const QString& h) {
        if (const auto it = m_loaded.find(h); it != m_loaded.end()) {
            for (const auto& [name, api] : it->second) {
                for (const auto& [itemKey, item] : api->items()) {
                    if (itemKey == key) {
                        items.emplace_back(name, item);
                    }
                }
            }
        }
    };
    collect(host);
    if (host != u"*"_s) {
        collect(u"*"_s);
    }
    return items;
}

} // namespace Canto
