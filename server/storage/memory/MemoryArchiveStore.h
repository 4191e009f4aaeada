#pragma once

#include "server/storage/ArchiveStore.h"
#include "server/storage/memory/MemoryData.h"

#include <memory>

namespace Canto {

/// An archive store of the "memory" driver, with the query semantics of SqlArchiveStore
/// (ArchiveQuery), including the storage_archive_item_limit quota.
class MemoryArchiveStore final : public ArchiveStore
{
public:
    MemoryArchiveStore(std::shared_ptr<MemoryData> data, QString host, QString store);

    QFuture<Result<QString>> append(const QString& user, const QString& key, const QVariant& value, qint64 when,
                                    const QString& with) override;
    QFuture<Result<ArchiveResult>> find(const QString& user, const ArchiveQuery& query) override;
    QFuture<Result<ArchiveItem>> get(const QString& user, const QString& key) override;
    QFuture<Result<int>> deleteItems(const QString& user, const ArchiveQuery& query) override;
    QFuture<Result<QStringList>> users() override;

private:
    /// Indexes (into the user's rows) of the items the query selects, in sortId order, after
    /// after/before; `total` receives the count before after/before.
    Result<QList<int>> select(const std::vector<MemoryData::ArchiveRow>& rows, const ArchiveQuery& query,
                              int* total) const;

    std::shared_ptr<MemoryData> m_data;
    QString m_host;
    QString m_store;
};

} // namespace Canto
