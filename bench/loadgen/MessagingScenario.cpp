#include "MessagingScenario.h"

#include "ChatPairBehaviour.h"
#include "Json.h"
#include "ProcessProbe.h"

#include <cstdio>
#include <sstream>

namespace Canto::Bench {

namespace {

using Clock = LoginScenario::Clock;

Clock::duration seconds(double value)
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(value));
}

BenchOptions withPresence(BenchOptions options)
{
    // Clients that never sent presence are not "available"; real chat clients always send it.
    options.sendPresence = true;
    return options;
}

} // namespace

MessagingScenario::MessagingScenario(const BenchOptions& options)
    : m_options(withPresence(options)), m_behaviours(static_cast<size_t>(options.clients), nullptr),
      m_logins(m_options, [this](int index) {
          auto behaviour = std::make_unique<ChatPairBehaviour>(m_ledger, m_options, index);
          m_behaviours[static_cast<size_t>(index)] = behaviour.get();
          return behaviour;
      })
{}

MessagingScenario::~MessagingScenario() = default;

int MessagingScenario::pairUp()
{
    const auto& connections = m_logins.connections();
    int pairs = 0;
    for (size_t a = 0; a + 1 < connections.size(); a += 2) {
        const size_t b = a + 1;
        if (!connections[a]->isEstablished() || !connections[b]->isEstablished())
            continue;
        m_behaviours[a]->setPartner(*m_behaviours[b], connections[b]->boundJid());
        m_behaviours[b]->setPartner(*m_behaviours[a], connections[a]->boundJid());
        ++pairs;
    }
    return pairs;
}

int MessagingScenario::run()
{
    const ProcessProbe server(m_options.serverPid);
    if (!m_logins.loginAll())
        return 2;
    const Stats& logins = m_logins.stats();
    if (!m_options.quiet)
        std::fprintf(stderr, "  logins: %zu ok, %zu failed in %.2f s\n", logins.successCount(), logins.failureCount(),
                     m_logins.loginSeconds());
    // Let the servers finish what initial presence starts (roster loads, probes, broadcasts)
    // before anything is sent.
    m_logins.serve(std::chrono::seconds(1), std::chrono::milliseconds(50));

    Measurement measurement;
    measurement.activePairs = pairUp();
    if (measurement.activePairs == 0) {
        std::fprintf(stderr, "canto-bench: no pair has both clients logged in\n");
        printReport(measurement);
        return 1;
    }
    // Rate-driven senders are ticked every millisecond so their sends stay spread out; a flood
    // sender only needs a tick to start (deliveries drive it afterwards).
    const Clock::duration tick = m_options.ratePerSender > 0 ? Clock::duration(std::chrono::milliseconds(1))
                                                             : Clock::duration(std::chrono::milliseconds(20));
    m_ledger.startSending(Clock::now());
    m_logins.serve(seconds(m_options.warmupSeconds), tick);

    const std::optional<double> serverCpuBefore = server.cpuSeconds();
    const double benchCpuBefore = ProcessProbe::selfCpuSeconds();
    m_ledger.startMeasuring(Clock::now());
    m_logins.serve(seconds(m_options.durationSeconds), tick);
    m_ledger.stopMeasuring(Clock::now());
    const std::optional<double> serverCpuAfter = server.cpuSeconds();
    measurement.benchCpu = ProcessProbe::selfCpuSeconds() - benchCpuBefore;
    if (serverCpuBefore && serverCpuAfter)
        measurement.serverCpu = *serverCpuAfter - *serverCpuBefore;

    const auto drainStart = Clock::now();
    m_logins.serve(std::chrono::seconds(5), tick, [this] { return m_ledger.inFlight() == 0; });
    measurement.drainSeconds = std::chrono::duration<double>(Clock::now() - drainStart).count();

    printReport(measurement);
    m_logins.closeAll();
    const bool isClean =
        logins.failureCount() == 0 && logins.lostCount() == 0 && m_ledger.errorCount() == 0 && m_ledger.inFlight() == 0;
    return isClean ? 0 : 1;
}

void MessagingScenario::printReport(const Measurement& measurement) const
{
    const Stats& latency = m_ledger.measuredLatency();
    const Stats& logins = m_logins.stats();
    const double interval = m_ledger.measuredSeconds();
    const size_t delivered = m_ledger.measuredDelivered();
    const double rate = interval > 0 ? static_cast<double>(delivered) / interval : 0;
    const char* mode = m_options.ratePerSender > 0 ? "rate" : "flood";

    if (!m_options.quiet) {
        std::printf("scenario messaging (%s): %d pairs of %d clients, tls %s, mech %s, window %d, body %d bytes\n",
                    mode, measurement.activePairs, m_options.clients, BenchOptions::tlsModeName(m_options.tls),
                    m_options.mechanism.c_str(), m_options.window, m_options.bodyBytes);
        if (m_options.ratePerSender > 0)
            std::printf("  fixed rate %.1f messages/s per sender (%.0f/s offered)\n", m_options.ratePerSender,
                        m_options.ratePerSender * 2 * measurement.activePairs);
        std::printf("  %.2f s measured after %.1f s warm-up: %zu messages delivered, %.1f msg/s\n", interval,
                    m_options.warmupSeconds, delivered, rate);
        std::printf("  latency ms: mean %.2f  p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n", latency.mean(),
                    latency.percentile(50), latency.percentile(90), latency.percentile(99), latency.percentile(99.9),
                    latency.percentile(100));
        std::printf("  whole run: %llu sent, %llu delivered, %llu bounced, %llu still in flight after %.1f s drain\n",
                    static_cast<unsigned long long>(m_ledger.sent()),
                    static_cast<unsigned long long>(m_ledger.deliveredTotal()),
                    static_cast<unsigned long long>(m_ledger.errorCount()),
                    static_cast<unsigned long long>(m_ledger.inFlight()), measurement.drainSeconds);
        if (m_ledger.windowFull() > 0)
            std::printf("  %llu scheduled messages skipped: window full\n",
                        static_cast<unsigned long long>(m_ledger.windowFull()));
        if (m_ledger.unexpected() > 0)
            std::printf("  %llu unexpected messages\n", static_cast<unsigned long long>(m_ledger.unexpected()));
        for (const auto& [condition, count] : m_ledger.errors())
            std::printf("  bounced x%zu: %s\n", count, condition.c_str());
        for (const auto& [reason, count] : logins.failures())
            std::printf("  login failure x%zu: %s\n", count, reason.c_str());
        for (const auto& [reason, count] : logins.lost())
            std::printf("  lost x%zu: %s\n", count, reason.c_str());
        if (measurement.serverCpu)
            std::printf("  server CPU in the interval %.2f s (%.1f us per delivered message)\n", *measurement.serverCpu,
                        delivered ? *measurement.serverCpu * 1e6 / delivered : 0.0);
        std::printf("  canto-bench CPU in the interval %.2f s (%.0f%% of one core)\n", measurement.benchCpu,
                    interval > 0 ? measurement.benchCpu * 100 / interval : 0.0);
    }

    std::ostringstream json;
    json << "{\"scenario\":\"messaging\",\"msg_mode\":" << Json::string(mode) << ",\"clients\":" << m_options.clients
         << ",\"pairs\":" << m_options.clients / 2 << ",\"pairs_active\":" << measurement.activePairs
         << ",\"rate_per_sender\":" << Json::number(m_options.ratePerSender) << ",\"window\":" << m_options.window
         << ",\"body_bytes\":" << m_options.bodyBytes
         << ",\"tls\":" << Json::string(BenchOptions::tlsModeName(m_options.tls))
         << ",\"mech\":" << Json::string(m_options.mechanism) << ",\"logins_ok\":" << logins.successCount()
         << ",\"logins_failed\":" << logins.failureCount() << ",\"sessions_lost\":" << logins.lostCount()
         << ",\"warmup_s\":" << Json::number(m_options.warmupSeconds) << ",\"interval_s\":" << Json::number(interval)
         << ",\"delivered\":" << delivered << ",\"delivered_per_s\":" << Json::number(rate)
         << ",\"latency_ms\":{\"mean\":" << Json::number(latency.mean())
         << ",\"p50\":" << Json::number(latency.percentile(50)) << ",\"p90\":" << Json::number(latency.percentile(90))
         << ",\"p99\":" << Json::number(latency.percentile(99))
         << ",\"p999\":" << Json::number(latency.percentile(99.9))
         << ",\"max\":" << Json::number(latency.percentile(100)) << "}"
         << ",\"sent_total\":" << m_ledger.sent() << ",\"delivered_total\":" << m_ledger.deliveredTotal()
         << ",\"bounced\":" << Json::counts(m_ledger.errors()) << ",\"in_flight_at_end\":" << m_ledger.inFlight()
         << ",\"window_full_skips\":" << m_ledger.windowFull() << ",\"unexpected\":" << m_ledger.unexpected()
         << ",\"login_failures\":" << Json::counts(logins.failures())
         << ",\"lost_reasons\":" << Json::counts(logins.lost());
    if (m_options.serverPid > 0) {
        json << ",\"server_pid\":" << m_options.serverPid;
        if (measurement.serverCpu)
            json << ",\"server_cpu_s\":" << Json::number(*measurement.serverCpu);
    }
    json << ",\"bench_cpu_s\":" << Json::number(measurement.benchCpu) << "}";
    std::printf("%s\n", json.str().c_str());
    std::fflush(stdout);
}

} // namespace Canto::Bench
