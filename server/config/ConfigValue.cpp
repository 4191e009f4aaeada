#include "server/config/ConfigValue.h"

#include <QLocale>
#include <QVariantList>
#include <QVariantMap>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

const ConfigValue::Table& emptyTable()
{
    static const ConfigValue::Table table;
    return table;
}

QString quoteLua(const QString& text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'"';
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'"':
            out += u"\\\""_s;
            break;
        case u'\\':
            out += u"\\\\"_s;
            break;
        case u'\n':
            out += u"\\n"_s;
            break;
        case u'\r':
            out += u"\\r"_s;
            break;
        case u'\t':
            out += u"\\t"_s;
            break;
        default:
            if (c.unicode() < 0x20)
                out += u"\\" + QString::number(c.unicode());
            else
                out += c;
        }
    }
    out += u'"';
    return out;
}

bool isLuaName(const QString& key)
{
    static const QStringList keywords = {u"and"_s,   u"break"_s, u"do"_s,       u"else"_s, u"elseif"_s, u"end"_s,
                                         u"false"_s, u"for"_s,   u"function"_s, u"goto"_s, u"if"_s,     u"in"_s,
                                         u"local"_s, u"nil"_s,   u"not"_s,      u"or"_s,   u"repeat"_s, u"return"_s,
                                         u"then"_s,  u"true"_s,  u"until"_s,    u"while"_s};
    if (key.isEmpty() || key.front().isDigit() || keywords.contains(key))
        return false;
    for (const QChar c : key) {
        if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'_')
            return false;
    }
    return true;
}

QString formatNumber(double value, bool isInteger)
{
    if (std::isinf(value))
        return value > 0 ? u"math.huge"_s : u"-math.huge"_s;
    if (isInteger)
        return QString::number(static_cast<qint64>(value));
    QString text = QString::number(value, 'g', QLocale::FloatingPointShortest);
    // Keep the float-ness visible so the value reads back as a float.
    if (!text.contains(u'.') && !text.contains(u'e') && !text.contains(u'n'))
        text += u".0"_s;
    return text;
}

} // namespace

ConfigValue ConfigValue::fromBool(bool value, ConfigLocation location)
{
    ConfigValue v;
    v.m_type = Type::Boolean;
    v.m_bool = value;
    v.m_location = std::move(location);
    return v;
}

ConfigValue ConfigValue::fromNumber(double value, ConfigLocation location)
{
    ConfigValue v;
    v.m_type = Type::Number;
    v.m_number = value;
    v.m_location = std::move(location);
    return v;
}

ConfigValue ConfigValue::fromInteger(qint64 value, ConfigLocation location)
{
    ConfigValue v = fromNumber(static_cast<double>(value), std::move(location));
    v.m_isInteger = true;
    return v;
}

ConfigValue ConfigValue::fromString(const QString& value, ConfigLocation location)
{
    ConfigValue v;
    v.m_type = Type::String;
    v.m_string = value;
    v.m_location = std::move(location);
    return v;
}

ConfigValue ConfigValue::fromTable(QList<ConfigValue> array, QList<MapEntry> map, ConfigLocation location)
{
    ConfigValue v;
    v.m_type = Type::Table;
    v.m_table = std::make_shared<const Table>(Table{std::move(array), std::move(map)});
    v.m_location = std::move(location);
    return v;
}

ConfigValue ConfigValue::fromStringList(const QStringList& items, ConfigLocation location)
{
    QList<ConfigValue> array;
    array.reserve(items.size());
    for (const QString& item : items)
        array.append(fromString(item, location));
    return fromTable(std::move(array), {}, std::move(location));
}

QString ConfigValue::typeName() const
{
    switch (m_type) {
    case Type::Nil:
        return u"nil"_s;
    case Type::Boolean:
        return u"boolean"_s;
    case Type::Number:
        return u"number"_s;
    case Type::String:
        return u"string"_s;
    case Type::Table:
        return u"table"_s;
    }
    return {};
}

const QList<ConfigValue>& ConfigValue::array() const
{
    return m_table ? m_table->array : emptyTable().array;
}

const QList<ConfigValue::MapEntry>& ConfigValue::map() const
{
    return m_table ? m_table->map : emptyTable().map;
}

ConfigValue ConfigValue::value(const QString& key) const
{
    for (const MapEntry& entry : map()) {
        if (entry.first == key)
            return entry.second;
    }
    return {};
}

QString ConfigValue::toLua() const
{
    switch (m_type) {
    case Type::Nil:
        return u"nil"_s;
    case Type::Boolean:
        return m_bool ? u"true"_s : u"false"_s;
    case Type::Number:
        return formatNumber(m_number, m_isInteger);
    case Type::String:
        return quoteLua(m_string);
    case Type::Table:
        break;
    }
    QStringList items;
    for (const ConfigValue& item : array())
        items.append(item.toLua());
    for (const MapEntry& entry : map()) {
        const QString key = isLuaName(entry.first) ? entry.first : u'[' + quoteLua(entry.first) + u']';
        items.append(key + u" = " + entry.second.toLua());
    }
    if (items.isEmpty())
        return u"{ }"_s;
    return u"{ " + items.join(u", "_s) + u" }";
}

QVariant ConfigValue::toVariant() const
{
    switch (m_type) {
    case Type::Nil:
        return {};
    case Type::Boolean:
        return m_bool;
    case Type::Number:
        if (m_isInteger)
            return static_cast<qint64>(m_number);
        return m_number;
    case Type::String:
        return m_string;
    case Type::Table:
        break;
    }
    if (map().isEmpty()) {
        QVariantList list;
        for (const ConfigValue& item : array())
            list.append(item.toVariant());
        return list;
    }
    QVariantMap result;
    for (qsizetype i = 0; i < array().size(); ++i)
        result.insert(QString::number(i + 1), array().at(i).toVariant());
    for (const MapEntry& entry : map())
        result.insert(entry.first, entry.second.toVariant());
    return result;
}

bool operator==(const ConfigValue& a, const ConfigValue& b)
{
    if (a.m_type != b.m_type)
        return false;
    switch (a.m_type) {
    case ConfigValue::Type::Nil:
        return true;
    case ConfigValue::Type::Boolean:
        return a.m_bool == b.m_bool;
    case ConfigValue::Type::Number:
        return a.m_number == b.m_number && a.m_isInteger == b.m_isInteger;
    case ConfigValue::Type::String:
        return a.m_string == b.m_string;
    case ConfigValue::Type::Table:
        return a.array() == b.array() && a.map() == b.map();
    }
    return false;
}

} // namespace Canto
