#pragma once

#include "modules/external_services/ExternalServicesModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "external_services" module (metadata in external_services.json).
class ExternalServicesPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "external_services.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<ExternalServicesModule>(api); }
};

} // namespace Canto::Modules
