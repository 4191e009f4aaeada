#pragma once

#include "server/storage/ValueCodec.h"
#include "shared/Result.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <utility>

namespace Canto {

/// The row layout of a keyval store, shared by every driver so they behave alike. As in
/// Prosody's mod_storage_sql, a keyval value is a map stored as one row per key:
/// - set: the value must be a QVariantMap/QVariantHash (Prosody keeps only tables in keyval
///   stores); anything else is "bad-request". An invalid QVariant or an empty map deletes.
///   Entries whose value is an invalid QVariant are left out (Lua's nil). The key "" may only
///   hold a QVariantMap (else "bad-request"): Prosody reserves that row for a table's non-string
///   keys, written as util.json does, e.g. {"__hash": [false, {...}]} for a roster's metadata.
/// - get: no rows is "no data" (invalid QVariant). A row with key "" (written by Prosody for
///   non-string keys) is merged when it holds a json object: its entries are added to the map
///   unless a row of the same name exists; any other "" row (e.g. a json array) appears under
///   the key "".
class KeyValueRows
{
public:
    using Row = std::pair<QString, EncodedValue>;

    static Result<QList<Row>> fromValue(const QVariant& value);
    static Result<QVariant> toValue(const QList<Row>& rows);
};

} // namespace Canto
