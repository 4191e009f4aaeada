#pragma once

#include "modules/uptime/UptimeModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "uptime" module (metadata in uptime.json).
class UptimePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "uptime.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<UptimeModule>(api); }
};

} // namespace Canto::Modules
