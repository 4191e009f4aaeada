#pragma once

#include <QDir>
#include <QString>

namespace Canto {

/// The server's well-known folders, as Prosody's `prosody.paths`: where the config file lives,
/// where data (databases, certificates, logs) goes, and where the server is installed. Option
/// getters resolve relative paths against one of them.
struct ConfigPaths
{
    QString config;
    QString data;
    QString source;

    /// The folder named by `parent` ("config", "data", "source"), or `parent` itself when it
    /// is none of these; an empty `parent` gives `fallback`.
    QString resolveParent(const QString& parent, const QString& fallback) const
    {
        if (parent.isEmpty())
            return fallback;
        if (parent == u"config")
            return config;
        if (parent == u"data")
            return data;
        if (parent == u"source")
            return source;
        return parent;
    }

    /// `path` itself when absolute, else `path` inside `directory`, cleaned.
    static QString resolve(const QString& directory, const QString& path)
    {
        if (QDir::isAbsolutePath(path) || directory.isEmpty())
            return QDir::cleanPath(path);
        return QDir::cleanPath(directory + QLatin1Char('/') + path);
    }
};

} // namespace Canto
