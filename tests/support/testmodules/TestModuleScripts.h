#pragma once

#include "shared/Result.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>

namespace Canto {

class Module;

/// What the test-only modules (ScriptedModule) do, set by the test before loading them. It is
/// reached through the server's SharedTables at path() (TestServer keeps it alive), so there is
/// no global state. Scripts are keyed by module name; the journal records every lifecycle call
/// as "load <module>@<host>", "unload ...", "save ...", "restore ... <state>".
struct TestModuleScripts
{
    static QString path() { return QStringLiteral("/test/module-scripts"); }

    QHash<QString, std::function<Result<void>(Module&)>> onLoad;
    QHash<QString, std::function<void(Module&)>> onUnload;
    QHash<QString, QVariant> saveState; // what save() returns, by module name
    QHash<QString, QVariant> restored;  // what restore() received, by module name
    QStringList journal;
};

} // namespace Canto
