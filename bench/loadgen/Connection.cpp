#include "Connection.h"

#include "Base64.h"
#include "BenchOptions.h"
#include "ConnectionObserver.h"
#include "Poller.h"
#include "XmlElement.h"

#include <algorithm>

#include <cstdio>
#include <openssl/ssl.h>

namespace Canto::Bench {

namespace {

constexpr std::string_view BindId = "bench_bind";
constexpr std::string_view SessionId = "bench_sess";

} // namespace

Connection::Connection(Environment& environment, int index, std::string user,
                       std::unique_ptr<SessionBehaviour> behaviour)
    : m_env(environment), m_index(index), m_user(std::move(user)), m_behaviour(std::move(behaviour))
{}

Connection::~Connection()
{
    shutdown();
}

const char* Connection::stepName(Step step)
{
    switch (step) {
    case Step::Idle:
        return "idle";
    case Step::Connecting:
        return "connecting";
    case Step::TlsDirect:
        return "tls-direct";
    case Step::AwaitHeader:
        return "stream-header";
    case Step::AwaitFeatures:
        return "features";
    case Step::AwaitProceed:
        return "starttls";
    case Step::TlsStartTls:
        return "tls-handshake";
    case Step::AwaitSasl:
        return "sasl";
    case Step::AwaitBind:
        return "bind";
    case Step::AwaitSession:
        return "session";
    case Step::Established:
        return "established";
    case Step::Closed:
        return "closed";
    }
    return "?";
}

std::string Connection::escapeAttribute(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '\'':
            out += "&apos;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            out.push_back(c);
        }
    }
    return out;
}

void Connection::start()
{
    m_startedAt = Clock::now();
    m_step = Step::Connecting;
    if (!m_transport.connectTo(m_env.address)) {
        fail(m_transport.error());
        return;
    }
    m_registeredEvents = m_transport.wantedEvents();
    if (!m_env.poller.add(m_transport.fd(), this, m_registeredEvents)) {
        fail("epoll-add");
        return;
    }
    m_isRegistered = true;
    if (m_transport.isConnected()) // loopback connects can finish at once
        handle(Transport::Connected);
}

void Connection::updateInterest()
{
    if (!m_isRegistered)
        return;
    const uint32_t wanted = m_transport.wantedEvents();
    if (wanted != m_registeredEvents) {
        m_registeredEvents = wanted;
        m_env.poller.modify(m_transport.fd(), this, wanted);
    }
}

void Connection::onIoEvents(uint32_t events)
{
    if (m_step == Step::Closed)
        return; // stale event from the batch in which we closed
    handle(m_transport.pump(events, m_input));
}

void Connection::tick()
{
    if (m_step == Step::Established)
        m_behaviour->onTick(*this);
}

void Connection::send(std::string_view xml)
{
    if (m_step == Step::Closed)
        return;
    if (m_env.options.trace && m_index == 0)
        std::fprintf(stderr, "SEND %.*s\n", static_cast<int>(xml.size()), xml.data());
    const unsigned events = m_transport.send(xml);
    if (events & Transport::Failed) {
        fail(m_transport.error());
        return;
    }
    updateInterest();
}

void Connection::sendStreamHeader()
{
    m_step = Step::AwaitHeader;
    send("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
         "to='" +
         escapeAttribute(m_env.options.domain) + "' version='1.0' xml:lang='en'>");
}

void Connection::handle(unsigned events)
{
    if (events & Transport::Connected) {
        if (m_env.options.tls == BenchOptions::TlsMode::Direct) {
            m_step = Step::TlsDirect;
            m_transport.startTls(m_env.tlsContext, m_env.options.domain);
            handle(m_transport.pump(0, m_input));
            return;
        }
        sendStreamHeader();
        if (m_step == Step::Closed)
            return;
        events |= m_transport.pump(0, m_input);
    }
    if (events & Transport::TlsReady) {
        m_splitter.reset();
        sendStreamHeader();
        if (m_step == Step::Closed)
            return;
    }
    if (events & Transport::DataReceived) {
        if (m_env.options.trace && m_index == 0)
            std::fprintf(stderr, "RECV %s\n", m_input.c_str());
        m_splitter.feed(m_input);
        m_input.clear();
        processElements();
        if (m_step == Step::Closed)
            return;
    }
    if (events & Transport::Failed) {
        fail(m_transport.error());
        return;
    }
    if (events & Transport::Closed) {
        fail(std::string("closed-by-server"));
        return;
    }
    updateInterest();
}

void Connection::processElements()
{
    ElementSplitter::Item item;
    while (m_step != Step::Closed && m_splitter.next(item)) {
        switch (item.kind) {
        case ElementSplitter::Kind::StreamOpened:
            if (m_step == Step::AwaitHeader)
                m_step = Step::AwaitFeatures;
            break;
        case ElementSplitter::Kind::Element:
            if (!onElement(XmlElement(item.data)))
                return;
            break;
        case ElementSplitter::Kind::StreamClosed:
            fail("stream-closed");
            return;
        case ElementSplitter::Kind::Error:
            fail("xml: " + item.data);
            return;
        }
    }
}

bool Connection::onElement(const XmlElement& element)
{
    const std::string_view name = element.name();
    if (name == "error" && element.xml().substr(0, 13) == "<stream:error") {
        fail("stream-error:" + std::string(element.firstChildName()));
        return false;
    }
    switch (m_step) {
    case Step::Established:
        m_behaviour->onElement(*this, element);
        return m_step != Step::Closed;
    case Step::AwaitFeatures:
        if (name == "features")
            return onFeatures(element);
        return true;
    case Step::AwaitProceed:
        if (name == "proceed") {
            m_step = Step::TlsStartTls;
            m_transport.startTls(m_env.tlsContext, m_env.options.domain);
            // Kick off the handshake (ClientHello); its completion arrives as TlsReady.
            handle(m_transport.pump(0, m_input));
            return false;
        }
        fail("starttls-refused");
        return false;
    case Step::AwaitSasl:
        return onSaslReply(element);
    case Step::AwaitBind:
        if (name != "iq" || element.attribute("id") != BindId)
            return true;
        if (element.attribute("type") != "result") {
            fail("bind-error:" + std::string(XmlElement(element.child("error")).firstChildName()));
            return false;
        }
        m_boundJid = XmlElement(element.child("jid")).text();
        if (m_needsSession) {
            m_step = Step::AwaitSession;
            send("<iq type='set' id='" + std::string(SessionId) +
                 "'><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>");
            return m_step != Step::Closed;
        }
        establish();
        return m_step != Step::Closed;
    case Step::AwaitSession:
        if (name != "iq" || element.attribute("id") != SessionId)
            return true;
        if (element.attribute("type") != "result") {
            fail("session-error");
            return false;
        }
        establish();
        return m_step != Step::Closed;
    default:
        return true; // nothing expected: ignore (e.g. whitespace pings are not elements anyway)
    }
}

bool Connection::onFeatures(const XmlElement& features)
{
    const BenchOptions& options = m_env.options;
    if (!m_isAuthenticated) {
        if (options.tls == BenchOptions::TlsMode::StartTls && !m_transport.isEncrypted()) {
            if (!features.hasChild("starttls")) {
                fail("no-starttls-offered");
                return false;
            }
            m_step = Step::AwaitProceed;
            send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
            return m_step != Step::Closed;
        }
        startAuth(features);
        return m_step != Step::Closed;
    }
    if (!features.hasChild("bind")) {
        fail("no-bind-offered");
        return false;
    }
    const std::string_view session = features.child("session");
    m_needsSession = !session.empty() && !XmlElement(session).hasChild("optional");
    m_step = Step::AwaitBind;
    send("<iq type='set' id='" + std::string(BindId) + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" +
         escapeAttribute(m_env.options.resource) + "-" + std::to_string(m_index) + "</resource></bind></iq>");
    return m_step != Step::Closed;
}

void Connection::startAuth(const XmlElement& features)
{
    const std::vector<std::string> offered = features.childTexts("mechanism");
    auto isOffered = [&](std::string_view mech) {
        return std::find(offered.begin(), offered.end(), mech) != offered.end();
    };
    std::string mechanism = m_env.options.mechanism;
    if (mechanism == "auto") {
        if (isOffered("SCRAM-SHA-1"))
            mechanism = "SCRAM-SHA-1";
        else if (isOffered("SCRAM-SHA-256"))
            mechanism = "SCRAM-SHA-256";
        else
            mechanism = "PLAIN";
    }
    if (!isOffered(mechanism)) {
        fail("mechanism-not-offered:" + mechanism);
        return;
    }
    m_step = Step::AwaitSasl;
    std::string initial;
    if (mechanism == "PLAIN") {
        initial = std::string(1, '\0') + m_user + std::string(1, '\0') + m_env.options.password;
    } else {
        m_scram = std::make_unique<ScramClient>(mechanism, m_user, m_env.options.password, &m_env.scramCache);
        if (m_scram->isPlus()) {
            // RFC 9266 tls-exporter: 32 bytes, label "EXPORTER-Channel-Binding", no context.
            std::string exporter(32, '\0');
            static constexpr char label[] = "EXPORTER-Channel-Binding";
            if (!m_transport.ssl() ||
                SSL_export_keying_material(m_transport.ssl(), reinterpret_cast<unsigned char*>(exporter.data()),
                                           exporter.size(), label, sizeof label - 1, nullptr, 0, 0) != 1) {
                fail("channel-binding-unavailable");
                return;
            }
            m_scram->setChannelBinding("tls-exporter", exporter);
        }
        initial = m_scram->clientFirst();
    }
    send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='" + mechanism + "'>" + Base64::encode(initial) +
         "</auth>");
}

bool Connection::onSaslReply(const XmlElement& element)
{
    const std::string_view name = element.name();
    if (name == "failure") {
        fail("sasl-failure:" + std::string(element.firstChildName()));
        return false;
    }
    if (name == "challenge") {
        const auto decoded = Base64::decode(element.text());
        if (!m_scram || !decoded) {
            fail("sasl-unexpected-challenge");
            return false;
        }
        const auto reply = m_scram->clientFinal(*decoded);
        if (!reply) {
            fail(m_scram->error());
            return false;
        }
        send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>" + Base64::encode(*reply) + "</response>");
        return m_step != Step::Closed;
    }
    if (name != "success")
        return true;
    if (m_scram) {
        const auto decoded = Base64::decode(element.text());
        if (!decoded || !m_scram->verifyServerFinal(*decoded)) {
            fail(m_scram->error().empty() ? std::string("scram: bad success payload") : m_scram->error());
            return false;
        }
        m_scram.reset();
    }
    m_isAuthenticated = true;
    // Stream restart (RFC 6120 6.4.6): the parser starts afresh, then a new header.
    m_splitter.reset();
    sendStreamHeader();
    return false;
}

void Connection::establish()
{
    m_step = Step::Established;
    m_establishedAt = Clock::now();
    if (m_env.options.sendPresence)
        send("<presence/>");
    if (m_step != Step::Established)
        return;
    m_env.observer.onEstablished(*this);
    m_behaviour->onEstablished(*this);
}

void Connection::fail(const std::string& reason)
{
    if (m_step == Step::Closed)
        return;
    const bool wasEstablished = m_step == Step::Established;
    const Step failedStep = m_step;
    shutdown();
    if (wasEstablished)
        m_env.observer.onSessionLost(*this, reason);
    else
        m_env.observer.onLoginFailed(*this, std::string(stepName(failedStep)) + ": " + reason);
}

void Connection::abortLogin(const std::string& reason)
{
    fail(reason);
}

void Connection::shutdown()
{
    if (m_isRegistered) {
        m_env.poller.remove(m_transport.fd());
        m_isRegistered = false;
    }
    m_transport.abort();
    m_step = Step::Closed;
    m_scram.reset();
    m_input.clear();
    m_input.shrink_to_fit();
}

} // namespace Canto::Bench
