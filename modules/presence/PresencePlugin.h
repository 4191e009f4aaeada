#pragma once

#include "modules/presence/PresenceModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "presence" module (metadata in presence.json).
class PresencePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "presence.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<PresenceModule>(api); }
};

} // namespace Canto::Modules
