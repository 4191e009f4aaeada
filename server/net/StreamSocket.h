#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QObject>
#include <QTimer>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

class QSocketNotifier;

namespace Canto {

/// A non-blocking TCP connection with optional server-side TLS, driven by the event loop through
/// QSocketNotifier and OpenSSL directly. It exists because QSslSocket keeps two 16 KiB buffers
/// per direction alive for every idle connection: here received bytes go straight from a stack
/// buffer to the consumer, the send queue is freed when drained, and OpenSSL releases its
/// record buffers between reads (SSL_MODE_RELEASE_BUFFERS). Owns the file descriptor.
class StreamSocket : public QObject
{
    Q_OBJECT

public:
    /// Takes ownership of a connected socket descriptor (made non-blocking here).
    explicit StreamSocket(qintptr descriptor, QObject* parent = nullptr);
    ~StreamSocket() override;

    QHostAddress peerAddress() const { return m_peer; }
    bool isOpen() const { return m_fd >= 0; }
    bool isEncrypted() const { return m_ssl && m_handshakeDone; }
    SSL* ssl() const { return m_ssl; }
    /// "TLSv1.3" etc., empty without TLS.
    QString protocolName() const;
    qint64 bytesToWrite() const { return m_out.size() - m_outOffset; }

    /// Starts the server side of a TLS handshake; `encrypted` follows. Data read but not yet
    /// handed out is discarded (RFC 6120 §5.4.3.3).
    bool startServerEncryption(SSL_CTX* context);
    /// Queues data; it is written as soon as the socket allows.
    void write(const QByteArray& data);
    /// Stops reading, flushes what is queued, closes the TLS session and the connection.
    void disconnectFromHost();
    /// Closes at once.
    void abort();
    /// Stops handing out data for the rest of the current read (after a stream restart).
    void discardPendingInput() { m_discardInput = true; }

Q_SIGNALS:
    void dataReceived(const QByteArray& data);
    void encrypted();
    void disconnected();

private:
    void onReadable();
    void onWritable();
    void continueHandshake();
    bool flush();
    void updateNotifiers();
    void closeNow();
    /// A write failed (the peer is gone): output is dropped from now on, but what the peer sent
    /// before it went (typically its </stream:stream>) is still read and delivered; the socket
    /// closes once the pending input has been handled.
    void failWrites();

    int m_fd = -1;
    QHostAddress m_peer;
    QSocketNotifier* m_readNotifier = nullptr;
    QSocketNotifier* m_writeNotifier = nullptr;
    SSL* m_ssl = nullptr;
    bool m_handshakeDone = false;
    bool m_writeWantsRead = false; // OpenSSL needs the socket readable to continue a write
    int m_plainBeforeTls = -1;     // queued bytes to send in plaintext before the handshake
    bool m_closing = false;
    bool m_writeFailed = false;
    bool m_discardInput = false;
    bool m_emittedDisconnected = false;
    QByteArray m_out;
    qsizetype m_outOffset = 0;
    QTimer* m_closeTimer = nullptr;
};

} // namespace Canto
