#include "server/storage/memory/MemoryArchiveStore.h"

#include "server/storage/ArchiveIdGenerator.h"

#include <algorithm>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

bool matches(const MemoryData::ArchiveRow& row, const ArchiveQuery& query)
{
    if (query.start && row.when < *query.start)
        return false;
    if (query.end && row.when > *query.end)
        return false;
    if (query.with && row.with != *query.with)
        return false;
    if (query.key && row.key != *query.key)
        return false;
    if (query.ids && !query.ids->contains(row.key))
        return false;
    return true;
}

Result<qint64> sortIdOf(const std::vector<MemoryData::ArchiveRow>& rows, const QString& key)
{
    for (const auto& row : rows)
        if (row.key == key)
            return row.sortId;
    return Result<qint64>::failure(u"item-not-found"_s, u"no archived item "_s + key);
}

} // namespace

MemoryArchiveStore::MemoryArchiveStore(std::shared_ptr<MemoryData> data, QString host, QString store)
    : m_data(std::move(data)), m_host(std::move(host)), m_store(std::move(store))
{}

QFuture<Result<QString>> MemoryArchiveStore::append(const QString& user, const QString& key, const QVariant& value,
                                                    qint64 when, const QString& with)
{
    auto& rows = m_data->archives[{m_host, m_store, user}];
    // As Prosody: the quota is checked before a replaced item is removed.
    if (m_data->archiveItemLimit && qsizetype(rows.size()) >= *m_data->archiveItemLimit)
        return QtFuture::makeReadyFuture(Result<QString>::failure(u"quota-limit"_s, u"archive is full"_s));
    auto encoded = ValueCodec::encode(value);
    if (!encoded)
        return QtFuture::makeReadyFuture(Result<QString>(encoded.error()));
    QString id = key;
    if (id.isEmpty())
        id = ArchiveIdGenerator::generate();
    else
        std::erase_if(rows, [&](const MemoryData::ArchiveRow& row) { return row.key == id; });
    rows.push_back({m_data->nextSortId++, id, when, with, std::move(encoded).value()});
    return QtFuture::makeReadyFuture(Result<QString>(id));
}

Result<QList<int>> MemoryArchiveStore::select(const std::vector<MemoryData::ArchiveRow>& rows,
                                              const ArchiveQuery& query, int* total) const
{
    QList<int> selected;
    for (int i = 0; i < int(rows.size()); ++i)
        if (matches(rows[i], query))
            selected.append(i);
    if (total)
        *total = int(selected.size());
    if (query.after) {
        auto after = sortIdOf(rows, *query.after);
        if (!after)
            return after.error();
        selected.removeIf([&](int i) { return rows[i].sortId <= *after; });
    }
    if (query.before) {
        auto before = sortIdOf(rows, *query.before);
        if (!before)
            return before.error();
        selected.removeIf([&](int i) { return rows[i].sortId >= *before; });
    }
    return selected;
}

QFuture<Result<ArchiveResult>> MemoryArchiveStore::find(const QString& user, const ArchiveQuery& query)
{
    if (auto ok = checkArchiveQuery(query); !ok)
        return QtFuture::makeReadyFuture(Result<ArchiveResult>(ok.error()));
    static const std::vector<MemoryData::ArchiveRow> noRows;
    const auto it = m_data->archives.find({m_host, m_store, user});
    const auto& rows = it == m_data->archives.end() ? noRows : it->second;

    ArchiveResult result;
    int total = 0;
    if (query.total) {
        // As Prosody: with total and limit 0 only the count is computed (after/before unchecked).
        for (const auto& row : rows)
            total += matches(row, query) ? 1 : 0;
        result.total = total;
        if (query.limit && *query.limit == 0)
            return QtFuture::makeReadyFuture(Result<ArchiveResult>(result));
    }
    auto selected = select(rows, query, nullptr);
    if (!selected)
        return QtFuture::makeReadyFuture(Result<ArchiveResult>(selected.error()));
    QList<int> indexes = std::move(selected).value();
    if (query.reverse)
        std::reverse(indexes.begin(), indexes.end());
    if (query.limit && indexes.size() > *query.limit)
        indexes.resize(*query.limit);
    for (int i : indexes) {
        const auto& row = rows[i];
        auto value = ValueCodec::decode(row.value.type, row.value.text);
        if (!value)
            return QtFuture::makeReadyFuture(Result<ArchiveResult>(value.error()));
        result.items.append({row.key, std::move(value).value(), row.when, row.with});
    }
    return QtFuture::makeReadyFuture(Result<ArchiveResult>(result));
}

QFuture<Result<ArchiveItem>> MemoryArchiveStore::get(const QString& user, const QString& key)
{
    ArchiveQuery query;
    query.key = key;
    auto found = find(user, query).result();
    if (!found)
        return QtFuture::makeReadyFuture(Result<ArchiveItem>(found.error()));
    if (found->items.isEmpty())
        return QtFuture::makeReadyFuture(Result<ArchiveItem>::failure(u"item-not-found"_s));
    return QtFuture::makeReadyFuture(Result<ArchiveItem>(found->items.first()));
}

QFuture<Result<int>> MemoryArchiveStore::deleteItems(const QString& user, const ArchiveQuery& query)
{
    if (auto ok = checkArchiveQuery(query); !ok)
        return QtFuture::makeReadyFuture(Result<int>(ok.error()));
    const auto it = m_data->archives.find({m_host, m_store, user});
    if (it == m_data->archives.end()) {
        // Unknown after/before ids are still errors on an empty archive.
        if (query.after || query.before)
            return QtFuture::makeReadyFuture(Result<int>::failure(u"item-not-found"_s));
        return QtFuture::makeReadyFuture(Result<int>(0));
    }
    auto& rows = it->second;
    auto selected = select(rows, query, nullptr);
    if (!selected)
        return QtFuture::makeReadyFuture(Result<int>(selected.error()));
    QList<int> indexes = std::move(selected).value();
    if (query.truncate) {
        // Keep the newest `truncate` matching items (the oldest with reverse).
        if (!query.reverse)
            std::reverse(indexes.begin(), indexes.end());
        indexes = indexes.mid(qMin<qsizetype>(*query.truncate, indexes.size()));
    }
    std::sort(indexes.begin(), indexes.end());
    for (auto index = indexes.crbegin(); index != indexes.crend(); ++index)
        rows.erase(rows.begin() + *index);
    if (rows.empty())
        m_data->archives.erase(it);
    return QtFuture::makeReadyFuture(Result<int>(int(indexes.size())));
}

QFuture<Result<QStringList>> MemoryArchiveStore::users()
{
    QStringList result;
    for (const auto& [storeKey, rows] : m_data->archives)
        if (std::get<0>(storeKey) == m_host && std::get<1>(storeKey) == m_store && !rows.empty())
            result.append(std::get<2>(storeKey));
    return QtFuture::makeReadyFuture(Result<QStringList>(result));
}

} // namespace Canto
