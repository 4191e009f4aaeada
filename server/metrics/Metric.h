#pragma once

#include "server/metrics/MetricType.h"

#include <QList>

namespace Canto {

/// One time series of a metric family (one combination of label values). What it holds depends
/// on the type: a value (counter, gauge), or a count and sum plus per-bucket counts (histogram)
/// or only count and sum (summary). Calls that do not fit the type are ignored, so a module
/// cannot corrupt a series; a counter ignores negative increments (counters never go down).
/// Not thread-safe: metrics are updated on the routing thread.
class Metric
{
public:
    Metric(MetricType type, QList<double> bucketBounds = {});

    MetricType type() const { return m_type; }

    /// Gauge: sets the value.
    void set(double value);
    /// Counter or gauge: adds `amount` (counters ignore negative amounts).
    void add(double amount = 1.0);
    /// Histogram or summary: records one observation.
    void sample(double value);
    /// Back to the initial state (value, counts and sum zero).
    void reset();

    /// Counter or gauge value.
    double value() const { return m_value; }
    /// Histogram or summary: number of observations and their sum.
    quint64 count() const { return m_count; }
    double sum() const { return m_sum; }
    /// Histogram: upper bounds (without +Inf) and the cumulative count at each bound.
    const QList<double>& bucketBounds() const { return m_bounds; }
    QList<quint64> cumulativeBucketCounts() const;

private:
    MetricType m_type;
    double m_value = 0.0;
    double m_sum = 0.0;
    quint64 m_count = 0;
    QList<double> m_bounds;
    QList<quint64> m_bucketCounts; // non-cumulative, one per bound
};

} // namespace Canto
