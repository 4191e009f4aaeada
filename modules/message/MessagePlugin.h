#pragma once

#include "modules/message/MessageModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "message" module (metadata in message.json).
class MessagePlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "message.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<MessageModule>(api); }
};

} // namespace Canto::Modules
