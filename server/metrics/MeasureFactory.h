#pragma once

#include "server/metrics/MetricsRegistry.h"

#include "shared/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace Canto {

/// The legacy measure() API of seed 000 on top of MetricsRegistry: each call declares (or
/// reuses) a family named `<prefix><name>` and returns a small callable that updates it.
/// ModuleApi creates one per module with prefix "canto_mod_<module>/" and, on a host, the
/// label key "host" bound to the host name, so families are `canto_mod_<module>/<name>`.
///
/// | type         | family                        | callable                                   |
/// |--------------|-------------------------------|--------------------------------------------|
/// | amount       | gauge (conf unit)             | void(double): set the value                |
/// | counter      | counter                       | void(double): add (conf initial at start)  |
/// | rate         | counter                       | void(): add 1                              |
/// | times        | histogram, unit seconds       | Stop(): start timing; call Stop to record  |
/// | sizes        | histogram, unit bytes         | void(double): record a size                |
/// | distribution | summary (conf unit)           | void(double): record a value               |
///
/// The callables hold their series, so they stay valid even if the registry forgets the family.
class MeasureFactory
{
public:
    /// The conf table of module:measure().
    struct Options
    {
        QString unit;                  ///< amount and distribution only (times/sizes force theirs)
        QString description;           ///< the "# HELP" text
        std::optional<double> initial; ///< counter only: the starting value
        QList<double> buckets;         ///< times and sizes only: histogram upper bounds
    };
    using Setter = std::function<void(double)>;
    using Tick = std::function<void()>;
    using Stop = std::function<void()>;
    using Start = std::function<Stop()>;

    MeasureFactory(MetricsRegistry& registry, QString prefix, QStringList labelKeys = {}, QStringList labelValues = {});

    Result<Setter> amount(const QString& name, const Options& options = {});
    Result<Setter> counter(const QString& name, const Options& options = {});
    Result<Tick> rate(const QString& name, const Options& options = {});
    Result<Start> times(const QString& name, const Options& options = {});
    Result<Setter> sizes(const QString& name, const Options& options = {});
    Result<Setter> distribution(const QString& name, const Options& options = {});

    /// Seed 000's rule: starts with a letter, then only letters, digits and '_'.
    static bool isValidName(const QString& name);
    /// Logarithmic 1-2.5-5 steps from 1 ms to 100 s.
    static QList<double> defaultTimeBuckets();
    /// Powers of 4 from 1 KiB to 1 GiB (eleven buckets).
    static QList<double> defaultSizeBuckets();

private:
    Result<std::shared_ptr<Metric>> series(MetricType type, const QString& name, const QString& unit,
                                           const Options& options, const QList<double>& buckets = {});

    MetricsRegistry& m_registry;
    QString m_prefix;
    QStringList m_labelKeys;
    QStringList m_labelValues;
};

} // namespace Canto
