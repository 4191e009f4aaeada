#pragma once

#include "modules/cron/CronModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "cron" module (metadata in cron.json).
class CronPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "cron.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<CronModule>(api); }
};

} // namespace Canto::Modules
