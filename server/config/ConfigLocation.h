#pragma once

#include <QString>

namespace Canto {

/// Where something was written in a config file: the file as it was named when loaded (or the
/// virtual name of a config loaded from a string), and a 1-based line and column. Columns count
/// characters, not bytes, so they match what an editor shows.
struct ConfigLocation
{
    QString file;
    int line = 0;
    int column = 0;

    bool isValid() const { return line > 0; }

    /// "file:line:column", or just the file when there is no line (e.g. a file that cannot be read).
    QString toString() const
    {
        if (!isValid())
            return file;
        return file + u':' + QString::number(line) + u':' + QString::number(column);
    }

    friend bool operator==(const ConfigLocation&, const ConfigLocation&) = default;
};

} // namespace Canto
