#pragma once

#include "Stats.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace Canto::Bench {

// Shared bookkeeping of one messaging run: the phase every sender obeys, the measured interval,
// and what was sent and delivered. Behaviours write to it from inside event handling (one
// thread); the scenario switches phases between serve() slices and reads the totals.
// Only messages received inside [measureStart, measureEnd) count as delivered in the interval,
// and only their latencies are sampled, whenever they were sent.
class MessageLedger
{
public:
    using Clock = std::chrono::steady_clock;
    enum class Phase {
        Idle,    // logged in, nothing sent yet
        Sending, // warm-up and measured interval
        Draining // no new messages; waiting for those in flight
    };

    Phase phase() const { return m_phase; }
    // The time sending started (rate-driven senders schedule from it).
    Clock::time_point sendingSince() const { return m_sendingSince; }
    void startSending(Clock::time_point at);
    void startMeasuring(Clock::time_point at);
    // Ends the measured interval and stops new messages.
    void stopMeasuring(Clock::time_point at);

    void recordSent() { ++m_sent; }
    void recordDelivered(Clock::time_point sentAt, Clock::time_point receivedAt);
    // A message bounced back to its sender as type='error'.
    void recordError(const std::string& condition);
    // A rate-driven sender skipped a message because its window was full.
    void recordWindowFull() { ++m_windowFull; }
    // A message the receiver could not attribute (no benchmark body).
    void recordUnexpected() { ++m_unexpected; }

    uint64_t sent() const { return m_sent; }
    uint64_t deliveredTotal() const { return m_deliveredTotal; }
    uint64_t errorCount() const;
    // Sent, neither delivered nor bounced (yet).
    uint64_t inFlight() const { return m_sent - m_deliveredTotal - errorCount(); }
    uint64_t windowFull() const { return m_windowFull; }
    uint64_t unexpected() const { return m_unexpected; }
    const std::map<std::string, size_t>& errors() const { return m_errors; }

    // Messages received inside the measured interval, and their latencies in milliseconds.
    size_t measuredDelivered() const { return m_latency.successCount(); }
    const Stats& measuredLatency() const { return m_latency; }
    double measuredSeconds() const;

private:
    Phase m_phase = Phase::Idle;
    Clock::time_point m_sendingSince;
    Clock::time_point m_measureStart = Clock::time_point::max();
    Clock::time_point m_measureEnd = Clock::time_point::max();
    uint64_t m_sent = 0;
    uint64_t m_deliveredTotal = 0;
    uint64_t m_windowFull = 0;
    uint64_t m_unexpected = 0;
    std::map<std::string, size_t> m_errors;
    Stats m_latency;
};

} // namespace Canto::Bench
