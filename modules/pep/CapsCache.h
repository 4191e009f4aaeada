#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace Canto::Modules {

/// A bounded cache of verified entity capabilities (XEP-0115): ver string → the nodes whose
/// notifications the entity wants ("+notify" features). Least recently used entries go first.
class CapsCache
{
public:
    explicit CapsCache(int capacity) : m_capacity(qMax(1, capacity)) {}

    std::optional<QSet<QString>> find(const QString& ver);
    void insert(const QString& ver, const QSet<QString>& nodes);
    int size() const { return int(m_entries.size()); }

private:
    int m_capacity;
    QHash<QString, QSet<QString>> m_entries;
    QList<QString> m_order; // least recently used first
};

} // namespace Canto::Modules
