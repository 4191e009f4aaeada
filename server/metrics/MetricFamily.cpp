#include "server/metrics/MetricFamily.h"

using namespace Qt::StringLiterals;

namespace Canto {

MetricFamily::MetricFamily(MetricType type, QString name, QString unit, QString description, QStringList labelKeys,
                           QList<double> bucketBounds)
    : m_type(type), m_name(std::move(name)), m_unit(std::move(unit)), m_description(std::move(description)),
      m_labelKeys(std::move(labelKeys)), m_bounds(std::move(bucketBounds))
{
    // Without labels there is exactly one series, which exists (and renders) from the start.
    if (m_labelKeys.isEmpty())
        m_series.append({QStringList(), std::make_shared<Metric>(m_type, m_bounds)});
}

Result<std::shared_ptr<Metric>> MetricFamily::withLabels(const QStringList& labelValues)
{
    if (labelValues.size() != m_labelKeys.size()) {
        return Result<std::shared_ptr<Metric>>::failure(
            u"bad-request"_s, u"metric " + m_name + u" takes " + QString::number(m_labelKeys.size()) +
                                  u" label values (" + m_labelKeys.join(u", "_s) + u"), got " +
                                  QString::number(labelValues.size()));
    }
    for (const auto& [values, metric] : m_series) {
        if (values == labelValues)
            return metric;
    }
    auto metric = std::make_shared<Metric>(m_type, m_bounds);
    m_series.append({labelValues, metric});
    return metric;
}

void MetricFamily::clear()
{
    if (m_labelKeys.isEmpty()) {
        m_series.first().second->reset();
        return;
    }
    m_series.clear();
}

} // namespace Canto
