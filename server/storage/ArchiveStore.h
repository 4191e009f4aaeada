#pragma once

#include "server/storage/ArchiveQuery.h"
#include "shared/Result.h"

#include <QFuture>
#include <QString>
#include <QStringList>

namespace Canto {

/// An archive store (seed 000 "archive store methods", Prosody's archive API): an ordered list of
/// items per user (or per host when user is empty). Asynchronous like KeyValueStore.
class ArchiveStore
{
public:
    virtual ~ArchiveStore() = default;
    /// Appends an item; an empty key generates a unique id; an existing key is replaced.
    /// Returns the item's key. Fails with "quota-limit" past storage_archive_item_limit.
    virtual QFuture<Result<QString>> append(const QString& user, const QString& key, const QVariant& value, qint64 when,
                                            const QString& with) = 0;
    virtual QFuture<Result<ArchiveResult>> find(const QString& user, const ArchiveQuery& query) = 0;
    /// One item by key; "item-not-found" if absent.
    virtual QFuture<Result<ArchiveItem>> get(const QString& user, const QString& key) = 0;
    /// Deletes matching items (honours truncate); returns how many were deleted.
    virtual QFuture<Result<int>> deleteItems(const QString& user, const ArchiveQuery& query) = 0;
    virtual QFuture<Result<QStringList>> users() = 0;
};

} // namespace Canto
