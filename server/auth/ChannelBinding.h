#pragma once

#include "server/auth/ScramServer.h"
#include "server/auth/TlsSession.h"
#include "shared/Result.h"

#include <QByteArray>
#include <QLatin1String>
#include <QSslCertificate>

namespace Canto {

/// Channel binding data for SCRAM -PLUS (and XEP-0440 advertisement).
///  - tls-exporter (RFC 9266): 32 bytes of TLS exporter output with label
///    "EXPORTER-Channel-Binding" and an empty context; only defined here for TLS 1.3 (with TLS 1.2
///    it is unsafe without extended master secret, so Canto does not offer it there).
///  - tls-server-end-point (RFC 5929 §4): hash of the server certificate's DER encoding with the
///    hash of the certificate's signature algorithm, SHA-256 if that is MD5 or SHA-1; undefined for
///    signature algorithms without exactly one hash (Ed25519, Ed448). Computable from the public
///    Qt API alone (server: localCertificate(), client: peerCertificate()).
/// Both sides of a connection compute the same bytes.
class ChannelBinding
{
public:
    static constexpr QLatin1String TlsExporter{"tls-exporter"};
    static constexpr QLatin1String TlsServerEndPoint{"tls-server-end-point"};

    static Result<QByteArray> tlsExporter(const TlsSession& session);
    static Result<QByteArray> tlsServerEndPoint(const QByteArray& certificateDer);
    static Result<QByteArray> tlsServerEndPoint(const QSslCertificate& certificate);

    /// Every binding computable for a server connection: tls-exporter when `session` is a
    /// completed TLS 1.3 session, tls-server-end-point when `serverCertificate` allows it.
    static ChannelBindings available(const TlsSession& session, const QSslCertificate& serverCertificate);
};

} // namespace Canto
