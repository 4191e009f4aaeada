#pragma once

#include "server/metrics/MetricsRegistry.h"

#include <QHash>
#include <QString>

#include <memory>

namespace Canto {

class Metric;
class MetricFamily;

/// The core's own metrics, counted where things happen (connections, logins, refusals, stanzas),
/// in the OpenMetrics families `canto_c2s_*` and `canto_stanzas_*`. Series are cached per label
/// set so counting costs a hash lookup. Label values are never attacker-controlled strings:
/// hosts are configured hosts, mechanisms are ones the server offers, kinds and conditions come
/// from fixed lists.
class ServerMetrics
{
public:
    explicit ServerMetrics(MetricsRegistry& registry);

    void connectionOpened(const QString& type, bool ipv6);
    void connectionClosed(const QString& type, bool ipv6);
    void login(const QString& host, const QString& mechanism);
    void loginFailure(const QString& host, const QString& mechanism);
    void streamError(const QString& condition);
    void stanzaIn(const QString& kind);

private:
    Metric* series(const std::shared_ptr<MetricFamily>& family, const QStringList& labels);

    MetricsRegistry& m_registry;
    std::shared_ptr<MetricFamily> m_connections;
    std::shared_ptr<MetricFamily> m_logins;
    std::shared_ptr<MetricFamily> m_loginFailures;
    std::shared_ptr<MetricFamily> m_streamErrors;
    std::shared_ptr<MetricFamily> m_stanzasIn;
    QHash<QString, std::shared_ptr<Metric>> m_series;
};

} // namespace Canto
