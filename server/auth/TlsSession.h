#pragma once

#include "shared/Result.h"

#include <functional>
#include <vector>

typedef struct ssl_st SSL;

namespace Canto {

/// A counted reference to the OpenSSL connection object (SSL*) behind a QSslSocket, for what Qt
/// does not expose: the tls-exporter channel binding (SSL_export_keying_material).
///
/// Qt 6.4 has no public accessor for the SSL* (QSslSocket has no native handle; only
/// QSslCertificate::handle() and QSslKey::handle() exist, and the backend's TlsCryptograph is
/// private and lives in the openssl plugin). capture() gets it without private API: it registers
/// an OpenSSL ex_data "new" callback on SSL objects (CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL)),
/// which OpenSSL calls inside every SSL_new(), and runs the caller's function with a capture
/// armed on the current thread. Qt's openssl backend creates the SSL synchronously inside
/// QSslSocket::startServerEncryption()/startClientEncryption(), and the plugin dlopens the same
/// libssl.so.3 Canto links, so exactly one SSL_new is seen. (QSslServer starts the handshake
/// later, from a readyRead slot: use TlsSessionRecorder there.) The session then holds its own reference (SSL_up_ref),
/// so it stays valid even after Qt frees its side. Requires Qt's "openssl" TLS backend. Move-only; use it on the
/// socket's thread.
class TlsSession
{
public:
    TlsSession() = default;
    ~TlsSession();
    TlsSession(TlsSession&& other) noexcept;
    TlsSession& operator=(TlsSession&& other) noexcept;
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    /// Runs `startEncryption`, which must start the TLS handshake of exactly one socket
    /// synchronously (socket->startServerEncryption() for STARTTLS or a socket accepted through
    /// QTcpServer, or startClientEncryption() on a connected socket), and returns the SSL object
    /// created there.
    static Result<TlsSession> capture(const std::function<void()>& startEncryption);

    bool isNull() const { return m_ssl == nullptr; }
    SSL* handle() const { return m_ssl; }
    bool isHandshakeComplete() const;
    /// TLS1_2_VERSION, TLS1_3_VERSION, ... (0 when null).
    int protocolVersion() const;
    /// A session for an SSL object Canto created itself (takes a new reference to `ssl`).
    static TlsSession adopt(SSL* ssl);

private:
    friend class TlsSessionRecorder;

    explicit TlsSession(SSL* ssl) : m_ssl(ssl) {}
    // Plumbing shared with TlsSessionRecorder: process-wide OpenSSL callbacks feeding per-thread sinks.
    static bool registerCallbacks();
    static void addSink(std::vector<SSL*>* sink);
    static void removeSink(std::vector<SSL*>* sink);

    SSL* m_ssl = nullptr;
};

} // namespace Canto
