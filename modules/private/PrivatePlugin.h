#pragma once

#include "modules/private/PrivateModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "private" module (metadata in private.json).
class PrivatePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "private.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<PrivateModule>(api); }
};

} // namespace Canto::Modules
