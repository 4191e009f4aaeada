#pragma once

#include "modules/version/VersionModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "version" module (metadata in version.json).
class VersionPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "version.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<VersionModule>(api); }
};

} // namespace Canto::Modules
