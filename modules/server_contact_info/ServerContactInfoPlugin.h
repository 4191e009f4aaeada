#pragma once

#include "modules/server_contact_info/ServerContactInfoModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "server_contact_info" module (metadata in server_contact_info.json).
class ServerContactInfoPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "server_contact_info.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<ServerContactInfoModule>(api); }
};

} // namespace Canto::Modules
