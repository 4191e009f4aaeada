#pragma once

#include "modules/carbons/CarbonsModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "carbons" module (metadata in carbons.json).
class CarbonsPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "carbons.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<CarbonsModule>(api); }
};

} // namespace Canto::Modules
