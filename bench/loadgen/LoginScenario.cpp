#include "LoginScenario.h"

#include "BenchOptions.h"
#include "ClientTlsContext.h"
#include "HoldBehaviour.h"
#include "Json.h"
#include "Poller.h"
#include "ProcessProbe.h"
#include "ScramKeyCache.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/utsname.h>

namespace Canto::Bench {

namespace {

using Clock = LoginScenario::Clock;

double secondsBetween(Clock::time_point from, Clock::time_point to)
{
    return std::chrono::duration<double>(to - from).count();
}

std::optional<sockaddr_in> resolve(const std::string& host, uint16_t port)
{
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0 || !result)
        return std::nullopt;
    sockaddr_in address = *reinterpret_cast<const sockaddr_in*>(result->ai_addr);
    freeaddrinfo(result);
    address.sin_port = htons(port);
    return address;
}

} // namespace

LoginScenario::LoginScenario(const BenchOptions& options, BehaviourFactory factory)
    : m_options(options), m_factory(std::move(factory))
{
    if (!m_factory)
        m_factory = [](int) {
            return std::make_unique<HoldBehaviour>();
        };
}

LoginScenario::~LoginScenario() = default;

void LoginScenario::launchMore()
{
    while (m_inFlight < m_options.concurrency && m_launched < m_options.clients) {
        const int index = m_launched++;
        ++m_inFlight;
        auto connection =
            std::make_unique<Connection>(*m_environment, index, m_options.userName(index), m_factory(index));
        Connection* raw = connection.get();
        m_connections.push_back(std::move(connection));
        raw->start(); // may fail (and call onLoginFailed) synchronously
    }
}

void LoginScenario::finishOne()
{
    --m_inFlight;
    ++m_finished;
}

void LoginScenario::onEstablished(Connection& connection)
{
    m_stats.addLatency(
        std::chrono::duration<double, std::milli>(connection.establishedAt() - connection.startedAt()).count());
    m_lastEstablishedAt = connection.establishedAt();
    finishOne();
}

void LoginScenario::onLoginFailed(Connection& connection, const std::string& reason)
{
    (void)connection;
    m_stats.addFailure(reason);
    finishOne();
}

void LoginScenario::onSessionLost(Connection& connection, const std::string& reason)
{
    (void)connection;
    m_stats.addSessionLost(reason);
}

void LoginScenario::checkTimeouts(Clock::time_point now)
{
    const auto limit = std::chrono::duration<double>(m_options.loginTimeoutSeconds);
    while (m_oldestPending < m_connections.size() &&
           (m_connections[m_oldestPending]->isEstablished() || m_connections[m_oldestPending]->isClosed()))
        ++m_oldestPending;
    for (size_t i = m_oldestPending; i < m_connections.size(); ++i) {
        Connection& connection = *m_connections[i];
        if (connection.isEstablished() || connection.isClosed())
            continue;
        if (now - connection.startedAt() > limit)
            connection.abortLogin("timeout");
    }
}

bool LoginScenario::loginAll()
{
    const auto address = resolve(m_options.host, m_options.port);
    if (!address) {
        std::fprintf(stderr, "canto-bench: cannot resolve %s\n", m_options.host.c_str());
        return false;
    }
    m_poller = std::make_unique<Poller>();
    m_tls = std::make_unique<ClientTlsContext>();
    m_scramCache = std::make_unique<ScramKeyCache>();
    if (!m_poller->isValid() || !m_tls->isValid()) {
        std::fprintf(stderr, "canto-bench: cannot create epoll or TLS context\n");
        return false;
    }
    m_environment = std::make_unique<Connection::Environment>(
        Connection::Environment{m_options, *m_poller, m_tls->get(), *m_scramCache, *this, *address});
    m_connections.reserve(static_cast<size_t>(m_options.clients));

    m_firstConnectAt = Clock::now();
    m_lastEstablishedAt = m_firstConnectAt;
    launchMore();
    auto lastCheck = Clock::now();
    auto lastProgress = Clock::now();
    while (m_finished < m_options.clients) {
        if (m_poller->wait(50) < 0) {
            std::perror("epoll_wait");
            break;
        }
        launchMore();
        const auto now = Clock::now();
        if (now - lastCheck > std::chrono::milliseconds(100)) {
            lastCheck = now;
            checkTimeouts(now);
            launchMore();
        }
        if (!m_options.quiet && now - lastProgress > std::chrono::seconds(5)) {
            lastProgress = now;
            std::fprintf(stderr, "  ... %d/%d done (%zu ok, %zu failed), %d in flight\n", m_finished, m_options.clients,
                         m_stats.successCount(), m_stats.failureCount(), m_inFlight);
        }
    }
    return true;
}

double LoginScenario::loginSeconds() const
{
    return secondsBetween(m_firstConnectAt, m_lastEstablishedAt);
}

void LoginScenario::serve(Clock::duration length, Clock::duration tickInterval, const std::function<bool()>& isDone)
{
    if (!m_poller)
        return;
    const auto until = Clock::now() + length;
    auto nextTick = Clock::now();
    for (;;) {
        auto now = Clock::now();
        if (now >= nextTick) {
            for (auto& connection : m_connections)
                connection->tick();
            nextTick = now + tickInterval;
        }
        if (isDone && isDone())
            return;
        now = Clock::now();
        if (now >= until)
            return;
        // Round the wait up: a 0 ms timeout before a due tick would spin.
        const auto wait = std::min(until, nextTick) - now + std::chrono::microseconds(999);
        if (m_poller->wait(static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count())) < 0) {
            std::perror("epoll_wait");
            return;
        }
    }
}

void LoginScenario::closeAll()
{
    m_connections.clear(); // abortive close of every session
}

int LoginScenario::run()
{
    const ProcessProbe server(m_options.serverPid);
    const std::optional<long> rssBefore = server.rssKb();
    if (server.isValid() && !rssBefore) {
        std::fprintf(stderr, "canto-bench: cannot read /proc/%d/status\n", m_options.serverPid);
        return 2;
    }
    const std::optional<double> serverCpuBefore = server.cpuSeconds();
    const double benchCpuBefore = ProcessProbe::selfCpuSeconds();
    if (!loginAll())
        return 2;
    const std::optional<double> serverCpuAfterLogin = server.cpuSeconds();
    const double benchCpu = ProcessProbe::selfCpuSeconds() - benchCpuBefore;

    // Hold: keep serving the sessions (pings, tick-driven behaviours) so the server settles
    // (garbage collection, buffers shrinking) before its memory is read.
    serve(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(m_options.holdSeconds)),
          std::chrono::milliseconds(50));
    const std::optional<long> rssAfter = server.rssKb();
    std::optional<double> serverCpu;
    if (serverCpuBefore && serverCpuAfterLogin)
        serverCpu = *serverCpuAfterLogin - *serverCpuBefore;
    printReport(rssBefore, rssAfter, serverCpu, benchCpu);

    closeAll();
    return m_stats.failureCount() == 0 ? 0 : 1;
}

void LoginScenario::printReport(std::optional<long> rssBefore, std::optional<long> rssAfter,
                                std::optional<double> serverCpu, double benchCpu) const
{
    const double loginSeconds = this->loginSeconds();
    const size_t ok = m_stats.successCount();
    const size_t held = ok - std::min(ok, m_stats.lostCount());
    const double rate = loginSeconds > 0 ? static_cast<double>(ok) / loginSeconds : 0;
    std::optional<double> bytesPerConnection;
    if (rssBefore && rssAfter && held > 0)
        bytesPerConnection = static_cast<double>(*rssAfter - *rssBefore) * 1024.0 / static_cast<double>(held);

    if (!m_options.quiet) {
        std::printf("scenario login: %d clients, concurrency %d, tls %s, mech %s\n", m_options.clients,
                    m_options.concurrency, BenchOptions::tlsModeName(m_options.tls), m_options.mechanism.c_str());
        std::printf("  logins ok %zu, failed %zu, lost while held %zu\n", ok, m_stats.failureCount(),
                    m_stats.lostCount());
        std::printf("  %.2f s from first connect to last bind: %.1f logins/s\n", loginSeconds, rate);
        std::printf("  latency ms: mean %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n", m_stats.mean(),
                    m_stats.percentile(50), m_stats.percentile(90), m_stats.percentile(99), m_stats.percentile(100));
        for (const auto& [reason, count] : m_stats.failures())
            std::printf("  failure x%zu: %s\n", count, reason.c_str());
        for (const auto& [reason, count] : m_stats.lost())
            std::printf("  lost x%zu: %s\n", count, reason.c_str());
        if (rssBefore && rssAfter)
            std::printf("  server RSS %ld kB -> %ld kB (%zu sessions held): %.0f bytes per connection\n", *rssBefore,
                        *rssAfter, held, bytesPerConnection.value_or(0));
        if (serverCpu)
            std::printf("  server CPU during logins %.2f s (%.3f ms per login)\n", *serverCpu,
                        ok ? *serverCpu * 1000 / static_cast<double>(ok) : 0);
        std::printf("  canto-bench CPU during logins %.2f s\n", benchCpu);
    }

    std::ostringstream json;
    json << "{\"scenario\":\"login\",\"clients\":" << m_options.clients << ",\"concurrency\":" << m_options.concurrency
         << ",\"tls\":" << Json::string(BenchOptions::tlsModeName(m_options.tls))
         << ",\"mech\":" << Json::string(m_options.mechanism) << ",\"ok\":" << ok
         << ",\"failed\":" << m_stats.failureCount() << ",\"lost\":" << m_stats.lostCount()
         << ",\"login_seconds\":" << Json::number(loginSeconds) << ",\"logins_per_s\":" << Json::number(rate)
         << ",\"latency_ms\":{\"mean\":" << Json::number(m_stats.mean())
         << ",\"p50\":" << Json::number(m_stats.percentile(50)) << ",\"p90\":" << Json::number(m_stats.percentile(90))
         << ",\"p99\":" << Json::number(m_stats.percentile(99)) << ",\"max\":" << Json::number(m_stats.percentile(100))
         << "}"
         << ",\"failures\":" << Json::counts(m_stats.failures())
         << ",\"lost_reasons\":" << Json::counts(m_stats.lost());
    if (m_options.serverPid > 0) {
        json << ",\"server_pid\":" << m_options.serverPid;
        if (rssBefore)
            json << ",\"rss_before_kb\":" << *rssBefore;
        if (rssAfter)
            json << ",\"rss_after_kb\":" << *rssAfter;
        if (bytesPerConnection)
            json << ",\"rss_per_conn_bytes\":" << Json::number(*bytesPerConnection);
        if (serverCpu)
            json << ",\"server_cpu_s\":" << Json::number(*serverCpu);
    }
    json << ",\"bench_cpu_s\":" << Json::number(benchCpu) << "}";
    std::printf("%s\n", json.str().c_str());
    std::fflush(stdout);
}

} // namespace Canto::Bench
