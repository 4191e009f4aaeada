#pragma once

#include <map>
#include <string>
#include <vector>

namespace Canto::Bench {

// Collects the outcome of a run: login latencies (ms) and failure counts by reason.
// Percentiles use the nearest-rank method on the sorted samples.
class Stats
{
public:
    void addLatency(double milliseconds) { m_latencies.push_back(milliseconds); }
    void addFailure(const std::string& reason) { ++m_failures[reason]; }
    void addSessionLost(const std::string& reason) { ++m_lost[reason]; }

    size_t successCount() const { return m_latencies.size(); }
    size_t failureCount() const;
    size_t lostCount() const;
    // p in [0, 100]; 0 when there are no samples.
    double percentile(double p) const;
    double mean() const;
    const std::map<std::string, size_t>& failures() const { return m_failures; }
    const std::map<std::string, size_t>& lost() const { return m_lost; }

private:
    mutable std::vector<double> m_latencies;
    std::map<std::string, size_t> m_failures;
    std::map<std::string, size_t> m_lost;
};

} // namespace Canto::Bench
