#include "server/net/StreamSocket.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcSocket, "canto.net.socket")

namespace Canto {

namespace {
constexpr int ReadChunk = 16 * 1024;
constexpr int CloseTimeoutMs = 5000;

QString lastSslError()
{
    char text[256] = {};
    ERR_error_string_n(ERR_get_error(), text, sizeof text);
    ERR_clear_error();
    return QString::fromLatin1(text);
}
} // namespace

StreamSocket::StreamSocket(qintptr descriptor, QObject* parent) : QObject(parent), m_fd(int(descriptor))
{
    const int flags = ::fcntl(m_fd, F_GETFL);
    ::fcntl(m_fd, F_SETFL, flags | O_NONBLOCK);
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (::getpeername(m_fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        m_peer.setAddress(reinterpret_cast<const sockaddr*>(&address));
    }
    m_readNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_writeNotifier = new QSocketNotifier(m_fd, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &StreamSocket::onReadable);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &StreamSocket::onWritable);
}

StreamSocket::~StreamSocket()
{
    closeNow();
}

QString StreamSocket::protocolName() const
{
    return m_ssl ? QString::fromLatin1(SSL_get_version(m_ssl)) : QString();
}

bool StreamSocket::startServerEncryption(SSL_CTX* context)
{
    if (m_fd < 0 || m_ssl || !context) {
        return false;
    }
    m_ssl = SSL_new(context);
    if (!m_ssl || SSL_set_fd(m_ssl, m_fd) != 1) {
        qCWarning(lcSocket) << "Cannot start TLS:" << lastSslError();
        closeNow();
        return false;
    }
    SSL_set_accept_state(m_ssl);
    m_discardInput = true;
    if (bytesToWrite() > 0) {
        // <proceed/> is still queued: it leaves in plaintext, then the handshake starts.
        m_plainBeforeTls = int(bytesToWrite());
        m_readNotifier->setEnabled(false);
        return true;
    }
    continueHandshake();
    return true;
}

void StreamSocket::continueHandshake()
{
    if (m_plainBeforeTls > 0) {
        return; // the plaintext <proceed/> must leave first; flush() resumes
    }
    m_readNotifier->setEnabled(true);
    ERR_clear_error();
    const int result = SSL_do_handshake(m_ssl);
    if (result == 1) {
        m_handshakeDone = true;
        updateNotifiers();
        Q_EMIT encrypted();
        if (m_fd >= 0 && !m_out.isEmpty()) {
            flush();
        }
        return;
    }
    const int error = SSL_get_error(m_ssl, result);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) {
        m_writeNotifier->setEnabled(error == SSL_ERROR_WANT_WRITE);
        return;
    }
    qCDebug(lcSocket).noquote() << "TLS handshake with" << m_peer.toString() << "failed:" << lastSslError();
    closeNow();
}

void StreamSocket::onReadable()
{
    if (m_fd < 0) {
        return;
    }
    if (m_ssl && !m_handshakeDone) {
        continueHandshake();
        return;
    }
    if (m_writeWantsRead) {
        m_writeWantsRead = false;
        if (!flush()) {
            return;
        }
    }
    m_discardInput = false;
    char buffer[ReadChunk];
    while (m_fd >= 0 && !m_discardInput) {
        ERR_clear_error();
        const int n = m_ssl ? SSL_read(m_ssl, buffer, ReadChunk) : int(::recv(m_fd, buffer, ReadChunk, 0));
        if (n > 0) {
            if (!m_closing) {
                Q_EMIT dataReceived(QByteArray(buffer, n));
            }
            if (m_ssl && !m_handshakeDone) {
                return; // STARTTLS began while handling this data
            }
            continue;
        }
        if (m_ssl) {
            const int error = SSL_get_error(m_ssl, n);
            if (error == SSL_ERROR_WANT_READ) {
                return;
            }
            if (error == SSL_ERROR_WANT_WRITE) {
                m_writeNotifier->setEnabled(true);
                return;
            }
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        closeNow(); // end of stream or a hard error
        return;
    }
}

void StreamSocket::onWritable()
{
    if (m_fd < 0) {
        return;
    }
    if (m_ssl && !m_handshakeDone) {
        continueHandshake();
        return;
    }
    flush();
}

void StreamSocket::write(const QByteArray& data)
{
    if (m_fd < 0 || m_closing || m_writeFailed || data.isEmpty()) {
        return;
    }
    if (m_out.isEmpty()) {
        m_out = data;
        m_outOffset = 0;
    } else {
        m_out.append(data);
    }
    // While a handshake runs, data waits and is sent encrypted once it is done.
    if ((!m_ssl || m_handshakeDone) && !m_writeNotifier->isEnabled() && !m_writeWantsRead) {
        flush();
    }
}

bool StreamSocket::flush()
{
    while (m_fd >= 0 && !m_writeFailed && m_outOffset < m_out.size()) {
        if (m_ssl && !m_handshakeDone && m_plainBeforeTls <= 0) {
            return true; // encrypted data waits for the handshake
        }
        const char* data = m_out.constData() + m_outOffset;
        const int length = int(std::min<qsizetype>(m_out.size() - m_outOffset, 1 << 20));
        const bool plain = !m_ssl || m_plainBeforeTls > 0;
        int n = 0;
        if (plain) {
            const int limit = m_plainBeforeTls > 0 ? std::min(length, m_plainBeforeTls) : length;
            n = int(::send(m_fd, data, size_t(limit), MSG_NOSIGNAL));
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                    m_writeNotifier->setEnabled(true);
                    return true;
                }
                failWrites();
                return true;
            }
            if (m_plainBeforeTls > 0) {
                m_plainBeforeTls -= n;
            }
        } else {
            ERR_clear_error();
            n = SSL_write(m_ssl, data, length);
            if (n <= 0) {
                const int error = SSL_get_error(m_ssl, n);
                if (error == SSL_ERROR_WANT_WRITE) {
                    m_writeNotifier->setEnabled(true);
                    return true;
                }
                if (error == SSL_ERROR_WANT_READ) {
                    m_writeWantsRead = true;
                    m_writeNotifier->setEnabled(false);
                    return true;
                }
                failWrites();
                return true;
            }
        }
        m_outOffset += n;
        if (m_plainBeforeTls == 0 && m_ssl && !m_handshakeDone) {
            // The plaintext part (e.g. <proceed/>) is out: the handshake can begin.
            m_plainBeforeTls = -1;
            m_out.remove(0, m_outOffset);
            m_outOffset = 0;
            continueHandshake();
            return m_fd >= 0;
        }
    }
    if (m_fd >= 0 && !m_writeFailed) {
        m_out = QByteArray(); // release the queue's memory while idle
        m_outOffset = 0;
        m_writeNotifier->setEnabled(false);
        if (m_closing) {
            if (m_ssl && m_handshakeDone) {
                SSL_shutdown(m_ssl);
            }
            ::shutdown(m_fd, SHUT_WR);
        }
    }
    return m_fd >= 0;
}

void StreamSocket::disconnectFromHost()
{
    if (m_fd < 0 || m_closing) {
        return;
    }
    m_closing = true;
    if (!m_closeTimer) {
        m_closeTimer = new QTimer(this);
        m_closeTimer->setSingleShot(true);
        connect(m_closeTimer, &QTimer::timeout, this, &StreamSocket::closeNow);
    }
    m_closeTimer->start(CloseTimeoutMs);
    if (bytesToWrite() == 0) {
        flush();
    }
}

void StreamSocket::abort()
{
    closeNow();
}

void StreamSocket::updateNotifiers()
{
    if (m_writeNotifier) {
        m_writeNotifier->setEnabled(bytesToWrite() > 0);
    }
}

void StreamSocket::failWrites()
{
    if (m_writeFailed) {
        return;
    }
    m_writeFailed = true;
    m_out = QByteArray();
    m_outOffset = 0;
    if (m_writeNotifier) {
        m_writeNotifier->setEnabled(false);
    }
    QMetaObject::invokeMethod(this, &StreamSocket::closeNow, Qt::QueuedConnection);
}

void StreamSocket::closeNow()
{
    if (m_fd >= 0) {
        delete m_readNotifier;
        delete m_writeNotifier;
        m_readNotifier = m_writeNotifier = nullptr;
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_ssl) {
        SSL_free(m_ssl);
        m_ssl = nullptr;
    }
    m_out = QByteArray();
    if (m_closeTimer) {
        m_closeTimer->stop();
    }
    if (!m_emittedDisconnected) {
        m_emittedDisconnected = true;
        Q_EMIT disconnected();
    }
}

} // namespace Canto
