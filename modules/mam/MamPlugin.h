#pragma once

#include "modules/mam/MamModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "mam" module (metadata in mam.json).
class MamPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "mam.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<MamModule>(api); }
};

} // namespace Canto::Modules
