#pragma once

#include "modules/time/TimeModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "time" module (metadata in time.json).
class TimePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "time.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<TimeModule>(api); }
};

} // namespace Canto::Modules
