#pragma once

#include "modules/ping/PingModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "ping" module (metadata in ping.json).
class PingPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "ping.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<PingModule>(api); }
};

} // namespace Canto::Modules
