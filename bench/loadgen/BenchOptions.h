#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace Canto::Bench {

// Command-line settings of canto-bench. parse() never exits the process: it returns an error text
// (or "help") so main() decides what to print.
class BenchOptions
{
public:
    enum class TlsMode { None, StartTls, Direct };

    std::string scenario = "login";
    std::string host = "127.0.0.1";
    uint16_t port = 5222;
    std::string domain = "localhost";
    TlsMode tls = TlsMode::None;
    std::string mechanism = "auto"; // PLAIN, SCRAM-SHA-1, SCRAM-SHA-256 or auto
    int clients = 1000;
    int concurrency = 200;
    double holdSeconds = 5.0;
    double loginTimeoutSeconds = 60.0;
    std::string userPattern = "bench%d";
    std::string password = "pw";
    int firstUser = 1;
    std::string resource = "bench";
    bool sendPresence = false;
    int serverPid = 0;
    bool quiet = false;
    bool trace = false; // print the first connection's traffic to stderr

    // Scenario "messaging": clients form pairs (0-1, 2-3, ...) and both sides of a pair send chat
    // messages to the other's full JID. ratePerSender 0 = as fast as the window allows ("flood").
    double ratePerSender = 0;
    // Messages a sender may have sent but its partner not yet received.
    int window = 32;
    double warmupSeconds = 2.0;    // sending, not counted
    double durationSeconds = 20.0; // the measured interval
    int bodyBytes = 64;            // size of each message body (timestamp, sequence number, padding)

    // Returns std::nullopt on success, otherwise a message ("help" when --help was asked).
    std::optional<std::string> parse(int argc, char** argv);

    // The user name of client number index (0-based): userPattern with %d replaced.
    std::string userName(int index) const;

    static const char* tlsModeName(TlsMode mode);
    static std::string usage();
};

} // namespace Canto::Bench
