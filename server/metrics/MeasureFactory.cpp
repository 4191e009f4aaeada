#include "server/metrics/MeasureFactory.h"

#include <QElapsedTimer>

using namespace Qt::StringLiterals;

namespace Canto {

MeasureFactory::MeasureFactory(MetricsRegistry& registry, QString prefix, QStringList labelKeys,
                               QStringList labelValues)
    : m_registry(registry), m_prefix(std::move(prefix)), m_labelKeys(std::move(labelKeys)),
      m_labelValues(std::move(labelValues))
{}

bool MeasureFactory::isValidName(const QString& name)
{
    if (name.isEmpty() || !(name.front().unicode() < 128 && name.front().isLetter()))
        return false;
    for (const QChar c : name) {
        if (!((c.unicode() < 128 && c.isLetterOrNumber()) || c == u'_'))
            return false;
    }
    return true;
}

QList<double> MeasureFactory::defaultTimeBuckets()
{
    return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100};
}

QList<double> MeasureFactory::defaultSizeBuckets()
{
    QList<double> buckets;
    for (double size = 1024; size <= 1024.0 * 1024 * 1024; size *= 4)
        buckets.append(size);
    return buckets;
}

Result<std::shared_ptr<Metric>> MeasureFactory::series(MetricType type, const QString& name, const QString& unit,
                                                       const Options& options, const QList<double>& buckets)
{
    if (!isValidName(name)) {
        return Result<std::shared_ptr<Metric>>::failure(
            u"bad-request"_s, u"invalid metric name '" + name +
                                  u"': it must start with a letter and contain only letters, digits and '_'");
    }
    const auto family = m_registry.family(type, m_prefix + name, unit, options.description, m_labelKeys, buckets);
    if (!family)
        return family.error();
    return (*family)->withLabels(m_labelValues);
}

Result<MeasureFactory::Setter> MeasureFactory::amount(const QString& name, const Options& options)
{
    const auto metric = series(MetricType::Gauge, name, options.unit, options);
    if (!metric)
        return metric.error();
    return Setter([metric = *metric](double value) { metric->set(value); });
}

Result<MeasureFactory::Setter> MeasureFactory::counter(const QString& name, const Options& options)
{
    const auto metric = series(MetricType::Counter, name, {}, options);
    if (!metric)
        return metric.error();
    // The initial value applies once, when the series is new (not when a module reloads).
    if (options.initial && (*metric)->value() == 0)
        (*metric)->add(*options.initial);
    return Setter([metric = *metric](double amount) { metric->add(amount); });
}

Result<MeasureFactory::Tick> MeasureFactory::rate(const QString& name, const Options& options)
{
    const auto metric = series(MetricType::Counter, name, {}, options);
    if (!metric)
        return metric.error();
    return Tick([metric = *metric]() { metric->add(1); });
}

Result<MeasureFactory::Start> MeasureFactory::times(const QString& name, const Options& options)
{
    const QList<double> buckets = options.buckets.isEmpty() ? defaultTimeBuckets() : options.buckets;
    const auto metric = series(MetricType::Histogram, name, u"seconds"_s, options, buckets);
    if (!metric)
        return metric.error();
    return Start([metric = *metric]() -> Stop {
        QElapsedTimer timer;
        timer.start();
        return [metric, timer]() {
            metric->sample(double(timer.nsecsElapsed()) / 1e9);
        };
    });
}

Result<MeasureFactory::Setter> MeasureFactory::sizes(const QString& name, const Options& options)
{
    const QList<double> buckets = options.buckets.isEmpty() ? defaultSizeBuckets() : options.buckets;
    const auto metric = series(MetricType::Histogram, name, u"bytes"_s, options, buckets);
    if (!metric)
        return metric.error();
    return Setter([metric = *metric](double size) { metric->sample(size); });
}

Result<MeasureFactory::Setter> MeasureFactory::distribution(const QString& name, const Options& options)
{
    const auto metric = series(MetricType::Summary, name, options.unit, options);
    if (!metric)
        return metric.error();
    return Setter([metric = *metric](double value) { metric->sample(value); });
}

} // namespace Canto
