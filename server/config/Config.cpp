#include "server/config/Config.h"

#include "server/config/ConfigParser.h"

#include <QDir>
#include <QFile>

using namespace Qt::StringLiterals;

namespace Canto {

Config::Config()
{
    m_sections.append(ConfigSection(Global.toString(), ConfigSection::Kind::Global));
    m_index.insert(Global.toString(), 0);
}

Config Config::fromFile(const QString& path)
{
    ConfigParser parser;
    parser.parseFile(path);
    Config config;
    config.adopt(parser);
    return config;
}

Config Config::fromString(const QString& text, const QString& fileName, const QString& baseDirectory)
{
    ConfigParser parser;
    parser.parseText(text.toUtf8(), fileName, baseDirectory.isEmpty() ? QDir::currentPath() : baseDirectory);
    Config config;
    config.adopt(parser);
    return config;
}

QString Config::embeddedDefault()
{
    // The default config lives in one file (canto.cfg.lua.dist) so the modules it enables and
    // its comments are edited in one place; installers ship the same file.
    QFile file(u":/canto/config/canto.cfg.lua.dist"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

void Config::adopt(const ConfigParser& parser)
{
    m_sections = parser.sections();
    m_index.clear();
    for (qsizetype i = 0; i < m_sections.size(); ++i)
        m_index.insert(m_sections.at(i).name(), i);
    m_problems = parser.problems();
    m_files = parser.files();
}

ConfigValue Config::get(const QString& host, const QString& option) const
{
    if (const ConfigSection* own = section(host); own && own->contains(option))
        return own->value(option);
    return globalSection().value(option);
}

ConfigValue Config::rawGet(const QString& host, const QString& option) const
{
    const ConfigSection* own = section(host);
    return own ? own->value(option) : ConfigValue();
}

void Config::set(const QString& host, const QString& option, const ConfigValue& value)
{
    if (!m_index.contains(host)) {
        m_index.insert(host, m_sections.size());
        m_sections.append(ConfigSection(host, ConfigSection::Kind::VirtualHost));
    }
    ConfigSection& target = m_sections[m_index.value(host)];
    if (value.isNil())
        target.remove(option);
    else
        target.set(option, value);
}

QStringList Config::hosts() const
{
    QStringList names;
    for (const ConfigSection& s : m_sections) {
        if (!s.isGlobal())
            names.append(s.name());
    }
    return names;
}

bool Config::hasHost(const QString& host) const
{
    return host != Global && m_index.contains(host);
}

const ConfigSection* Config::section(const QString& host) const
{
    const auto it = m_index.constFind(host);
    return it == m_index.constEnd() ? nullptr : &m_sections.at(*it);
}

bool Config::hasErrors() const
{
    for (const ConfigProblem& problem : m_problems) {
        if (problem.isError())
            return true;
    }
    return false;
}

} // namespace Canto
