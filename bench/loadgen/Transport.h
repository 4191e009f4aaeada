#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <netinet/in.h>
#include <openssl/ssl.h>

namespace Canto::Bench {

// A non-blocking byte pipe: TCP, optionally wrapped in TLS (direct or after STARTTLS), driven by
// epoll readiness. It never blocks: output that cannot be written yet is buffered and flushed on
// the next writable event. pump() reports what happened as a bit set of Event values.
class Transport
{
public:
    enum Event : unsigned {
        None = 0,
        Connected = 1,    // TCP connect finished
        TlsReady = 2,     // TLS handshake finished
        DataReceived = 4, // new plaintext bytes appended to the input buffer
        Closed = 8,       // peer closed the connection
        Failed = 16,      // socket or TLS error (see error())
    };

    Transport() = default;
    ~Transport();
    Transport(const Transport&) = delete;
    Transport& operator=(const Transport&) = delete;

    // Starts a non-blocking connect; false (with error()) if it failed at once.
    bool connectTo(const sockaddr_in& address);
    // Starts a client TLS handshake on the connected socket (direct TLS or after <proceed/>).
    void startTls(SSL_CTX* context, const std::string& serverName);
    // The TLS connection, once started (for channel binding); nullptr without TLS.
    SSL* ssl() const { return m_ssl; }

    // Reacts to epoll events (or to nothing, after queueing output) and returns Event bits.
    // Received plaintext is appended to `input`.
    unsigned pump(uint32_t epollEvents, std::string& input);
    // Queues bytes (encrypted if TLS is up) and tries to write them now.
    unsigned send(std::string_view data);

    // The epoll interest set this transport needs now.
    uint32_t wantedEvents() const;
    int fd() const { return m_fd; }
    bool isConnected() const { return m_state == State::Open || m_state == State::Handshaking; }
    bool isEncrypted() const { return m_ssl != nullptr && m_state == State::Open; }
    const std::string& error() const { return m_error; }
    // Closes at once with RST (SO_LINGER 0): a benchmark tearing down thousands of sessions
    // must not leave thousands of TIME_WAIT sockets eating the ephemeral port range.
    void abort();

private:
    enum class State { Idle, Connecting, Handshaking, Open, Done };

    unsigned fail(const std::string& what);
    unsigned continueHandshake();
    unsigned flush();
    unsigned readAll(std::string& input);
    unsigned sslResult(int ret, const char* what, bool& wouldBlock);

    int m_fd = -1;
    SSL* m_ssl = nullptr;
    State m_state = State::Idle;
    std::string m_output;         // plaintext not yet accepted by send()/SSL_write()
    bool m_sslWantsWrite = false; // an SSL call asked for writability (e.g. a handshake flight)
    std::string m_error;
};

} // namespace Canto::Bench
