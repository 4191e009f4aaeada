#include "server/auth/TlsSession.h"

#include <openssl/ssl.h>

#include <algorithm>
#include <mutex>
#include <vector>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

// Where the SSL objects created on this thread go: the active captures and recorders.
// Thread-local because the OpenSSL callbacks are process-wide while captures are per thread.
thread_local std::vector<std::vector<SSL*>*> t_sinks;

void onSslNew(void* parent, void*, CRYPTO_EX_DATA*, int, long, void*)
{
    if (!parent)
        return;
    for (std::vector<SSL*>* sink : t_sinks)
        sink->push_back(static_cast<SSL*>(parent));
}

void onSslFree(void* parent, void*, CRYPTO_EX_DATA*, int, long, void*)
{
    // A freed SSL (e.g. SSL_new failing half-way, or a connection gone) must never be returned.
    for (std::vector<SSL*>* sink : t_sinks)
        std::erase(*sink, static_cast<SSL*>(parent));
}

} // namespace

bool TlsSession::registerCallbacks()
{
    // Once per process: OpenSSL keeps the callbacks for its lifetime; the index is never used to
    // store data.
    static std::once_flag once;
    static int index = -1;
    std::call_once(
        once, [] { index = CRYPTO_get_ex_new_index(CRYPTO_EX_INDEX_SSL, 0, nullptr, onSslNew, nullptr, onSslFree); });
    return index >= 0;
}

void TlsSession::addSink(std::vector<SSL*>* sink)
{
    t_sinks.push_back(sink);
}

void TlsSession::removeSink(std::vector<SSL*>* sink)
{
    std::erase(t_sinks, sink);
}

TlsSession TlsSession::adopt(SSL* ssl)
{
    SSL_up_ref(ssl);
    return TlsSession(ssl);
}

TlsSession::~TlsSession()
{
    if (m_ssl)
        SSL_free(m_ssl);
}

TlsSession::TlsSession(TlsSession&& other) noexcept : m_ssl(std::exchange(other.m_ssl, nullptr)) {}

TlsSession& TlsSession::operator=(TlsSession&& other) noexcept
{
    if (this != &other) {
        if (m_ssl)
            SSL_free(m_ssl);
        m_ssl = std::exchange(other.m_ssl, nullptr);
    }
    return *this;
}

Result<TlsSession> TlsSession::capture(const std::function<void()>& startEncryption)
{
    if (!registerCallbacks())
        return Result<TlsSession>::failure(u"internal-server-error"_s, u"CRYPTO_get_ex_new_index failed"_s);
    std::vector<SSL*> created;
    addSink(&created);
    startEncryption();
    removeSink(&created);

    if (created.size() != 1)
        return Result<TlsSession>::failure(
            u"feature-not-implemented"_s,
            u"expected one SSL object from the TLS backend, saw %1 (is Qt's openssl backend in use?)"_s.arg(
                created.size()));
    return adopt(created.front());
}

bool TlsSession::isHandshakeComplete() const
{
    return m_ssl && SSL_is_init_finished(m_ssl);
}

int TlsSession::protocolVersion() const
{
    return m_ssl ? SSL_version(m_ssl) : 0;
}

} // namespace Canto
