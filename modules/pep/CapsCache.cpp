#include "modules/pep/CapsCache.h"

namespace Canto::Modules {

std::optional<QSet<QString>> CapsCache::find(const QString& ver)
{
    const auto it = m_entries.constFind(ver);
    if (it == m_entries.constEnd()) {
        return std::nullopt;
    }
    m_order.removeOne(ver);
    m_order.append(ver);
    return *it;
}

void CapsCache::insert(const QString& ver, const QSet<QString>& nodes)
{
    if (m_entries.contains(ver)) {
        m_order.removeOne(ver);
    }
    m_entries.insert(ver, nodes);
    m_order.append(ver);
    while (m_order.size() > m_capacity) {
        m_entries.remove(m_order.takeFirst());
    }
}

} // namespace Canto::Modules
