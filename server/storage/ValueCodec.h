#pragma once

#include "shared/Result.h"

#include <QString>
#include <QVariant>

namespace Canto {

/// A value in its stored form: the `type` and `value` columns of Prosody's SQL tables.
struct EncodedValue
{
    QString type; // "string", "boolean", "number", "json" or "xml"
    QString text;

    bool operator==(const EncodedValue&) const = default;
};

/// Converts values to and from Prosody's stored encodings (mod_storage_sql serialize/deserialize),
/// so a database is readable by both servers:
///   QString → string; bool → boolean ("true"/"false"); integers → number in decimal; double →
///   number formatted like Lua's tostring ("%.14g": 3.0 is written "3", and so reads back as an
///   integer); QVariantMap/QVariantHash/QVariantList/QStringList → json (compact); XmlElement →
///   xml (serialized element). Anything else, non-finite numbers and XmlElements nested inside
///   json are refused with "bad-request", because Prosody could not read them back either.
/// Decoding follows Prosody: numbers without a fraction or exponent become qint64, others double;
/// a malformed boolean/number/json/xml value is an "internal-server-error".
class ValueCodec
{
public:
    static Result<EncodedValue> encode(const QVariant& value);
    static Result<QVariant> decode(const QString& type, const QString& text);
    /// Lua's tostring() of a number.
    static QString formatNumber(double value);
};

} // namespace Canto
