#pragma once

#include "server/config/ConfigLocation.h"
#include "server/config/ConfigValue.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace Canto {

/// One section of the config: the global section ("*", everything before the first host
/// directive), a `VirtualHost "name"` or a `Component "name" ["module"]`. Options keep the order
/// in which they were first set. The section does not know about inheritance; Config::get()
/// falls back from a host section to the global one.
class ConfigSection
{
public:
    enum class Kind { Global, VirtualHost, Component };

    ConfigSection() = default;
    ConfigSection(QString name, Kind kind, ConfigLocation location = {});

    const QString& name() const { return m_name; }
    Kind kind() const { return m_kind; }
    bool isGlobal() const { return m_kind == Kind::Global; }
    /// The module providing a Component ("muc", "http_file_share"); "component" for an external
    /// (XEP-0114) component declared without a module, as in Prosody. Empty for other kinds.
    const QString& componentModule() const { return m_componentModule; }
    void setComponentModule(const QString& module) { m_componentModule = module; }
    /// Where the section was first declared (invalid for the global section).
    const ConfigLocation& location() const { return m_location; }

    /// Option names in the order they were first set.
    const QStringList& optionNames() const { return m_order; }
    bool contains(const QString& option) const { return m_options.contains(option); }
    /// The option's value, or nil when the section does not set it.
    ConfigValue value(const QString& option) const { return m_options.value(option); }
    /// Sets (or replaces) an option; a replaced option keeps its place in the order.
    void set(const QString& option, const ConfigValue& value);
    /// Removes an option; returns whether it was set.
    bool remove(const QString& option);

private:
    QString m_name;
    Kind m_kind = Kind::Global;
    QString m_componentModule;
    ConfigLocation m_location;
    QStringList m_order;
    QHash<QString, ConfigValue> m_options;
};

} // namespace Canto
