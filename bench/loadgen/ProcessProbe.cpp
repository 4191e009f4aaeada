#include "ProcessProbe.h"

#include <fstream>
#include <sstream>
#include <string>

#include <sys/resource.h>
#include <unistd.h>

namespace Canto::Bench {

std::optional<long> ProcessProbe::rssKb() const
{
    if (m_pid <= 0)
        return std::nullopt;
    std::ifstream status("/proc/" + std::to_string(m_pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0)
            return std::stol(line.substr(6));
    }
    return std::nullopt;
}

std::optional<double> ProcessProbe::cpuSeconds() const
{
    if (m_pid <= 0)
        return std::nullopt;
    std::ifstream statFile("/proc/" + std::to_string(m_pid) + "/stat");
    std::string content;
    if (!std::getline(statFile, content))
        return std::nullopt;
    // The command name (field 2) may contain spaces: fields are counted after its ')'.
    const size_t close = content.rfind(')');
    if (close == std::string::npos)
        return std::nullopt;
    std::istringstream fields(content.substr(close + 2));
    std::string field;
    long utime = 0;
    long stime = 0;
    for (int i = 3; fields >> field; ++i) {
        if (i == 14)
            utime = std::stol(field);
        else if (i == 15) {
            stime = std::stol(field);
            break;
        }
    }
    return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double ProcessProbe::selfCpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

} // namespace Canto::Bench
