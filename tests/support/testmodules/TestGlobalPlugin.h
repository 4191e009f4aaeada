#pragma once

#include "server/core/Module.h"
#include "testmodules/ScriptedModule.h"

namespace Canto {

/// Test-only plugin "test_global": a scripted global module (host *).
class TestGlobalPlugin : public QObject, public ModuleFactory
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID CantoModuleFactory_iid FILE "test_global.json")
    Q_INTERFACES(Canto::ModuleFactory)

public:
    std::unique_ptr<Module> create(ModuleApi& api) override { return std::make_unique<ScriptedModule>(api); }
};

} // namespace Canto
