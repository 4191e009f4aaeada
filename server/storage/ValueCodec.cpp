#include "server/storage/ValueCodec.h"

#include "server/storage/StoredXmlParser.h"
#include "server/xmpp/XmlElement.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

bool isInteger(const QMetaType& type)
{
    switch (type.id()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Long:
    case QMetaType::ULong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::UChar:
        return true;
    default:
        return false;
    }
}

bool isFloat(const QMetaType& type)
{
    return type.id() == QMetaType::Double || type.id() == QMetaType::Float;
}

// Checks that a value nested in a json table is representable in JSON (and readable by Prosody).
Result<void> checkJsonValue(const QVariant& value, int depth)
{
    if (depth > 100)
        return Result<void>::failure(u"bad-request"_s, u"value nested too deeply"_s);
    const QMetaType type = value.metaType();
    if (!value.isValid() || value.isNull() || type.id() == QMetaType::QString || type.id() == QMetaType::Bool ||
        isInteger(type))
        return {};
    if (isFloat(type)) {
        if (!std::isfinite(value.toDouble()))
            return Result<void>::failure(u"bad-request"_s, u"numbers must be finite"_s);
        return {};
    }
    if (type.id() == QMetaType::QStringList)
        return {};
    if (type.id() == QMetaType::QVariantMap) {
        const QVariantMap map = value.toMap();
        for (const QVariant& item : map)
            if (auto ok = checkJsonValue(item, depth + 1); !ok)
                return ok;
        return {};
    }
    if (type.id() == QMetaType::QVariantHash) {
        const QVariantHash hash = value.toHash();
        for (const QVariant& item : hash)
            if (auto ok = checkJsonValue(item, depth + 1); !ok)
                return ok;
        return {};
    }
    if (type.id() == QMetaType::QVariantList) {
        const QVariantList list = value.toList();
        for (const QVariant& item : list)
            if (auto ok = checkJsonValue(item, depth + 1); !ok)
                return ok;
        return {};
    }
    return Result<void>::failure(u"bad-request"_s,
                                 u"cannot store a value of type "_s + QString::fromLatin1(type.name()));
}

Result<QVariant> decodeNumber(const QString& text)
{
    // Lua's tonumber(): decimal integers, hexadecimal integers, and floats.
    const QString trimmed = text.trimmed();
    bool ok = false;
    const qint64 integer = trimmed.toLongLong(&ok, 10);
    if (ok)
        return QVariant(integer);
    if (trimmed.startsWith(u"0x"_s, Qt::CaseInsensitive) || trimmed.startsWith(u"-0x"_s, Qt::CaseInsensitive)) {
        const bool negative = trimmed.startsWith(u'-');
        const qint64 hex = trimmed.mid(negative ? 3 : 2).toLongLong(&ok, 16);
        if (ok)
            return QVariant(negative ? -hex : hex);
    }
    const double real = trimmed.toDouble(&ok);
    if (ok && std::isfinite(real))
        return QVariant(real);
    return Result<QVariant>::failure(u"internal-server-error"_s, u"invalid stored number: "_s + text);
}

} // namespace

QString ValueCodec::formatNumber(double value)
{
    // LUA_NUMBER_FMT
    return QString::asprintf("%.14g", value);
}

Result<EncodedValue> ValueCodec::encode(const QVariant& value)
{
    const QMetaType type = value.metaType();
    if (!value.isValid())
        return Result<EncodedValue>::failure(u"bad-request"_s, u"cannot store an empty value"_s);
    if (type == QMetaType::fromType<XmlElement>()) {
        const auto& element = *static_cast<const XmlElement*>(value.constData());
        if (element.isNull())
            return Result<EncodedValue>::failure(u"bad-request"_s, u"cannot store a null XML element"_s);
        return EncodedValue{u"xml"_s, element.toXml()};
    }
    if (type.id() == QMetaType::QString)
        return EncodedValue{u"string"_s, value.toString()};
    if (type.id() == QMetaType::Bool)
        return EncodedValue{u"boolean"_s, value.toBool() ? u"true"_s : u"false"_s};
    if (isInteger(type)) {
        if (type.id() == QMetaType::ULongLong || type.id() == QMetaType::ULong)
            return EncodedValue{u"number"_s, QString::number(value.toULongLong())};
        return EncodedValue{u"number"_s, QString::number(value.toLongLong())};
    }
    if (isFloat(type)) {
        const double number = value.toDouble();
        if (!std::isfinite(number))
            return Result<EncodedValue>::failure(u"bad-request"_s, u"numbers must be finite"_s);
        return EncodedValue{u"number"_s, formatNumber(number)};
    }
    if (type.id() == QMetaType::QVariantMap || type.id() == QMetaType::QVariantHash ||
        type.id() == QMetaType::QVariantList || type.id() == QMetaType::QStringList) {
        if (auto ok = checkJsonValue(value, 0); !ok)
            return ok.error();
        const QJsonValue json = QJsonValue::fromVariant(value);
        const QJsonDocument document = json.isArray() ? QJsonDocument(json.toArray()) : QJsonDocument(json.toObject());
        return EncodedValue{u"json"_s, QString::fromUtf8(document.toJson(QJsonDocument::Compact))};
    }
    return Result<EncodedValue>::failure(u"bad-request"_s,
                                         u"cannot store a value of type "_s + QString::fromLatin1(type.name()));
}

Result<QVariant> ValueCodec::decode(const QString& type, const QString& text)
{
    if (type == u"string")
        return QVariant(text);
    if (type == u"boolean") {
        if (text == u"true")
            return QVariant(true);
        if (text == u"false")
            return QVariant(false);
        return Result<QVariant>::failure(u"internal-server-error"_s, u"invalid stored boolean: "_s + text);
    }
    if (type == u"number")
        return decodeNumber(text);
    if (type == u"json") {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError)
            return Result<QVariant>::failure(u"internal-server-error"_s,
                                             u"invalid stored json: "_s + error.errorString());
        if (document.isArray())
            return QVariant(document.array().toVariantList());
        return QVariant(document.object().toVariantMap());
    }
    if (type == u"xml") {
        auto element = StoredXmlParser::parse(text);
        if (!element)
            return element.error();
        return QVariant::fromValue(std::move(element).value());
    }
    return Result<QVariant>::failure(u"internal-server-error"_s, u"unknown stored value type: "_s + type);
}

} // namespace Canto
