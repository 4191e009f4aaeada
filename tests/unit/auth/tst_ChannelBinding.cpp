#include "server/auth/CertificateGenerator.h"
#include "server/auth/ChannelBinding.h"
#include "server/auth/TlsSession.h"
#include "server/auth/TlsSessionRecorder.h"

#include <QCryptographicHash>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

// A QSslServer that finds the OpenSSL session of each connection it accepts, the way a direct
// TLS listener is meant to use TlsSessionRecorder.
class CapturingServer : public QSslServer
{
public:
    CapturingServer()
    {
        connect(this, &QSslServer::startedEncryptionHandshake, this, [this](QSslSocket* socket) {
            auto session = m_recorder.takeFor(*socket);
            if (session)
                sessions.push_back(std::move(session).value());
            else
                captureErrors << session.error().toString();
        });
    }

    std::vector<TlsSession> sessions;
    QStringList captureErrors;

private:
    TlsSessionRecorder m_recorder;
};

struct TlsPair
{
    std::unique_ptr<CapturingServer> server;
    std::unique_ptr<QSslSocket> client;
    QSslSocket* serverSocket = nullptr;
    TlsSession clientSession;
};

// Re-signs a certificate with another digest (or another key type) to exercise RFC 5929's hash rule.
QByteArray resign(const CertificateGenerator::Certificate& generated, const char* digestName, bool ed25519)
{
    BIO* certificateBio = BIO_new_mem_buf(generated.certificatePem.constData(), int(generated.certificatePem.size()));
    BIO* keyBio = BIO_new_mem_buf(generated.privateKeyPem.constData(), int(generated.privateKeyPem.size()));
    X509* certificate = PEM_read_bio_X509(certificateBio, nullptr, nullptr, nullptr);
    EVP_PKEY* key = ed25519 ? EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")
                            : PEM_read_bio_PrivateKey(keyBio, nullptr, nullptr, nullptr);
    if (ed25519)
        X509_set_pubkey(certificate, key);
    const bool signedOk = X509_sign(certificate, key, digestName ? EVP_get_digestbyname(digestName) : nullptr) > 0;
    unsigned char* der = nullptr;
    const int length = signedOk ? i2d_X509(certificate, &der) : 0;
    QByteArray result(reinterpret_cast<const char*>(der), length > 0 ? length : 0);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    X509_free(certificate);
    BIO_free(keyBio);
    BIO_free(certificateBio);
    return result;
}

} // namespace

class tst_ChannelBinding : public QObject
{
    Q_OBJECT

    CertificateGenerator::Certificate m_ec;
    CertificateGenerator::Certificate m_rsa;

    bool connectPair(TlsPair& pair, const CertificateGenerator::Certificate& generated, QSsl::SslProtocol protocol)
    {
        const QSslCertificate certificate(generated.certificatePem, QSsl::Pem);
        const QSslKey key(generated.privateKeyPem,
                          generated.privateKeyPem.contains("BEGIN PRIVATE KEY") && &generated == &m_rsa ? QSsl::Rsa
                                                                                                        : QSsl::Ec,
                          QSsl::Pem);
        if (certificate.isNull() || key.isNull())
            return false;

        QSslConfiguration serverConfiguration = QSslConfiguration::defaultConfiguration();
        serverConfiguration.setLocalCertificate(certificate);
        serverConfiguration.setPrivateKey(key);
        serverConfiguration.setProtocol(protocol);
        serverConfiguration.setPeerVerifyMode(QSslSocket::VerifyNone);
        pair.server = std::make_unique<CapturingServer>();
        pair.server->setSslConfiguration(serverConfiguration);
        if (!pair.server->listen(QHostAddress::LocalHost, 0))
            return false;

        QSslConfiguration clientConfiguration = QSslConfiguration::defaultConfiguration();
        clientConfiguration.setCaCertificates({certificate}); // trust exactly the generated certificate
        clientConfiguration.setProtocol(protocol);
        pair.client = std::make_unique<QSslSocket>();
        pair.client->setSslConfiguration(clientConfiguration);
        pair.client->setPeerVerifyName(u"localhost"_s);
        QSignalSpy connected(pair.client.get(), &QAbstractSocket::connected);
        pair.client->connectToHost(QHostAddress::LocalHost, pair.server->serverPort());
        if (!connected.wait(5000))
            return false;
        auto session = TlsSession::capture([&] { pair.client->startClientEncryption(); });
        if (!session)
            return false;
        pair.clientSession = std::move(session).value();
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Canto requires Qt's openssl backend (TlsSession, channel binding): anything else fails.
        QCOMPARE(QSslSocket::activeBackend(), u"openssl"_s);
        auto ec = CertificateGenerator::generate({u"localhost"_s, {}, CertificateGenerator::KeyType::EcP256, 30});
        auto rsa = CertificateGenerator::generate({u"localhost"_s, {}, CertificateGenerator::KeyType::Rsa2048, 30});
        QVERIFY(ec.isOk() && rsa.isOk());
        m_ec = *ec;
        m_rsa = *rsa;
    }

    void bothSidesAgree_data()
    {
        QTest::addColumn<bool>("rsa");
        QTest::addColumn<QSsl::SslProtocol>("protocol");
        QTest::addColumn<bool>("expectExporter");
        QTest::newRow("tls1.3-ec") << false << QSsl::TlsV1_3OrLater << true;
        QTest::newRow("tls1.3-rsa") << true << QSsl::TlsV1_3OrLater << true;
        QTest::newRow("tls1.2-ec") << false << QSsl::TlsV1_2 << false;
    }

    void bothSidesAgree()
    {
        QFETCH(bool, rsa);
        QFETCH(QSsl::SslProtocol, protocol);
        QFETCH(bool, expectExporter);

        TlsPair pair;
        QVERIFY(connectPair(pair, rsa ? m_rsa : m_ec, protocol));
        QTRY_VERIFY(pair.client->isEncrypted());
        QTRY_VERIFY(pair.server->hasPendingConnections());
        pair.serverSocket = qobject_cast<QSslSocket*>(pair.server->nextPendingConnection());
        QVERIFY(pair.serverSocket);
        QTRY_VERIFY(pair.serverSocket->isEncrypted());
        QVERIFY(pair.serverSocket->sessionProtocol() == (expectExporter ? QSsl::TlsV1_3 : QSsl::TlsV1_2));
        QVERIFY2(pair.server->captureErrors.isEmpty(), qPrintable(pair.server->captureErrors.join(u"; ")));
        QCOMPARE(pair.server->sessions.size(), size_t(1));
        const TlsSession& serverSession = pair.server->sessions.front();
        QVERIFY(serverSession.isHandshakeComplete());
        QVERIFY(pair.clientSession.isHandshakeComplete());
        QVERIFY(serverSession.handle() != pair.clientSession.handle());
        QCOMPARE(serverSession.protocolVersion(), expectExporter ? TLS1_3_VERSION : TLS1_2_VERSION);

        const auto serverExporter = ChannelBinding::tlsExporter(serverSession);
        const auto clientExporter = ChannelBinding::tlsExporter(pair.clientSession);
        QCOMPARE(serverExporter.isOk(), expectExporter);
        QCOMPARE(clientExporter.isOk(), expectExporter);
        if (expectExporter) {
            QCOMPARE(serverExporter->size(), 32);
            QCOMPARE(*serverExporter, *clientExporter);
            QVERIFY(*serverExporter != QByteArray(32, '\0'));
        }

        // tls-server-end-point from the public Qt API on each side.
        const auto serverEndPoint = ChannelBinding::tlsServerEndPoint(pair.serverSocket->localCertificate());
        const auto clientEndPoint = ChannelBinding::tlsServerEndPoint(pair.client->peerCertificate());
        QVERIFY(serverEndPoint.isOk());
        QVERIFY(clientEndPoint.isOk());
        QCOMPARE(*serverEndPoint, *clientEndPoint);
        // Both generated certificates are signed with SHA-256.
        QCOMPARE(*serverEndPoint,
                 QCryptographicHash::hash(pair.client->peerCertificate().toDer(), QCryptographicHash::Sha256));

        const ChannelBindings bindings =
            ChannelBinding::available(serverSession, pair.serverSocket->localCertificate());
        QCOMPARE(bindings.contains(u"tls-exporter"_s), expectExporter);
        QCOMPARE(bindings.value(u"tls-server-end-point"_s), *serverEndPoint);

        // The captured references outlive Qt's side of the connection.
        pair.client->abort();
        pair.serverSocket->abort();
        QCOMPARE(ChannelBinding::tlsExporter(serverSession).isOk(), expectExporter);
    }

    void exporterDiffersPerConnection()
    {
        QByteArray previous;
        for (int i = 0; i < 2; ++i) {
            TlsPair pair;
            QVERIFY(connectPair(pair, m_ec, QSsl::TlsV1_3OrLater));
            QTRY_VERIFY(pair.client->isEncrypted());
            QTRY_VERIFY(!pair.server->sessions.empty() && pair.server->sessions.front().isHandshakeComplete());
            const auto exporter = ChannelBinding::tlsExporter(pair.clientSession);
            QVERIFY(exporter.isOk());
            QVERIFY(*exporter != previous);
            previous = *exporter;
        }
    }

    void exporterNeedsCompletedHandshake()
    {
        QVERIFY(!ChannelBinding::tlsExporter(TlsSession()).isOk());
        TlsPair pair;
        QVERIFY(connectPair(pair, m_ec, QSsl::TlsV1_3OrLater));
        // Right after startClientEncryption() the handshake cannot have finished yet.
        QVERIFY(!pair.clientSession.isHandshakeComplete());
        QCOMPARE(ChannelBinding::tlsExporter(pair.clientSession).error().condition, u"unexpected-request"_s);
    }

    void captureWithoutHandshakeFails()
    {
        const auto session = TlsSession::capture([] {});
        QVERIFY(!session.isOk());
    }

    void serverEndPointHash_data()
    {
        QTest::addColumn<QByteArray>("digest"); // empty: Ed25519 (no hash)
        QTest::addColumn<int>("expectedSize");  // 0: undefined
        QTest::addColumn<int>("algorithm");
        QTest::newRow("sha1-upgraded-to-sha256") << QByteArray("SHA1") << 32 << int(QCryptographicHash::Sha256);
        QTest::newRow("sha256") << QByteArray("SHA256") << 32 << int(QCryptographicHash::Sha256);
        QTest::newRow("sha384") << QByteArray("SHA384") << 48 << int(QCryptographicHash::Sha384);
        QTest::newRow("sha512") << QByteArray("SHA512") << 64 << int(QCryptographicHash::Sha512);
        QTest::newRow("ed25519-undefined") << QByteArray() << 0 << 0;
    }

    void serverEndPointHash()
    {
        QFETCH(QByteArray, digest);
        QFETCH(int, expectedSize);
        QFETCH(int, algorithm);
        const QByteArray der = resign(m_ec, digest.isEmpty() ? nullptr : digest.constData(), digest.isEmpty());
        QVERIFY(!der.isEmpty());
        const auto endPoint = ChannelBinding::tlsServerEndPoint(der);
        QCOMPARE(endPoint.isOk(), expectedSize != 0);
        if (expectedSize) {
            QCOMPARE(endPoint->size(), expectedSize);
            QCOMPARE(*endPoint, QCryptographicHash::hash(der, QCryptographicHash::Algorithm(algorithm)));
        }
    }

    void serverEndPointRejectsGarbage()
    {
        QVERIFY(!ChannelBinding::tlsServerEndPoint(QByteArray("not a certificate")).isOk());
        QVERIFY(!ChannelBinding::tlsServerEndPoint(QSslCertificate()).isOk());
    }
};

QTEST_GUILESS_MAIN(tst_ChannelBinding)
#include "tst_ChannelBinding.moc"
