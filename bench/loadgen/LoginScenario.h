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

// Scenario "login": opens options.clients connections with at most options.concurrency logins
// in flight, then keeps every session open for options.holdSeconds (each running the behaviour
// from the factory, HoldBehaviour by default) and measures the server's memory. Prints a human
// summary and one JSON line. Messaging scenarios reuse it: pass their behaviour factory and
// read the established connections afterwards.
class LoginScenario : public ConnectionObserver
{
public:
    using BehaviourFactory = std::function<std::unique_ptr<SessionBehaviour>(int index)>;

    explicit LoginScenario(const BenchOptions& options, BehaviourFactory factory = {});
    ~LoginScenario() override;

    // Runs to completion; exit code: 0 all logins succeeded, 1 some failed, 2 setup error.
    int run();

    void onEstablished(Connection& connection) override;
    void onLoginFailed(Connection& connection, const std::string& reason) override;
    void onSessionLost(Connection& connection, const std::string& reason) override;

private:
    void launchMore();
    void checkTimeouts(Connection::Clock::time_point now);
    void finishOne();
    void printReport(double loginSeconds, std::optional<long> rssBefore, std::optional<long> rssAfter,
                     std::optional<double> serverCpu, double benchCpu) const;

    const BenchOptions& m_options;
    BehaviourFactory m_factory;
    Stats m_stats;
    std::vector<std::unique_ptr<Connection>> m_connections;
    int m_launched = 0;
    int m_inFlight = 0;
    int m_finished = 0;
    size_t m_oldestPending = 0; // no login before this index is still in flight
    Connection::Clock::time_point m_firstConnectAt;
    Connection::Clock::time_point m_lastEstablishedAt;
    Connection::Environment* m_environment = nullptr; // lives on run()'s stack during a run
};

} // namespace Canto::Bench
