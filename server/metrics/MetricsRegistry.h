#pragma once

#include "server/metrics/MetricFamily.h"
#include "server/metrics/MetricType.h"

#include "shared/Result.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

namespace Canto {

/// All metric families of the server, in the OpenMetrics model, and their rendering as
/// OpenMetrics text (for HTTP /metrics and the admin protocol). Owned by the ServerContext;
/// modules reach it through ModuleApi::measure()/metric() (see MeasureFactory).
///
/// Family names may contain '/' to scope them ("canto_mod_ping/pings"); rendering turns '/'
/// into "__" and any other character outside [A-Za-z0-9_] into '_', as Prosody's exporter.
/// A unit is appended to the name as "_<unit>" unless the name already ends with it.
class MetricsRegistry
{
public:
    MetricsRegistry() = default;
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    /// Declares a family, or returns the existing one when a family of that name was declared
    /// with the same type, unit, label keys and buckets (a module loaded on several hosts shares
    /// its families). Errors: bad-request (empty name, bad label key, unsorted buckets),
    /// conflict (same name declared differently).
    Result<std::shared_ptr<MetricFamily>> family(MetricType type, const QString& name, const QString& unit = {},
                                                 const QString& description = {}, const QStringList& labelKeys = {},
                                                 const QList<double>& bucketBounds = {});
    /// The family with this full name (unit suffix included), or nullptr.
    std::shared_ptr<MetricFamily> find(const QString& name) const;
    /// Families in declaration order.
    const QList<std::shared_ptr<MetricFamily>>& families() const { return m_families; }
    /// Forgets a family (e.g. when the last module using it unloads); returns whether it existed.
    bool remove(const QString& name);

    /// Everything in OpenMetrics text format, ending with "# EOF".
    QString renderOpenMetrics() const;

    /// The exported form of a family name ('/' → "__", other invalid characters → '_').
    static QString escapeName(const QString& name);
    /// A label key: [A-Za-z_][A-Za-z0-9_]*.
    static bool isValidLabelKey(const QString& key);

private:
    QList<std::shared_ptr<MetricFamily>> m_families;
    QHash<QString, std::shared_ptr<MetricFamily>> m_byName;
};

} // namespace Canto
