#include "server/auth/SaslPlain.h"
#include "server/auth/StringPrep.h"

#include <QTest>

using namespace Qt::StringLiterals;
using namespace Canto;

namespace {

ScramCredentials credentialsFor(const QString& password)
{
    auto created = ScramCredentials::create(password, 4096);
    Q_ASSERT(created.isOk());
    return *created;
}

} // namespace

class tst_SaslPlain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void accepted_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("storedPassword");
        QTest::addColumn<QString>("username");
        QTest::addColumn<QString>("authzid");

        QTest::newRow("no-authzid") << QByteArray("\0juliet\0secret", 14) << u"secret"_s << u"juliet"_s << QString();
        QTest::newRow("own-authzid") << QByteArray("juliet@example.org\0juliet\0secret", 32) << u"secret"_s
                                     << u"juliet"_s << u"juliet@example.org"_s;
        QTest::newRow("nodeprep-username")
            << QByteArray("\0JULIET\0secret", 14) << u"secret"_s << u"juliet"_s << QString();
        QTest::newRow("utf8-password") << QString(u"\0juliet\0p\u00e4ss"_s).toUtf8() << u"p\u00e4ss"_s << u"juliet"_s
                                       << QString();
        // SASLprep maps U+00A0 to a space on both sides.
        QTest::newRow("saslprep-password")
            << QString(u"\0juliet\0a\u00a0b"_s).toUtf8() << u"a b"_s << u"juliet"_s << QString();
    }

    void accepted()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, storedPassword);
        QFETCH(QString, username);
        QFETCH(QString, authzid);

        SaslPlain plain(u"example.org"_s);
        QCOMPARE(plain.name(), u"PLAIN"_s);
        QVERIFY(plain.isCredentialCheckExpensive());
        SaslStep step = plain.start(message);
        QCOMPARE(step.kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(step.username, username);
        step = plain.provideCredentials(credentialsFor(storedPassword));
        QCOMPARE(step.kind, SaslStep::Kind::Success);
        QCOMPARE(step.username, username);
        QCOMPARE(step.authzid, authzid);
        QCOMPARE(plain.password(), *StringPrep::saslPrep(storedPassword));
        QCOMPARE(plain.respond("again").kind, SaslStep::Kind::Failure);
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("message");
        QTest::addColumn<QString>("condition");

        QTest::newRow("no-separators") << QByteArray("julietsecret") << u"malformed-request"_s;
        QTest::newRow("one-separator") << QByteArray("juliet\0secret", 13) << u"malformed-request"_s;
        QTest::newRow("three-separators") << QByteArray("\0juliet\0secret\0", 15) << u"malformed-request"_s;
        QTest::newRow("empty-username") << QByteArray("\0\0secret", 8) << u"malformed-request"_s;
        QTest::newRow("empty-password") << QByteArray("\0juliet\0", 8) << u"malformed-request"_s;
        QTest::newRow("invalid-utf8") << QByteArray("\0juli\xfft\0secret", 14) << u"malformed-request"_s;
        QTest::newRow("nodeprep-prohibited") << QByteArray("\0jul@iet\0secret", 15) << u"malformed-request"_s;
        QTest::newRow("saslprep-prohibited-password")
            << QByteArray("\0juliet\0sec\x07ret", 15) << u"malformed-request"_s;
        QTest::newRow("too-long") << QByteArray("\0juliet\0", 8) + QByteArray(2000, 'x') << u"malformed-request"_s;
        QTest::newRow("other-authzid") << QByteArray("romeo@example.org\0juliet\0secret", 31) << u"invalid-authzid"_s;
        QTest::newRow("authzid-with-resource")
            << QByteArray("juliet@example.org/balcony\0juliet\0secret", 40) << u"invalid-authzid"_s;
    }

    void rejected()
    {
        QFETCH(QByteArray, message);
        QFETCH(QString, condition);
        SaslPlain plain(u"example.org"_s);
        const SaslStep step = plain.start(message);
        QCOMPARE(step.kind, SaslStep::Kind::Failure);
        QCOMPARE(step.condition, condition);
    }

    void wrongPassword()
    {
        SaslPlain plain(u"example.org"_s);
        QCOMPARE(plain.start(QByteArray("\0juliet\0Secret", 14)).kind, SaslStep::Kind::NeedCredentials);
        const SaslStep step = plain.provideCredentials(credentialsFor(u"secret"_s));
        QCOMPARE(step.kind, SaslStep::Kind::Failure);
        QCOMPARE(step.condition, u"not-authorized"_s);
        QVERIFY(plain.password().isEmpty());
    }

    void unknownUser()
    {
        SaslPlain plain(u"example.org"_s);
        QCOMPARE(plain.start(QByteArray("\0nobody\0secret", 14)).kind, SaslStep::Kind::NeedCredentials);
        const SaslStep step = plain.provideCredentials(std::nullopt);
        QCOMPARE(step.kind, SaslStep::Kind::Failure);
        QCOMPARE(step.condition, u"not-authorized"_s);
    }

    void legacyPlaintextAccount()
    {
        const auto legacy = ScramCredentials::fromMap({{u"password"_s, u"secret"_s}});
        QVERIFY(legacy.isOk());
        SaslPlain plain(u"example.org"_s);
        QCOMPARE(plain.start(QByteArray("\0juliet\0secret", 14)).kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(plain.provideCredentials(*legacy).kind, SaslStep::Kind::Success);
        QVERIFY(legacy->needsUpgrade());
        const auto upgraded = legacy->withDerivedKeys(plain.password(), 4096);
        QVERIFY(upgraded.isOk());
        QVERIFY(upgraded->verifyPlain(u"secret"_s));
    }

    void emptyInitialResponse()
    {
        SaslPlain plain(u"example.org"_s);
        const SaslStep challenge = plain.start({});
        QCOMPARE(challenge.kind, SaslStep::Kind::Challenge);
        QVERIFY(challenge.data.isEmpty());
        QCOMPARE(plain.respond(QByteArray("\0juliet\0secret", 14)).kind, SaslStep::Kind::NeedCredentials);
        QCOMPARE(plain.provideCredentials(credentialsFor(u"secret"_s)).kind, SaslStep::Kind::Success);
    }

    void outOfOrder()
    {
        SaslPlain plain(u"example.org"_s);
        QCOMPARE(plain.provideCredentials(credentialsFor(u"secret"_s)).kind, SaslStep::Kind::Failure);
        SaslPlain other(u"example.org"_s);
        QCOMPARE(other.respond(QByteArray("\0juliet\0secret", 14)).kind, SaslStep::Kind::Failure);
    }
};

QTEST_GUILESS_MAIN(tst_SaslPlain)
#include "tst_SaslPlain.moc"
