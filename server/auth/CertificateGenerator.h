#pragma once

#include "shared/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace Canto {

/// Creates the self-signed certificate a host gets on first start when it has none (DESIGN §3.5),
/// and the one `cantoctl` generates on request: a new EC P-256 (default) or RSA 2048 key, an X.509
/// v3 certificate with CN = host, subjectAltName DNS entries for the host and `altNames`,
/// serverAuth + clientAuth (s2s), signed with SHA-256. CPU-heavy (key generation, RSA in
/// particular): run generate() on QThreadPool. Thread-safe.
class CertificateGenerator
{
public:
    enum class KeyType { EcP256, Rsa2048 };

    struct Request
    {
        QString host;
        QStringList altNames; ///< further DNS names (e.g. "conference.example.org"); duplicates ignored
        KeyType keyType = KeyType::EcP256;
        int validityDays = 365;
    };

    struct Certificate
    {
        QByteArray certificatePem;
        QByteArray privateKeyPem;  ///< unencrypted PKCS#8
        QString sha256Fingerprint; ///< "AB:CD:..." of the DER certificate, for the log
    };

    static Result<Certificate> generate(const Request& request);
    /// Writes both PEM files, creating the key file with mode 0600 from the start (never
    /// world-readable, even briefly) and replacing existing files atomically.
    static Result<void> writeFiles(const Certificate& certificate, const QString& certificatePath,
                                   const QString& keyPath);
    /// "AB:CD:..." SHA-256 fingerprint of a DER certificate.
    static QString fingerprint(const QByteArray& certificateDer);
};

} // namespace Canto
