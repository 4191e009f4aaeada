#pragma once

#include "server/storage/ValueCodec.h"

#include <QString>

#include <map>
#include <optional>
#include <tuple>
#include <vector>

namespace Canto {

/// The contents of the "memory" driver, shared by every memory store a StorageManager opens.
/// Values are kept in their encoded form (ValueCodec), exactly as the sql driver keeps them, so
/// both drivers accept, refuse and return the same values. Keyval and map stores share rows as
/// they share Prosody's `prosody` table. Only used from the thread that owns the manager.
struct MemoryData
{
    using StoreKey = std::tuple<QString, QString, QString>; // host, store, user

    struct ArchiveRow
    {
        qint64 sortId = 0;
        QString key;
        qint64 when = 0;
        QString with;
        EncodedValue value;
    };

    std::map<StoreKey, std::map<QString, EncodedValue>> rows;
    std::map<StoreKey, std::vector<ArchiveRow>> archives; // each in sortId order
    qint64 nextSortId = 1;
    std::optional<int> archiveItemLimit;
};

} // namespace Canto
