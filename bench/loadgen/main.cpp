// canto-bench: XMPP load generator for any server on loopback (see bench/README.md).
#include "BenchOptions.h"
#include "LoginScenario.h"
#include "MessagingScenario.h"

#include <csignal>
#include <cstdio>

#include <sys/resource.h>

namespace {

// Thousands of sockets need thousands of descriptors: use everything the hard limit allows.
void raiseFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

} // namespace

int main(int argc, char** argv)
{
    Canto::Bench::BenchOptions options;
    if (const auto error = options.parse(argc, argv)) {
        const bool isHelp = *error == "help";
        if (!isHelp)
            std::fprintf(stderr, "canto-bench: %s\n", error->c_str());
        std::fputs(Canto::Bench::BenchOptions::usage().c_str(), isHelp ? stdout : stderr);
        return isHelp ? 0 : 2;
    }
    std::signal(SIGPIPE, SIG_IGN); // a peer reset must be an error code, not a signal
    raiseFileLimit();
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < static_cast<rlim_t>(options.clients) + 64)
        std::fprintf(stderr, "canto-bench: warning: RLIMIT_NOFILE %llu is below %d clients\n",
                     static_cast<unsigned long long>(limit.rlim_cur), options.clients);

    if (options.scenario == "login") {
        Canto::Bench::LoginScenario scenario(options);
        return scenario.run();
    }
    if (options.scenario == "messaging") {
        Canto::Bench::MessagingScenario scenario(options);
        return scenario.run();
    }
    std::fprintf(stderr, "canto-bench: unknown scenario %s\n", options.scenario.c_str());
    return 2;
}
