#pragma once

#include "server/auth/TlsSession.h"
#include "server/net/ClientConnectionSettings.h"
#include "server/xmpp/XmlElement.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>

namespace Canto {

class ClientSession;
class SaslMechanism;
class StreamParser;
struct SaslStep;
struct ServerContext;
class CertificateStore;
class StreamSocket;

/// One client-to-server stream (RFC 6120): stream headers, STARTTLS (or direct TLS), SASL,
/// resource binding and the session IQ, then every element goes to the Router. Owns its socket,
/// its parser and its ClientSession. Stream errors for malformed XML and broken limits; clean
/// close on </stream:stream>. Deletes itself (deleteLater) when the socket is gone. A lost
/// socket lets SessionManager::unbindOrKeep keep the session (XEP-0198 hibernation); a stream
/// resumption moves a kept session onto a new connection (ClientSession::Transfer).
class ClientConnection : public QObject
{
    Q_OBJECT

public:
    ClientConnection(ServerContext& context, CertificateStore& certificates, StreamSocket* socket,
                     const ClientConnectionSettings& settings, QObject* parent = nullptr);
    ~ClientConnection() override;

    ClientSession& session() const { return *m_session; }
    QString id() const;

    /// Sends a stream error (if the stream is open) and closes the connection.
    void closeStream(const QString& condition = {}, const QString& text = {});

Q_SIGNALS:
    void closed();

private:
    enum class State { AwaitingHeader, Negotiating, TlsHandshake, Authenticating, Bound, Closing };

    void onData(const QByteArray& data);
    void onEncrypted();
    void onDisconnected();
    void onStreamOpened(const XmlElement& header);
    void onElement(XmlElement element);
    void onParseError(const QString& condition, const QString& text);

    void attachSession(ClientSession& session);
    void transferSession(ClientSession* target);
    void sendFeatures();
    void handleStartTls();
    void handleAuth(const XmlElement& element);
    void handleSaslResponse(const XmlElement& element);
    void handleStep(const SaslStep& step);
    void provideCredentials(const QVariant& stored);
    void handleIqBeforeBind(const XmlElement& iq);
    void write(const QString& xml);
    void writeElement(const XmlElement& element);
    void restartStream();
    bool isSecure() const;
    QStringList mechanisms() const;

    ServerContext& m_context;
    CertificateStore& m_certificates;
    StreamSocket* m_socket;
    ClientConnectionSettings m_settings;
    std::unique_ptr<StreamParser> m_parser;
    std::unique_ptr<ClientSession> m_session; // null once a resumption elsewhere took it
    std::unique_ptr<ClientSession> m_replacedSession;
    std::unique_ptr<SaslMechanism> m_sasl;
    TlsSession m_tls;
    QTimer m_negotiationTimer;
    State m_state = State::AwaitingHeader;
    QString m_host;
    QString m_streamId;
    bool m_streamOpen = false;
    bool m_headerSent = false;
    int m_authFailures = 0;
    bool m_saslBusy = false;
    bool m_ipv6 = false;
    bool m_feeding = false;           // inside m_parser->feed()
    bool m_disconnectPending = false; // the socket went while feeding: handled after it
};

} // namespace Canto
