#pragma once

#include "server/config/ConfigProblem.h"
#include "server/config/ConfigSection.h"
#include "server/config/ConfigValue.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace Canto {

class ConfigParser;

/// A loaded configuration: the global section ("*") and one section per VirtualHost/Component,
/// in the order they were declared, plus every problem found while loading. Loading never
/// fails outright: a config with errors still holds what could be read, and problems() says
/// what is wrong (the server refuses to start on errors; `cantoctl check config` lists them).
/// get() looks in the host's section, then in the global one, as Prosody's configmanager does.
class Config
{
public:
    static constexpr QStringView Global = u"*";

    Config();
    /// Reads `path` and everything it includes.
    static Config fromFile(const QString& path);
    /// Parses `text`; `fileName` names it in messages and `baseDirectory` anchors Include paths.
    static Config fromString(const QString& text, const QString& fileName = QStringLiteral("canto.cfg.lua"),
                             const QString& baseDirectory = {});
    /// The config a fresh installation starts with (canto.cfg.lua.dist, built into the binary).
    static QString embeddedDefault();

    /// The value of `option` for `host`: the host's own setting, else the global one, else nil.
    ConfigValue get(const QString& host, const QString& option) const;
    /// The value of `option` in exactly that section ("*" for global), nil when not set there.
    ConfigValue rawGet(const QString& host, const QString& option) const;
    /// Sets an option in a section (created as a VirtualHost if unknown, like Prosody's set()).
    void set(const QString& host, const QString& option, const ConfigValue& value);

    /// Declared host names (VirtualHosts and Components), in declaration order, without "*".
    QStringList hosts() const;
    bool hasHost(const QString& host) const;
    /// The section of `host` ("*" for global), or nullptr.
    const ConfigSection* section(const QString& host) const;
    const ConfigSection& globalSection() const { return m_sections.first(); }

    /// Errors and warnings in the order found.
    const QList<ConfigProblem>& problems() const { return m_problems; }
    bool hasErrors() const;
    /// Every file read, the main one first.
    const QStringList& files() const { return m_files; }

private:
    QList<ConfigSection> m_sections;
    QHash<QString, qsizetype> m_index;
    QList<ConfigProblem> m_problems;
    QStringList m_files;

    void adopt(const ConfigParser& parser);
};

} // namespace Canto
