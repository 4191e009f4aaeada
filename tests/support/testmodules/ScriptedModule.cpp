#include "testmodules/ScriptedModule.h"

#include "server/core/ModuleApi.h"
#include "testmodules/TestModuleScripts.h"

#include <stdexcept>

using namespace Qt::StringLiterals;

namespace Canto {

ScriptedModule::ScriptedModule(ModuleApi& api)
    : Module(api), m_scripts(api.shared<TestModuleScripts>(TestModuleScripts::path()))
{}

QString ScriptedModule::label() const
{
    return module().name() + u'@' + module().host();
}

Result<void> ScriptedModule::load()
{
    m_scripts->journal << u"load "_s + label();
    const QString behaviour = module().metadata().value(u"test_behaviour"_s).toString();
    if (behaviour == u"fail"_s) {
        return Result<void>::failure(u"internal-server-error"_s, u"scripted failure"_s);
    }
    if (behaviour == u"throw"_s) {
        throw std::runtime_error("scripted exception");
    }
    if (const auto script = m_scripts->onLoad.value(module().name())) {
        return script(*this);
    }
    return {};
}

void ScriptedModule::unload()
{
    m_scripts->journal << u"unload "_s + label();
    if (const auto script = m_scripts->onUnload.value(module().name())) {
        script(*this);
    }
}

QVariant ScriptedModule::save()
{
    m_scripts->journal << u"save "_s + label();
    return m_scripts->saveState.value(module().name());
}

void ScriptedModule::restore(const QVariant& state)
{
    m_scripts->journal << u"restore "_s + label() + u' ' + state.toString();
    m_scripts->restored.insert(module().name(), state);
}

} // namespace Canto
