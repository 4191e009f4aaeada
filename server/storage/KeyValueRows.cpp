#include "server/storage/KeyValueRows.h"

using namespace Qt::StringLiterals;

namespace Canto {

Result<QList<KeyValueRows::Row>> KeyValueRows::fromValue(const QVariant& value)
{
    QList<Row> rows;
    if (!value.isValid())
        return rows;
    QVariantMap map;
    if (value.metaType().id() == QMetaType::QVariantMap) {
        map = value.toMap();
    } else if (value.metaType().id() == QMetaType::QVariantHash) {
        const QVariantHash hash = value.toHash();
        for (auto it = hash.cbegin(); it != hash.cend(); ++it)
            map.insert(it.key(), it.value());
    } else {
        return Result<QList<Row>>::failure(u"bad-request"_s, u"a keyval store holds maps, not "_s +
                                                                 QString::fromLatin1(value.metaType().name()));
    }
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        // The key "" is Prosody's row for a table's non-string keys; only a json object fits it.
        if (it.key().isEmpty() && it.value().metaType().id() != QMetaType::QVariantMap)
            return Result<QList<Row>>::failure(u"bad-request"_s,
                                               u"the keyval key \"\" only holds a map (Prosody's non-string keys)"_s);
        if (!it.value().isValid())
            continue;
        auto encoded = ValueCodec::encode(it.value());
        if (!encoded)
            return Result<QList<Row>>::failure(encoded.error().condition,
                                               u"key \""_s + it.key() + u"\": "_s + encoded.error().text);
        rows.append({it.key(), std::move(encoded).value()});
    }
    return rows;
}

Result<QVariant> KeyValueRows::toValue(const QList<Row>& rows)
{
    if (rows.isEmpty())
        return QVariant();
    QVariantMap result;
    QVariant extra;
    for (const Row& row : rows) {
        auto decoded = ValueCodec::decode(row.second.type, row.second.text);
        if (!decoded)
            return decoded.error();
        if (row.first.isEmpty())
            extra = std::move(decoded).value();
        else
            result.insert(row.first, std::move(decoded).value());
    }
    if (extra.metaType().id() == QMetaType::QVariantMap) {
        const QVariantMap extraMap = extra.toMap();
        for (auto it = extraMap.cbegin(); it != extraMap.cend(); ++it)
            if (!result.contains(it.key()))
                result.insert(it.key(), it.value());
    } else if (extra.isValid()) {
        result.insert(QString(), extra);
    }
    return QVariant(result);
}

} // namespace Canto
