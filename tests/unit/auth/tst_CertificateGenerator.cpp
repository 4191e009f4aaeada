#include "server/auth/CertificateGenerator.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/pem.h>
#include <openssl/x509.h>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// Whether the private key belongs to the certificate, and the signature checks (OpenSSL, since
// Qt has no API for either).
bool keyMatchesAndSignatureVerifies(const QByteArray& certificatePem, const QByteArray& keyPem)
{
    BIO* certificateBio = BIO_new_mem_buf(certificatePem.constData(), int(certificatePem.size()));
    BIO* keyBio = BIO_new_mem_buf(keyPem.constData(), int(keyPem.size()));
    X509* certificate = PEM_read_bio_X509(certificateBio, nullptr, nullptr, nullptr);
    EVP_PKEY* key = PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    const bool ok = certificate && key && X509_check_private_key(certificate, key) == 1 &&
                    X509_verify(certificate, key) == 1 && X509_get_signature_nid(certificate) != NID_undef;
    int digestNid = NID_undef;
    const bool sha256 = certificate && X509_get_signature_info(certificate, &digestNid, nullptr, nullptr, nullptr) &&
                        digestNid == NID_sha256;
    EVP_PKEY_free(key);
    X509_free(certificate);
    BIO_free(keyBio);
    BIO_free(certificateBio);
    return ok && sha256;
}

} // namespace

class tst_CertificateGenerator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generate_data()
    {
        QTest::addColumn<CertificateGenerator::KeyType>("keyType");
        QTest::addColumn<QSsl::KeyAlgorithm>("algorithm");
        QTest::addColumn<int>("keyLength");
        QTest::newRow("ec-p256") << CertificateGenerator::KeyType::EcP256 << QSsl::Ec << 256;
        QTest::newRow("rsa-2048") << CertificateGenerator::KeyType::Rsa2048 << QSsl::Rsa << 2048;
    }

    void generate()
    {
        QFETCH(CertificateGenerator::KeyType, keyType);
        QFETCH(QSsl::KeyAlgorithm, algorithm);
        QFETCH(int, keyLength);

        const CertificateGenerator::Request request{
            u"Example.ORG"_s, {u"conference.example.org"_s, u"example.org"_s, u"*.example.org"_s}, keyType, 365};
        const auto generated = CertificateGenerator::generate(request);
        QVERIFY(generated.isOk());

        QTemporaryDir directory;
        QVERIFY(directory.isValid());
        const QString certificatePath = directory.filePath(u"certs/example.org.crt"_s);
        const QString keyPath = directory.filePath(u"certs/example.org.key"_s);
        QVERIFY(CertificateGenerator::writeFiles(*generated, certificatePath, keyPath).isOk());
        // Mode 0600: only the owner's read and write bits (Qt reports them as Owner and User bits).
        const QFile::Permissions ownerReadWrite =
            QFile::ReadOwner | QFile::WriteOwner | QFile::ReadUser | QFile::WriteUser;
        QCOMPARE(QFileInfo(keyPath).permissions() & ~ownerReadWrite, QFile::Permissions());
        QVERIFY(QFileInfo(keyPath).permissions() & QFile::ReadOwner);
        QVERIFY(!(QFileInfo(keyPath).permissions() & (QFile::ReadGroup | QFile::ReadOther)));
        QVERIFY(!QFile::exists(keyPath + u".new"_s));

        // Overwriting an existing pair works and keeps the key private.
        const auto second = CertificateGenerator::generate(request);
        QVERIFY(second.isOk());
        QVERIFY(CertificateGenerator::writeFiles(*second, certificatePath, keyPath).isOk());
        QVERIFY(!(QFileInfo(keyPath).permissions() & (QFile::ReadGroup | QFile::ReadOther)));

        // Load back as Qt would.
        QFile certificateFile(certificatePath);
        QVERIFY(certificateFile.open(QIODevice::ReadOnly));
        const QList<QSslCertificate> certificates = QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
        QCOMPARE(certificates.size(), 1);
        const QSslCertificate& certificate = certificates.front();
        QFile keyFile(keyPath);
        QVERIFY(keyFile.open(QIODevice::ReadOnly));
        const QByteArray keyPem = keyFile.readAll();
        const QSslKey key(keyPem, algorithm, QSsl::Pem);
        QVERIFY(!key.isNull());
        QCOMPARE(key.length(), keyLength);
        QCOMPARE(certificate.publicKey().algorithm(), algorithm);
        QVERIFY(keyMatchesAndSignatureVerifies(second->certificatePem, keyPem));

        QVERIFY(certificate.isSelfSigned());
        QCOMPARE(certificate.subjectInfo(QSslCertificate::CommonName), QStringList{u"example.org"_s});
        const QStringList dnsNames = certificate.subjectAlternativeNames().values(QSsl::DnsEntry);
        QCOMPARE(QSet<QString>(dnsNames.begin(), dnsNames.end()),
                 (QSet<QString>{u"example.org"_s, u"conference.example.org"_s, u"*.example.org"_s}));
        QCOMPARE(dnsNames.size(), 3); // no duplicate for the host
        const qint64 validDays = certificate.effectiveDate().daysTo(certificate.expiryDate());
        QCOMPARE(validDays, 365);
        QVERIFY(qAbs(certificate.effectiveDate().secsTo(QDateTime::currentDateTimeUtc())) < 300);
        QCOMPARE(certificate.version(), QByteArray("3"));

        QCOMPARE(second->sha256Fingerprint,
                 QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper()));
        QCOMPARE(second->sha256Fingerprint.size(), 32 * 3 - 1);
        QVERIFY(generated->sha256Fingerprint != second->sha256Fingerprint);
        QVERIFY(generated->certificatePem != second->certificatePem); // fresh key and serial each time
    }

    void rejectsBadRequests_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QStringList>("altNames");
        QTest::addColumn<int>("days");
        QTest::newRow("empty-host") << QString() << QStringList() << 365;
        QTest::newRow("config-injection") << u"example.org,IP:1.2.3.4"_s << QStringList() << 365;
        QTest::newRow("bad-alt-name") << u"example.org"_s << QStringList{u"a b"_s} << 365;
        QTest::newRow("wildcard-in-middle") << u"example.org"_s << QStringList{u"a.*.org"_s} << 365;
        QTest::newRow("zero-days") << u"example.org"_s << QStringList() << 0;
    }

    void rejectsBadRequests()
    {
        QFETCH(QString, host);
        QFETCH(QStringList, altNames);
        QFETCH(int, days);
        const auto generated =
            CertificateGenerator::generate({host, altNames, CertificateGenerator::KeyType::EcP256, days});
        QVERIFY(!generated.isOk());
        QCOMPARE(generated.error().condition, u"bad-request"_s);
    }

    void writeFailsInUnwritableLocation()
    {
        const auto generated = CertificateGenerator::generate({u"example.org"_s, {}, {}, 1});
        QVERIFY(generated.isOk());
        QVERIFY(!CertificateGenerator::writeFiles(*generated, u"/proc/canto-test/x.crt"_s, u"/proc/canto-test/x.key"_s)
                     .isOk());
    }
};

QTEST_GUILESS_MAIN(tst_CertificateGenerator)
#include "tst_CertificateGenerator.moc"
