#include "Transport.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Canto::Bench {

namespace {

constexpr size_t ReadChunk = 16384;

std::string sslErrorText()
{
    const unsigned long code = ERR_get_error();
    if (code == 0)
        return std::strerror(errno);
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    ERR_clear_error();
    return buffer;
}

} // namespace

Transport::~Transport()
{
    if (m_ssl)
        SSL_free(m_ssl);
    if (m_fd >= 0)
        ::close(m_fd);
}

bool Transport::connectTo(const sockaddr_in& address)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        fail(std::string("socket: ") + std::strerror(errno));
        return false;
    }
    const int one = 1;
    // Stanzas are small and latency is measured: do not let Nagle hold them back.
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) {
        m_state = State::Open;
        return true;
    }
    if (errno != EINPROGRESS) {
        fail(std::string("connect: ") + std::strerror(errno));
        return false;
    }
    m_state = State::Connecting;
    return true;
}

void Transport::startTls(SSL_CTX* context, const std::string& serverName)
{
    m_ssl = SSL_new(context);
    SSL_set_fd(m_ssl, m_fd);
    SSL_set_connect_state(m_ssl);
    SSL_set_tlsext_host_name(m_ssl, serverName.c_str());
    // Partial writes keep SSL_write non-blocking with a buffer that moves as it is consumed.
    SSL_set_mode(m_ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    m_state = State::Handshaking;
}

uint32_t Transport::wantedEvents() const
{
    if (m_state == State::Connecting)
        return EPOLLOUT;
    uint32_t events = EPOLLIN | EPOLLRDHUP;
    if (m_sslWantsWrite || (!m_output.empty() && m_state == State::Open))
        events |= EPOLLOUT;
    return events;
}

unsigned Transport::fail(const std::string& what)
{
    if (m_error.empty())
        m_error = what;
    m_state = State::Done;
    return Failed;
}

void Transport::abort()
{
    if (m_fd >= 0) {
        const linger hard{1, 0};
        setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
        ::close(m_fd);
        m_fd = -1;
    }
    if (m_ssl) {
        SSL_free(m_ssl);
        m_ssl = nullptr;
    }
    m_state = State::Done;
}

unsigned Transport::sslResult(int ret, const char* what, bool& wouldBlock)
{
    wouldBlock = false;
    const int code = SSL_get_error(m_ssl, ret);
    switch (code) {
    case SSL_ERROR_WANT_READ:
        wouldBlock = true;
        return None;
    case SSL_ERROR_WANT_WRITE:
        wouldBlock = true;
        m_sslWantsWrite = true;
        return None;
    case SSL_ERROR_ZERO_RETURN:
        m_state = State::Done;
        return Closed;
    case SSL_ERROR_SYSCALL:
        if (ret == 0 || errno == 0) {
            m_state = State::Done;
            return Closed;
        }
        return fail(std::string(what) + ": " + std::strerror(errno));
    default:
        return fail(std::string(what) + ": " + sslErrorText());
    }
}

unsigned Transport::continueHandshake()
{
    m_sslWantsWrite = false;
    const int ret = SSL_do_handshake(m_ssl);
    if (ret == 1) {
        m_state = State::Open;
        return TlsReady;
    }
    bool wouldBlock = false;
    const unsigned result = sslResult(ret, "tls-handshake", wouldBlock);
    return (result & Closed) ? fail("tls-handshake: closed by peer") : result;
}

unsigned Transport::flush()
{
    m_sslWantsWrite = false;
    size_t written = 0;
    unsigned result = None;
    while (written < m_output.size()) {
        const size_t left = m_output.size() - written;
        if (m_ssl) {
            const int ret = SSL_write(m_ssl, m_output.data() + written, static_cast<int>(left));
            if (ret > 0) {
                written += static_cast<size_t>(ret);
                continue;
            }
            bool wouldBlock = false;
            result = sslResult(ret, "tls-write", wouldBlock);
            if (wouldBlock)
                m_sslWantsWrite = true; // retry when writable, whatever the SSL layer waits for
            break;
        }
        const ssize_t ret = ::send(m_fd, m_output.data() + written, left, MSG_NOSIGNAL);
        if (ret > 0) {
            written += static_cast<size_t>(ret);
            continue;
        }
        if (ret < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (ret < 0 && errno == EINTR)
            continue;
        result = fail(std::string("write: ") + std::strerror(errno));
        break;
    }
    m_output.erase(0, written);
    return result;
}

unsigned Transport::readAll(std::string& input)
{
    unsigned result = None;
    char buffer[ReadChunk];
    for (;;) {
        if (m_ssl) {
            const int ret = SSL_read(m_ssl, buffer, sizeof buffer);
            if (ret > 0) {
                input.append(buffer, static_cast<size_t>(ret));
                result |= DataReceived;
                continue;
            }
            bool wouldBlock = false;
            result |= sslResult(ret, "tls-read", wouldBlock);
            return result;
        }
        const ssize_t ret = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (ret > 0) {
            input.append(buffer, static_cast<size_t>(ret));
            result |= DataReceived;
            continue;
        }
        if (ret == 0) {
            m_state = State::Done;
            return result | Closed;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            return result;
        if (errno == EINTR)
            continue;
        return result | fail(std::string("read: ") + std::strerror(errno));
    }
}

unsigned Transport::pump(uint32_t epollEvents, std::string& input)
{
    unsigned result = None;
    if (m_state == State::Connecting) {
        if (!(epollEvents & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
            return None;
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0)
            return fail(std::string("connect: ") + std::strerror(error));
        m_state = State::Open;
        result |= Connected;
        // The owner reacts to Connected (sends a header or starts TLS) and pumps again.
        return result;
    }
    if (m_state == State::Handshaking) {
        result |= continueHandshake();
        if (m_state != State::Open)
            return result;
    }
    if (m_state != State::Open)
        return result;
    if (!m_output.empty() || m_sslWantsWrite)
        result |= flush();
    if (m_state != State::Open)
        return result;
    // Read whenever epoll said readable, and always right after the handshake: OpenSSL may already
    // hold decrypted application data that epoll cannot see.
    if ((epollEvents & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) || (result & TlsReady) ||
        (m_ssl && SSL_pending(m_ssl) > 0))
        result |= readAll(input);
    return result;
}

unsigned Transport::send(std::string_view data)
{
    m_output.append(data);
    if (m_state != State::Open)
        return None; // flushed once connected / after the handshake
    return flush();
}

} // namespace Canto::Bench
