#pragma once

#include "modules/csi_simple/CsiSimpleModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "csi_simple" module (metadata in csi_simple.json).
class CsiSimplePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "csi_simple.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<CsiSimpleModule>(api); }
};

} // namespace Canto::Modules
