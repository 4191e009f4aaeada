#pragma once

#include "ElementSplitter.h"
#include "IoHandler.h"
#include "ScramClient.h"
#include "SessionBehaviour.h"
#include "Transport.h"

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <netinet/in.h>
#include <openssl/ssl.h>

namespace Canto::Bench {

class BenchOptions;
class ConnectionObserver;
class Poller;
class ScramKeyCache;

// One simulated client: a login state machine (stream header, optional STARTTLS or direct TLS,
// SASL PLAIN or SCRAM, stream restart, resource bind, session iq when required, optional
// initial presence) followed by a pluggable SessionBehaviour. Driven entirely by Poller events;
// never blocks. The observer hears about success, failure (with a short reason) and loss.
class Connection : public IoHandler
{
public:
    using Clock = std::chrono::steady_clock;

    // Shared by all connections of a run; must outlive them.
    struct Environment
    {
        const BenchOptions& options;
        Poller& poller;
        SSL_CTX* tlsContext;
        ScramKeyCache& scramCache;
        ConnectionObserver& observer;
        sockaddr_in address;
    };

    enum class Step {
        Idle,
        Connecting,
        TlsDirect,
        AwaitHeader,
        AwaitFeatures,
        AwaitProceed,
        TlsStartTls,
        AwaitSasl,
        AwaitBind,
        AwaitSession,
        Established,
        Closed,
    };

    Connection(Environment& environment, int index, std::string user, std::unique_ptr<SessionBehaviour> behaviour);
    ~Connection() override;

    // Opens the TCP connection and starts the login.
    void start();
    // Sends raw XML (for behaviours). Ignored once closed.
    void send(std::string_view xml);
    // Gives up a login in progress (e.g. timeout); the observer hears onLoginFailed(reason).
    void abortLogin(const std::string& reason);
    // Ends the connection at once without telling the observer (end of run).
    void shutdown();

    void onIoEvents(uint32_t events) override;
    void tick();

    int index() const { return m_index; }
    Step step() const { return m_step; }
    static const char* stepName(Step step);
    bool isEstablished() const { return m_step == Step::Established; }
    bool isClosed() const { return m_step == Step::Closed; }
    Clock::time_point startedAt() const { return m_startedAt; }
    Clock::time_point establishedAt() const { return m_establishedAt; }
    const std::string& user() const { return m_user; }
    const std::string& boundJid() const { return m_boundJid; }

    static std::string escapeAttribute(std::string_view text);

private:
    void handle(unsigned transportEvents);
    void processElements();
    // Returns false when the element loop must stop (stream restarted or connection closed).
    bool onElement(const XmlElement& element);
    bool onFeatures(const XmlElement& features);
    bool onSaslReply(const XmlElement& element);
    void startAuth(const XmlElement& features);
    void sendStreamHeader();
    void establish();
    void fail(const std::string& reason);
    void updateInterest();

    Environment& m_env;
    int m_index;
    std::string m_user;
    std::unique_ptr<SessionBehaviour> m_behaviour;
    Transport m_transport;
    ElementSplitter m_splitter;
    std::string m_input;
    std::unique_ptr<ScramClient> m_scram;
    Step m_step = Step::Idle;
    bool m_isAuthenticated = false;
    bool m_needsSession = false;
    uint32_t m_registeredEvents = 0;
    bool m_isRegistered = false;
    Clock::time_point m_startedAt;
    Clock::time_point m_establishedAt;
    std::string m_boundJid;
};

} // namespace Canto::Bench
