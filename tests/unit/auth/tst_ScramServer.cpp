#include "server/auth/ScramServer.h"

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

const QString Host = u"example.org"_s;

// An independent SCRAM client (Qt's QPasswordDigestor/QMessageAuthenticationCode, not the code
// under test), following RFC 5802 §3 step by step.
class TestScramClient
{
public:
    TestScramClient(ScramHash hash, QByteArray gs2Header, QByteArray bindingData = {})
        : m_algorithm(hash == ScramHash::Sha1 ? QCryptographicHash::Sha1 : QCryptographicHash::Sha256),
          m_gs2Header(std::move(gs2Header)), m_bindingData(std::move(bindingData))
    {}

    QByteArray clientFirst(const QByteArray& escapedUsername, const QByteArray& nonce)
    {
        m_clientNonce = nonce;
        m_clientFirstBare = "n=" + escapedUsername + ",r=" + nonce;
        return m_gs2Header + m_clientFirstBare;
    }

    // Returns the client-final-message for `password`, or empty if server-first is unacceptable.
    QByteArray clientFinal(const QByteArray& serverFirst, const QByteArray& password)
    {
        QByteArray nonce, salt;
        int iterations = 0;
        for (const QByteArray& attribute : serverFirst.split(',')) {
            if (attribute.startsWith("r="))
                nonce = attribute.mid(2);
            else if (attribute.startsWith("s="))
                salt = QByteArray::fromBase64(attribute.mid(2));
            else if (attribute.startsWith("i="))
                iterations = attribute.mid(2).toInt();
        }
        if (!nonce.startsWith(m_clientNonce) || nonce.size() <= m_clientNonce.size() || salt.isEmpty() ||
            iterations < 1)
            return {};
        lastSalt = salt;
        lastIterations = iterations;
        const int size = QCryptographicHash::hashLength(m_algorithm);
        const QByteArray saltedPassword =
            QPasswordDigestor::deriveKeyPbkdf2(m_algorithm, password, salt, iterations, quint64(size));
        const QByteArray clientKey = QMessageAuthenticationCode::hash("Client Key", saltedPassword, m_algorithm);
        const QByteArray storedKey = QCryptographicHash::hash(clientKey, m_algorithm);
        const QByteArray withoutProof = "c=" + QByteArray(m_gs2Header + m_bindingData).toBase64() + ",r=" + nonce;
        m_authMessage = m_clientFirstBare + ',' + serverFirst + ',' + withoutProof;
        const QByteArray signature = QMessageAuthenticationCode::hash(m_authMessage, storedKey, m_algorithm);
        QByteArray proof = clientKey;
        for (int i = 0; i < proof.size(); ++i)
            proof[i] = char(proof[i] ^ signature[i]);
        m_serverKey = QMessageAuthenticationCode::hash("Server Key", saltedPassword, m_algorithm);
        return withoutProof + ",p=" + proof.toBase64();
    }

    bool verifyServerFinal(const QByteArray& serverFinal) const
    {
        return serverFinal ==
               "v=" + QMessageAuthenticationCode::hash(m_authMessage, m_serverKey, m_algorithm).toBase64();
    }

    QByteArray lastSalt;
    int lastIterations = 0;

private:
    QCryptographicHash::Algorithm m_algorithm;
    QByteArray m_gs2Header;
    QByteArray m_bindingData;
    QByteArray m_clientNonce;
    QByteArray m_clientFirstBare;
    QByteArray m_authMessage;
    QByteArray m_serverKey;
};

ScramCredentials credentialsFor(const QString& password, int iterations = 4096)
{
    auto created = ScramCredentials::create(password, iterations);
    Q_ASSERT(created.isOk());
    return *created;
}

ScramCredentials rfcCredentials(ScramHash hash, const QByteArray& base64Salt)
{
    const QByteArray salt = QByteArray::fromBase64(base64Salt);
    const auto keys = ScramCredentials::derive(u"pencil"_s, salt, 4096, hash);
    Q_ASSERT(keys.isOk());
    auto credentials = hash == ScramHash::Sha1 ? ScramCredentials::fromKeys(salt, 4096, *keys, std::nullopt)
                                               : ScramCredentials::fromKeys(salt, 4096, std::nullopt, *keys);
    Q_ASSERT(credentials.isOk());
    return *credentials;
}

const ChannelBindings Bindings{{u"tls-exporter"_s, QByteArray(32, 'E')},
                               {u"tls-server-end-point"_s, QByteArray(32, 'S')}};

} // namespace

class tst_ScramServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc5802TestVector()
    {
        ScramServer server(ScramHash::Sha1, false, Host);
        server.setNonceGenerator([] { return QByteArray("3rfcNHYJY1ZVvWVs7j"); });
        SaslStep step = server.start("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        QCOMPARE(step.kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(step.username, u"user"_s);
        step = server.provideCredentials(rfcCredentials(ScramHash::Sha1, "QSXCR+Q6sek8bf92"));
        QCOMPARE(step.kind, SaslStep::Kind::Challenge);
        QCOMPARE(step.data, QByteArray("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096"));
        step = server.respond("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
        QCOMPARE(step.kind, SaslStep::Kind::Success);
        QCOMPARE(step.data, QByteArray("v=rmF9pqV8S7suAoZWja4dJRkFsKQ="));
        QCOMPARE(step.username, u"user"_s);
        QVERIFY(step.authzid.isEmpty());
    }

    void rfc7677TestVector()
    {
        ScramServer server(ScramHash::Sha256, false, Host);
        server.setNonceGenerator([] { return QByteArray("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"); });
        SaslStep step = server.start("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
        QCOMPARE(step.kind, SaslStep::Kind::NeedCredentials);
        step = server.provideCredentials(rfcCredentials(ScramHash::Sha256, "W22ZaJ0SNY7soEsUEjb6gQ=="));
        QCOMPARE(step.data, QByteArray("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                                       "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"));
        step = server.respond("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                              "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        QCOMPARE(step.kind, SaslStep::Kind::Success);
        QCOMPARE(step.data, QByteArray("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));
    }

    void fullExchange_data()
    {
        QTest::addColumn<ScramHash>("hash");
        QTest::addColumn<bool>("plus");
        QTest::addColumn<QByteArray>("gs2Header");
        QTest::addColumn<QByteArray>("bindingData");
        QTest::addColumn<QByteArray>("escapedUsername");
        QTest::addColumn<QString>("expectedUsername");
        QTest::addColumn<bool>("initialResponse");
        QTest::addColumn<QString>("authzid");

        QTest::newRow("sha1") << ScramHash::Sha1 << false << QByteArray("n,,") << QByteArray() << QByteArray("juliet")
                              << u"juliet"_s << true << QString();
        QTest::newRow("sha256") << ScramHash::Sha256 << false << QByteArray("n,,") << QByteArray()
                                << QByteArray("juliet") << u"juliet"_s << true << QString();
        QTest::newRow("sha256-no-initial-response") << ScramHash::Sha256 << false << QByteArray("n,,") << QByteArray()
                                                    << QByteArray("juliet") << u"juliet"_s << false << QString();
        QTest::newRow("escaped-username") << ScramHash::Sha1 << false << QByteArray("n,,") << QByteArray()
                                          << QByteArray("a=2Cb=3Dc") << u"a,b=c"_s << true << QString();
        QTest::newRow("nodeprep-username")
            << ScramHash::Sha256 << false << QByteArray("n,,") << QByteArray() << QString(u"J\u00fcrgen"_s).toUtf8()
            << u"j\u00fcrgen"_s << true << QString();
        QTest::newRow("y-flag-without-server-binding") << ScramHash::Sha1 << false << QByteArray("y,,") << QByteArray()
                                                       << QByteArray("juliet") << u"juliet"_s << true << QString();
        QTest::newRow("own-authzid") << ScramHash::Sha256 << false << QByteArray("n,a=Juliet@EXAMPLE.org,")
                                     << QByteArray() << QByteArray("juliet") << u"juliet"_s << true
                                     << u"Juliet@EXAMPLE.org"_s;
        QTest::newRow("sha1-plus-exporter")
            << ScramHash::Sha1 << true << QByteArray("p=tls-exporter,,") << Bindings.value(u"tls-exporter"_s)
            << QByteArray("juliet") << u"juliet"_s << true << QString();
        QTest::newRow("sha256-plus-exporter")
            << ScramHash::Sha256 << true << QByteArray("p=tls-exporter,,") << Bindings.value(u"tls-exporter"_s)
            << QByteArray("juliet") << u"juliet"_s << true << QString();
        QTest::newRow("sha256-plus-end-point")
            << ScramHash::Sha256 << true << QByteArray("p=tls-server-end-point,,")
            << Bindings.value(u"tls-server-end-point"_s) << QByteArray("juliet") << u"juliet"_s << true << QString();
    }

    void fullExchange()
    {
        QFETCH(ScramHash, hash);
        QFETCH(bool, plus);
        QFETCH(QByteArray, gs2Header);
        QFETCH(QByteArray, bindingData);
        QFETCH(QByteArray, escapedUsername);
        QFETCH(QString, expectedUsername);
        QFETCH(bool, initialResponse);
        QFETCH(QString, authzid);

        const QString password = u"r0meo&ju\u00e4liet"_s;
        const ScramCredentials credentials = credentialsFor(password);
        ScramServer server(hash, plus, Host, plus ? Bindings : ChannelBindings{});
        QCOMPARE(server.name(), u"SCRAM-"_s + ScramCrypto::hashName(hash) + (plus ? u"-PLUS"_s : QString()));
        TestScramClient client(hash, gs2Header, bindingData);
        const QByteArray clientFirst = client.clientFirst(escapedUsername, "abcdefghijklmnop");

        SaslStep step;
        if (initialResponse) {
            step = server.start(clientFirst);
        } else {
            step = server.start({});
            QCOMPARE(step.kind, SaslStep::Kind::Challenge);
            QVERIFY(step.data.isEmpty());
            step = server.respond(clientFirst);
        }
        QCOMPARE(step.kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(step.username, expectedUsername);
        step = server.provideCredentials(credentials);
        QCOMPARE(step.kind, SaslStep::Kind::Challenge);
        const QByteArray clientFinal = client.clientFinal(step.data, password.toUtf8());
        QVERIFY(!clientFinal.isEmpty());
        QCOMPARE(client.lastSalt, credentials.salt());
        QCOMPARE(client.lastIterations, 4096);
        step = server.respond(clientFinal);
        QCOMPARE(step.kind, SaslStep::Kind::Success);
        QCOMPARE(step.username, expectedUsername);
        QCOMPARE(step.authzid, authzid);
        QVERIFY(client.verifyServerFinal(step.data));

        // The attempt is over.
        QCOMPARE(server.respond(clientFinal).kind, SaslStep::Kind::Failure);
    }

    void finalStepFailures_data()
    {
        QTest::addColumn<bool>("plus");
        QTest::addColumn<QByteArray>("gs2Header");
        QTest::addColumn<QByteArray>("clientBindingData");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("tamper");
        QTest::addColumn<QString>("condition");

        const QByteArray exporter = Bindings.value(u"tls-exporter"_s);
        QTest::newRow("wrong-password") << false << QByteArray("n,,") << QByteArray() << u"wrong"_s << QString()
                                        << u"not-authorized"_s;
        QTest::newRow("tampered-proof") << false << QByteArray("n,,") << QByteArray() << u"secret"_s << u"proof"_s
                                        << u"not-authorized"_s;
        QTest::newRow("short-proof") << false << QByteArray("n,,") << QByteArray() << u"secret"_s << u"short-proof"_s
                                     << u"not-authorized"_s;
        QTest::newRow("nonce-mismatch") << false << QByteArray("n,,") << QByteArray() << u"secret"_s << u"nonce"_s
                                        << u"malformed-request"_s;
        QTest::newRow("missing-proof") << false << QByteArray("n,,") << QByteArray() << u"secret"_s << u"drop-proof"_s
                                       << u"malformed-request"_s;
        QTest::newRow("gs2-header-changed")
            << false << QByteArray("n,,") << QByteArray() << u"secret"_s << u"binding-biws-y"_s << u"not-authorized"_s;
        QTest::newRow("plus-wrong-binding-data") << true << QByteArray("p=tls-exporter,,") << QByteArray(32, 'X')
                                                 << u"secret"_s << QString() << u"not-authorized"_s;
        QTest::newRow("plus-other-type-data")
            << true << QByteArray("p=tls-exporter,,") << Bindings.value(u"tls-server-end-point"_s) << u"secret"_s
            << QString() << u"not-authorized"_s;
        QTest::newRow("plus-binding-omitted") << true << QByteArray("p=tls-exporter,,") << QByteArray() << u"secret"_s
                                              << QString() << u"not-authorized"_s;
        QTest::newRow("plus-correct-but-wrong-password")
            << true << QByteArray("p=tls-exporter,,") << exporter << u"wrong"_s << QString() << u"not-authorized"_s;
    }

    void finalStepFailures()
    {
        QFETCH(bool, plus);
        QFETCH(QByteArray, gs2Header);
        QFETCH(QByteArray, clientBindingData);
        QFETCH(QString, password);
        QFETCH(QString, tamper);
        QFETCH(QString, condition);

        ScramServer server(ScramHash::Sha256, plus, Host, Bindings);
        TestScramClient client(ScramHash::Sha256, gs2Header, clientBindingData);
        QCOMPARE(server.start(client.clientFirst("juliet", "clientnonce")).kind, SaslStep::Kind::NeedCredentials);
        const SaslStep challenge = server.provideCredentials(credentialsFor(u"secret"_s));
        QCOMPARE(challenge.kind, SaslStep::Kind::Challenge);
        QByteArray clientFinal = client.clientFinal(challenge.data, password.toUtf8());
        QVERIFY(!clientFinal.isEmpty());

        const qsizetype proofAt = clientFinal.lastIndexOf(",p=");
        if (tamper == u"proof") {
            QByteArray proof = QByteArray::fromBase64(clientFinal.mid(proofAt + 3));
            proof[3] = char(proof[3] ^ 0x01);
            clientFinal = clientFinal.left(proofAt) + ",p=" + proof.toBase64();
        } else if (tamper == u"short-proof") {
            clientFinal = clientFinal.left(proofAt) + ",p=" + QByteArray(16, 'a').toBase64();
        } else if (tamper == u"nonce") {
            clientFinal.replace(",r=clientnonce", ",r=clientnoncf");
        } else if (tamper == u"drop-proof") {
            clientFinal = clientFinal.left(proofAt);
        } else if (tamper == u"binding-biws-y") {
            clientFinal.replace("c=biws", QByteArray("c=" + QByteArray("y,,").toBase64()));
        }
        const SaslStep step = server.respond(clientFinal);
        QCOMPARE(step.kind, SaslStep::Kind::Failure);
        QCOMPARE(step.condition, condition);
    }

    void clientFirstFailures_data()
    {
        QTest::addColumn<bool>("plus");
        QTest::addColumn<ChannelBindings>("bindings");
        QTest::addColumn<QByteArray>("clientFirst");
        QTest::addColumn<QString>("condition");

        const ChannelBindings none;
        QTest::newRow("bad-flag") << false << none << QByteArray("x,,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("no-gs2-header") << false << none << QByteArray("n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("bad-authzid-field") << false << none << QByteArray("n,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("p-with-non-plus") << false << Bindings << QByteArray("p=tls-exporter,,n=user,r=abc")
                                         << u"malformed-request"_s;
        QTest::newRow("mandatory-extension")
            << false << none << QByteArray("n,,m=ext,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("bad-escape") << false << none << QByteArray("n,,n=us=2Der,r=abc") << u"malformed-request"_s;
        QTest::newRow("bare-equals") << false << none << QByteArray("n,,n=us=er,r=abc") << u"malformed-request"_s;
        QTest::newRow("empty-nonce") << false << none << QByteArray("n,,n=user,r=") << u"malformed-request"_s;
        QTest::newRow("nonce-with-space") << false << none << QByteArray("n,,n=user,r=a b") << u"malformed-request"_s;
        QTest::newRow("attributes-swapped") << false << none << QByteArray("n,,r=abc,n=user") << u"malformed-request"_s;
        QTest::newRow("empty-username") << false << none << QByteArray("n,,n=,r=abc") << u"malformed-request"_s;
        QTest::newRow("nodeprep-prohibited")
            << false << none << QByteArray("n,,n=us@er,r=abc") << u"malformed-request"_s;
        QTest::newRow("saslprep-prohibited") << false << none
                                             << QByteArray("n,,n=us\x07"
                                                           "er,r=abc")
                                             << u"malformed-request"_s;
        QTest::newRow("other-authzid") << false << none << QByteArray("n,a=romeo@example.org,n=juliet,r=abc")
                                       << u"invalid-authzid"_s;
        QTest::newRow("authzid-other-host")
            << false << none << QByteArray("n,a=juliet@example.net,n=juliet,r=abc") << u"invalid-authzid"_s;
        QTest::newRow("too-long") << false << none << QByteArray("n,,n=user,r=" + QByteArray(5000, 'a'))
                                  << u"malformed-request"_s;
        // Downgrade protection: the server advertised -PLUS, yet the client believes it cannot bind.
        QTest::newRow("y-flag-downgrade") << false << Bindings << QByteArray("y,,n=user,r=abc") << u"not-authorized"_s;
        QTest::newRow("plus-with-n-flag")
            << true << Bindings << QByteArray("n,,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("plus-with-y-flag")
            << true << Bindings << QByteArray("y,,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("plus-unsupported-type")
            << true << Bindings << QByteArray("p=tls-unique,,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("plus-type-not-available")
            << true << ChannelBindings{{u"tls-server-end-point"_s, QByteArray(32, 'S')}}
            << QByteArray("p=tls-exporter,,n=user,r=abc") << u"malformed-request"_s;
        QTest::newRow("plus-without-bindings")
            << true << none << QByteArray("p=tls-exporter,,n=user,r=abc") << u"invalid-mechanism"_s;
    }

    void clientFirstFailures()
    {
        QFETCH(bool, plus);
        QFETCH(ChannelBindings, bindings);
        QFETCH(QByteArray, clientFirst);
        QFETCH(QString, condition);

        ScramServer server(ScramHash::Sha1, plus, Host, bindings);
        const SaslStep step = server.start(clientFirst);
        QCOMPARE(step.kind, SaslStep::Kind::Failure);
        QCOMPARE(step.condition, condition);
        // A failed attempt stays failed.
        QCOMPARE(server.provideCredentials(credentialsFor(u"x"_s)).kind, SaslStep::Kind::Failure);
    }

    void unknownUserLooksLikeAnAccount()
    {
        const QByteArray secret = "server-wide fake salt secret";
        QByteArray firstSalt;
        for (int attempt = 0; attempt < 2; ++attempt) {
            ScramServer server(ScramHash::Sha256, false, Host, {}, secret);
            TestScramClient client(ScramHash::Sha256, "n,,");
            QCOMPARE(server.start(client.clientFirst("nobody", "nonce")).kind, SaslStep::Kind::NeedCredentials);
            const SaslStep challenge = server.provideCredentials(std::nullopt);
            QCOMPARE(challenge.kind, SaslStep::Kind::Challenge);
            const QByteArray clientFinal = client.clientFinal(challenge.data, "anything");
            QVERIFY(!clientFinal.isEmpty());
            QCOMPARE(client.lastIterations, ScramCredentials::DefaultIterations);
            QCOMPARE(client.lastSalt.size(), 36); // shaped like Prosody's UUID salts
            if (attempt == 0)
                firstSalt = client.lastSalt;
            else
                QCOMPARE(client.lastSalt, firstSalt); // stable: repeated probes learn nothing
            const SaslStep step = server.respond(clientFinal);
            QCOMPARE(step.kind, SaslStep::Kind::Failure);
            QCOMPARE(step.condition, u"not-authorized"_s);
        }
    }

    void missingHashKeysFail()
    {
        // A Prosody account with SHA-1 keys only, tried with SCRAM-SHA-256 and the right password.
        const auto sha1Only =
            ScramCredentials::fromMap({{u"salt"_s, u"6e1b5c2a-2f5d-4c1e-9a3b-0d9f8e7c6b5a"_s},
                                       {u"iteration_count"_s, 10000},
                                       {u"stored_key"_s, u"4b0a57308f7574e3cc36c166204bc90309581aa7"_s},
                                       {u"server_key"_s, u"bdc507c9ae28c301b63bda148f1765737c183782"_s}});
        QVERIFY(sha1Only.isOk());
        ScramServer server(ScramHash::Sha256, false, Host);
        TestScramClient client(ScramHash::Sha256, "n,,");
        QCOMPARE(server.start(client.clientFirst("user", "nonce")).kind, SaslStep::Kind::NeedCredentials);
        const SaslStep challenge = server.provideCredentials(*sha1Only);
        const SaslStep step = server.respond(client.clientFinal(challenge.data, "pencil"));
        QCOMPARE(step.condition, u"not-authorized"_s);

        // The same account works with SCRAM-SHA-1: Prosody's stored keys are used as they are.
        ScramServer sha1Server(ScramHash::Sha1, false, Host);
        TestScramClient sha1Client(ScramHash::Sha1, "n,,");
        QCOMPARE(sha1Server.start(sha1Client.clientFirst("user", "nonce")).kind, SaslStep::Kind::NeedCredentials);
        const SaslStep sha1Challenge = sha1Server.provideCredentials(*sha1Only);
        QVERIFY(sha1Challenge.data.contains(",i=10000"));
        const SaslStep success = sha1Server.respond(sha1Client.clientFinal(sha1Challenge.data, "pencil"));
        QCOMPARE(success.kind, SaslStep::Kind::Success);
        QVERIFY(sha1Client.verifyServerFinal(success.data));
    }

    void outOfOrderCalls()
    {
        ScramServer server(ScramHash::Sha1, false, Host);
        QCOMPARE(server.provideCredentials(credentialsFor(u"x"_s)).kind, SaslStep::Kind::Failure);
        ScramServer other(ScramHash::Sha1, false, Host);
        QCOMPARE(other.respond("c=biws,r=abc,p=AAAA").kind, SaslStep::Kind::Failure);
        ScramServer third(ScramHash::Sha1, false, Host);
        QCOMPARE(third.start("n,,n=user,r=abc").kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(third.respond("c=biws,r=abc,p=AAAA").kind, SaslStep::Kind::Failure); // credentials first
    }

    void mechanismNames()
    {
        QCOMPARE(ScramServer::mechanismNames(false), (QStringList{u"SCRAM-SHA-256"_s, u"SCRAM-SHA-1"_s}));
        QCOMPARE(ScramServer::mechanismNames(true),
                 (QStringList{u"SCRAM-SHA-256-PLUS"_s, u"SCRAM-SHA-1-PLUS"_s, u"SCRAM-SHA-256"_s, u"SCRAM-SHA-1"_s}));
        const auto parsed = ScramServer::parseMechanismName(u"SCRAM-SHA-256-PLUS"_s);
        QVERIFY(parsed);
        QCOMPARE(parsed->first, ScramHash::Sha256);
        QVERIFY(parsed->second);
        QVERIFY(!ScramServer::parseMechanismName(u"SCRAM-SHA-512"_s));
        QVERIFY(!ScramServer::parseMechanismName(u"PLAIN"_s));
    }
};

QTEST_GUILESS_MAIN(tst_ScramServer)
#include "tst_ScramServer.moc"
