#pragma once

#include "server/storage/KeyValueStore.h"
#include "server/storage/memory/MemoryData.h"

#include <memory>

namespace Canto {

/// A keyval store of the "memory" driver (Prosody's mod_storage_memory): same semantics as the sql
/// driver (see KeyValueRows), data lost at exit. Futures are already finished when returned.
class MemoryKeyValueStore final : public KeyValueStore
{
public:
    MemoryKeyValueStore(std::shared_ptr<MemoryData> data, QString host, QString store);

    QFuture<Result<QVariant>> get(const QString& user) override;
    QFuture<Result<void>> set(const QString& user, const QVariant& value) override;
    QFuture<Result<QStringList>> users() override;

private:
    std::shared_ptr<MemoryData> m_data;
    QString m_host;
    QString m_store;
};

} // namespace Canto
