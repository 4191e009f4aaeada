#include "XmppSession.h"

#include "ClientOptions.h"
#include "Console.h"
#include "RawStanza.h"
#include "StanzaTap.h"
#include "StanzaXml.h"
#include "Waiter.h"

#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslSocket>

namespace Canto::Interop {

namespace {

QString clientErrorName(QXmppClient::Error error)
{
    switch (error) {
    case QXmppClient::NoError:
        return QStringLiteral("NoError");
    case QXmppClient::SocketError:
        return QStringLiteral("SocketError");
    case QXmppClient::KeepAliveError:
        return QStringLiteral("KeepAliveError");
    case QXmppClient::XmppStreamError:
        return QStringLiteral("XmppStreamError");
    }
    return QString::number(static_cast<int>(error));
}

QString stateName(QXmppClient::State state)
{
    switch (state) {
    case QXmppClient::DisconnectedState:
        return QStringLiteral("disconnected");
    case QXmppClient::ConnectingState:
        return QStringLiteral("connecting");
    case QXmppClient::ConnectedState:
        return QStringLiteral("connected");
    }
    return QString::number(static_cast<int>(state));
}

QString bareOf(const QString& jid)
{
    return jid.section(QLatin1Char('/'), 0, 0);
}

QString resourceOf(const QString& jid)
{
    const int slash = jid.indexOf(QLatin1Char('/'));
    return slash < 0 ? QString() : jid.mid(slash + 1);
}

// The defined condition of an <iq type='error'/>, for failure messages.
QString stanzaErrorOf(const QDomElement& iq)
{
    const QDomElement error = iq.firstChildElement(QStringLiteral("error"));
    for (QDomElement child = error.firstChildElement(); !child.isNull(); child = child.nextSiblingElement()) {
        if (child.tagName() != QLatin1String("text")) {
            return error.attribute(QStringLiteral("type")) + QLatin1Char('/') + child.tagName();
        }
    }
    return QStringLiteral("(no condition)");
}

} // namespace

XmppSession::XmppSession(const ClientOptions& options, QString label, Console& console, Waiter& waiter, QObject* parent)
    : QObject(parent), m_options(options), m_label(std::move(label)), m_console(console), m_waiter(waiter),
      m_tap(new StanzaTap)
{
    // First in the chain: it must see stanzas before QXmpp's own managers can claim them.
    m_client.insertExtension(0, m_tap);
    m_stream = m_client.findChild<QXmppOutgoingClient*>();
    m_socket = m_stream ? m_stream->findChild<QSslSocket*>() : nullptr;
    if (!m_stream || !m_socket) {
        qFatal("QXmpp internals changed: QXmppClient has no QXmppOutgoingClient child with a socket");
    }
    connect(m_socket, &QAbstractSocket::stateChanged, &m_waiter, &Waiter::wake);

    // COMPAT: QXmpp 1.4 opens the stream both on QSslSocket::connected and on ::encrypted. With
    // TLS from the first byte (LegacySSL) both fire, the first header waits in the socket's buffer
    // and the server receives two stream headers: not-well-formed. Only the header written after
    // the handshake may remain, so the stream stops listening to `connected` in that mode.
    if (m_options.directTls) {
        auto* stream = m_client.findChild<QXmppOutgoingClient*>();
        auto* socket = stream ? stream->findChild<QSslSocket*>() : nullptr;
        if (!stream || !socket || !disconnect(socket, &QAbstractSocket::connected, stream, nullptr)) {
            qFatal("QXmpp internals changed: cannot apply the direct TLS workaround");
        }
    }

    m_logger.setLoggingType(QXmppLogger::SignalLogging);
    m_logger.setMessageTypes(QXmppLogger::AnyMessage);
    m_client.setLogger(&m_logger);
    connect(&m_logger, &QXmppLogger::message, this, &XmppSession::onLogMessage);

    connect(m_tap, &StanzaTap::observed, &m_waiter, &Waiter::wake);
    connect(&m_client, &QXmppClient::stateChanged, &m_waiter, &Waiter::wake);
    connect(&m_client, &QXmppClient::connected, &m_waiter, &Waiter::wake);
    connect(&m_client, &QXmppClient::disconnected, this, [this] {
        m_attemptEnded = true;
        m_waiter.wake();
    });
    connect(&m_client, &QXmppClient::error, this, [this](QXmppClient::Error error) {
        m_clientErrors << error;
        m_attemptEnded = true;
        m_waiter.wake();
    });
    connect(&m_client, &QXmppClient::sslErrors, this,
            [this](const QList<QSslError>& errors) { m_sslErrors << errors; });
    connect(&m_client, &QXmppClient::messageReceived, this, [this](const QXmppMessage& message) {
        m_messages << message;
        m_waiter.wake();
    });
}

XmppSession::~XmppSession()
{
    // Detach the logger before it is destroyed (members die before the client's children).
    m_client.setLogger(nullptr);
}

QStringList XmppSession::supportedMechanisms()
{
    // QXmpp 1.4's QXmppSaslClient: no channel binding, so no -PLUS variants.
    return {QStringLiteral("SCRAM-SHA3-512"), QStringLiteral("SCRAM-SHA-512"), QStringLiteral("SCRAM-SHA-256"),
            QStringLiteral("SCRAM-SHA-1"),    QStringLiteral("DIGEST-MD5"),    QStringLiteral("PLAIN")};
}

Outcome XmppSession::connectAndWait(const QString& bareJid, const QString& password, const QString& resource)
{
    const QString& forced = m_options.mechanism;
    if (!forced.isEmpty() && !supportedMechanisms().contains(forced)) {
        return Outcome::fail(QStringLiteral("QXmpp 1.4 cannot perform SASL mechanism %1 (it supports %2)")
                                 .arg(forced, supportedMechanisms().join(QStringLiteral(", "))));
    }

    QXmppConfiguration config;
    config.setHost(m_options.host);
    config.setPort(m_options.port);
    config.setJid(bareJid);
    config.setDomain(m_options.domain);
    // Empty: QXmpp sends <bind/> without <resource/> and the server picks one.
    config.setResource(resource);
    config.setPassword(password);
    // LegacySSL is QXmpp 1.4's name for TLS from the first byte, i.e. XEP-0368 direct TLS.
    config.setStreamSecurityMode(m_options.directTls ? QXmppConfiguration::LegacySSL : QXmppConfiguration::TLSRequired);
    config.setIgnoreSslErrors(m_options.ignoreSslErrors);
    if (!m_options.caCertificateFile.isEmpty()) {
        const QList<QSslCertificate> certificates = QSslCertificate::fromPath(m_options.caCertificateFile);
        if (certificates.isEmpty()) {
            return Outcome::fail(QStringLiteral("no certificate in %1").arg(m_options.caCertificateFile));
        }
        config.setCaCertificates(certificates);
    }
    config.setUseSASLAuthentication(true);
    config.setUseNonSASLAuthentication(false);
    // COMPAT: QXmpp 1.4 only *prefers* this mechanism and silently falls back to another one the
    // server offers; checkNegotiation() verifies on the wire what was really used.
    if (!forced.isEmpty()) {
        config.setSaslAuthMechanism(forced);
    }
    config.setAutoReconnectionEnabled(false);
    config.setKeepAliveInterval(0); // no client pings of its own in the middle of a scenario

    m_console.step(QStringLiteral("%1: connecting to %2:%3 (%4) as %5")
                       .arg(m_label, m_options.host, QString::number(m_options.port),
                            m_options.directTls ? QStringLiteral("direct TLS") : QStringLiteral("STARTTLS required"),
                            resource.isEmpty() ? bareJid : bareJid + QLatin1Char('/') + resource));
    m_attemptEnded = false;
    m_config = config;
    m_bareJid = bareJid;
    m_client.connectToServer(config, m_initialPresence);
    const bool finished = m_waiter.waitFor([this] { return m_client.isConnected() || m_attemptEnded; });
    if (!finished) {
        return Outcome::fail(QStringLiteral("%1: no login within the time budget; %2").arg(m_label, diagnostics()));
    }
    if (!m_client.isConnected()) {
        return Outcome::fail(QStringLiteral("%1: login failed; %2").arg(m_label, diagnostics()));
    }
    return Outcome::pass();
}

Outcome XmppSession::login(const QString& bareJid, const QString& password, const QString& resource)
{
    if (Outcome connected = connectAndWait(bareJid, password, resource); !connected) {
        return connected;
    }
    return checkNegotiation(bareJid, resource);
}

Outcome XmppSession::loginExpectingRefusal(const QString& bareJid, const QString& password)
{
    const Outcome connected = connectAndWait(bareJid, password, m_options.resource);
    if (connected) {
        return Outcome::fail(QStringLiteral("%1: the server accepted the login").arg(m_label));
    }
    if (!m_attemptEnded) {
        return connected; // timed out: the reason says where it hung
    }
    // The refusal must come with the connection closed (QXmpp closes after <failure/>).
    m_waiter.waitFor([this] { return m_client.state() == QXmppClient::DisconnectedState; });
    m_console.detail(QStringLiteral("attempt ended: %1").arg(diagnostics()));
    return Outcome::pass();
}

Outcome XmppSession::checkNegotiation(const QString& bareJid, const QString& resource) const
{
    m_console.detail(
        QStringLiteral("SASL mechanisms offered: %1").arg(m_tap->offeredMechanisms().join(QLatin1Char(' '))));
    if (m_options.directTls) {
        // connectToHostEncrypted(): the first byte on the wire was a TLS ClientHello.
        m_console.detail(QStringLiteral("TLS from the first byte (XEP-0368 direct TLS)"));
        if (m_tap->wasStartTlsOffered()) {
            return Outcome::fail(QStringLiteral("server offered <starttls/> on a direct TLS stream"));
        }
    } else {
        if (!m_tap->wasStartTlsOffered() || !m_tap->wasTlsProceedReceived()) {
            return Outcome::fail(
                QStringLiteral("STARTTLS was not negotiated (offered: %1, <proceed/> received: %2)")
                    .arg(m_tap->wasStartTlsOffered() ? QStringLiteral("yes") : QStringLiteral("no"),
                         m_tap->wasTlsProceedReceived() ? QStringLiteral("yes") : QStringLiteral("no")));
        }
        m_console.detail(QStringLiteral("STARTTLS negotiated (<starttls/> offered, <proceed/> received)"));
    }

    if (!m_tap->wasSaslSuccessReceived()) {
        return Outcome::fail(QStringLiteral("connected without a SASL <success/>"));
    }
    m_console.detail(QStringLiteral("SASL mechanism used: %1").arg(m_usedMechanism));
    if (!m_options.mechanism.isEmpty() && m_usedMechanism != m_options.mechanism) {
        return Outcome::fail(
            QStringLiteral("SASL mechanism %1 was required but %2 was used (server offered: %3)")
                .arg(m_options.mechanism, m_usedMechanism, m_tap->offeredMechanisms().join(QLatin1Char(' '))));
    }

    const QString bound = m_tap->boundJid();
    m_console.detail(QStringLiteral("bound JID: %1").arg(bound));
    if (bound.isEmpty() || resourceOf(bound).isEmpty()) {
        return Outcome::fail(QStringLiteral("bind did not return a full JID (got '%1')").arg(bound));
    }
    if (bareOf(bound).compare(bareJid, Qt::CaseInsensitive) != 0) {
        return Outcome::fail(QStringLiteral("bound JID %1 is not an account of %2").arg(bound, bareJid));
    }
    if (!resource.isEmpty() && resourceOf(bound) != resource) {
        return Outcome::fail(QStringLiteral("requested resource '%1' but the server bound '%2'").arg(resource, bound));
    }
    return Outcome::pass();
}

Outcome XmppSession::logout()
{
    m_console.step(QStringLiteral("%1: disconnecting").arg(m_label));
    m_client.disconnectFromServer();
    // QXmppClient reports "disconnected" while the socket is still closing; a reconnect (resume())
    // must wait for the socket itself.
    if (!m_waiter.waitFor([this] {
            return m_client.state() == QXmppClient::DisconnectedState &&
                   m_socket->state() == QAbstractSocket::UnconnectedState;
        })) {
        return Outcome::fail(QStringLiteral("%1: still connected after disconnectFromServer()").arg(m_label));
    }
    m_isResumed = false;
    // QXmpp 1.4 closes its socket right after sending </stream:stream>, so the server's closing
    // tag is often not read; worth a line, not a failure.
    m_console.detail(m_serverClosedStream ? QStringLiteral("server closed its stream too")
                                          : QStringLiteral("disconnected (QXmpp did not wait for the server's "
                                                           "</stream:stream>)"));
    return Outcome::pass();
}

Outcome XmppSession::request(const QXmppIq& iq, QDomDocument* response)
{
    m_tap->track(iq.id());
    if (!sendPacket(iq)) {
        return Outcome::fail(QStringLiteral("%1: could not send the IQ (not connected)").arg(m_label));
    }
    return awaitResponse(iq.id(), iq.to(), response);
}

Outcome XmppSession::requestXml(const QString& xml, QDomDocument* response)
{
    QString error;
    QDomDocument document = StanzaXml::parse(xml, &error);
    if (document.isNull()) {
        return Outcome::fail(m_label + QLatin1String(": ") + error);
    }
    QDomElement iq = document.documentElement();
    if (iq.attribute(QStringLiteral("id")).isEmpty()) {
        iq.setAttribute(QStringLiteral("id"), QXmppUtils::generateStanzaHash());
    }
    const QString id = iq.attribute(QStringLiteral("id"));
    const QString to = iq.attribute(QStringLiteral("to"));
    m_tap->track(id);
    if (!sendPacket(RawStanza(document))) {
        return Outcome::fail(QStringLiteral("%1: could not send the IQ (not connected)").arg(m_label));
    }
    return awaitResponse(id, to, response);
}

Outcome XmppSession::awaitResponse(const QString& id, const QString& to, QDomDocument* response)
{
    const bool answered = m_waiter.waitFor([this, &id] { return m_tap->hasResponse(id) || !isConnected(); });
    if (!m_tap->hasResponse(id)) {
        return Outcome::fail(QStringLiteral("%1: no response to IQ %2 (%3); %4")
                                 .arg(m_label, id,
                                      answered ? QStringLiteral("connection lost") : QStringLiteral("timed out"),
                                      diagnostics()));
    }
    *response = m_tap->takeResponse(id);
    const QDomElement element = response->documentElement();
    const QString type = element.attribute(QStringLiteral("type"));
    const QString from = element.attribute(QStringLiteral("from"));
    if (type == QLatin1String("error")) {
        return Outcome::fail(
            QStringLiteral("%1: IQ %2 to %3 answered with error %4")
                .arg(m_label, id, to.isEmpty() ? QStringLiteral("(own account)") : to, stanzaErrorOf(element)));
    }
    if (type != QLatin1String("result")) {
        return Outcome::fail(QStringLiteral("%1: response to IQ %2 has type '%3'").arg(m_label, id, type));
    }
    // RFC 6120 §8.2.3: the response comes from the entity the request was addressed to; with no
    // 'to' that is the account, i.e. no 'from' or the bare JID (§10.3.3).
    const bool fromOk = to.isEmpty() ? from.isEmpty() || from.compare(m_bareJid, Qt::CaseInsensitive) == 0
                                     : from.compare(to, Qt::CaseInsensitive) == 0;
    if (!fromOk) {
        return Outcome::fail(
            QStringLiteral("%1: response to IQ %2 came from '%3', expected '%4'")
                .arg(m_label, id, from, to.isEmpty() ? QStringLiteral("no from or ") + m_bareJid : to));
    }
    return Outcome::pass();
}

bool XmppSession::send(const QXmppStanza& stanza)
{
    return sendPacket(stanza);
}

Outcome XmppSession::waitForMessage(const QString& id, QXmppMessage* message)
{
    const auto find = [this, &id]() -> const QXmppMessage* {
        for (const QXmppMessage& candidate : std::as_const(m_messages)) {
            if (candidate.id() == id) {
                return &candidate;
            }
        }
        return nullptr;
    };
    const bool arrived = m_waiter.waitFor([this, &find] { return find() != nullptr || !isConnected(); });
    if (const QXmppMessage* found = find()) {
        *message = *found;
        return Outcome::pass();
    }
    return Outcome::fail(
        QStringLiteral("%1: message %2 did not arrive (%3)")
            .arg(m_label, id, arrived ? QStringLiteral("connection lost") : QStringLiteral("timed out")));
}

Outcome XmppSession::sendXml(const QString& xml)
{
    QString error;
    const QDomDocument document = StanzaXml::parse(xml, &error);
    if (document.isNull()) {
        return Outcome::fail(m_label + QLatin1String(": ") + error);
    }
    if (!sendPacket(RawStanza(document))) {
        return Outcome::fail(QStringLiteral("%1: could not send %2 (not connected)").arg(m_label, xml));
    }
    return Outcome::pass();
}

Outcome XmppSession::sync()
{
    QXmppPingIq ping;
    ping.setTo(m_options.domain);
    QDomDocument response;
    return request(ping, &response);
}

Outcome XmppSession::waitForStanza(const QString& what, const StanzaMatch& match, QDomElement* found)
{
    int index = -1;
    const auto find = [this, &match, &index] {
        const QList<QDomDocument>& stanzas = m_tap->stanzas();
        for (int i = 0; i < stanzas.size(); ++i) {
            if (!m_takenStanzas.contains(i) && match(stanzas.at(i).documentElement())) {
                index = i;
                return true;
            }
        }
        return false;
    };
    const bool arrived = m_waiter.waitFor([this, &find] { return find() || !isConnected(); });
    if (index < 0) {
        return Outcome::fail(
            QStringLiteral("%1: %2 did not arrive (%3)")
                .arg(m_label, what, arrived ? QStringLiteral("connection lost") : QStringLiteral("timed out")));
    }
    m_takenStanzas.insert(index);
    const QDomElement element = m_tap->stanzas().at(index).documentElement();
    m_console.detail(QStringLiteral("%1 got %2").arg(m_label, StanzaXml::toText(element)));
    if (found) {
        *found = element;
    }
    return Outcome::pass();
}

int XmppSession::countStanzas(const StanzaMatch& match) const
{
    int count = 0;
    for (const QDomDocument& stanza : m_tap->stanzas()) {
        count += match(stanza.documentElement()) ? 1 : 0;
    }
    return count;
}

Outcome XmppSession::dropConnection()
{
    m_console.step(QStringLiteral("%1: dropping the TCP connection (no </stream:stream>)").arg(m_label));
    m_socket->abort();
    if (!m_waiter.waitFor([this] { return m_client.state() == QXmppClient::DisconnectedState; })) {
        return Outcome::fail(QStringLiteral("%1: QXmpp did not notice the dropped connection").arg(m_label));
    }
    m_isResumed = false;
    return Outcome::pass();
}

Outcome XmppSession::resume()
{
    m_console.step(QStringLiteral("%1: reconnecting to resume stream %2 (h=%3)")
                       .arg(m_label, m_tap->streamManagementId())
                       .arg(m_tap->inboundStanzaCount()));
    const int resumedBefore = m_tap->resumedCount();
    const int bindsBefore = m_tap->bindCount();
    m_attemptEnded = false;
    m_tap->armResumption();
    m_client.connectToServer(m_config, m_initialPresence);
    // Not QXmppClient::isConnected(): until the new stream starts it still reports the old one.
    const bool finished = m_waiter.waitFor([this, resumedBefore, bindsBefore] {
        return m_tap->resumedCount() > resumedBefore || !m_tap->streamManagementFailure().isEmpty() ||
               m_tap->bindCount() > bindsBefore || m_attemptEnded;
    });
    if (m_tap->resumedCount() == resumedBefore + 1) {
        m_isResumed = true;
        m_console.detail(QStringLiteral("%1: <resumed/>, server had handled %2 of our stanzas; stream is %3")
                             .arg(m_label)
                             .arg(m_tap->serverAckedOnResume())
                             .arg(boundJid()));
        return Outcome::pass();
    }
    if (!m_tap->streamManagementFailure().isEmpty()) {
        return Outcome::fail(
            QStringLiteral("%1: resumption refused with <failed/> %2").arg(m_label, m_tap->streamManagementFailure()));
    }
    if (m_tap->bindCount() > bindsBefore) {
        return Outcome::fail(QStringLiteral("%1: reconnected as a new session (%2) instead of resuming: stream "
                                            "management not offered after authentication")
                                 .arg(m_label, m_tap->boundJid()));
    }
    return Outcome::fail(
        QStringLiteral("%1: reconnection failed (%2); %3")
            .arg(m_label, finished ? QStringLiteral("ended") : QStringLiteral("timed out"), diagnostics()));
}

bool XmppSession::sendPacket(const QXmppStanza& stanza)
{
    // After the COMPAT resumption QXmppClient still thinks the stream is being set up (1.4 never
    // marks a resumed session as started), so stanzas go straight to the stream, which numbers
    // them for XEP-0198 the same way.
    if (m_isResumed) {
        return isConnected() && m_stream->sendPacket(stanza);
    }
    return m_client.sendPacket(stanza);
}

bool XmppSession::isConnected() const
{
    if (m_isResumed) {
        return m_socket->state() == QAbstractSocket::ConnectedState;
    }
    return m_client.isConnected();
}

QString XmppSession::boundJid() const
{
    return m_tap->boundJid();
}

QString XmppSession::saslFailureCondition() const
{
    return m_tap->saslFailureCondition();
}

QString XmppSession::saslFailureText() const
{
    return m_tap->saslFailureText();
}

QString XmppSession::diagnostics() const
{
    QStringList parts;
    parts << QStringLiteral("state %1").arg(stateName(m_client.state()));
    parts << QStringLiteral("stream features received: %1").arg(m_tap->featuresSeen());
    QStringList errors;
    for (const QXmppClient::Error error : m_clientErrors) {
        errors << clientErrorName(error);
    }
    if (!errors.isEmpty()) {
        parts << QStringLiteral("client errors: %1").arg(errors.join(QLatin1Char(' ')));
    }
    // QXmppClient::socketError() is not const in 1.4; the string accessor is.
    if (m_clientErrors.contains(QXmppClient::SocketError)) {
        parts << QStringLiteral("socket: %1").arg(m_client.socketErrorString());
    }
    for (const QSslError& error : m_sslErrors) {
        parts << QStringLiteral("TLS: %1%2")
                     .arg(error.errorString(), m_options.ignoreSslErrors ? QStringLiteral(" (ignored)") : QString());
    }
    if (!m_tap->saslFailureCondition().isEmpty()) {
        parts << QStringLiteral("SASL failure: %1%2")
                     .arg(m_tap->saslFailureCondition(), m_tap->saslFailureText().isEmpty()
                                                             ? QString()
                                                             : QStringLiteral(" (%1)").arg(m_tap->saslFailureText()));
    }
    if (!m_tap->streamErrorCondition().isEmpty()) {
        parts << QStringLiteral("stream error: %1").arg(m_tap->streamErrorCondition());
    }
    if (!m_tap->offeredMechanisms().isEmpty()) {
        parts << QStringLiteral("mechanisms offered: %1").arg(m_tap->offeredMechanisms().join(QLatin1Char(' ')));
    }
    if (!m_usedMechanism.isEmpty()) {
        parts << QStringLiteral("mechanism used: %1").arg(m_usedMechanism);
    }
    for (const QString& warning : m_warnings) {
        parts << QStringLiteral("QXmpp: %1").arg(warning);
    }
    return parts.join(QStringLiteral("; "));
}

void XmppSession::onLogMessage(QXmppLogger::MessageType type, const QString& text)
{
    switch (type) {
    case QXmppLogger::SentMessage: {
        // The only place QXmpp 1.4 reveals the mechanism it picked: the <auth/> it sends.
        const QRegularExpression auth(QStringLiteral("<auth\\b[^>]*\\bmechanism=[\"']([^\"']+)[\"']"));
        if (const QRegularExpressionMatch match = auth.match(text); match.hasMatch()) {
            m_usedMechanism = match.captured(1);
        }
        m_console.trace(m_label + QLatin1String(" >> ") + text);
        break;
    }
    case QXmppLogger::ReceivedMessage:
        if (text.contains(QLatin1String("</stream:stream>"))) {
            m_serverClosedStream = true;
        }
        m_console.trace(m_label + QLatin1String(" << ") + text);
        break;
    case QXmppLogger::WarningMessage:
        m_warnings << text;
        m_console.trace(m_label + QLatin1String(" warning: ") + text);
        break;
    default:
        m_console.trace(m_label + QLatin1String(" : ") + text);
        break;
    }
}

} // namespace Canto::Interop
