#pragma once

#include "modules/pep/PepModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "pep" module (metadata in pep.json).
class PepPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "pep.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<PepModule>(api); }
};

} // namespace Canto::Modules
