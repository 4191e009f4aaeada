#pragma once

#include "shared/Result.h"

#include <QDateTime>
#include <QSet>
#include <QString>
#include <QVariant>

#include <optional>

namespace Canto {

/// A query on an archive store, with the semantics of Prosody's archive:find() (seed 000 and
/// mod_storage_sql): start/end are inclusive bounds on `when`; with matches exactly; after/before
/// are exclusive positions relative to an item id (an unknown id is an "item-not-found" error);
/// ids restricts to a set of item ids; limit caps the result; reverse returns newest first; total
/// asks for the count of items matching start/end/with/key/ids before after/before/limit apply.
/// truncate is for delete() only: keep this many items (the newest, or the oldest with reverse).
struct ArchiveQuery
{
    std::optional<qint64> start; // unix seconds, inclusive
    std::optional<qint64> end;   // unix seconds, inclusive
    std::optional<QString> with;
    std::optional<QString> key;
    std::optional<QSet<QString>> ids;
    std::optional<QString> after;
    std::optional<QString> before;
    std::optional<int> limit;
    bool reverse = false;
    bool total = false;
    std::optional<int> truncate;
};

/// One archived item. `value` holds an XmlElement (stanzas; QVariant::fromValue) or a plain
/// string/number/boolean/map/list value.
struct ArchiveItem
{
    QString key;
    QVariant value;
    qint64 when = 0; // unix seconds
    QString with;
};

struct ArchiveResult
{
    QList<ArchiveItem> items;
    std::optional<int> total; // set when the query asked for it
};

/// Rejects queries no driver can answer the same way: negative limit or truncate.
inline Result<void> checkArchiveQuery(const ArchiveQuery& query)
{
    if (query.limit && *query.limit < 0)
        return Result<void>::failure(QStringLiteral("bad-request"), QStringLiteral("negative archive limit"));
    if (query.truncate && *query.truncate < 0)
        return Result<void>::failure(QStringLiteral("bad-request"), QStringLiteral("negative archive truncate"));
    return {};
}

} // namespace Canto
