#pragma once

#include "BenchOptions.h"
#include "LoginScenario.h"
#include "MessageLedger.h"

#include <optional>
#include <vector>

namespace Canto::Bench {

class ChatPairBehaviour;

// Scenario "messaging": options.clients / 2 pairs (clients 0-1, 2-3, ...) log in and send
// initial presence; after a short settle, both members of every pair send chat messages to each
// other's full JID (ChatPairBehaviour: flood within a window, or a fixed rate). After
// options.warmupSeconds of sending, options.durationSeconds are measured: messages received in
// that interval per second, and their latency (receive - send on one monotonic clock). Then
// sending stops and what is in flight drains. Needs no roster subscriptions: chat messages to a
// full JID are delivered between any two local accounts. Prints a human summary and one JSON
// line (the only stdout line starting with '{').
class MessagingScenario
{
public:
    explicit MessagingScenario(const BenchOptions& options);
    ~MessagingScenario();

    // Exit code: 0 every pair ran and nothing was lost, 1 some logins/messages failed, 2 setup error.
    int run();

private:
    struct Measurement
    {
        int activePairs = 0;
        std::optional<double> serverCpu; // during the measured interval
        double benchCpu = 0;
        double drainSeconds = 0;
    };

    int pairUp();
    void printReport(const Measurement& measurement) const;

    BenchOptions m_options; // a copy: initial presence is always sent
    MessageLedger m_ledger;
    std::vector<ChatPairBehaviour*> m_behaviours; // by client index; owned by the connections
    LoginScenario m_logins;                       // last: its connections go before the ledger
};

} // namespace Canto::Bench
