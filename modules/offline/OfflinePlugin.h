#pragma once

#include "modules/offline/OfflineModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "offline" module (metadata in offline.json).
class OfflinePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "offline.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<OfflineModule>(api); }
};

} // namespace Canto::Modules
