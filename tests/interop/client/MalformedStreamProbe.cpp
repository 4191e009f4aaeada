#include "MalformedStreamProbe.h"

#include "ClientOptions.h"
#include "Console.h"
#include "Waiter.h"

#include <QSslCertificate>
#include <QSslConfiguration>

namespace Canto::Interop {

namespace {

constexpr QLatin1String NsStream("http://etherx.jabber.org/streams");
constexpr QLatin1String NsStreamErrors("urn:ietf:params:xml:ns:xmpp-streams");

} // namespace

MalformedStreamProbe::MalformedStreamProbe(const ClientOptions& options, Console& console, Waiter& waiter,
                                           QObject* parent)
    : QObject(parent), m_options(options), m_console(console), m_waiter(waiter)
{
    m_reader.setNamespaceProcessing(true);
    connect(&m_socket, &QSslSocket::readyRead, this, &MalformedStreamProbe::onReadyRead);
    connect(&m_socket, &QSslSocket::connected, &m_waiter, &Waiter::wake);
    connect(&m_socket, &QSslSocket::encrypted, &m_waiter, &Waiter::wake);
    connect(&m_socket, &QSslSocket::disconnected, this, [this] {
        m_disconnected = true;
        m_waiter.wake();
    });
    connect(&m_socket, &QSslSocket::errorOccurred, &m_waiter, &Waiter::wake);
    connect(&m_socket, qOverload<const QList<QSslError>&>(&QSslSocket::sslErrors), this,
            [this](const QList<QSslError>& errors) {
                if (m_options.ignoreSslErrors) {
                    m_socket.ignoreSslErrors(errors);
                }
            });
}

Outcome MalformedStreamProbe::run(const QByteArray& garbage)
{
    m_console.step(QStringLiteral("raw socket: connecting to %1:%2 (%3)")
                       .arg(m_options.host, QString::number(m_options.port),
                            m_options.directTls ? QStringLiteral("direct TLS") : QStringLiteral("plain TCP")));
    if (m_options.directTls) {
        m_socket.setPeerVerifyName(m_options.domain);
        if (!m_options.caCertificateFile.isEmpty()) {
            QSslConfiguration tls = m_socket.sslConfiguration();
            tls.setCaCertificates(QSslCertificate::fromPath(m_options.caCertificateFile));
            m_socket.setSslConfiguration(tls);
        }
        m_socket.connectToHostEncrypted(m_options.host, m_options.port);
    } else {
        m_socket.connectToHost(m_options.host, m_options.port);
    }
    const bool ready = m_waiter.waitFor([this] {
        return (m_options.directTls ? m_socket.isEncrypted() : m_socket.state() == QAbstractSocket::ConnectedState) ||
               m_socket.state() == QAbstractSocket::UnconnectedState;
    });
    if (!ready || m_socket.state() != QAbstractSocket::ConnectedState) {
        return Outcome::fail(QStringLiteral("raw socket could not connect: %1").arg(m_socket.errorString()));
    }

    const QByteArray header = "<?xml version='1.0'?><stream:stream to='" + m_options.domain.toUtf8() +
                              "' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' "
                              "version='1.0' xml:lang='en'>";
    m_console.step(QStringLiteral("raw socket: sending the stream header"));
    m_console.trace(QStringLiteral("raw >> ") + QString::fromUtf8(header));
    m_socket.write(header);
    if (!m_waiter.waitFor([this] { return m_featuresReceived || m_disconnected || !m_readerError.isEmpty(); }) ||
        !m_featuresReceived) {
        return Outcome::fail(
            QStringLiteral("no stream header and features from the server; received: %1").arg(transcript()));
    }
    m_console.detail(QStringLiteral("server stream header and <stream:features/> received"));

    m_console.step(QStringLiteral("raw socket: sending malformed XML: %1").arg(QString::fromUtf8(garbage)));
    m_console.trace(QStringLiteral("raw >> ") + QString::fromUtf8(garbage));
    m_socket.write(garbage);
    const bool closed = m_waiter.waitFor([this] { return m_disconnected; });
    const QString seen = QStringLiteral("stream error: %1, </stream:stream>: %2, connection closed: %3; received: %4")
                             .arg(m_streamErrorReceived ? m_errorCondition : QStringLiteral("none"),
                                  m_streamClosed ? QStringLiteral("yes") : QStringLiteral("no"),
                                  closed ? QStringLiteral("yes") : QStringLiteral("no"), transcript());
    m_console.detail(seen);
    if (!m_streamErrorReceived || m_errorCondition != QLatin1String("not-well-formed")) {
        return Outcome::fail(QStringLiteral("expected <stream:error><not-well-formed/>; ") + seen);
    }
    if (!m_streamClosed) {
        return Outcome::fail(QStringLiteral("the server did not close its stream with </stream:stream>; ") + seen);
    }
    if (!closed) {
        return Outcome::fail(QStringLiteral("the server did not close the connection; ") + seen);
    }
    return Outcome::pass();
}

void MalformedStreamProbe::onReadyRead()
{
    const QByteArray data = m_socket.readAll();
    m_console.trace(QStringLiteral("raw << ") + QString::fromUtf8(data));
    m_received += data;
    m_reader.addData(data);
    parseAvailable();
    m_waiter.wake();
}

void MalformedStreamProbe::parseAvailable()
{
    while (!m_reader.atEnd()) {
        const QXmlStreamReader::TokenType token = m_reader.readNext();
        if (token == QXmlStreamReader::StartElement) {
            ++m_depth;
            const bool isStreamNs = m_reader.namespaceUri() == NsStream;
            if (m_depth == 1 && isStreamNs && m_reader.name() == QLatin1String("stream")) {
                m_headerReceived = true;
            } else if (m_depth == 2 && isStreamNs && m_reader.name() == QLatin1String("error")) {
                m_inStreamError = true;
                m_streamErrorReceived = true;
            } else if (m_depth == 3 && m_inStreamError && m_reader.namespaceUri() == NsStreamErrors &&
                       m_reader.name() != QLatin1String("text") && m_errorCondition.isEmpty()) {
                m_errorCondition = m_reader.name().toString();
            }
        } else if (token == QXmlStreamReader::EndElement) {
            if (m_depth == 2 && m_reader.namespaceUri() == NsStream && m_reader.name() == QLatin1String("features")) {
                m_featuresReceived = m_headerReceived;
            } else if (m_depth == 2) {
                m_inStreamError = false;
            } else if (m_depth == 1) {
                m_streamClosed = true;
            }
            --m_depth;
        } else if (token == QXmlStreamReader::Invalid) {
            if (m_reader.error() != QXmlStreamReader::PrematureEndOfDocumentError) {
                m_readerError = m_reader.errorString();
            }
            return;
        }
    }
}

QString MalformedStreamProbe::transcript() const
{
    QString text = QString::fromUtf8(m_received);
    if (text.size() > 2000) {
        text = text.left(2000) + QStringLiteral("...");
    }
    if (!m_readerError.isEmpty()) {
        text += QStringLiteral(" [server output is not well-formed: %1]").arg(m_readerError);
    }
    return text.isEmpty() ? QStringLiteral("(nothing)") : text;
}

} // namespace Canto::Interop
