#pragma once

#include "modules/vcard/VcardModule.h"
#include "server/core/Module.h"

namespace Canto::Modules {

/// Plugin entry point of the "vcard" module (metadata in vcard.json).
class VcardPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "vcard.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<VcardModule>(api); }
};

} // namespace Canto::Modules
