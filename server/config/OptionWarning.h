#pragma once

#include "server/config/ConfigLocation.h"

#include <QString>

namespace Canto {

/// A complaint of an option getter about a config value (out of range, wrong type, ambiguous
/// period, ...). The level follows Prosody: Error where Prosody logs "error", Warning where it
/// logs "warn". The value is still used as the getter documents.
struct OptionWarning
{
    enum class Level { Warning, Error };

    Level level = Level::Warning;
    QString option;
    QString host;
    /// Where the offending value was set; invalid when it came from a default.
    ConfigLocation location;
    QString message;

    /// "Config option 'x' on host example.org (canto.cfg.lua:12:5): <message>".
    QString toString() const
    {
        QString text = QStringLiteral("Config option '") + option + u'\'';
        if (!host.isEmpty())
            text += host == u"*" ? QStringLiteral(" (global)") : QString(QStringLiteral(" on host ") + host);
        if (location.isValid())
            text += QStringLiteral(" (set at ") + location.toString() + u')';
        return text + QStringLiteral(": ") + message;
    }
};

} // namespace Canto
