#include "server/auth/ChannelBinding.h"

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

constexpr int ExporterLength = 32;
constexpr char ExporterLabel[] = "EXPORTER-Channel-Binding";

struct X509Free
{
    void operator()(X509* certificate) const { X509_free(certificate); }
};

} // namespace

Result<QByteArray> ChannelBinding::tlsExporter(const TlsSession& session)
{
    if (!session.isHandshakeComplete())
        return Result<QByteArray>::failure(u"unexpected-request"_s, u"TLS handshake not complete"_s);
    if (session.protocolVersion() != TLS1_3_VERSION)
        return Result<QByteArray>::failure(u"feature-not-implemented"_s, u"tls-exporter needs TLS 1.3"_s);
    QByteArray out(ExporterLength, Qt::Uninitialized);
    if (SSL_export_keying_material(session.handle(), reinterpret_cast<unsigned char*>(out.data()), size_t(out.size()),
                                   ExporterLabel, sizeof(ExporterLabel) - 1, nullptr, 0, 1) != 1)
        return Result<QByteArray>::failure(u"internal-server-error"_s, u"SSL_export_keying_material failed"_s);
    return out;
}

Result<QByteArray> ChannelBinding::tlsServerEndPoint(const QByteArray& certificateDer)
{
    const auto* cursor = reinterpret_cast<const unsigned char*>(certificateDer.constData());
    std::unique_ptr<X509, X509Free> certificate(d2i_X509(nullptr, &cursor, long(certificateDer.size())));
    if (!certificate)
        return Result<QByteArray>::failure(u"bad-request"_s, u"certificate is not valid DER"_s);

    int digestNid = NID_undef;
    if (X509_get_signature_info(certificate.get(), &digestNid, nullptr, nullptr, nullptr) != 1 ||
        digestNid == NID_undef)
        return Result<QByteArray>::failure(u"feature-not-implemented"_s,
                                           u"tls-server-end-point is undefined for this signature algorithm"_s);
    if (digestNid == NID_md5 || digestNid == NID_sha1)
        digestNid = NID_sha256; // RFC 5929 §4.1
    const EVP_MD* digest = EVP_get_digestbynid(digestNid);
    if (!digest)
        return Result<QByteArray>::failure(u"feature-not-implemented"_s, u"unsupported certificate hash"_s);

    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_Digest(certificateDer.constData(), size_t(certificateDer.size()),
                   reinterpret_cast<unsigned char*>(out.data()), &length, digest, nullptr) != 1)
        return Result<QByteArray>::failure(u"internal-server-error"_s, u"digest failed"_s);
    out.truncate(int(length));
    return out;
}

Result<QByteArray> ChannelBinding::tlsServerEndPoint(const QSslCertificate& certificate)
{
    if (certificate.isNull())
        return Result<QByteArray>::failure(u"item-not-found"_s, u"no certificate"_s);
    return tlsServerEndPoint(certificate.toDer());
}

ChannelBindings ChannelBinding::available(const TlsSession& session, const QSslCertificate& serverCertificate)
{
    ChannelBindings bindings;
    if (!session.isNull()) {
        if (auto exporter = tlsExporter(session))
            bindings.insert(TlsExporter, *exporter);
    }
    if (auto endPoint = tlsServerEndPoint(serverCertificate))
        bindings.insert(TlsServerEndPoint, *endPoint);
    return bindings;
}

} // namespace Canto
