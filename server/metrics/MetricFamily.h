#pragma once

#include "server/metrics/Metric.h"
#include "server/metrics/MetricType.h"

#include "shared/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <utility>

namespace Canto {

/// A metric family in the OpenMetrics model: a name, a type, an optional unit and help text,
/// label keys, and (for histograms) bucket bounds. withLabels() returns the series for one set
/// of label values, created on first use; a family without label keys has exactly one series.
/// Series are shared pointers so callables handed to modules stay valid on their own.
class MetricFamily
{
public:
    MetricFamily(MetricType type, QString name, QString unit, QString description, QStringList labelKeys,
                 QList<double> bucketBounds);

    MetricType type() const { return m_type; }
    /// The internal name, e.g. "canto_mod_ping/pings" (rendering escapes '/').
    const QString& name() const { return m_name; }
    const QString& unit() const { return m_unit; }
    const QString& description() const { return m_description; }
    const QStringList& labelKeys() const { return m_labelKeys; }
    const QList<double>& bucketBounds() const { return m_bounds; }

    /// The series for these label values (one per key, in key order); bad-request when the
    /// number of values does not match the keys.
    Result<std::shared_ptr<Metric>> withLabels(const QStringList& labelValues);
    /// Series in creation order, with their label values.
    const QList<std::pair<QStringList, std::shared_ptr<Metric>>>& series() const { return m_series; }
    /// Forgets all labelled series (a family without labels keeps its single series, reset).
    void clear();

private:
    MetricType m_type;
    QString m_name;
    QString m_unit;
    QString m_description;
    QStringList m_labelKeys;
    QList<double> m_bounds;
    QList<std::pair<QStringList, std::shared_ptr<Metric>>> m_series;
};

} // namespace Canto
