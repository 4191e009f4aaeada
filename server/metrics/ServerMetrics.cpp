#include "server/metrics/ServerMetrics.h"

#include "server/metrics/Metric.h"
#include "server/metrics/MetricFamily.h"

using namespace Qt::StringLiterals;

namespace Canto {

namespace {
std::shared_ptr<MetricFamily> declare(MetricsRegistry& registry, MetricType type, const QString& name,
                                      const QString& help, const QStringList& labels)
{
    Result<std::shared_ptr<MetricFamily>> family = registry.family(type, name, {}, help, labels);
    Q_ASSERT(family);
    return family ? family.value() : nullptr;
}
} // namespace

ServerMetrics::ServerMetrics(MetricsRegistry& registry)
    : m_registry(registry), m_connections(declare(registry, MetricType::Gauge, u"canto_c2s_connections"_s,
                                                  u"Open client connections"_s, {u"type"_s, u"ip_family"_s})),
      m_logins(declare(registry, MetricType::Counter, u"canto_c2s_logins"_s, u"Successful client logins"_s,
                       {u"host"_s, u"mechanism"_s})),
      m_loginFailures(declare(registry, MetricType::Counter, u"canto_c2s_auth_failures"_s,
                              u"Failed client authentication attempts"_s, {u"host"_s, u"mechanism"_s})),
      m_streamErrors(declare(registry, MetricType::Counter, u"canto_c2s_stream_errors"_s,
                             u"Client streams closed with a stream error"_s, {u"condition"_s})),
      m_stanzasIn(declare(registry, MetricType::Counter, u"canto_stanzas_in"_s, u"Stanzas received from clients"_s,
                          {u"kind"_s}))
{}

Metric* ServerMetrics::series(const std::shared_ptr<MetricFamily>& family, const QStringList& labels)
{
    if (!family) {
        return nullptr;
    }
    const QString key = family->name() + u'\x1f' + labels.join(u'\x1f');
    if (const auto it = m_series.constFind(key); it != m_series.constEnd()) {
        return it->get();
    }
    Result<std::shared_ptr<Metric>> metric = family->withLabels(labels);
    if (!metric) {
        return nullptr;
    }
    m_series.insert(key, metric.value());
    return metric.value().get();
}

void ServerMetrics::connectionOpened(const QString& type, bool ipv6)
{
    if (Metric* m = series(m_connections, {type, ipv6 ? u"ipv6"_s : u"ipv4"_s})) {
        m->add(1);
    }
}

void ServerMetrics::connectionClosed(const QString& type, bool ipv6)
{
    if (Metric* m = series(m_connections, {type, ipv6 ? u"ipv6"_s : u"ipv4"_s})) {
        m->add(-1);
    }
}

void ServerMetrics::login(const QString& host, const QString& mechanism)
{
    if (Metric* m = series(m_logins, {host, mechanism})) {
        m->add(1);
    }
}

void ServerMetrics::loginFailure(const QString& host, const QString& mechanism)
{
    if (Metric* m = series(m_loginFailures, {host, mechanism})) {
        m->add(1);
    }
}

void ServerMetrics::streamError(const QString& condition)
{
    if (Metric* m = series(m_streamErrors, {condition})) {
        m->add(1);
    }
}

void ServerMetrics::stanzaIn(const QString& kind)
{
    if (Metric* m = series(m_stanzasIn, {kind})) {
        m->add(1);
    }
}

} // namespace Canto
