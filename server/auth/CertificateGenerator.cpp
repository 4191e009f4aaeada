#include "server/auth/CertificateGenerator.h"

#include "server/auth/ScramCrypto.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

template <auto Free> struct Deleter
{
    template <typename T> void operator()(T* pointer) const { Free(pointer); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;
using BigNumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

Error opensslError(const QString& what)
{
    return Error{u"internal-server-error"_s, what + u": OpenSSL error "_s + QString::number(ERR_get_error(), 16)};
}

KeyPtr generateKey(CertificateGenerator::KeyType type)
{
    if (type == CertificateGenerator::KeyType::Rsa2048)
        return KeyPtr(EVP_RSA_gen(2048));
    return KeyPtr(EVP_EC_gen("P-256"));
}

bool addExtension(X509* certificate, X509V3_CTX* context, int nid, const QByteArray& value)
{
    ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.constData()));
    return extension && X509_add_ext(certificate, extension.get(), -1) == 1;
}

QByteArray bioContents(BIO* bio)
{
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(length));
}

bool isDnsName(const QString& name)
{
    // Keeps the SAN config string well-formed: letters, digits, '-', '.', and a leading "*.".
    if (name.isEmpty() || name.size() > 253)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name[i];
        if (c.isLetterOrNumber() && c.unicode() < 128)
            continue;
        if (c == u'-' || c == u'.' || (c == u'*' && i == 0 && name.startsWith(u"*.")))
            continue;
        return false;
    }
    return true;
}

Result<void> writeFile(const QString& path, const QByteArray& data, QFileDevice::Permissions permissions)
{
    // Write a new file next to the target (created with its final permissions), then rename it
    // over the target: readers see the old or the new file, never half of one.
    const QString temporary = path + u".new"_s;
    QFile::remove(temporary);
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly, permissions))
        return Result<void>::failure(u"internal-server-error"_s,
                                     u"cannot create %1: %2"_s.arg(temporary, file.errorString()));
    if (file.write(data) != data.size() || !file.flush()) {
        file.close();
        QFile::remove(temporary);
        return Result<void>::failure(u"internal-server-error"_s, u"cannot write %1"_s.arg(temporary));
    }
    file.close();
    if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
        QFile::remove(temporary);
        return Result<void>::failure(u"internal-server-error"_s, u"cannot rename %1 to %2"_s.arg(temporary, path));
    }
    return {};
}

} // namespace

Result<CertificateGenerator::Certificate> CertificateGenerator::generate(const Request& request)
{
    using R = Result<Certificate>;
    const QString host = request.host.toLower();
    if (!isDnsName(host))
        return R::failure(u"bad-request"_s, u"not a DNS name: %1"_s.arg(request.host));
    QStringList names{host};
    for (const QString& name : request.altNames) {
        if (!isDnsName(name))
            return R::failure(u"bad-request"_s, u"not a DNS name: %1"_s.arg(name));
        if (!names.contains(name.toLower()))
            names << name.toLower();
    }
    if (request.validityDays < 1)
        return R::failure(u"bad-request"_s, u"validity must be at least one day"_s);

    const KeyPtr key = generateKey(request.keyType);
    if (!key)
        return opensslError(u"key generation failed"_s);

    CertPtr certificate(X509_new());
    if (!certificate)
        return opensslError(u"X509_new"_s);
    X509_set_version(certificate.get(), X509_VERSION_3);

    // A random positive 159-bit serial (RFC 5280 §4.1.2.2 allows up to 20 octets).
    const QByteArray serialBytes = ScramCrypto::randomBytes(20);
    BigNumPtr serial(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(serialBytes.constData()), int(serialBytes.size()), nullptr));
    if (!serial || !BN_clear_bit(serial.get(), 159) ||
        !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate.get())))
        return opensslError(u"serial number"_s);

    if (!X509_gmtime_adj(X509_getm_notBefore(certificate.get()), 0) ||
        !X509_time_adj_ex(X509_getm_notAfter(certificate.get()), request.validityDays, 0, nullptr))
        return opensslError(u"validity"_s);

    X509_NAME* subject = X509_get_subject_name(certificate.get());
    const QByteArray commonName = host.toUtf8();
    if (!X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(commonName.constData()), -1, -1, 0) ||
        !X509_set_issuer_name(certificate.get(), subject) || !X509_set_pubkey(certificate.get(), key.get()))
        return opensslError(u"subject"_s);

    // No keyUsage extension: a leaf limited to digitalSignature is not "self-issued" for OpenSSL's
    // X509_check_issued() (keyCertSign missing), so Qt's isSelfSigned() and some peers would not see
    // it as self-signed; keyCertSign in turn contradicts CA:FALSE. Extended key usage says enough.
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, certificate.get(), certificate.get(), nullptr, nullptr, 0);
    QByteArray subjectAltNames;
    for (const QString& name : std::as_const(names))
        subjectAltNames += (subjectAltNames.isEmpty() ? "DNS:" : ",DNS:") + name.toLatin1();
    if (!addExtension(certificate.get(), &context, NID_basic_constraints, "critical,CA:FALSE") ||
        !addExtension(certificate.get(), &context, NID_ext_key_usage, "serverAuth,clientAuth") ||
        !addExtension(certificate.get(), &context, NID_subject_key_identifier, "hash") ||
        !addExtension(certificate.get(), &context, NID_subject_alt_name, subjectAltNames))
        return opensslError(u"extensions"_s);

    if (X509_sign(certificate.get(), key.get(), EVP_sha256()) <= 0)
        return opensslError(u"signing"_s);

    BioPtr certificateBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certificateBio || !keyBio || PEM_write_bio_X509(certificateBio.get(), certificate.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return opensslError(u"PEM encoding"_s);

    unsigned char* der = nullptr;
    const int derLength = i2d_X509(certificate.get(), &der);
    if (derLength <= 0)
        return opensslError(u"DER encoding"_s);
    const QByteArray derBytes(reinterpret_cast<const char*>(der), derLength);
    OPENSSL_free(der);

    return Certificate{bioContents(certificateBio.get()), bioContents(keyBio.get()), fingerprint(derBytes)};
}

Result<void> CertificateGenerator::writeFiles(const Certificate& certificate, const QString& certificatePath,
                                              const QString& keyPath)
{
    for (const QString& path : {certificatePath, keyPath}) {
        if (!QDir().mkpath(QFileInfo(path).absolutePath()))
            return Result<void>::failure(u"internal-server-error"_s, u"cannot create directory for %1"_s.arg(path));
    }
    const auto keyWritten =
        writeFile(keyPath, certificate.privateKeyPem, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    if (!keyWritten)
        return keyWritten;
    return writeFile(certificatePath, certificate.certificatePem,
                     QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup |
                         QFileDevice::ReadOther);
}

QString CertificateGenerator::fingerprint(const QByteArray& certificateDer)
{
    return QString::fromLatin1(QCryptographicHash::hash(certificateDer, QCryptographicHash::Sha256).toHex(':'))
        .toUpper();
}

} // namespace Canto
