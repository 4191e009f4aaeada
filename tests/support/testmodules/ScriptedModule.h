#pragma once

#include "server/core/Module.h"

#include <memory>

namespace Canto {

struct TestModuleScripts;

/// The module behind every test-only plugin: records its lifecycle in TestModuleScripts and runs
/// the test's script for its name from load(). The plugin metadata key "test_behaviour" makes
/// load() fail ("fail": returns an error) or throw ("throw") before any script runs.
class ScriptedModule : public Module
{
    Q_OBJECT

public:
    explicit ScriptedModule(ModuleApi& api);

    Result<void> load() override;
    void unload() override;
    QVariant save() override;
    void restore(const QVariant& state) override;

private:
    QString label() const;

    std::shared_ptr<TestModuleScripts> m_scripts;
};

} // namespace Canto
