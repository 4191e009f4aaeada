#pragma once

#include "shared/Result.h"

#include <QFuture>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace Canto {

/// A keyval store (seed 000 "keyval store methods"): one value, usually a QVariantMap (Prosody's
/// table), per user (or per host when user is empty). Asynchronous: every call returns a future
/// that finishes on the caller's thread's event loop via QFuture::then(context, ...).
///
/// Values: QString, bool, double/qint64, QVariantMap, QVariantList and XmlElement
/// (QVariant::fromValue) map to Prosody's string, boolean, number, json and xml types.
/// An invalid QVariant means "no data" (get) or "delete" (set).
class KeyValueStore
{
public:
    virtual ~KeyValueStore() = default;
    virtual QFuture<Result<QVariant>> get(const QString& user) = 0;
    virtual QFuture<Result<void>> set(const QString& user, const QVariant& value) = 0;
    virtual QFuture<Result<QStringList>> users() = 0;
};

} // namespace Canto
