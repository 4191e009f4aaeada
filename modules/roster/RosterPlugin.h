#pragma once

#include "modules/roster/RosterModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "roster" module (metadata in roster.json).
class RosterPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "roster.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<RosterModule>(api); }
};

} // namespace Canto::Modules
