#pragma once

#include "server/storage/MapStore.h"
#include "server/storage/memory/MemoryData.h"

#include <memory>

namespace Canto {

/// A map store of the "memory" driver: the same rows as MemoryKeyValueStore (a keyval store of the
/// same name sees the map's keys), same semantics as SqlMapStore. Empty keys are "bad-request".
class MemoryMapStore final : public MapStore
{
public:
    MemoryMapStore(std::shared_ptr<MemoryData> data, QString host, QString store);

    QFuture<Result<QVariant>> get(const QString& user, const QString& key) override;
    QFuture<Result<void>> set(const QString& user, const QString& key, const QVariant& value) override;
    QFuture<Result<void>> setKeys(const QString& user, const QVariantMap& values) override;
    QFuture<Result<QHash<QString, QVariant>>> getAll(const QString& key) override;
    QFuture<Result<void>> deleteAll(const QString& key) override;

private:
    std::shared_ptr<MemoryData> m_data;
    QString m_host;
    QString m_store;
};

} // namespace Canto
