#include "server/config/OptionReader.h"

#include "server/config/PeriodParser.h"

#include <QRegularExpression>

#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

struct Number
{
    double value = 0;
    bool isInteger = false;
};

// Lua's tonumber(): numbers as they are, numeric strings converted, anything else nil.
std::optional<Number> toNumber(const ConfigValue& value)
{
    if (value.isNumber())
        return Number{value.toNumber(), value.isInteger()};
    if (!value.isString())
        return std::nullopt;
    const QString text = value.toString().trimmed();
    static const QRegularExpression hex(u"^[+-]?0[xX][0-9a-fA-F]+$"_s);
    static const QRegularExpression decimal(u"^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$"_s);
    if (hex.match(text).hasMatch()) {
        bool ok = false;
        const bool negative = text.startsWith(u'-');
        const qint64 magnitude = text.mid(text.indexOf(u'x', 0, Qt::CaseInsensitive) + 1).toLongLong(&ok, 16);
        if (ok)
            return Number{double(negative ? -magnitude : magnitude), true};
        return std::nullopt;
    }
    if (!decimal.match(text).hasMatch())
        return std::nullopt;
    bool ok = false;
    const qint64 integer = text.toLongLong(&ok);
    if (ok)
        return Number{double(integer), true};
    const double real = text.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return Number{real, false};
}

// Lua's tostring() for the scalar types a config can hold; nullopt for nil and tables.
std::optional<QString> toText(const ConfigValue& value)
{
    switch (value.type()) {
    case ConfigValue::Type::String:
        return value.toString();
    case ConfigValue::Type::Number:
    case ConfigValue::Type::Boolean:
        return value.toLua();
    case ConfigValue::Type::Nil:
    case ConfigValue::Type::Table:
        break;
    }
    return std::nullopt;
}

QString formatNumber(double value)
{
    if (std::isinf(value))
        return value > 0 ? u"infinity"_s : u"-infinity"_s;
    return QString::number(value, 'g', QLocale::FloatingPointShortest);
}

ConfigValue numberValue(std::optional<double> value)
{
    if (!value)
        return {};
    if (std::trunc(*value) == *value && std::abs(*value) < 9.0e15)
        return ConfigValue::fromInteger(qint64(*value));
    return ConfigValue::fromNumber(*value);
}

} // namespace

OptionReader::OptionReader(const Config& config, QString host, ConfigPaths paths, QString moduleDirectory,
                           WarningSink sink)
    : m_config(config), m_host(std::move(host)), m_paths(std::move(paths)),
      m_moduleDirectory(std::move(moduleDirectory)), m_sink(std::move(sink))
{}

void OptionReader::complain(OptionWarning::Level level, const QString& name, const ConfigValue& value,
                            const QString& message) const
{
    if (m_sink)
        m_sink(OptionWarning{level, name, m_host, value.location(), message});
}

ConfigValue OptionReader::option(const QString& name, const ConfigValue& fallback) const
{
    const ConfigValue value = m_config.get(m_host, name);
    return value.isNil() ? fallback : value;
}

ConfigValue OptionReader::optionScalar(const QString& name, const ConfigValue& fallback) const
{
    const ConfigValue value = option(name, fallback);
    if (!value.isTable())
        return value;
    if (value.array().size() > 1)
        complain(OptionWarning::Level::Error, name, value, u"does not take a list, using just the first item"_s);
    return value.array().isEmpty() ? ConfigValue() : value.array().first();
}

std::optional<QString> OptionReader::optionString(const QString& name, std::optional<QString> fallback) const
{
    const ConfigValue value = optionScalar(name, fallback ? ConfigValue::fromString(*fallback) : ConfigValue());
    if (value.isNil())
        return std::nullopt;
    const std::optional<QString> text = toText(value);
    if (!text)
        complain(OptionWarning::Level::Error, name, value, u"expected a string, not a " + value.typeName());
    return text;
}

std::optional<std::pair<double, bool>> OptionReader::readNumber(const QString& name, std::optional<double> fallback,
                                                                std::optional<double> min,
                                                                std::optional<double> max) const
{
    const ConfigValue value = optionScalar(name, numberValue(fallback));
    if (value.isNil())
        return std::nullopt;
    const std::optional<Number> number = toNumber(value);
    if (!number) {
        complain(OptionWarning::Level::Error, name, value, u"not understood, expecting a number"_s);
        return std::nullopt;
    }
    double result = number->value;
    // As Prosody: the default is trusted, so a value equal to it skips the range check.
    if (fallback && result == *fallback)
        return std::pair(result, number->isInteger);
    if (min && result < *min) {
        complain(OptionWarning::Level::Warning, name, value,
                 u"out of bounds: " + formatNumber(result) + u" is less than the minimum " + formatNumber(*min) +
                     u", using " + formatNumber(*min));
        return std::pair(*min, std::trunc(*min) == *min);
    }
    if (max && result > *max) {
        complain(OptionWarning::Level::Warning, name, value,
                 u"out of bounds: " + formatNumber(result) + u" is more than the maximum " + formatNumber(*max) +
                     u", using " + formatNumber(*max));
        return std::pair(*max, std::trunc(*max) == *max);
    }
    return std::pair(result, number->isInteger);
}

std::optional<double> OptionReader::optionNumber(const QString& name, std::optional<double> fallback,
                                                 std::optional<double> min, std::optional<double> max) const
{
    const std::optional<std::pair<double, bool>> number = readNumber(name, fallback, min, max);
    return number ? std::optional<double>(number->first) : std::nullopt;
}

std::optional<qint64> OptionReader::optionInteger(const QString& name, std::optional<qint64> fallback,
                                                  std::optional<qint64> min, std::optional<qint64> max) const
{
    constexpr qint64 Lowest = std::numeric_limits<qint64>::min();
    constexpr qint64 Highest = std::numeric_limits<qint64>::max();
    const std::optional<std::pair<double, bool>> number =
        readNumber(name, fallback ? std::optional<double>(double(*fallback)) : std::nullopt,
                   double(min.value_or(Lowest)), double(max.value_or(Highest)));
    if (!number)
        return std::nullopt;
    double result = number->first;
    // As Prosody (math.type): a float warns even when it has no fraction ("5.0").
    if (!number->second) {
        complain(OptionWarning::Level::Warning, name, optionScalar(name), u"expected an integer, not a float"_s);
        result = std::floor(result);
    }
    // double(Highest) rounds up to 2^63, which no longer fits.
    if (result >= 9223372036854775807.0)
        return Highest;
    if (result <= double(Lowest))
        return Lowest;
    return qint64(result);
}

std::optional<double> OptionReader::toPeriod(const QString& name, const ConfigValue& value, bool warn) const
{
    if ((value.isBool() && !value.toBool()) || (value.isString() && value.toString() == u"never"))
        return std::numeric_limits<double>::infinity();
    if (value.isNumber())
        return value.toNumber();
    if (value.isString()) {
        if (const std::optional<double> seconds = PeriodParser::parse(value.toString()))
            return seconds;
        if (const std::optional<double> seconds = PeriodParser::parseLax(value.toString())) {
            // COMPAT: Prosody still accepts the ambiguous form, with an error in the log.
            if (warn)
                complain(OptionWarning::Level::Error, name, value,
                         u"uses ambiguous period '" + value.toString() +
                             u"', use full syntax (e.g. \"3 months\" or \"3 minutes\")");
            return seconds;
        }
        if (warn)
            complain(OptionWarning::Level::Error, name, value,
                     u"not understood, expecting a period (e.g. \"2 days\", \"1 week\", \"30 minutes\")"_s);
        return std::nullopt;
    }
    if (warn)
        complain(OptionWarning::Level::Error, name, value, u"expected a period, got a " + value.typeName());
    return std::nullopt;
}

std::optional<double> OptionReader::optionPeriod(const QString& name, std::optional<Period> fallback,
                                                 std::optional<Period> min, std::optional<Period> max) const
{
    const bool isSet = !option(name).isNil();
    const ConfigValue value = optionScalar(name, fallback ? fallback->value() : ConfigValue());
    if (value.isNil())
        return std::nullopt;
    std::optional<double> result = toPeriod(name, value, true);
    if (!result)
        return std::nullopt;
    if (*result < 0) {
        complain(OptionWarning::Level::Warning, name, value, u"Treating negative period as infinity"_s);
        result = std::numeric_limits<double>::infinity();
    }
    if (!isSet)
        return result;
    const std::optional<double> lower = min ? toPeriod(name, min->value(), false) : std::nullopt;
    const std::optional<double> upper = max ? toPeriod(name, max->value(), false) : std::nullopt;
    if (lower && *result < *lower) {
        complain(OptionWarning::Level::Warning, name, value,
                 u"out of bounds: " + formatNumber(*result) + u" seconds is less than the minimum " +
                     formatNumber(*lower) + u" seconds, using the minimum");
        result = lower;
    } else if (upper && *result > *upper) {
        complain(OptionWarning::Level::Warning, name, value,
                 u"out of bounds: " + formatNumber(*result) + u" seconds is more than the maximum " +
                     formatNumber(*upper) + u" seconds, using the maximum");
        result = upper;
    }
    return result;
}

std::optional<bool> OptionReader::optionBoolean(const QString& name, std::optional<bool> fallback) const
{
    const ConfigValue value = optionScalar(name, fallback ? ConfigValue::fromBool(*fallback) : ConfigValue());
    if (value.isNil())
        return std::nullopt;
    if (value.isBool())
        return value.toBool();
    if ((value.isString() && value.toString() == u"true") || (value.isNumber() && value.toNumber() == 1))
        return true;
    if ((value.isString() && value.toString() == u"false") || (value.isNumber() && value.toNumber() == 0))
        return false;
    complain(OptionWarning::Level::Warning, name, value, u"not understood, expecting true/false"_s);
    return std::nullopt;
}

std::optional<QStringList> OptionReader::optionArray(const QString& name, std::optional<QStringList> fallback) const
{
    const ConfigValue value = option(name, fallback ? ConfigValue::fromStringList(*fallback) : ConfigValue());
    if (value.isNil())
        return std::nullopt;
    if (!value.isTable())
        return QStringList{*toText(value)};
    QStringList items;
    for (const ConfigValue& item : value.array()) {
        if (const std::optional<QString> text = toText(item))
            items.append(*text);
        else
            complain(OptionWarning::Level::Error, name, item, u"list items must be plain values, skipping a table"_s);
    }
    return items;
}

std::optional<QSet<QString>> OptionReader::optionSet(const QString& name, std::optional<QStringList> fallback) const
{
    const std::optional<QStringList> items = optionArray(name, std::move(fallback));
    if (!items)
        return std::nullopt;
    return QSet<QString>(items->cbegin(), items->cend());
}

std::optional<QSet<QString>> OptionReader::optionInheritedSet(const QString& name,
                                                              std::optional<QStringList> fallback) const
{
    std::optional<QSet<QString>> own = optionSet(name, fallback);
    const OptionReader global(m_config, Config::Global.toString(), m_paths, m_moduleDirectory, m_sink);
    const std::optional<QSet<QString>> inherited = global.optionSet(name, fallback);
    if (!own)
        return inherited;
    if (inherited)
        own->unite(*inherited);
    return own;
}

std::optional<QString> OptionReader::optionPath(const QString& name, std::optional<QString> fallback,
                                                const QString& parent) const
{
    const std::optional<QString> value = optionString(name, std::move(fallback));
    if (!value)
        return std::nullopt;
    return ConfigPaths::resolve(m_paths.resolveParent(parent, m_moduleDirectory), *value);
}

std::optional<QString> OptionReader::optionEnum(const QString& name, const QString& fallback,
                                                const QStringList& alternatives) const
{
    const ConfigValue value = optionScalar(name, ConfigValue::fromString(fallback));
    const std::optional<QString> text = toText(value);
    if (!text)
        return std::nullopt;
    const QStringList allowed = QStringList{fallback} + alternatives;
    if (!allowed.contains(*text))
        complain(OptionWarning::Level::Warning, name, value,
                 u"not in set of allowed values (one of: " + allowed.join(u", "_s) + u")");
    return text;
}

} // namespace Canto
