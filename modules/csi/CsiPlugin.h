#pragma once

#include "modules/csi/CsiModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "csi" module (metadata in csi.json).
class CsiPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "csi.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<CsiModule>(api); }
};

} // namespace Canto::Modules
