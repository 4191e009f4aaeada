#include "server/net/ClientConnection.h"

#include "server/auth/ChannelBinding.h"
#include "server/auth/LoginThrottle.h"
#include "server/auth/SaslPlain.h"
#include "server/auth/ScramServer.h"
#include "server/config/Config.h"
#include "server/core/AccountManager.h"
#include "server/core/ClientSession.h"
#include "server/core/EventBus.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"
#include "server/core/Router.h"
#include "server/core/ServerContext.h"
#include "server/core/SessionManager.h"
#include "server/metrics/ServerMetrics.h"
#include "server/net/CertificateStore.h"
#include "server/net/StreamSocket.h"
#include "server/xmpp/Namespaces.h"
#include "server/xmpp/Stanza.h"
#include "server/xmpp/StreamError.h"
#include "server/xmpp/StreamParser.h"

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QThreadPool>
#include <QtConcurrent>

#include <openssl/ssl.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

Q_LOGGING_CATEGORY(lcC2s, "canto.net.c2s")

namespace Canto {

namespace {

QString newStreamId()
{
    return QString::number(QRandomGenerator::global()->generate64(), 36) +
           QString::number(QRandomGenerator::global()->generate64(), 36);
}

XmlElement saslElement(const QString& name, const QByteArray& data = {}, bool alwaysText = false)
{
    XmlElement element(name, Ns::Sasl.toString());
    if (!data.isEmpty()) {
        element.addText(QString::fromLatin1(data.toBase64()));
    } else if (alwaysText) {
        element.addText(u"="_s); // RFC 6120 §6.4.6: empty additional data is sent as "="
    }
    return element;
}

// Decodes SASL payload text: "=" is an empty response, otherwise strict base64.
std::optional<QByteArray> decodeSasl(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == u"="_s || trimmed.isEmpty()) {
        return QByteArray();
    }
    const auto decoded = QByteArray::fromBase64Encoding(trimmed.toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return std::nullopt;
    }
    return decoded.decoded;
}

} // namespace

ClientConnection::ClientConnection(ServerContext& context, CertificateStore& certificates, StreamSocket* socket,
                                   const ClientConnectionSettings& settings, QObject* parent)
    : QObject(parent), m_context(context), m_certificates(certificates), m_socket(socket), m_settings(settings)
{
    m_socket->setParent(this);
    StreamParser::Limits limits;
    limits.maxStanzaSize = settings.stanzaSizeLimit;
    m_parser = std::make_unique<StreamParser>(limits);
    m_parser->setInternPool(settings.internPool);
    const QString sessionId = u"c2s"_s + QString::number(QRandomGenerator::global()->generate(), 16);
    m_session = std::make_unique<ClientSession>(sessionId, QString(), nullptr, nullptr);
    attachSession(*m_session);
    m_session->setPeerAddress(m_socket->peerAddress().toString());

    connect(m_parser.get(), &StreamParser::streamOpened, this, &ClientConnection::onStreamOpened);
    connect(m_parser.get(), &StreamParser::elementReceived, this, [this](const XmlElement& e) { onElement(e); });
    connect(m_parser.get(), &StreamParser::streamClosed, this, [this] { closeStream(); });
    connect(m_parser.get(), &StreamParser::error, this, &ClientConnection::onParseError);
    connect(m_socket, &StreamSocket::dataReceived, this, &ClientConnection::onData);
    connect(m_socket, &StreamSocket::encrypted, this, &ClientConnection::onEncrypted);
    connect(m_socket, &StreamSocket::disconnected, this, &ClientConnection::onDisconnected);

    m_negotiationTimer.setSingleShot(true);
    connect(&m_negotiationTimer, &QTimer::timeout, this, [this] {
        qCInfo(lcC2s).noquote() << id() << "did not finish negotiation in time";
        closeStream(u"connection-timeout"_s, u"Authentication and binding took too long"_s);
    });
    m_negotiationTimer.start(m_settings.negotiationTimeoutSeconds * 1000);

    if (m_settings.directTls) {
        m_state = State::TlsHandshake;
        m_socket->startServerEncryption(m_certificates.context(m_certificates.defaultHost()));
    }
    bool isIpv4 = false;
    m_socket->peerAddress().toIPv4Address(&isIpv4); // also true for IPv4-mapped IPv6 addresses
    m_ipv6 = !isIpv4;
    if (m_context.serverMetrics) {
        m_context.serverMetrics->connectionOpened(m_settings.directTls ? u"c2s_direct_tls"_s : u"c2s"_s, m_ipv6);
    }
    qCDebug(lcC2s).noquote() << id() << "connection from" << m_session->peerAddress()
                             << (m_settings.directTls ? "(direct TLS)" : "");
}

ClientConnection::~ClientConnection()
{
    m_socket->disconnect(this); // the socket (a child) closes during our destruction
    if (m_context.serverMetrics) {
        m_context.serverMetrics->connectionClosed(m_settings.directTls ? u"c2s_direct_tls"_s : u"c2s"_s, m_ipv6);
    }
    if (m_session && m_context.sessions) {
        m_context.sessions->unbind(*m_session, u"Connection closed"_s);
    }
}

QString ClientConnection::id() const
{
    return m_session ? m_session->id() : QString();
}

bool ClientConnection::isSecure() const
{
    return m_socket->isEncrypted();
}

void ClientConnection::onData(const QByteArray& data)
{
    if (m_state == State::Closing) {
        return;
    }
    m_feeding = true;
    m_parser->feed(data);
    m_feeding = false;
    if (m_disconnectPending) {
        m_disconnectPending = false;
        onDisconnected();
    }
}

void ClientConnection::onEncrypted()
{
    m_tls = TlsSession::adopt(m_socket->ssl());
    qCDebug(lcC2s).noquote() << id() << "TLS established" << m_socket->protocolName();
    m_session->setSecure(true);
    restartStream();
}

void ClientConnection::onDisconnected()
{
    if (m_feeding) {
        // A write failed while we parse what the client sent (it closed its side): the rest of
        // that data still counts, e.g. a </stream:stream> that makes the close a clean one.
        m_disconnectPending = true;
        return;
    }
    // m_session is null when a stream resumption elsewhere took the session over.
    const bool wasBound = m_session && m_session->isBound() && m_state != State::Closing;
    m_state = State::Closing;
    m_negotiationTimer.stop();
    if (wasBound && m_context.sessions) {
        // Not a clean close: a module may keep the session bound (XEP-0198 hibernation).
        m_context.sessions->unbindOrKeep(m_session, u"Disconnected"_s);
    }
    Q_EMIT closed();
    deleteLater();
}

void ClientConnection::attachSession(ClientSession& session)
{
    session.attachConnection([this](const XmlElement& stanza) { writeElement(stanza); },
                             [this](const QString& condition, const QString& text) { closeStream(condition, text); },
                             [this](ClientSession* target) { transferSession(target); });
}

void ClientConnection::transferSession(ClientSession* target)
{
    if (!m_session || m_state == State::Closing) {
        return;
    }
    if (!target) {
        // A resumption on another connection takes our session: let go of it without closing
        // the stream (the client is gone or has moved on).
        qCInfo(lcC2s).noquote() << id() << "session taken over by a resumption";
        m_state = State::Closing;
        m_negotiationTimer.stop();
        m_context.sessions->keepDetached(std::move(m_session));
        m_socket->abort();
        return;
    }
    std::unique_ptr<ClientSession> adopted = m_context.sessions->takeDetached(*target);
    if (!adopted) {
        return;
    }
    qCInfo(lcC2s).noquote() << id() << "continues as" << adopted->id();
    attachSession(*adopted);
    // The replaced session may still be in use up the stack (the event that resumed): kept
    // until this connection goes.
    m_replacedSession = std::exchange(m_session, std::move(adopted));
    m_replacedSession->detachConnection();
    m_state = State::Bound;
    m_negotiationTimer.stop();
}

void ClientConnection::restartStream()
{
    m_parser->reset();
    m_streamOpen = false;
    m_headerSent = false;
    if (m_state != State::Bound) {
        m_state = State::AwaitingHeader;
    }
}

void ClientConnection::write(const QString& xml)
{
    if (!m_socket->isOpen()) {
        return;
    }
    if (m_socket->bytesToWrite() > m_settings.maxSendBuffer) {
        qCWarning(lcC2s).noquote() << id() << "send buffer over" << m_settings.maxSendBuffer << "bytes, closing";
        m_socket->abort();
        return;
    }
    m_socket->write(xml.toUtf8());
}

void ClientConnection::writeElement(const XmlElement& element)
{
    write(element.toXml(Ns::Client));
}

void ClientConnection::closeStream(const QString& condition, const QString& text)
{
    if (m_state == State::Closing) {
        return;
    }
    QString out;
    if (!condition.isEmpty() && !m_headerSent) {
        // RFC 6120 §4.9.1.1: open a stream first so the error can be sent inside it.
        out += u"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
               "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'"_s;
        if (!m_host.isEmpty()) {
            out += u" from='"_s + xmlEscape(m_host, true) + u'\'';
        }
        out += u">"_s;
    }
    if (m_session->isBound()) {
        // Prosody's pre-session-close: a deliberate close ends resumability (XEP-0198 acks).
        if (Host* host = m_context.hosts ? m_context.hosts->host(m_host) : nullptr) {
            Event event(m_session.get(), nullptr);
            event.set(u"error"_s, condition);
            event.set(u"text"_s, text);
            host->events().fire(u"pre-session-close"_s, event);
        }
    }
    if (!condition.isEmpty()) {
        out += StreamError(condition, text).toXml();
        qCInfo(lcC2s).noquote() << id() << "stream error" << condition << text;
        if (m_context.serverMetrics) {
            m_context.serverMetrics->streamError(StreamError::isDefinedCondition(condition) ? condition : u"other"_s);
        }
    }
    out += u"</stream:stream>"_s;
    write(out);
    m_state = State::Closing;
    m_negotiationTimer.stop();
    if (m_context.sessions) {
        m_context.sessions->unbind(*m_session, condition.isEmpty() ? u"Closed"_s : condition);
    }
    m_socket->disconnectFromHost(); // flushes; disconnected() then deletes us
}

void ClientConnection::onParseError(const QString& condition, const QString& text)
{
    closeStream(condition, text);
}

void ClientConnection::onStreamOpened(const XmlElement& header)
{
    const QString to = header.attribute(u"to").toLower();
    if (header.xmlns() != Ns::Streams) {
        closeStream(u"invalid-namespace"_s, u"Expected the streams namespace"_s);
        return;
    }
    if (m_parser->contentNamespace() != Ns::Client) {
        closeStream(u"invalid-namespace"_s, u"This port is for clients (jabber:client)"_s);
        return;
    }
    Host* host = m_context.hosts ? m_context.hosts->host(to) : nullptr;
    if (!m_host.isEmpty() && to != m_host) {
        closeStream(u"host-unknown"_s, u"The stream restart named another host"_s);
        return;
    }
    if (!host || host->type() != Host::Type::Local) {
        m_host = to;
        closeStream(u"host-unknown"_s, u"This server does not serve "_s + to);
        return;
    }
    m_host = to;
    if (m_session->host().isEmpty()) {
        m_session = std::make_unique<ClientSession>(m_session->id(), m_host, nullptr, nullptr);
        attachSession(*m_session);
        m_session->setPeerAddress(m_socket->peerAddress().toString());
        m_session->setSecure(isSecure());
    }
    if (header.attribute(u"version") != u"1.0"_s) {
        closeStream(u"unsupported-version"_s, u"Only XMPP 1.0 streams are supported"_s);
        return;
    }
    m_streamId = newStreamId();
    m_streamOpen = true;
    QString out = u"<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams' version='1.0' xml:lang='en' id='"_s +
                  m_streamId + u"' from='"_s + xmlEscape(m_host, true) + u"'>"_s;
    write(out);
    m_headerSent = true;
    if (m_state != State::Bound) {
        m_state = State::Negotiating;
    }
    sendFeatures();
}

QStringList ClientConnection::mechanisms() const
{
    QStringList list;
    const bool secure = isSecure();
    list << ScramServer::mechanismNames(secure && !m_tls.isNull());
    if (secure || m_settings.allowUnencryptedPlain) {
        list << u"PLAIN"_s;
    }
    if (m_context.accounts && !m_context.accounts->offersScramSha256(m_host)) {
        list.removeIf([](const QString& name) { return name.startsWith(u"SCRAM-SHA-256"_s); });
    }
    // Prosody's option: mechanisms an admin does not want offered on a host.
    if (m_context.config) {
        const ConfigValue disabled = m_context.config->get(m_host, u"disable_sasl_mechanisms"_s);
        for (const ConfigValue& name : disabled.array()) {
            list.removeAll(name.toString().toUpper());
        }
        if (disabled.isString()) {
            list.removeAll(disabled.toString().toUpper());
        }
    }
    return list;
}

void ClientConnection::sendFeatures()
{
    XmlElement features(u"features"_s, Ns::Streams.toString());
    const bool secure = isSecure();
    if (!secure && !m_settings.directTls) {
        XmlElement& starttls = features.addChild(u"starttls"_s, Ns::Tls.toString());
        if (m_settings.requireEncryption) {
            starttls.addChild(u"required"_s);
        }
    }
    if (!m_session->isAuthenticated()) {
        if (secure || !m_settings.requireEncryption) {
            XmlElement& mechs = features.addChild(u"mechanisms"_s, Ns::Sasl.toString());
            for (const QString& mech : mechanisms()) {
                mechs.addTextChild(u"mechanism"_s, Ns::Sasl.toString(), mech);
            }
        }
    } else if (!m_session->isBound()) {
        features.addChild(u"bind"_s, Ns::Bind.toString());
        features.addChild(u"session"_s, Ns::Session.toString()).addChild(u"optional"_s);
    }
    if (Host* host = m_context.hosts->host(m_host)) {
        Event event(m_session.get(), &features);
        host->events().fire(m_session->isAuthenticated() ? u"stream-features"_s : u"stream-features/pre-auth"_s, event);
    }
    write(features.toXml(Ns::Client)
              .replace(u"<features xmlns='http://etherx.jabber.org/streams'"_s, u"<stream:features"_s)
              .replace(u"</features>"_s, u"</stream:features>"_s));
}

void ClientConnection::onElement(XmlElement element)
{
    if (m_state == State::Closing) {
        return;
    }
    if (m_state == State::Bound) {
        if (m_context.serverMetrics) {
            m_context.serverMetrics->stanzaIn(Stanza::isStanza(element) ? element.name() : u"other"_s);
        }
        m_session->filterIncoming(element);
        if (m_state == State::Bound) { // a filter may have closed the stream
            m_context.router->processClientElement(*m_session, std::move(element));
        }
        return;
    }
    const QString& xmlns = element.xmlns();
    if (xmlns == Ns::Tls && element.name() == u"starttls"_s) {
        handleStartTls();
        return;
    }
    if (!isSecure() && m_settings.requireEncryption && !m_settings.directTls) {
        closeStream(u"policy-violation"_s, u"Encryption is required: use STARTTLS"_s);
        return;
    }
    if (xmlns == Ns::Sasl) {
        if (m_session->isAuthenticated()) {
            closeStream(u"policy-violation"_s, u"Already authenticated"_s);
        } else if (element.name() == u"auth"_s) {
            handleAuth(element);
        } else if (element.name() == u"response"_s) {
            handleSaslResponse(element);
        } else if (element.name() == u"abort"_s) {
            m_sasl.reset();
            XmlElement failure = saslElement(u"failure"_s);
            failure.addChild(u"aborted"_s);
            writeElement(failure);
        } else {
            closeStream(u"unsupported-stanza-type"_s);
        }
        return;
    }
    if (m_session->isAuthenticated() && xmlns == Ns::Client && element.name() == u"iq"_s) {
        handleIqBeforeBind(element);
        return;
    }
    // Anything else before binding: modules may take it (e.g. in-band registration).
    if (m_context.router->fireStanzaEvent(*m_session, element, m_host)) {
        return;
    }
    closeStream(u"not-authorized"_s, u"Authenticate and bind a resource first"_s);
}

void ClientConnection::handleStartTls()
{
    if (isSecure() || m_settings.directTls) {
        closeStream(u"policy-violation"_s, u"TLS is already established"_s);
        return;
    }
    write(u"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"_s);
    m_state = State::TlsHandshake;
    m_parser->reset(); // data after <starttls/> must be ignored (RFC 6120 §5.4.3.3)
    m_socket->startServerEncryption(m_certificates.context(m_host));
}

void ClientConnection::handleAuth(const XmlElement& element)
{
    if (m_saslBusy) {
        closeStream(u"policy-violation"_s, u"Authentication already in progress"_s);
        return;
    }
    const QString mechanism = element.attribute(u"mechanism");
    if (LoginThrottle* throttle = m_context.accounts ? m_context.accounts->throttle() : nullptr;
        throttle && !throttle->check(m_session->peerAddress(), QString()).isAllowed) {
        XmlElement failure = saslElement(u"failure"_s);
        failure.addChild(u"temporary-auth-failure"_s);
        failure.addTextChild(u"text"_s, Ns::Sasl.toString(), u"Too many failed attempts, try again later"_s);
        writeElement(failure);
        return;
    }
    if (!mechanisms().contains(mechanism)) {
        XmlElement failure = saslElement(u"failure"_s);
        failure.addChild(mechanism == u"PLAIN"_s ? u"encryption-required"_s : u"invalid-mechanism"_s);
        writeElement(failure);
        return;
    }
    if (mechanism == u"PLAIN"_s) {
        m_sasl = std::make_unique<SaslPlain>(m_host);
    } else {
        const auto parsed = ScramServer::parseMechanismName(mechanism);
        ChannelBindings bindings;
        if (!m_tls.isNull()) {
            if (Result<QByteArray> exporter = ChannelBinding::tlsExporter(m_tls)) {
                bindings.insert(ChannelBinding::TlsExporter, exporter.value());
            }
            if (X509* certificate = SSL_get_certificate(m_tls.handle())) {
                const int length = i2d_X509(certificate, nullptr);
                QByteArray der(length, Qt::Uninitialized);
                auto* out = reinterpret_cast<unsigned char*>(der.data());
                i2d_X509(certificate, &out);
                if (Result<QByteArray> endPoint = ChannelBinding::tlsServerEndPoint(der)) {
                    bindings.insert(ChannelBinding::TlsServerEndPoint, endPoint.value());
                }
            }
        }
        m_sasl =
            std::make_unique<ScramServer>(parsed->first, parsed->second, m_host, bindings,
                                          m_context.accounts ? m_context.accounts->fakeSaltSecret() : QByteArray());
    }
    const std::optional<QByteArray> initial = decodeSasl(element.text());
    if (!initial) {
        XmlElement failure = saslElement(u"failure"_s);
        failure.addChild(u"incorrect-encoding"_s);
        writeElement(failure);
        m_sasl.reset();
        return;
    }
    m_state = State::Authenticating;
    handleStep(m_sasl->start(*initial));
}

void ClientConnection::handleSaslResponse(const XmlElement& element)
{
    if (!m_sasl || m_saslBusy) {
        closeStream(u"policy-violation"_s, u"Unexpected SASL response"_s);
        return;
    }
    const std::optional<QByteArray> data = decodeSasl(element.text());
    if (!data) {
        XmlElement failure = saslElement(u"failure"_s);
        failure.addChild(u"incorrect-encoding"_s);
        writeElement(failure);
        m_sasl.reset();
        return;
    }
    handleStep(m_sasl->respond(*data));
}

void ClientConnection::handleStep(const SaslStep& step)
{
    Host* host = m_context.hosts->host(m_host);
    switch (step.kind) {
    case SaslStep::Kind::Challenge:
        writeElement(saslElement(u"challenge"_s, step.data, true));
        return;
    case SaslStep::Kind::NeedCredentials: {
        m_saslBusy = true;
        m_session->setUsername(QString()); // not yet
        const QString username = step.username;
        m_context.accounts->credentials(m_host, username)
            .then(this, [this, username](Result<std::optional<ScramCredentials>> creds) {
                if (!m_sasl || m_state == State::Closing) {
                    return;
                }
                std::optional<ScramCredentials> found;
                if (creds) {
                    found = creds.value();
                } else {
                    qCWarning(lcC2s).noquote()
                        << id() << "account lookup failed for" << username << "-" << creds.error().toString();
                }
                if (m_sasl->isCredentialCheckExpensive()) {
                    SaslMechanism* mech = m_sasl.get();
                    QtConcurrent::run([mech, found] {
                        return mech->provideCredentials(found);
                    }).then(this, [this, mech](SaslStep next) {
                        if (m_sasl.get() == mech) {
                            m_saslBusy = false;
                            handleStep(next);
                        }
                    });
                } else {
                    m_saslBusy = false;
                    handleStep(m_sasl->provideCredentials(found));
                }
            });
        return;
    }
    case SaslStep::Kind::Success: {
        writeElement(saslElement(u"success"_s, step.data));
        m_session->setUsername(step.username);
        qCInfo(lcC2s).noquote() << id() << "authenticated as" << m_session->bareJid() << "with" << m_sasl->name();
        if (m_context.accounts) {
            m_context.accounts->recordSuccess(m_session->peerAddress(), m_host, step.username);
        }
        if (m_context.serverMetrics) {
            m_context.serverMetrics->login(m_host, m_sasl->name());
        }
        if (m_context.accounts) {
            if (auto* plain = dynamic_cast<SaslPlain*>(m_sasl.get())) {
                m_context.accounts->upgradeCredentials(m_host, step.username, plain->password());
            }
        }
        Event event(m_session.get(), nullptr);
        event.set(u"mechanism"_s, m_sasl->name());
        m_sasl.reset();
        if (host) {
            host->events().fire(u"authentication-success"_s, event);
        }
        m_state = State::Negotiating;
        restartStream();
        return;
    }
    case SaslStep::Kind::Failure: {
        XmlElement failure = saslElement(u"failure"_s);
        failure.addChild(step.condition.isEmpty() ? u"not-authorized"_s : step.condition);
        if (!step.text.isEmpty()) {
            failure.addTextChild(u"text"_s, Ns::Sasl.toString(), step.text);
        }
        writeElement(failure);
        const QString mechanism = m_sasl ? m_sasl->name() : QString();
        m_sasl.reset();
        m_state = State::Negotiating;
        ++m_authFailures;
        qCInfo(lcC2s).noquote() << id() << "authentication failed:" << step.condition << step.text;
        if (m_context.accounts) {
            m_context.accounts->recordFailure(m_session->peerAddress(), m_host, step.username, mechanism);
        }
        if (m_context.serverMetrics) {
            m_context.serverMetrics->loginFailure(m_host, mechanism);
        }
        Event event(m_session.get(), nullptr);
        event.set(u"condition"_s, step.condition);
        event.set(u"text"_s, step.text);
        event.set(u"mechanism"_s, mechanism);
        if (host) {
            host->events().fire(u"authentication-failure"_s, event);
        }
        if (m_authFailures >= m_settings.maxAuthFailures) {
            closeStream(u"policy-violation"_s, u"Too many failed authentication attempts"_s);
        }
        return;
    }
    }
}

void ClientConnection::handleIqBeforeBind(const XmlElement& iq)
{
    const QString type = iq.attribute(u"type");
    const XmlElement* bind = iq.firstChild(u"bind", Ns::Bind);
    const XmlElement* session = iq.firstChild(u"session", Ns::Session);
    if (type == u"set"_s && bind) {
        Result<QString> bound = m_context.sessions->bind(*m_session, bind->childText(u"resource", Ns::Bind));
        if (!bound) {
            XmlElement error =
                Stanza::errorReply(iq, bound.error().condition == u"conflict"_s ? u"cancel"_s : u"modify"_s,
                                   bound.error().condition, bound.error().text);
            error.removeAttribute(u"to");
            writeElement(error);
            return;
        }
        XmlElement result(u"iq"_s, Ns::Client.toString());
        result.setAttribute(u"type"_s, u"result"_s);
        result.setAttribute(u"id"_s, iq.attribute(u"id"));
        result.addChild(u"bind"_s, Ns::Bind.toString())
            .addTextChild(u"jid"_s, Ns::Bind.toString(), m_session->fullJid());
        writeElement(result);
        m_state = State::Bound;
        m_negotiationTimer.stop();
        return;
    }
    if (type == u"set"_s && session) {
        // RFC 6121 legacy session establishment: accepted and answered, nothing to do.
        XmlElement result(u"iq"_s, Ns::Client.toString());
        result.setAttribute(u"type"_s, u"result"_s);
        result.setAttribute(u"id"_s, iq.attribute(u"id"));
        writeElement(result);
        return;
    }
    XmlElement error = Stanza::errorReply(iq, u"auth"_s, u"not-authorized"_s, u"Bind a resource first"_s);
    error.removeAttribute(u"to");
    writeElement(error);
}

} // namespace Canto
