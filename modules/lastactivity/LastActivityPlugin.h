#pragma once

#include "modules/lastactivity/LastActivityModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "lastactivity" module (metadata in lastactivity.json).
class LastActivityPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "lastactivity.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<LastActivityModule>(api); }
};

} // namespace Canto::Modules
