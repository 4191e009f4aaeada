#pragma once

#include "shared/Result.h"

#include <QFuture>
#include <QHash>
#include <QString>
#include <QVariant>
#include <QVariantMap>

namespace Canto {

/// A map store (seed 000 "map store methods"): two-level keys user → key → value. Value types as
/// in KeyValueStore; an invalid QVariant deletes. Asynchronous like KeyValueStore.
class MapStore
{
public:
    virtual ~MapStore() = default;
    virtual QFuture<Result<QVariant>> get(const QString& user, const QString& key) = 0;
    virtual QFuture<Result<void>> set(const QString& user, const QString& key, const QVariant& value) = 0;
    /// Sets several keys at once (atomically for SQL); invalid values delete their key.
    virtual QFuture<Result<void>> setKeys(const QString& user, const QVariantMap& values) = 0;
    /// The value of `key` for every user that has one.
    virtual QFuture<Result<QHash<QString, QVariant>>> getAll(const QString& key) = 0;
    virtual QFuture<Result<void>> deleteAll(const QString& key) = 0;
};

} // namespace Canto
