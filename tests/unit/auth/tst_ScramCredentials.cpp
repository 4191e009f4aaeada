#include "server/auth/ScramCredentials.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

// Expected keys were computed at test-writing time by Prosody 0.12.3 itself (util.sasl.scram
// hashers from /usr/lib/prosody, which SASLprep the password first) and cross-checked with
// python3 hashlib.pbkdf2_hmac + hmac following RFC 5802 (StoredKey = H(HMAC(SP, "Client Key")),
// ServerKey = HMAC(SP, "Server Key")).
class tst_ScramCredentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deriveMatchesProsody_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QByteArray>("salt");
        QTest::addColumn<int>("iterations");
        QTest::addColumn<QByteArray>("sha1Stored");
        QTest::addColumn<QByteArray>("sha1Server");
        QTest::addColumn<QByteArray>("sha256Stored");
        QTest::addColumn<QByteArray>("sha256Server");

        QTest::newRow("ascii") << u"pencil"_s << QByteArray("6e1b5c2a-2f5d-4c1e-9a3b-0d9f8e7c6b5a") << 10000
                               << QByteArray("4b0a57308f7574e3cc36c166204bc90309581aa7")
                               << QByteArray("bdc507c9ae28c301b63bda148f1765737c183782")
                               << QByteArray("ac6dd10929978684fa3036ff0fcd86a2ecfcbedbb0fab1ec2ca088643d012d6a")
                               << QByteArray("c1f8f3d3e0a8f133625bf4f262e2869fe50e4dc13c170418a67df4af832e487d");
        QTest::newRow("non-ascii") << u"s3cret-p\u00e4ss"_s << QByteArray("0f8fad5b-d9cb-469f-a165-70867728950e")
                                   << 10000 << QByteArray("dc940a0b26d68bab2d118601fc36d01ebd08de1c")
                                   << QByteArray("417d94cc13f893e0464c3260db00da0f51da071a")
                                   << QByteArray("401f0a93613b7df615665c11304df70dcde34caa74dbb6ae4790a7e90038a80f")
                                   << QByteArray("1bad06f1bb49c30ae471900029286589b2c33902ebe0e7ac97d00ef9bbd41e1a");
        // SASLprep maps NO-BREAK SPACE to SPACE and drops SOFT HYPHEN: same keys as "pass word".
        QTest::newRow("saslprep-mapped")
            << u"pass\u00a0wo\u00adrd"_s << QByteArray("7c9e6679-7425-40de-944b-e07fc1f90ae7") << 4096
            << QByteArray("bf686bfb6b142f6d4ae778d56e94e874611268d8")
            << QByteArray("460639ec273864b6c3869fc0aecf599f76721a5b")
            << QByteArray("8bd8586650b3c6093e2defc65ff95a316e76ae693846a4610401c9274b71f2fb")
            << QByteArray("9f86d7d48f09547902889db3460456bd464ca1a7272904a5380891be136e20b3");
    }

    void deriveMatchesProsody()
    {
        QFETCH(QString, password);
        QFETCH(QByteArray, salt);
        QFETCH(int, iterations);
        QFETCH(QByteArray, sha1Stored);
        QFETCH(QByteArray, sha1Server);
        QFETCH(QByteArray, sha256Stored);
        QFETCH(QByteArray, sha256Server);

        const auto sha1 = ScramCredentials::derive(password, salt, iterations, ScramHash::Sha1);
        QVERIFY(sha1.isOk());
        QCOMPARE(sha1->storedKey.toHex(), sha1Stored);
        QCOMPARE(sha1->serverKey.toHex(), sha1Server);
        const auto sha256 = ScramCredentials::derive(password, salt, iterations, ScramHash::Sha256);
        QVERIFY(sha256.isOk());
        QCOMPARE(sha256->storedKey.toHex(), sha256Stored);
        QCOMPARE(sha256->serverKey.toHex(), sha256Server);
    }

    void readsProsodyRecord()
    {
        // A record exactly as Prosody 0.12 (password_hash = "SHA-1") stores it.
        const QVariantMap record{{u"salt"_s, u"6e1b5c2a-2f5d-4c1e-9a3b-0d9f8e7c6b5a"_s},
                                 {u"iteration_count"_s, 10000},
                                 {u"stored_key"_s, u"4b0a57308f7574e3cc36c166204bc90309581aa7"_s},
                                 {u"server_key"_s, u"bdc507c9ae28c301b63bda148f1765737c183782"_s}};
        const auto credentials = ScramCredentials::fromMap(record);
        QVERIFY(credentials.isOk());
        QVERIFY(credentials->hasSha1());
        QVERIFY(!credentials->hasSha256());
        QVERIFY(!credentials->hasPlaintext());
        QCOMPARE(credentials->iterations(), 10000);
        QVERIFY(credentials->verifyPlain(u"pencil"_s));
        QVERIFY(!credentials->verifyPlain(u"pencil2"_s));
        QVERIFY(!credentials->verifyPlain(u"Pencil"_s));
        QVERIFY(credentials->needsUpgrade());
        // Written back unchanged: Prosody can still read it.
        QCOMPARE(credentials->toMap(), record);
    }

    void readsProsodySha256Record()
    {
        // password_hash = "SHA-256": Prosody puts SHA-256 keys into stored_key/server_key.
        const QVariantMap record{
            {u"salt"_s, u"6e1b5c2a-2f5d-4c1e-9a3b-0d9f8e7c6b5a"_s},
            {u"iteration_count"_s, u"10000"_s}, // some drivers hand numbers back as text
            {u"stored_key"_s, u"ac6dd10929978684fa3036ff0fcd86a2ecfcbedbb0fab1ec2ca088643d012d6a"_s},
            {u"server_key"_s, u"c1f8f3d3e0a8f133625bf4f262e2869fe50e4dc13c170418a67df4af832e487d"_s}};
        const auto credentials = ScramCredentials::fromMap(record);
        QVERIFY(credentials.isOk());
        QVERIFY(!credentials->hasSha1());
        QVERIFY(credentials->hasSha256());
        QVERIFY(credentials->verifyPlain(u"pencil"_s));
        QVERIFY(!credentials->verifyPlain(u"pencil "_s));
        QVariantMap expected = record;
        expected[u"iteration_count"_s] = 10000;
        QCOMPARE(credentials->toMap(), expected);
    }

    void legacyPlaintextIsUpgraded()
    {
        const QVariantMap record{{u"password"_s, u"pencil"_s}, {u"roles"_s, u"kept"_s}};
        const auto credentials = ScramCredentials::fromMap(record);
        QVERIFY(credentials.isOk());
        QVERIFY(credentials->hasPlaintext());
        QVERIFY(credentials->verifyPlain(u"pencil"_s));
        QVERIFY(!credentials->verifyPlain(u"pencil!"_s));

        const auto upgraded = credentials->withDerivedKeys(u"pencil"_s, 4096);
        QVERIFY(upgraded.isOk());
        QVERIFY(!upgraded->hasPlaintext());
        QVERIFY(upgraded->hasSha1() && upgraded->hasSha256());
        QVERIFY(!upgraded->needsUpgrade());
        const QVariantMap map = upgraded->toMap();
        QVERIFY(!map.contains(u"password"_s));
        QCOMPARE(map.value(u"roles"_s).toString(), u"kept"_s); // unknown fields survive
        QCOMPARE(map.value(u"iteration_count"_s).toInt(), 4096);
        QCOMPARE(map.value(u"salt"_s).toString().size(), 36); // a UUID string, as Prosody makes
        QCOMPARE(map.value(u"stored_key"_s).toString().size(), 40);
        QCOMPARE(map.value(u"stored_key_sha256"_s).toString().size(), 64);
        QCOMPARE(map.value(u"server_key_sha256"_s).toString().size(), 64);

        // The stored SHA-1 keys are what Prosody would compute from the record's salt.
        const auto sha1 =
            ScramCredentials::derive(u"pencil"_s, map.value(u"salt"_s).toString().toUtf8(), 4096, ScramHash::Sha1);
        QVERIFY(sha1.isOk());
        QCOMPARE(map.value(u"stored_key"_s).toString().toLatin1(), sha1->storedKey.toHex());

        const auto reread = ScramCredentials::fromMap(map);
        QVERIFY(reread.isOk());
        QVERIFY(reread->verifyPlain(u"pencil"_s));
        QVERIFY(!reread->verifyPlain(u"pencl"_s));
        QCOMPARE(reread->toMap(), map);
    }

    void createKeepsIterationFloor()
    {
        const auto created = ScramCredentials::create(u"pw"_s, 4096);
        QVERIFY(created.isOk());
        QCOMPARE(created->iterations(), 4096);
        // Re-deriving never lowers an account's iteration count (Prosody's set_password rule).
        const auto again = created->withDerivedKeys(u"pw2"_s, 1000);
        QVERIFY(again.isOk());
        QCOMPARE(again->iterations(), 4096);
        QVERIFY(again->salt() != created->salt());
        QVERIFY(again->verifyPlain(u"pw2"_s));
        QVERIFY(!again->verifyPlain(u"pw"_s));
    }

    void binarySaltRoundTrips()
    {
        const QByteArray salt = QByteArray::fromBase64("QSXCR+Q6sek8bf92");
        const auto keys = ScramCredentials::derive(u"pencil"_s, salt, 4096, ScramHash::Sha1);
        QVERIFY(keys.isOk());
        const auto credentials = ScramCredentials::fromKeys(salt, 4096, *keys, std::nullopt);
        QVERIFY(credentials.isOk());
        const auto reread = ScramCredentials::fromMap(credentials->toMap());
        QVERIFY(reread.isOk());
        QCOMPARE(reread->salt(), salt);
        QVERIFY(reread->verifyPlain(u"pencil"_s));
    }

    void rejectsDamagedRecords_data()
    {
        QTest::addColumn<QVariantMap>("record");
        const QString salt = u"6e1b5c2a-2f5d-4c1e-9a3b-0d9f8e7c6b5a"_s;
        const QString stored = u"4b0a57308f7574e3cc36c166204bc90309581aa7"_s;
        const QString server = u"bdc507c9ae28c301b63bda148f1765737c183782"_s;
        QTest::newRow("no-salt") << QVariantMap{
            {u"iteration_count"_s, 10000}, {u"stored_key"_s, stored}, {u"server_key"_s, server}};
        QTest::newRow("no-iterations") << QVariantMap{
            {u"salt"_s, salt}, {u"stored_key"_s, stored}, {u"server_key"_s, server}};
        QTest::newRow("zero-iterations") << QVariantMap{
            {u"salt"_s, salt}, {u"iteration_count"_s, 0}, {u"stored_key"_s, stored}, {u"server_key"_s, server}};
        QTest::newRow("fractional-iterations") << QVariantMap{
            {u"salt"_s, salt}, {u"iteration_count"_s, 4096.5}, {u"stored_key"_s, stored}, {u"server_key"_s, server}};
        QTest::newRow("bad-hex") << QVariantMap{{u"salt"_s, salt},
                                                {u"iteration_count"_s, 10000},
                                                {u"stored_key"_s, QString(stored).replace(0, 1, u'x')},
                                                {u"server_key"_s, server}};
        QTest::newRow("missing-server-key")
            << QVariantMap{{u"salt"_s, salt}, {u"iteration_count"_s, 10000}, {u"stored_key"_s, stored}};
        QTest::newRow("odd-length") << QVariantMap{{u"salt"_s, salt},
                                                   {u"iteration_count"_s, 10000},
                                                   {u"stored_key"_s, stored.left(39)},
                                                   {u"server_key"_s, server}};
        QTest::newRow("sha1-in-sha256-field") << QVariantMap{{u"salt"_s, salt},
                                                             {u"iteration_count"_s, 10000},
                                                             {u"stored_key_sha256"_s, stored},
                                                             {u"server_key_sha256"_s, server}};
    }

    void rejectsDamagedRecords()
    {
        QFETCH(QVariantMap, record);
        const auto credentials = ScramCredentials::fromMap(record);
        QVERIFY(!credentials.isOk());
        QCOMPARE(credentials.error().condition, u"internal-server-error"_s);
    }

    void emptyRecordVerifiesNothing()
    {
        const auto credentials = ScramCredentials::fromMap({});
        QVERIFY(credentials.isOk());
        QVERIFY(credentials->isEmpty());
        QVERIFY(!credentials->verifyPlain(u""_s));
        QVERIFY(!credentials->verifyPlain(u"x"_s));
    }

    void saslprepProhibitedPasswordFails()
    {
        // U+0007 (a control character) is prohibited by SASLprep.
        const auto keys = ScramCredentials::derive(u"bad\u0007pw"_s, "salt", 4096, ScramHash::Sha1);
        QVERIFY(!keys.isOk());
        QVERIFY(!ScramCredentials::create(u"bad\u0007pw"_s, 4096).isOk());
    }
};

QTEST_GUILESS_MAIN(tst_ScramCredentials)
#include "tst_ScramCredentials.moc"
