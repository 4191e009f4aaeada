#pragma once

#include "Connection.h"
#include "ConnectionObserver.h"
#include "Stats.h"

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace Canto::Bench {

class BenchOptions;
class ClientTlsContext;
class ScramKeyCache;

// Scenario "login": opens options.clients connections with at most options.concurrency logins
// in flight, then keeps every session open for options.holdSeconds (each running the behaviour
// from the factory, HoldBehaviour by default) and measures the server's memory. Prints a human
// summary and one JSON line.
// Other scenarios reuse its phases: loginAll() with their behaviour factory, then serve() for as
// long as they need, reading connections() in between; the sessions close with the scenario.
class LoginScenario : public ConnectionObserver
{
public:
    using Clock = Connection::Clock;
    using BehaviourFactory = std::function<std::unique_ptr<SessionBehaviour>(int index)>;

    explicit LoginScenario(const BenchOptions& options, BehaviourFactory factory = {});
    ~LoginScenario() override;

    // Runs to completion; exit code: 0 all logins succeeded, 1 some failed, 2 setup error.
    int run();

    // Phase 1: every login, at bounded concurrency, until each one succeeded or failed.
    // False only on a setup error (address, epoll, TLS context), already reported on stderr.
    bool loginAll();
    // Phase 2: serves the sessions for `length`, calling every established connection's
    // behaviour onTick() about every tickInterval; returns early once isDone() says so.
    void serve(Clock::duration length, Clock::duration tickInterval, const std::function<bool()>& isDone = {});
    // Closes every session at once (abortive close).
    void closeAll();

    // Indexed by client number (connections()[i]->index() == i) once loginAll() returned.
    const std::vector<std::unique_ptr<Connection>>& connections() const { return m_connections; }
    const Stats& stats() const { return m_stats; }
    // From the first connect to the last successful bind.
    double loginSeconds() const;

    void onEstablished(Connection& connection) override;
    void onLoginFailed(Connection& connection, const std::string& reason) override;
    void onSessionLost(Connection& connection, const std::string& reason) override;

private:
    void launchMore();
    void checkTimeouts(Clock::time_point now);
    void finishOne();
    void printReport(std::optional<long> rssBefore, std::optional<long> rssAfter, std::optional<double> serverCpu,
                     double benchCpu) const;

    const BenchOptions& m_options;
    BehaviourFactory m_factory;
    Stats m_stats;
    // Declared before the connections so they outlive them (connections deregister on close).
    std::unique_ptr<Poller> m_poller;
    std::unique_ptr<ClientTlsContext> m_tls;
    std::unique_ptr<ScramKeyCache> m_scramCache;
    std::unique_ptr<Connection::Environment> m_environment;
    std::vector<std::unique_ptr<Connection>> m_connections;
    int m_launched = 0;
    int m_inFlight = 0;
    int m_finished = 0;
    size_t m_oldestPending = 0; // no login before this index is still in flight
    Clock::time_point m_firstConnectAt;
    Clock::time_point m_lastEstablishedAt;
};

} // namespace Canto::Bench
