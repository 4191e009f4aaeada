#include "server/storage/memory/MemoryKeyValueStore.h"

#include "server/storage/KeyValueRows.h"

namespace Canto {

MemoryKeyValueStore::MemoryKeyValueStore(std::shared_ptr<MemoryData> data, QString host, QString store)
    : m_data(std::move(data)), m_host(std::move(host)), m_store(std::move(store))
{}

QFuture<Result<QVariant>> MemoryKeyValueStore::get(const QString& user)
{
    QList<KeyValueRows::Row> rows;
    if (const auto it = m_data->rows.find({m_host, m_store, user}); it != m_data->rows.end())
        for (const auto& [key, value] : it->second)
            rows.append({key, value});
    return QtFuture::makeReadyFuture(KeyValueRows::toValue(rows));
}

QFuture<Result<void>> MemoryKeyValueStore::set(const QString& user, const QVariant& value)
{
    auto rows = KeyValueRows::fromValue(value);
    if (!rows)
        return QtFuture::makeReadyFuture(Result<void>(rows.error()));
    const MemoryData::StoreKey storeKey{m_host, m_store, user};
    m_data->rows.erase(storeKey);
    if (!rows->isEmpty()) {
        auto& stored = m_data->rows[storeKey];
        for (const auto& [key, encoded] : *rows)
            stored[key] = encoded;
    }
    return QtFuture::makeReadyFuture(Result<void>());
}

QFuture<Result<QStringList>> MemoryKeyValueStore::users()
{
    QStringList result;
    for (const auto& [storeKey, rows] : m_data->rows)
        if (std::get<0>(storeKey) == m_host && std::get<1>(storeKey) == m_store && !rows.empty())
            result.append(std::get<2>(storeKey));
    return QtFuture::makeReadyFuture(Result<QStringList>(result));
}

} // namespace Canto
