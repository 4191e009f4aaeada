#include "Stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace Canto::Bench {

size_t Stats::failureCount() const
{
    size_t total = 0;
    for (const auto& [reason, count] : m_failures)
        total += count;
    return total;
}

size_t Stats::lostCount() const
{
    size_t total = 0;
    for (const auto& [reason, count] : m_lost)
        total += count;
    return total;
}

double Stats::percentile(double p) const
{
    if (m_latencies.empty())
        return 0;
    // Sorting lazily keeps addLatency() O(1) in the hot path; reports happen once.
    std::sort(m_latencies.begin(), m_latencies.end());
    const double rank = std::ceil(p / 100.0 * static_cast<double>(m_latencies.size()));
    const size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
    return m_latencies[std::min(index, m_latencies.size() - 1)];
}

double Stats::mean() const
{
    if (m_latencies.empty())
        return 0;
    return std::accumulate(m_latencies.begin(), m_latencies.end(), 0.0) / static_cast<double>(m_latencies.size());
}

} // namespace Canto::Bench
