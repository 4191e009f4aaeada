#pragma once

#include "modules/smacks/SmacksModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "smacks" module (metadata in smacks.json).
class SmacksPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "smacks.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<SmacksModule>(api); }
};

} // namespace Canto::Modules
