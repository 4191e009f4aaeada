#pragma once

#include "server/config/ConfigLocation.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>
#include <utility>

namespace Canto {

/// A value from the config file, typed as Lua types it: nil, boolean, number, string, or table.
/// A number remembers whether it was written as an integer ("5" vs "5.0"), because option getters
/// warn about floats where an integer is expected. A table has an array part (positional items,
/// in order) and a map part (string keys, in the order written). Every value remembers where it
/// was written, so warnings about it can name the file, line and column.
/// Values are immutable and cheap to copy (tables are shared).
class ConfigValue
{
public:
    enum class Type { Nil, Boolean, Number, String, Table };
    struct Table;
    using MapEntry = std::pair<QString, ConfigValue>;

    ConfigValue() = default;
    static ConfigValue fromBool(bool value, ConfigLocation location = {});
    static ConfigValue fromNumber(double value, ConfigLocation location = {});
    static ConfigValue fromInteger(qint64 value, ConfigLocation location = {});
    static ConfigValue fromString(const QString& value, ConfigLocation location = {});
    static ConfigValue fromTable(QList<ConfigValue> array, QList<MapEntry> map = {}, ConfigLocation location = {});
    /// A table holding only an array part of strings (e.g. modules_enabled).
    static ConfigValue fromStringList(const QStringList& items, ConfigLocation location = {});

    Type type() const { return m_type; }
    QString typeName() const;
    bool isNil() const { return m_type == Type::Nil; }
    bool isBool() const { return m_type == Type::Boolean; }
    bool isNumber() const { return m_type == Type::Number; }
    /// A number written without fraction or exponent (Lua's integer subtype).
    bool isInteger() const { return m_type == Type::Number && m_isInteger; }
    bool isString() const { return m_type == Type::String; }
    bool isTable() const { return m_type == Type::Table; }

    bool toBool() const { return m_type == Type::Boolean && m_bool; }
    double toNumber() const { return m_type == Type::Number ? m_number : 0.0; }
    QString toString() const { return m_type == Type::String ? m_string : QString(); }

    /// The positional items of a table (empty for other types).
    const QList<ConfigValue>& array() const;
    /// The keyed items of a table in the order written (empty for other types).
    const QList<MapEntry>& map() const;
    /// The value stored under `key` in the map part, or nil.
    ConfigValue value(const QString& key) const;

    const ConfigLocation& location() const { return m_location; }
    void setLocation(const ConfigLocation& location) { m_location = location; }

    /// The value written back in the config dialect ("text", 5, 1.5, true, { "a", key = 1 }).
    QString toLua() const;
    /// The value as a QVariant for JSON (admin protocol): a table with only an array part is a
    /// QVariantList, otherwise a QVariantMap (array items under keys "1", "2", ...).
    QVariant toVariant() const;

    /// Compares type and content, ignoring locations.
    friend bool operator==(const ConfigValue& a, const ConfigValue& b);

private:
    Type m_type = Type::Nil;
    bool m_bool = false;
    bool m_isInteger = false;
    double m_number = 0.0;
    QString m_string;
    std::shared_ptr<const Table> m_table;
    ConfigLocation m_location;
};

struct ConfigValue::Table
{
    QList<ConfigValue> array;
    QList<MapEntry> map;
};

} // namespace Canto
