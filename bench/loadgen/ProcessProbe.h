#pragma once

#include <optional>

namespace Canto::Bench {

// Reads another process's resident memory and CPU time from /proc (Linux only).
class ProcessProbe
{
public:
    explicit ProcessProbe(int pid) : m_pid(pid) {}

    bool isValid() const { return m_pid > 0; }
    // VmRSS in kB, or nullopt if the process is gone.
    std::optional<long> rssKb() const;
    // User + system CPU seconds consumed so far (all threads), or nullopt.
    std::optional<double> cpuSeconds() const;
    // Seconds of CPU this process (the load generator) has used.
    static double selfCpuSeconds();

private:
    int m_pid;
};

} // namespace Canto::Bench
