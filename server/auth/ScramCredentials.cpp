#include "server/auth/ScramCredentials.h"

#include "server/auth/StringPrep.h"

#include <QUuid>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

const QString SaltField = u"salt"_s;
const QString IterationsField = u"iteration_count"_s;
const QString StoredKeyField = u"stored_key"_s;
const QString ServerKeyField = u"server_key"_s;
const QString StoredKey256Field = u"stored_key_sha256"_s;
const QString ServerKey256Field = u"server_key_sha256"_s;
const QString PasswordField = u"password"_s;

// Prosody's util.hex decodes pairs of hex digits; anything else means a damaged record.
std::optional<QByteArray> fromHex(const QString& text)
{
    if (text.size() % 2 != 0)
        return std::nullopt;
    for (const QChar c : text) {
        if (!c.isDigit() && !(c >= u'a' && c <= u'f') && !(c >= u'A' && c <= u'F'))
            return std::nullopt;
    }
    return QByteArray::fromHex(text.toLatin1());
}

QString toHex(const QByteArray& data)
{
    return QString::fromLatin1(data.toHex());
}

std::optional<ScramHash> hashForKeyLength(qsizetype bytes)
{
    if (bytes == ScramCrypto::digestSize(ScramHash::Sha1))
        return ScramHash::Sha1;
    if (bytes == ScramCrypto::digestSize(ScramHash::Sha256))
        return ScramHash::Sha256;
    return std::nullopt;
}

Result<ScramKeys> readKeys(const QVariantMap& map, const QString& storedField, const QString& serverField)
{
    const auto stored = fromHex(map.value(storedField).toString());
    const auto server = fromHex(map.value(serverField).toString());
    if (!stored || !server || stored->size() != server->size() || !hashForKeyLength(stored->size()))
        return Result<ScramKeys>::failure(u"internal-server-error"_s,
                                          u"damaged account record: bad %1/%2"_s.arg(storedField, serverField));
    return ScramKeys{*stored, *server};
}

} // namespace

Result<ScramKeys> ScramCredentials::derive(const QString& password, const QByteArray& salt, int iterations,
                                           ScramHash hash)
{
    const auto prepared = StringPrep::saslPrep(password);
    if (!prepared)
        return Result<ScramKeys>::failure(u"not-acceptable"_s, u"password is prohibited by SASLprep"_s);
    const auto salted = ScramCrypto::pbkdf2(hash, prepared->toUtf8(), salt, iterations);
    if (!salted)
        return salted.error();
    const QByteArray clientKey = ScramCrypto::hmac(hash, *salted, "Client Key");
    return ScramKeys{ScramCrypto::hash(hash, clientKey), ScramCrypto::hmac(hash, *salted, "Server Key")};
}

Result<ScramCredentials> ScramCredentials::create(const QString& password, int iterations)
{
    return ScramCredentials().withDerivedKeys(password, iterations);
}

Result<ScramCredentials> ScramCredentials::withDerivedKeys(const QString& password, int iterations) const
{
    ScramCredentials result = *this;
    // As Prosody's set_password: a fresh UUID string as salt, never fewer iterations than before.
    result.m_salt = QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
    result.m_iterations = std::max(m_iterations, iterations);
    const auto sha1 = derive(password, result.m_salt, result.m_iterations, ScramHash::Sha1);
    if (!sha1)
        return sha1.error();
    const auto sha256 = derive(password, result.m_salt, result.m_iterations, ScramHash::Sha256);
    if (!sha256)
        return sha256.error();
    result.m_sha1 = *sha1;
    result.m_sha256 = *sha256;
    result.m_plaintext.clear();
    return result;
}

Result<ScramCredentials> ScramCredentials::fromKeys(const QByteArray& salt, int iterations,
                                                    std::optional<ScramKeys> sha1, std::optional<ScramKeys> sha256)
{
    if (salt.isEmpty() || iterations < 1 || (!sha1 && !sha256) || (sha1 && !sha1->isValidFor(ScramHash::Sha1)) ||
        (sha256 && !sha256->isValidFor(ScramHash::Sha256)))
        return Result<ScramCredentials>::failure(u"bad-request"_s, u"incomplete SCRAM credentials"_s);
    ScramCredentials result;
    result.m_salt = salt;
    result.m_iterations = iterations;
    result.m_sha1 = std::move(sha1);
    result.m_sha256 = std::move(sha256);
    return result;
}

Result<ScramCredentials> ScramCredentials::fromMap(const QVariantMap& map)
{
    ScramCredentials result;
    result.m_otherFields = map;
    for (const QString& field : {SaltField, IterationsField, StoredKeyField, ServerKeyField, StoredKey256Field,
                                 ServerKey256Field, PasswordField})
        result.m_otherFields.remove(field);

    result.m_plaintext = map.value(PasswordField).toString();
    const QVariant salt = map.value(SaltField);
    result.m_salt = salt.typeId() == QMetaType::QByteArray ? salt.toByteArray() : salt.toString().toUtf8();
    if (map.contains(IterationsField)) {
        bool ok = false;
        // Storage may hand numbers back as int, double or text depending on the driver.
        const double iterations = map.value(IterationsField).toDouble(&ok);
        if (!ok || iterations < 1 || iterations > 100'000'000 || iterations != double(int(iterations)))
            return Result<ScramCredentials>::failure(u"internal-server-error"_s,
                                                     u"damaged account record: bad iteration_count"_s);
        result.m_iterations = int(iterations);
    }

    const bool hasPrimaryKeys = map.contains(StoredKeyField) || map.contains(ServerKeyField);
    const bool hasSha256Keys = map.contains(StoredKey256Field) || map.contains(ServerKey256Field);
    if ((hasPrimaryKeys || hasSha256Keys) && (result.m_salt.isEmpty() || result.m_iterations == 0))
        return Result<ScramCredentials>::failure(u"internal-server-error"_s,
                                                 u"damaged account record: keys without salt or iteration_count"_s);
    if (hasPrimaryKeys) {
        const auto keys = readKeys(map, StoredKeyField, ServerKeyField);
        if (!keys)
            return keys.error();
        if (*hashForKeyLength(keys->storedKey.size()) == ScramHash::Sha1)
            result.m_sha1 = *keys;
        else
            result.m_sha256 = *keys;
    }
    if (hasSha256Keys) {
        const auto keys = readKeys(map, StoredKey256Field, ServerKey256Field);
        if (!keys || !keys->isValidFor(ScramHash::Sha256))
            return Result<ScramCredentials>::failure(u"internal-server-error"_s,
                                                     u"damaged account record: bad SHA-256 keys"_s);
        result.m_sha256 = *keys;
    }
    return result;
}

QVariantMap ScramCredentials::toMap() const
{
    QVariantMap map = m_otherFields;
    if (hasPlaintext())
        map.insert(PasswordField, m_plaintext);
    if (hasSha1() || hasSha256()) {
        // Prosody salts are UUID strings; raw binary salts (imports) stay bytes so they survive.
        const QString saltText = QString::fromUtf8(m_salt);
        if (saltText.toUtf8() == m_salt)
            map.insert(SaltField, saltText);
        else
            map.insert(SaltField, m_salt);
        map.insert(IterationsField, m_iterations);
    }
    if (hasSha1()) {
        map.insert(StoredKeyField, toHex(m_sha1->storedKey));
        map.insert(ServerKeyField, toHex(m_sha1->serverKey));
        if (hasSha256()) {
            map.insert(StoredKey256Field, toHex(m_sha256->storedKey));
            map.insert(ServerKey256Field, toHex(m_sha256->serverKey));
        }
    } else if (hasSha256()) {
        // The layout Prosody writes with password_hash = "SHA-256".
        map.insert(StoredKeyField, toHex(m_sha256->storedKey));
        map.insert(ServerKeyField, toHex(m_sha256->serverKey));
    }
    return map;
}

bool ScramCredentials::verifyPlain(const QString& password) const
{
    const auto prepared = StringPrep::saslPrep(password);
    if (!prepared)
        return false;
    if (hasPlaintext()) {
        const auto stored = StringPrep::saslPrep(m_plaintext);
        return stored && ScramCrypto::constantTimeEquals(stored->toUtf8(), prepared->toUtf8());
    }
    const ScramHash hash = hasSha256() ? ScramHash::Sha256 : ScramHash::Sha1;
    const auto expected = keys(hash);
    if (!expected)
        return false;
    const auto actual = derive(password, m_salt, m_iterations, hash);
    if (!actual)
        return false;
    // Both comparisons always run, so timing does not tell which key differed.
    const bool storedMatches = ScramCrypto::constantTimeEquals(actual->storedKey, expected->storedKey);
    const bool serverMatches = ScramCrypto::constantTimeEquals(actual->serverKey, expected->serverKey);
    return storedMatches && serverMatches;
}

} // namespace Canto
