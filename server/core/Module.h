#pragma once

#include "shared/Result.h"

#include <QObject>
#include <QVariant>
#include <QtPlugin>

#include <memory>

namespace Canto {

class ModuleApi;

/// One loaded instance of a module on one host (or on "*" for a global module). A module does
/// its work from load(): hooking events, adding features and items, opening stores, all through
/// its ModuleApi, which undoes every registration when the module unloads.
class Module : public QObject
{
    Q_OBJECT

public:
    explicit Module(ModuleApi& api) : m_api(api) {}

    /// Sets the module up. An error leaves the module unloaded with an error status.
    virtual Result<void> load() = 0;
    /// Called before the module's hooks and items are removed.
    virtual void unload() {}
    /// State carried across a reload: save() before unloading, restore() after loading again.
    virtual QVariant save() { return {}; }
    virtual void restore(const QVariant& state) { Q_UNUSED(state); }
    /// For global modules that also act per host (Prosody's "shared modules"): called with the
    /// ModuleApi of each host the module is loaded onto.
    virtual void addHost(ModuleApi& hostApi) { Q_UNUSED(hostApi); }

    ModuleApi& module() const { return m_api; }

private:
    ModuleApi& m_api;
};

/// The plugin interface every module exports (Q_PLUGIN_METADATA JSON: id, description, depends,
/// scope "host" | "global"). Modules are linked statically by default (canto_add_module).
class ModuleFactory
{
public:
    virtual ~ModuleFactory() = default;
    virtual std::unique_ptr<Module> create(ModuleApi& api) = 0;
};

} // namespace Canto

#define CantoModuleFactory_iid "org.canto.ModuleFactory/1"
Q_DECLARE_INTERFACE(Canto::ModuleFactory, CantoModuleFactory_iid)
