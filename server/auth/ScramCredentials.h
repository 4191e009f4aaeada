#pragma once

#include "server/auth/ScramCrypto.h"
#include "shared/Result.h"

#include <QByteArray>
#include <QString>
#include <QVariantMap>

#include <optional>

namespace Canto {

/// The two keys SCRAM keeps per hash: StoredKey = H(HMAC(SaltedPassword, "Client Key")) and
/// ServerKey = HMAC(SaltedPassword, "Server Key") (RFC 5802 §3), raw bytes.
struct ScramKeys
{
    QByteArray storedKey;
    QByteArray serverKey;

    bool isValidFor(ScramHash hash) const
    {
        return storedKey.size() == ScramCrypto::digestSize(hash) && serverKey.size() == ScramCrypto::digestSize(hash);
    }
};

/// The stored form of an account's password, compatible with Prosody's mod_auth_internal_hashed:
/// the value of the keyval store "accounts" for the user. Prosody 0.12 fields:
///   salt             the salt as a string (Prosody uses a fresh UUID string; its bytes are the salt)
///   iteration_count  PBKDF2 iterations (Prosody default 10000, option default_iteration_count)
///   stored_key       lowercase hex of StoredKey
///   server_key       lowercase hex of ServerKey
///   password         legacy plaintext (mod_auth_internal_plain / old data), replaced on upgrade
/// stored_key/server_key hold SHA-1 keys with Prosody's default password_hash = "SHA-1" and SHA-256
/// keys with password_hash = "SHA-256"; fromMap() tells them apart by length (40 or 64 hex digits).
/// Canto additionally writes SHA-256 keys, sharing the same salt and iteration_count, as
///   stored_key_sha256, server_key_sha256   lowercase hex of the SCRAM-SHA-256 keys
/// so that an account offers both SCRAM-SHA-1 and SCRAM-SHA-256 and stays readable by Prosody.
/// Other fields found in the map are kept and written back unchanged.
/// derive(), create(), verifyPlain() and withDerivedKeys() run PBKDF2: call them on QThreadPool.
class ScramCredentials
{
public:
    /// Prosody 0.12's default_iteration_count.
    static constexpr int DefaultIterations = 10000;

    ScramCredentials() = default;

    /// Keys for `password` (SASLprep'ed first, as Prosody does). Fails if the password is
    /// prohibited by SASLprep or the iteration count is not positive.
    static Result<ScramKeys> derive(const QString& password, const QByteArray& salt, int iterations, ScramHash hash);
    /// New credentials with a fresh UUID salt and both SHA-1 and SHA-256 keys.
    static Result<ScramCredentials> create(const QString& password, int iterations = DefaultIterations);

    /// Credentials from known parts (imports, tests). Keys must match their hash's size.
    static Result<ScramCredentials> fromKeys(const QByteArray& salt, int iterations, std::optional<ScramKeys> sha1,
                                             std::optional<ScramKeys> sha256);
    /// Reads an "accounts" record. The salt may be a string (Prosody) or a QByteArray (raw bytes).
    static Result<ScramCredentials> fromMap(const QVariantMap& map);
    QVariantMap toMap() const;

    bool isEmpty() const { return !hasSha1() && !hasSha256() && !hasPlaintext(); }
    bool hasSha1() const { return m_sha1.has_value(); }
    bool hasSha256() const { return m_sha256.has_value(); }
    bool has(ScramHash hash) const { return hash == ScramHash::Sha1 ? hasSha1() : hasSha256(); }
    /// A legacy plaintext password is stored (to be replaced by keys, see withDerivedKeys()).
    bool hasPlaintext() const { return !m_plaintext.isEmpty(); }

    QByteArray salt() const { return m_salt; }
    int iterations() const { return m_iterations; }
    std::optional<ScramKeys> keys(ScramHash hash) const { return hash == ScramHash::Sha1 ? m_sha1 : m_sha256; }

    /// True if `password` is the account's password: recomputes the keys (or compares with the
    /// legacy plaintext) and compares in constant time. False for empty credentials.
    bool verifyPlain(const QString& password) const;
    /// True when the record should be rewritten with withDerivedKeys() as soon as the password is
    /// known (legacy plaintext stored, or keys for SHA-1 or SHA-256 missing).
    bool needsUpgrade() const { return hasPlaintext() || !hasSha1() || !hasSha256(); }
    /// A copy holding keys for both hashes derived from `password` (normally the plaintext or
    /// the password of a successful PLAIN login), with a fresh salt, at least `iterations`, and
    /// the plaintext removed. Other map fields are kept.
    Result<ScramCredentials> withDerivedKeys(const QString& password, int iterations = DefaultIterations) const;

private:
    QByteArray m_salt;
    int m_iterations = 0;
    std::optional<ScramKeys> m_sha1;
    std::optional<ScramKeys> m_sha256;
    QString m_plaintext;
    QVariantMap m_otherFields;
};

} // namespace Canto
