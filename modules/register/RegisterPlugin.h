#pragma once

#include "modules/register/RegisterModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "register" module (metadata in register.json).
class RegisterPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "register.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<RegisterModule>(api); }
};

} // namespace Canto::Modules
