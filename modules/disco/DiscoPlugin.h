#pragma once

#include "modules/disco/DiscoModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "disco" module (metadata in disco.json).
class DiscoPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "disco.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<DiscoModule>(api); }
};

} // namespace Canto::Modules
