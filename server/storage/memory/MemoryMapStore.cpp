#include "server/storage/memory/MemoryMapStore.h"

#include <optional>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

Result<void> emptyKeyError()
{
    return Result<void>::failure(u"bad-request"_s, u"map keys must not be empty"_s);
}

} // namespace

MemoryMapStore::MemoryMapStore(std::shared_ptr<MemoryData> data, QString host, QString store)
    : m_data(std::move(data)), m_host(std::move(host)), m_store(std::move(store))
{}

QFuture<Result<QVariant>> MemoryMapStore::get(const QString& user, const QString& key)
{
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(Result<QVariant>(emptyKeyError().error()));
    const auto rows = m_data->rows.find({m_host, m_store, user});
    if (rows == m_data->rows.end())
        return QtFuture::makeReadyFuture(Result<QVariant>(QVariant()));
    const auto row = rows->second.find(key);
    if (row == rows->second.end())
        return QtFuture::makeReadyFuture(Result<QVariant>(QVariant()));
    return QtFuture::makeReadyFuture(ValueCodec::decode(row->second.type, row->second.text));
}

QFuture<Result<void>> MemoryMapStore::set(const QString& user, const QString& key, const QVariant& value)
{
    return setKeys(user, QVariantMap{{key, value}});
}

QFuture<Result<void>> MemoryMapStore::setKeys(const QString& user, const QVariantMap& values)
{
    // Encode everything first so that a bad value changes nothing (the sql driver's transaction).
    std::map<QString, std::optional<EncodedValue>> changes;
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.key().isEmpty())
            return QtFuture::makeReadyFuture(emptyKeyError());
        if (!it.value().isValid()) {
            changes[it.key()] = std::nullopt;
            continue;
        }
        auto encoded = ValueCodec::encode(it.value());
        if (!encoded)
            return QtFuture::makeReadyFuture(Result<void>(encoded.error()));
        changes[it.key()] = std::move(encoded).value();
    }
    const MemoryData::StoreKey storeKey{m_host, m_store, user};
    auto& rows = m_data->rows[storeKey];
    for (auto& [key, change] : changes) {
        if (change)
            rows[key] = std::move(*change);
        else
            rows.erase(key);
    }
    if (rows.empty())
        m_data->rows.erase(storeKey);
    return QtFuture::makeReadyFuture(Result<void>());
}

QFuture<Result<QHash<QString, QVariant>>> MemoryMapStore::getAll(const QString& key)
{
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(Result<QHash<QString, QVariant>>(emptyKeyError().error()));
    QHash<QString, QVariant> result;
    for (const auto& [storeKey, rows] : m_data->rows) {
        if (std::get<0>(storeKey) != m_host || std::get<1>(storeKey) != m_store)
            continue;
        const auto row = rows.find(key);
        if (row == rows.end())
            continue;
        auto decoded = ValueCodec::decode(row->second.type, row->second.text);
        if (!decoded)
            return QtFuture::makeReadyFuture(Result<QHash<QString, QVariant>>(decoded.error()));
        result.insert(std::get<2>(storeKey), std::move(decoded).value());
    }
    return QtFuture::makeReadyFuture(Result<QHash<QString, QVariant>>(result));
}

QFuture<Result<void>> MemoryMapStore::deleteAll(const QString& key)
{
    if (key.isEmpty())
        return QtFuture::makeReadyFuture(emptyKeyError());
    for (auto it = m_data->rows.begin(); it != m_data->rows.end();) {
        if (std::get<0>(it->first) == m_host && std::get<1>(it->first) == m_store)
            it->second.erase(key);
        it = it->second.empty() ? m_data->rows.erase(it) : std::next(it);
    }
    return QtFuture::makeReadyFuture(Result<void>());
}

} // namespace Canto
