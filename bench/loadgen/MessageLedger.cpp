#include "MessageLedger.h"

namespace Canto::Bench {

void MessageLedger::startSending(Clock::time_point at)
{
    m_phase = Phase::Sending;
    m_sendingSince = at;
}

void MessageLedger::startMeasuring(Clock::time_point at)
{
    m_measureStart = at;
}

void MessageLedger::stopMeasuring(Clock::time_point at)
{
    m_measureEnd = at;
    m_phase = Phase::Draining;
}

void MessageLedger::recordDelivered(Clock::time_point sentAt, Clock::time_point receivedAt)
{
    ++m_deliveredTotal;
    if (receivedAt >= m_measureStart && receivedAt < m_measureEnd)
        m_latency.addLatency(std::chrono::duration<double, std::milli>(receivedAt - sentAt).count());
}

void MessageLedger::recordError(const std::string& condition)
{
    ++m_errors[condition];
}

uint64_t MessageLedger::errorCount() const
{
    uint64_t total = 0;
    for (const auto& [condition, count] : m_errors)
        total += count;
    return total;
}

double MessageLedger::measuredSeconds() const
{
    if (m_measureStart == Clock::time_point::max() || m_measureEnd == Clock::time_point::max())
        return 0;
    return std::chrono::duration<double>(m_measureEnd - m_measureStart).count();
}

} // namespace Canto::Bench
