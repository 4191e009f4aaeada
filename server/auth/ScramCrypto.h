#pragma once

#include "shared/Result.h"

#include <QByteArray>
#include <QString>

namespace Canto {

/// The hash functions SCRAM is used with in Canto (RFC 5802 SHA-1, RFC 7677 SHA-256).
enum class ScramHash { Sha1, Sha256 };

/// The cryptographic primitives of SCRAM (RFC 5802 §2.2), on top of OpenSSL's libcrypto.
/// Stateless and thread-safe. pbkdf2() is CPU-heavy by design: call it from QThreadPool, never
/// from the event loop.
class ScramCrypto
{
public:
    /// Output size of H() in bytes (20 for SHA-1, 32 for SHA-256).
    static int digestSize(ScramHash hash);
    /// The name used in mechanism names: "SHA-1" or "SHA-256".
    static QString hashName(ScramHash hash);

    static QByteArray hash(ScramHash hash, const QByteArray& data);
    static QByteArray hmac(ScramHash hash, const QByteArray& key, const QByteArray& data);
    /// Hi(str, salt, i) of RFC 5802, which is PBKDF2 with HMAC-H and dkLen = digestSize().
    static Result<QByteArray> pbkdf2(ScramHash hash, const QByteArray& password, const QByteArray& salt,
                                     int iterations);
    /// Byte-wise XOR of two strings of equal length (an empty result if the lengths differ).
    static QByteArray xorBytes(const QByteArray& a, const QByteArray& b);
    /// Compares in time independent of the contents (lengths are not secret).
    static bool constantTimeEquals(const QByteArray& a, const QByteArray& b);
    /// Cryptographically secure random bytes (RAND_bytes).
    static QByteArray randomBytes(int count);
};

} // namespace Canto
