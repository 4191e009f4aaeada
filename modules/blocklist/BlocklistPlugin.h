#pragma once

#include "modules/blocklist/BlocklistModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "blocklist" module (metadata in blocklist.json).
class BlocklistPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "blocklist.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<BlocklistModule>(api); }
};

} // namespace Canto::Modules
