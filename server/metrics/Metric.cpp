#include "server/metrics/Metric.h"

#include <algorithm>

namespace Canto {

Metric::Metric(MetricType type, QList<double> bucketBounds)
    : m_type(type), m_bounds(type == MetricType::Histogram ? std::move(bucketBounds) : QList<double>())
{
    m_bucketCounts.fill(0, m_bounds.size());
}

void Metric::set(double value)
{
    if (m_type == MetricType::Gauge)
        m_value = value;
}

void Metric::add(double amount)
{
    if (m_type == MetricType::Gauge || (m_type == MetricType::Counter && amount >= 0))
        m_value += amount;
}

void Metric::sample(double value)
{
    if (m_type != MetricType::Histogram && m_type != MetricType::Summary)
        return;
    ++m_count;
    m_sum += value;
    // The first bound >= value ("le" is inclusive); larger values only count towards +Inf.
    const auto it = std::lower_bound(m_bounds.cbegin(), m_bounds.cend(), value);
    if (it != m_bounds.cend())
        ++m_bucketCounts[it - m_bounds.cbegin()];
}

void Metric::reset()
{
    m_value = 0.0;
    m_sum = 0.0;
    m_count = 0;
    m_bucketCounts.fill(0);
}

QList<quint64> Metric::cumulativeBucketCounts() const
{
    QList<quint64> cumulative;
    cumulative.reserve(m_bucketCounts.size());
    quint64 total = 0;
    for (const quint64 count : m_bucketCounts) {
        total += count;
        cumulative.append(total);
    }
    return cumulative;
}

} // namespace Canto
