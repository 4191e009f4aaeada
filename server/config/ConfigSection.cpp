#include "server/config/ConfigSection.h"

#include <utility>

namespace Canto {

ConfigSection::ConfigSection(QString name, Kind kind, ConfigLocation location)
    : m_name(std::move(name)), m_kind(kind), m_location(std::move(location))
{}

void ConfigSection::set(const QString& option, const ConfigValue& value)
{
    if (!m_options.contains(option))
        m_order.append(option);
    m_options.insert(option, value);
}

bool ConfigSection::remove(const QString& option)
{
    if (!m_options.remove(option))
        return false;
    m_order.removeOne(option);
    return true;
}

} // namespace Canto
