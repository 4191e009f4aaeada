#pragma once

#include "server/config/Config.h"
#include "server/config/ConfigPaths.h"
#include "server/config/ConfigValue.h"
#include "server/config/OptionWarning.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace Canto {

/// The typed option getters of ModuleApi (Prosody's module:get_option_*), with Prosody's exact
/// conversion, range and warning rules. Options are read for one host, falling back to the
/// global section. Complaints go to the sink given at construction (ModuleApi routes them to
/// the module's log), each naming the option, the host and where the value was set. Where
/// Prosody returns nil the getters return std::nullopt.
class OptionReader
{
public:
    using WarningSink = std::function<void(const OptionWarning&)>;

    /// A period default or bound: seconds, or a period string such as "1 day".
    class Period
    {
    public:
        Period(double seconds) : m_value(ConfigValue::fromNumber(seconds)) {}
        Period(int seconds) : m_value(ConfigValue::fromInteger(seconds)) {}
        Period(const QString& text) : m_value(ConfigValue::fromString(text)) {}
        Period(const char16_t* text) : m_value(ConfigValue::fromString(QString::fromUtf16(text))) {}
        Period(bool never) : m_value(ConfigValue::fromBool(never)) {}
        const ConfigValue& value() const { return m_value; }

    private:
        ConfigValue m_value;
    };

    /// `moduleDirectory` is the parent of relative paths when optionPath() gets no parent.
    OptionReader(const Config& config, QString host, ConfigPaths paths = {}, QString moduleDirectory = {},
                 WarningSink sink = {});

    const QString& host() const { return m_host; }

    /// get_option: the raw value, or `fallback` when unset.
    ConfigValue option(const QString& name, const ConfigValue& fallback = {}) const;
    /// get_option_scalar: a list gives its first item (an error when it has more than one).
    ConfigValue optionScalar(const QString& name, const ConfigValue& fallback = {}) const;
    /// get_option_string: the scalar as text (numbers and booleans converted), nil stays nil.
    std::optional<QString> optionString(const QString& name, std::optional<QString> fallback = {}) const;
    /// get_option_number: a number or numeric string; not a number → error and nullopt; out of
    /// [min, max] → warning and the bound. A value equal to the default is not range-checked.
    std::optional<double> optionNumber(const QString& name, std::optional<double> fallback = {},
                                       std::optional<double> min = {}, std::optional<double> max = {}) const;
    /// get_option_integer: optionNumber within the 64-bit range; a float (even "5.0") → warning
    /// and floor.
    std::optional<qint64> optionInteger(const QString& name, std::optional<qint64> fallback = {},
                                        std::optional<qint64> min = {}, std::optional<qint64> max = {}) const;
    /// get_option_period: seconds; "never"/false → infinity; a negative period → infinity with a
    /// warning; ambiguous strings ("3m") → error but the lax value is returned; unparseable →
    /// error and nullopt. `min`/`max` clamp with a warning.
    std::optional<double> optionPeriod(const QString& name, std::optional<Period> fallback = {},
                                       std::optional<Period> min = {}, std::optional<Period> max = {}) const;
    /// get_option_boolean: true/"true"/1 and false/"false"/0; anything else → warning, nullopt.
    std::optional<bool> optionBoolean(const QString& name, std::optional<bool> fallback = {}) const;
    /// get_option_array: a list as strings (a scalar becomes a one-item list); nullopt if unset.
    std::optional<QStringList> optionArray(const QString& name, std::optional<QStringList> fallback = {}) const;
    /// get_option_set: the array as a set.
    std::optional<QSet<QString>> optionSet(const QString& name, std::optional<QStringList> fallback = {}) const;
    /// get_option_inherited_set: union of this host's and the global set.
    std::optional<QSet<QString>> optionInheritedSet(const QString& name,
                                                    std::optional<QStringList> fallback = {}) const;
    /// get_option_path: a relative path resolved against `parent` ("config", "data", "source",
    /// a folder, or empty for the module's directory).
    std::optional<QString> optionPath(const QString& name, std::optional<QString> fallback = {},
                                      const QString& parent = {}) const;
    /// get_option_enum: allowed values are `fallback` and `alternatives`; another value warns
    /// but is still returned.
    std::optional<QString> optionEnum(const QString& name, const QString& fallback,
                                      const QStringList& alternatives) const;

private:
    void complain(OptionWarning::Level level, const QString& name, const ConfigValue& value,
                  const QString& message) const;
    /// The number and whether it is an integer (Lua's math.type).
    std::optional<std::pair<double, bool>> readNumber(const QString& name, std::optional<double> fallback,
                                                      std::optional<double> min, std::optional<double> max) const;
    std::optional<double> toPeriod(const QString& name, const ConfigValue& value, bool warn) const;

    const Config& m_config;
    QString m_host;
    ConfigPaths m_paths;
    QString m_moduleDirectory;
    WarningSink m_sink;
};

} // namespace Canto
