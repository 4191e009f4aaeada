#include "server/auth/ScramCrypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

const EVP_MD* messageDigest(ScramHash hash)
{
    return hash == ScramHash::Sha1 ? EVP_sha1() : EVP_sha256();
}

const unsigned char* bytes(const QByteArray& data)
{
    return reinterpret_cast<const unsigned char*>(data.constData());
}

} // namespace

int ScramCrypto::digestSize(ScramHash hash)
{
    return hash == ScramHash::Sha1 ? 20 : 32;
}

QString ScramCrypto::hashName(ScramHash hash)
{
    return hash == ScramHash::Sha1 ? u"SHA-1"_s : u"SHA-256"_s;
}

QByteArray ScramCrypto::hash(ScramHash hash, const QByteArray& data)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (EVP_Digest(data.constData(), size_t(data.size()), reinterpret_cast<unsigned char*>(out.data()), &length,
                   messageDigest(hash), nullptr) != 1)
        return {};
    out.truncate(int(length));
    return out;
}

QByteArray ScramCrypto::hmac(ScramHash hash, const QByteArray& key, const QByteArray& data)
{
    QByteArray out(EVP_MAX_MD_SIZE, Qt::Uninitialized);
    unsigned int length = 0;
    if (!HMAC(messageDigest(hash), key.constData(), int(key.size()), bytes(data), size_t(data.size()),
              reinterpret_cast<unsigned char*>(out.data()), &length))
        return {};
    out.truncate(int(length));
    return out;
}

Result<QByteArray> ScramCrypto::pbkdf2(ScramHash hash, const QByteArray& password, const QByteArray& salt,
                                       int iterations)
{
    if (iterations < 1)
        return Result<QByteArray>::failure(u"bad-request"_s, u"iteration count must be positive"_s);
    QByteArray out(digestSize(hash), Qt::Uninitialized);
    if (PKCS5_PBKDF2_HMAC(password.constData(), int(password.size()), bytes(salt), int(salt.size()), iterations,
                          messageDigest(hash), int(out.size()), reinterpret_cast<unsigned char*>(out.data())) != 1)
        return Result<QByteArray>::failure(u"internal-server-error"_s, u"PBKDF2 failed"_s);
    return out;
}

QByteArray ScramCrypto::xorBytes(const QByteArray& a, const QByteArray& b)
{
    if (a.size() != b.size())
        return {};
    QByteArray out(a.size(), Qt::Uninitialized);
    for (qsizetype i = 0; i < a.size(); ++i)
        out[i] = char(a[i] ^ b[i]);
    return out;
}

bool ScramCrypto::constantTimeEquals(const QByteArray& a, const QByteArray& b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QByteArray ScramCrypto::randomBytes(int count)
{
    QByteArray out(count, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), count) != 1)
        qFatal("RAND_bytes failed: no secure randomness available");
    return out;
}

} // namespace Canto
