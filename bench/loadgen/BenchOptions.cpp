#include "BenchOptions.h"

#include <charconv>
#include <cstring>

namespace Canto::Bench {

namespace {

template <typename T> bool parseNumber(const std::string& text, T& out)
{
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

bool parseDouble(const std::string& text, double& out)
{
    try {
        size_t used = 0;
        out = std::stod(text, &used);
        return used == text.size();
    } catch (...) {
        return false;
    }
}

} // namespace

std::string BenchOptions::usage()
{
    return "usage: canto-bench [options]\n"
           "  --scenario login|messaging  scenario to run (default login)\n"
           "  --host ADDR                 server address (default 127.0.0.1)\n"
           "  --port N                    c2s port (default 5222)\n"
           "  --domain NAME               XMPP domain (default localhost)\n"
           "  --tls none|starttls|direct  transport security (default none)\n"
           "  --mech auto|PLAIN|SCRAM-SHA-1|SCRAM-SHA-256[-PLUS]  SASL mechanism (default auto: SCRAM-SHA-1 if\n"
           "                             offered; -PLUS binds to the TLS channel with tls-exporter)\n"
           "  --clients N                 connections to open and hold (default 1000)\n"
           "  --concurrency N             logins in flight at once (default 200)\n"
           "  --hold-seconds S            keep all sessions open this long before measuring memory (default 5)\n"
           "  --login-timeout S           a login slower than this counts as failed (default 60)\n"
           "  --user-pattern P            user names, %d = 1..N (default bench%d)\n"
           "  --first-user N              number of the first user (default 1)\n"
           "  --password PW               password of every user (default pw)\n"
           "  --resource R                resource prefix (default bench)\n"
           "  --presence                  send initial presence after binding\n"
           "  --server-pid PID            server process whose VmRSS/CPU is measured\n"
           "  --quiet                     print only the JSON result line\n"
           "messaging (pairs 0-1, 2-3, ... each sending chat messages to the partner's full JID):\n"
           "  --rate R                    messages/s per sender; 0 = as fast as the window allows (default 0)\n"
           "  --window N                  sent but not yet received messages allowed per sender (default 32)\n"
           "  --warmup S                  seconds of sending before the measured interval (default 2)\n"
           "  --duration S                measured interval in seconds (default 20)\n"
           "  --body-bytes N              message body size, at least 40 (default 64)\n"
           "  --trace                     print the first connection's XML traffic to stderr\n";
}

const char* BenchOptions::tlsModeName(TlsMode mode)
{
    switch (mode) {
    case TlsMode::None:
        return "none";
    case TlsMode::StartTls:
        return "starttls";
    case TlsMode::Direct:
        return "direct";
    }
    return "?";
}

std::optional<std::string> BenchOptions::parse(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--help" || arg == "-h")
            return std::string("help");
        if (arg == "--presence") {
            sendPresence = true;
            continue;
        }
        if (arg == "--trace") {
            trace = true;
            continue;
        }
        if (arg == "--quiet") {
            quiet = true;
            continue;
        }
        if (i + 1 >= argc)
            return "missing value for " + arg;
        const std::string value = argv[++i];
        bool ok = true;
        if (arg == "--scenario")
            scenario = value;
        else if (arg == "--host")
            host = value;
        else if (arg == "--port")
            ok = parseNumber(value, port) && port != 0;
        else if (arg == "--domain")
            domain = value;
        else if (arg == "--tls") {
            if (value == "none")
                tls = TlsMode::None;
            else if (value == "starttls")
                tls = TlsMode::StartTls;
            else if (value == "direct")
                tls = TlsMode::Direct;
            else
                ok = false;
        } else if (arg == "--mech") {
            mechanism = value;
            ok = value == "auto" || value == "PLAIN" || value == "SCRAM-SHA-1" || value == "SCRAM-SHA-256" ||
                 value == "SCRAM-SHA-1-PLUS" || value == "SCRAM-SHA-256-PLUS";
        } else if (arg == "--clients")
            ok = parseNumber(value, clients) && clients > 0;
        else if (arg == "--concurrency")
            ok = parseNumber(value, concurrency) && concurrency > 0;
        else if (arg == "--hold-seconds")
            ok = parseDouble(value, holdSeconds) && holdSeconds >= 0;
        else if (arg == "--login-timeout")
            ok = parseDouble(value, loginTimeoutSeconds) && loginTimeoutSeconds > 0;
        else if (arg == "--user-pattern")
            userPattern = value;
        else if (arg == "--first-user")
            ok = parseNumber(value, firstUser);
        else if (arg == "--password")
            password = value;
        else if (arg == "--resource")
            resource = value;
        else if (arg == "--rate")
            ok = parseDouble(value, ratePerSender) && ratePerSender >= 0 && ratePerSender <= 100000;
        else if (arg == "--window")
            ok = parseNumber(value, window) && window > 0;
        else if (arg == "--warmup")
            ok = parseDouble(value, warmupSeconds) && warmupSeconds >= 0;
        else if (arg == "--duration")
            ok = parseDouble(value, durationSeconds) && durationSeconds > 0;
        else if (arg == "--body-bytes")
            ok = parseNumber(value, bodyBytes) && bodyBytes >= 40 && bodyBytes <= 65536;
        else if (arg == "--server-pid")
            ok = parseNumber(value, serverPid) && serverPid > 0;
        else
            return "unknown option " + arg;
        if (!ok)
            return "bad value for " + arg + ": " + value;
    }
    if (scenario == "messaging" && clients % 2 != 0)
        return std::string("--clients must be even for the messaging scenario (pairs)");
    if (userPattern.find("%d") == std::string::npos)
        return std::string("--user-pattern must contain %d");
    return std::nullopt;
}

std::string BenchOptions::userName(int index) const
{
    std::string name = userPattern;
    const size_t at = name.find("%d");
    name.replace(at, 2, std::to_string(firstUser + index));
    return name;
}

} // namespace Canto::Bench
