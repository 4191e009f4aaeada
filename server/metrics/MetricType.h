#pragma once

#include <QString>

namespace Canto {

/// The OpenMetrics metric types Canto exposes (as Prosody's module:metric()).
enum class MetricType { Counter, Gauge, Histogram, Summary };

/// The type as written after "# TYPE" in OpenMetrics text.
inline QString metricTypeName(MetricType type)
{
    switch (type) {
    case MetricType::Counter:
        return QStringLiteral("counter");
    case MetricType::Gauge:
        return QStringLiteral("gauge");
    case MetricType::Histogram:
        return QStringLiteral("histogram");
    case MetricType::Summary:
        return QStringLiteral("summary");
    }
    return {};
}

} // namespace Canto
