#include "server/auth/TlsSessionRecorder.h"

#include <QSslSocket>

#include <openssl/ssl.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

constexpr size_t MaxUnclaimed = 16;

QByteArray derOf(X509* certificate)
{
    unsigned char* der = nullptr;
    const int length = certificate ? i2d_X509(certificate, &der) : 0;
    QByteArray result(reinterpret_cast<const char*>(der), length > 0 ? length : 0);
    OPENSSL_free(der);
    return result;
}

} // namespace

TlsSessionRecorder::TlsSessionRecorder()
{
    if (TlsSession::registerCallbacks())
        TlsSession::addSink(&m_created);
}

TlsSessionRecorder::~TlsSessionRecorder()
{
    TlsSession::removeSink(&m_created);
}

Result<TlsSession> TlsSessionRecorder::takeFor(const QSslSocket& socket)
{
    if (m_created.empty())
        return Result<TlsSession>::failure(u"feature-not-implemented"_s,
                                           u"no SSL object recorded (is Qt's openssl backend in use?)"_s);
    SSL* const latest = m_created.back();
    m_created.pop_back();
    if (m_created.size() > MaxUnclaimed)
        m_created.erase(m_created.begin(), m_created.end() - MaxUnclaimed);

    const QByteArray expectedDer = socket.localCertificate().toDer();
    if (!SSL_is_server(latest) || (!expectedDer.isEmpty() && derOf(SSL_get_certificate(latest)) != expectedDer))
        return Result<TlsSession>::failure(u"internal-server-error"_s,
                                           u"the most recent SSL object does not belong to this socket"_s);
    return TlsSession::adopt(latest);
}

} // namespace Canto
