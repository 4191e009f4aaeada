#pragma once

#include "server/config/ConfigLocation.h"

#include <QString>

namespace Canto {

/// One problem found while loading a config: an error (the config must not be used as it is) or
/// a warning (it works, but probably not as the admin meant). `cantoctl check config` prints
/// every problem; the server refuses to start or reload on errors.
struct ConfigProblem
{
    enum class Severity { Warning, Error };

    Severity severity = Severity::Error;
    ConfigLocation location;
    QString message;

    bool isError() const { return severity == Severity::Error; }

    /// "file:line:column: message" for errors, "file:line:column: warning: message" for warnings.
    QString toString() const
    {
        const QString prefix = location.toString();
        const QString text = isError() ? message : QStringLiteral("warning: ") + message;
        return prefix.isEmpty() ? text : prefix + QStringLiteral(": ") + text;
    }
};

} // namespace Canto
