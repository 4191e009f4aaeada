// Prosody compatibility (DESIGN.md §6): a SQLite database written by Debian's Prosody 0.12
// (make-prosody-db.sh runs prosodyctl; every row comes from Prosody's own Lua code) is opened by
// the real cantod, its users keep their passwords, Canto adds SHA-256 keys when it learns a
// password, and the real Prosody still authenticates the users after Canto wrote to the database.
//
// Why SCRAM-SHA-256 fails until the upgrade: Prosody's internal_hashed (password_hash "SHA-1", its
// default) stores only SCRAM-SHA-1's StoredKey and ServerKey. SCRAM-SHA-256 needs keys derived
// from the password with SHA-256, which cannot be computed from the SHA-1 keys; the server can
// only create them when it sees the password itself (a PLAIN login over TLS or a password change).
// Clients pick the strongest mechanism offered and do not fall back after a failure, so while any
// account of a host has only SHA-1 keys cantod does not offer SCRAM-SHA-256 on that host at all
// (AccountManager::refreshScramPolicy); clients then use SCRAM-SHA-1 and everyone can log in.
//
// The test functions run in order and share one database: each step depends on the previous one.
#include "TestServer.h"
#include "server/core/RosterManager.h"
#include "support/CantodProcess.h"

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QPasswordDigestor>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Canto::Result;
using Canto::Roster;
using Canto::RosterItem;
using Canto::TestServer;
using Canto::Test::CantodProcess;

namespace {

// One row of Prosody's keyval table: its type column and its text.
struct StoredField
{
    QString type;
    QString value;
};

struct AccountRows
{
    QHash<QString, StoredField> fields;
    int rowCount = 0; // more than fields.size() if a key was stored twice
    QString error;
};

// Reads the "accounts" rows of user@localhost straight from the SQLite file, as Prosody would.
AccountRows readAccount(const QString& databaseFile, const QString& user)
{
    AccountRows result;
    const QString connection = u"prosody-db-reader"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(databaseFile);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"_s);
        if (!db.open()) {
            result.error = db.lastError().text();
        } else {
            QSqlQuery query(db);
            query.prepare(uR"(SELECT "key", "type", "value" FROM "prosody"
                              WHERE "host" = 'localhost' AND "user" = ? AND "store" = 'accounts')"_s);
            query.addBindValue(user);
            if (!query.exec()) {
                result.error = query.lastError().text();
            }
            while (query.next()) {
                ++result.rowCount;
                result.fields.insert(query.value(0).toString(), {query.value(1).toString(), query.value(2).toString()});
            }
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return result;
}

QStringList queryColumn(const QString& databaseFile, const QString& sql)
{
    QStringList values;
    const QString connection = u"prosody-db-query"_s;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, connection);
        db.setDatabaseName(databaseFile);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"_s);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(sql)) {
                while (query.next()) {
                    values << query.value(0).toString();
                }
            } else {
                values << u"ERROR: "_s + query.lastError().text();
            }
        } else {
            values << u"ERROR: "_s + db.lastError().text();
        }
    }
    QSqlDatabase::removeDatabase(connection);
    return values;
}

// True if `stored_key`/`server_key` (or the *_sha256 fields) of `rows` are RFC 5802's keys for
// `password` with the stored salt and iteration count. The salt is used as the bytes of its
// string, as Prosody does. Our passwords are ASCII, so SASLprep leaves them unchanged.
bool keysMatch(const AccountRows& rows, const QString& password, QCryptographicHash::Algorithm hash,
               const QString& storedKeyField, const QString& serverKeyField)
{
    const QByteArray salt = rows.fields.value(u"salt"_s).value.toUtf8();
    const int iterations = rows.fields.value(u"iteration_count"_s).value.toInt();
    const int size = QCryptographicHash::hashLength(hash);
    if (salt.isEmpty() || iterations <= 0) {
        return false;
    }
    const QByteArray salted = QPasswordDigestor::deriveKeyPbkdf2(hash, password.toUtf8(), salt, iterations, size);
    const QByteArray clientKey = QMessageAuthenticationCode::hash("Client Key", salted, hash);
    const QByteArray storedKey = QCryptographicHash::hash(clientKey, hash);
    const QByteArray serverKey = QMessageAuthenticationCode::hash("Server Key", salted, hash);
    return rows.fields.value(storedKeyField).value == QString::fromLatin1(storedKey.toHex()) &&
           rows.fields.value(serverKeyField).value == QString::fromLatin1(serverKey.toHex());
}

bool sha1KeysMatch(const AccountRows& rows, const QString& password)
{
    return keysMatch(rows, password, QCryptographicHash::Sha1, u"stored_key"_s, u"server_key"_s);
}

bool sha256KeysMatch(const AccountRows& rows, const QString& password)
{
    return keysMatch(rows, password, QCryptographicHash::Sha256, u"stored_key_sha256"_s, u"server_key_sha256"_s);
}

QString describe(const AccountRows& rows)
{
    QStringList lines{u"error: "_s + rows.error, u"rows: "_s + QString::number(rows.rowCount)};
    for (auto it = rows.fields.cbegin(); it != rows.fields.cend(); ++it) {
        lines << u"%1 (%2) = %3"_s.arg(it.key(), it->type, it->value);
    }
    return lines.join(u'\n');
}

// Prosody's encoding of an internal_hashed account: strings for the salt and hex keys, the
// 'number' type for iteration_count, one row per field (Prosody 0.12's index on the keyval
// table is not unique, so a duplicate would not be refused by the database).
QString prosodyEncodingProblem(const AccountRows& rows, bool expectSha256)
{
    if (!rows.error.isEmpty()) {
        return rows.error;
    }
    if (rows.rowCount != rows.fields.size()) {
        return u"a field is stored more than once"_s;
    }
    QHash<QString, std::pair<QString, int>> expected = {
        {u"salt"_s, {u"string"_s, -1}},
        {u"iteration_count"_s, {u"number"_s, -1}},
        {u"stored_key"_s, {u"string"_s, 40}},
        {u"server_key"_s, {u"string"_s, 40}},
    };
    if (expectSha256) {
        expected.insert(u"stored_key_sha256"_s, {u"string"_s, 64});
        expected.insert(u"server_key_sha256"_s, {u"string"_s, 64});
    }
    for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
        const StoredField field = rows.fields.value(it.key());
        if (field.type != it->first) {
            return u"%1 has type '%2', expected '%3'"_s.arg(it.key(), field.type, it->first);
        }
        if (it->second > 0 && (field.value.size() != it->second || field.value != field.value.toLower() ||
                               QByteArray::fromHex(field.value.toLatin1()).size() != it->second / 2)) {
            return u"%1 is not %2 lowercase hex digits: %3"_s.arg(it.key()).arg(it->second).arg(field.value);
        }
    }
    bool isNumber = false;
    if (rows.fields.value(u"iteration_count"_s).value.toInt(&isNumber) < 1 || !isNumber) {
        return u"iteration_count is not a positive integer"_s;
    }
    if (!expectSha256 && rows.fields.contains(u"stored_key_sha256"_s)) {
        return u"unexpected SHA-256 keys"_s;
    }
    return {};
}

quint16 freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        return 0;
    }
    return probe.serverPort();
}

// The real Prosody serving a database with the config make-prosody-db.sh wrote, on a free port
// (never 5222). Stopped when destroyed.
class ProsodyServer
{
public:
    explicit ProsodyServer(const QString& directory) : m_directory(directory), m_logFile(directory + u"/prosody.log"_s)
    {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
    }

    ~ProsodyServer()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.terminate();
            if (!m_process.waitForFinished(15000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
    }

    /// Starts Prosody on `database`; an empty string once it listens, else what went wrong.
    /// Another port is tried if the free port was taken in the meantime.
    QString start(const QString& database)
    {
        QString problem;
        for (int attempt = 0; attempt < 3; ++attempt) {
            m_port = freePort();
            if (m_port == 0) {
                return u"no free port"_s;
            }
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(u"CANTO_PROSODY_C2S_PORT"_s, QString::number(m_port));
            environment.insert(u"CANTO_PROSODY_DATABASE"_s, database);
            m_process.setProcessEnvironment(environment);
            m_process.start(u"prosody"_s, {u"--config"_s, m_directory + u"/prosody.cfg.lua"_s, u"-F"_s});
            if (!m_process.waitForStarted()) {
                return u"cannot run prosody: "_s + m_process.errorString();
            }
            const QString listening = u"Activated service 'c2s' on [127.0.0.1]:%1"_s.arg(m_port);
            const QString portTaken = u"Failed to open server port %1"_s.arg(m_port);
            (void)QTest::qWaitFor( // the log tells below which condition ended the wait
                [&] {
                    const QString text = log();
                    return text.contains(listening) || text.contains(portTaken) ||
                           m_process.state() != QProcess::Running;
                },
                30000);
            if (log().contains(listening)) {
                return {};
            }
            problem = u"prosody did not listen on port %1\n--- prosody output ---\n%2%3"_s.arg(m_port).arg(
                QString::fromUtf8(m_process.readAll()), log());
            m_process.terminate();
            m_process.waitForFinished(15000);
            if (!log().contains(portTaken)) {
                break;
            }
        }
        return problem;
    }

    quint16 port() const { return m_port; }

    /// Runs Lua inside the running Prosody through its admin shell; returns the shell's output.
    QString shell(const QString& lua)
    {
        QProcess shellProcess;
        shellProcess.setProcessChannelMode(QProcess::MergedChannels);
        shellProcess.start(u"prosodyctl"_s, {u"--config"_s, m_directory + u"/prosody.cfg.lua"_s, u"shell"_s});
        if (!shellProcess.waitForStarted()) {
            return u"cannot run prosodyctl: "_s + shellProcess.errorString();
        }
        shellProcess.write((u"> "_s + lua + u'\n').toUtf8());
        shellProcess.closeWriteChannel();
        if (!shellProcess.waitForFinished(30000)) {
            shellProcess.kill();
            return u"prosodyctl shell did not finish"_s;
        }
        return QString::fromUtf8(shellProcess.readAll());
    }

    /// Prosody's log file (shared by every run in the directory; look for port or user names).
    QString log()
    {
        if (!m_logFile.isOpen() && !m_logFile.open(QIODevice::ReadOnly)) {
            return {};
        }
        m_logFile.seek(0);
        return u"\n--- prosody log ---\n"_s + QString::fromUtf8(m_logFile.readAll());
    }

private:
    QString m_directory;
    QFile m_logFile;
    QProcess m_process;
    quint16 m_port = 0;
};

} // namespace

class tst_ProsodyDatabase : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_work;
    QString m_prosodyDir;
    QString m_database;
    std::unique_ptr<CantodProcess> m_server;

    QStringList account(const QString& user, const QString& password) const
    {
        return {u"--jid"_s, user + u"@localhost"_s, u"--password"_s, password};
    }

    static CantodProcess::Output runClient(quint16 port, const QStringList& arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(
            CantodProcess::interopClientPath(),
            QStringList{u"--host"_s, u"127.0.0.1"_s, u"--ignore-ssl-errors"_s, u"--port"_s, QString::number(port)} +
                arguments);
        process.waitForFinished(60000);
        return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
                QString::fromUtf8(process.readAll())};
    }

    // A successful login (and bind) with exactly `mechanism`.
    CantodProcess::Output login(quint16 port, const QString& user, const QString& password, const QString& mechanism)
    {
        return runClient(port, account(user, password) +
                                   QStringList{u"--scenario"_s, u"login"_s, u"--mechanism"_s, mechanism});
    }

    // Exit code 0 only if the server answered the `mechanism` attempt with <not-authorized/>.
    CantodProcess::Output refused(quint16 port, const QString& user, const QString& password, const QString& mechanism)
    {
        return runClient(port, account(user, password) +
                                   QStringList{u"--scenario"_s, u"wrong-password"_s, u"--mechanism"_s, mechanism});
    }

    // The mechanisms cantod offers, read from a login attempt's report ("mechanisms offered: ...").
    QStringList offeredMechanisms(quint16 port)
    {
        // SCRAM-SHA-1 changes nothing stored (a PLAIN login would upgrade the account).
        const auto result = login(port, u"alice"_s, u"pw1"_s, u"SCRAM-SHA-1"_s);
        const qsizetype at = result.text.indexOf(u"SASL mechanisms offered: "_s);
        if (at < 0) {
            return {};
        }
        const qsizetype start = at + 25;
        return result.text.mid(start, result.text.indexOf(u'\n', start) - start).split(u' ', Qt::SkipEmptyParts);
    }

    QString serverLog() { return m_server ? u"\n--- cantod log ---\n"_s + m_server->log() : QString(); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_work.isValid());
        m_prosodyDir = m_work.filePath(u"prosody"_s);
        m_database = m_prosodyDir + u"/prosody.sqlite"_s;
        // Prosody missing or broken is a failure, not a skip: this test is the compatibility proof.
        QProcess script;
        script.setProcessChannelMode(QProcess::MergedChannels);
        script.start(u"sh"_s, {QStringLiteral(CANTO_MAKE_PROSODY_DB_SCRIPT), m_prosodyDir});
        QVERIFY2(script.waitForFinished(600000), "make-prosody-db.sh did not finish");
        const QString output = QString::fromUtf8(script.readAll());
        QVERIFY2(script.exitStatus() == QProcess::NormalExit && script.exitCode() == 0, qPrintable(output));
        QVERIFY2(QFile::exists(m_database), qPrintable(output));
    }

    void cleanupTestCase() { m_server.reset(); }

    // A roster saved by Prosody's rostermanager (make-prosody-db.sh) is read by Canto's
    // RosterManager, and what Canto saves is read back by Prosody's rostermanager.
    void rostersAreSharedWithProsody()
    {
        const QString copy = m_work.filePath(u"roster-copy.sqlite"_s);
        QVERIFY(QFile::copy(m_database, copy)); // before any cantod opened the database
        {
            TestServer server(u"VirtualHost \"localhost\"\n"_s, {.sqliteFile = copy});
            Roster* roster = nullptr;
            server.rosters().withRoster(u"localhost"_s, u"alice"_s, [&](Result<Roster*> r) {
                QVERIFY2(r, qPrintable(r ? QString() : r.error().text));
                roster = r.value();
            });
            QTRY_VERIFY(roster);
            QCOMPARE(roster->version(), u"1"_s);
            QCOMPARE(roster->size(), 2);
            const RosterItem* bob = roster->item(u"bob@localhost"_s);
            QVERIFY(bob);
            QCOMPARE(bob->subscription, u"both"_s);
            QCOMPARE(bob->name, u"Bob"_s);
            QCOMPARE(bob->groups, QStringList{u"Friends"_s});
            const RosterItem* carol = roster->item(u"carol@example.net"_s);
            QVERIFY(carol);
            QCOMPARE(carol->subscription, u"none"_s);
            QVERIFY(carol->ask);
            QVERIFY(roster->isPendingIn(u"dave@example.org"_s));

            RosterItem& erin = roster->ensureItem(u"erin@localhost"_s);
            erin.subscription = u"from"_s;
            erin.groups = {u"Team"_s};
            roster->setPendingIn(u"dave@example.org"_s, false);
            server.rosters().save(u"localhost"_s, u"alice"_s);
        } // the storage thread finishes its queue before the server goes

        ProsodyServer prosody(m_prosodyDir);
        const QString error = prosody.start(copy);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString output =
            prosody.shell(u"local r = require'core.rostermanager'.load_roster('alice', 'localhost'); return "
                          u"r['erin@localhost'].subscription..','..tostring(r['erin@localhost'].groups.Team)..','.."
                          u"r[false].version..','..tostring(r[false].pending['dave@example.org'])..','..r['bob@"
                          u"localhost'].name..','.."
                          u"tostring(r['carol@example.net'].ask)"_s);
        QVERIFY2(output.contains(u"from,true,2,nil,Bob,subscribe"_s), qPrintable(output + prosody.log()));
    }

    // What Prosody 0.12 itself stored: SHA-1 keys only, in its keyval encoding. Checks our
    // understanding of the format against the passwords given to prosodyctl.
    void prosodyStoredSha1Keys_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::newRow("alice") << u"alice"_s << u"pw1"_s;
        QTest::newRow("bob") << u"bob"_s << u"pw2"_s;
    }

    void prosodyStoredSha1Keys()
    {
        QFETCH(QString, user);
        QFETCH(QString, password);
        const AccountRows rows = readAccount(m_database, user);
        const QString problem = prosodyEncodingProblem(rows, false);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u'\n' + describe(rows)));
        QCOMPARE(rows.fields.size(), 4);
        QCOMPARE(rows.fields.value(u"iteration_count"_s).value, u"10000"_s);
        QVERIFY2(sha1KeysMatch(rows, password), qPrintable(describe(rows)));
        QVERIFY(!sha1KeysMatch(rows, password + u"x"_s));
    }

    void cantodOpensProsodyDatabase()
    {
        m_server = std::make_unique<CantodProcess>();
        m_server->setSqlDatabase(CantodProcess::SqlDatabase::sqlite(m_database));
        QVERIFY2(m_server->start(), qPrintable(serverLog()));
        // Migration 1 (Prosody's tables) found the tables in place and only recorded itself.
        QVERIFY2(m_server->log().contains(u"recorded (tables already present)"_s), qPrintable(serverLog()));
        QCOMPARE(queryColumn(m_database, uR"(SELECT "version" FROM "canto_schema" WHERE "version" = 1)"_s),
                 QStringList{u"1"_s});
        QCOMPARE(queryColumn(m_database, uR"(SELECT COUNT(*) FROM "prosody" WHERE "store" = 'accounts')"_s),
                 QStringList{u"8"_s});
    }

    void scramSha1WithProsodyPassword_data()
    {
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::newRow("alice") << u"alice"_s << u"pw1"_s;
        QTest::newRow("bob") << u"bob"_s << u"pw2"_s;
    }

    void scramSha1WithProsodyPassword()
    {
        QFETCH(QString, user);
        QFETCH(QString, password);
        QVERIFY(m_server && m_server->isRunning());
        const auto ok = login(m_server->c2sPort(), user, password, u"SCRAM-SHA-1"_s);
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.text + serverLog()));
    }

    // Failed logins are few on purpose: cantod throttles repeated failures (LoginThrottle).
    void scramSha1WrongPasswordRefused()
    {
        QVERIFY(m_server && m_server->isRunning());
        const auto wrong = refused(m_server->c2sPort(), u"alice"_s, u"pw1x"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(wrong.exitCode == 0, qPrintable(wrong.text + serverLog()));
    }

    // While some account has only Prosody's SHA-1 keys, SCRAM-SHA-256 is not offered at all:
    // clients pick the strongest mechanism offered and do not fall back after a failure.
    void scramSha256NotOfferedBeforeUpgrade()
    {
        QVERIFY(m_server && m_server->isRunning());
        const QStringList offered = offeredMechanisms(m_server->c2sPort());
        QVERIFY2(offered.contains(u"SCRAM-SHA-1"_s), qPrintable(offered.join(u' ') + serverLog()));
        QVERIFY2(!offered.contains(u"SCRAM-SHA-256"_s), qPrintable(offered.join(u' ')));
        QVERIFY2(!offered.contains(u"SCRAM-SHA-256-PLUS"_s), qPrintable(offered.join(u' ')));
        QVERIFY2(m_server->log().contains(u"have only SCRAM-SHA-1 keys"_s), qPrintable(serverLog()));
        const AccountRows rows = readAccount(m_database, u"alice"_s);
        const QString problem = prosodyEncodingProblem(rows, false);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u'\n' + describe(rows)));
    }

    // A client with default settings (it picks the strongest mechanism offered) logs in.
    void defaultClientLoginBeforeUpgrade()
    {
        QVERIFY(m_server && m_server->isRunning());
        const auto result =
            runClient(m_server->c2sPort(), account(u"alice"_s, u"pw1"_s) + QStringList{u"--scenario"_s, u"login"_s});
        QVERIFY2(result.exitCode == 0, qPrintable(result.text + serverLog()));
        QVERIFY2(result.text.contains(u"mechanism used: SCRAM-SHA-1"_s), qPrintable(result.text));
    }

    void plainLoginAddsSha256Keys()
    {
        QVERIFY(m_server && m_server->isRunning());
        const auto plain = login(m_server->c2sPort(), u"alice"_s, u"pw1"_s, u"PLAIN"_s);
        QVERIFY2(plain.exitCode == 0, qPrintable(plain.text + serverLog()));
        // The server rewrites the record after the login, in the background.
        QTRY_VERIFY2_WITH_TIMEOUT(readAccount(m_database, u"alice"_s).fields.contains(u"stored_key_sha256"_s),
                                  qPrintable(describe(readAccount(m_database, u"alice"_s)) + serverLog()), 30000);
        const AccountRows rows = readAccount(m_database, u"alice"_s);
        const QString problem = prosodyEncodingProblem(rows, true);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u'\n' + describe(rows)));
        QVERIFY2(sha256KeysMatch(rows, u"pw1"_s), qPrintable(describe(rows)));
        // The SHA-1 keys Prosody reads are still right for the password (with the stored salt).
        QVERIFY2(sha1KeysMatch(rows, u"pw1"_s), qPrintable(describe(rows)));

        // bob still has only SHA-1 keys, so the host still does not offer SCRAM-SHA-256.
        QVERIFY(!offeredMechanisms(m_server->c2sPort()).contains(u"SCRAM-SHA-256"_s));
        const auto sha1 = login(m_server->c2sPort(), u"alice"_s, u"pw1"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(sha1.exitCode == 0, qPrintable(sha1.text + serverLog()));
    }

    void cantoctlPasswdWritesBothHashes()
    {
        // A restart, for two reasons: the reopened database must keep the upgraded record and
        // its schema version, and cantod refuses a client address after repeated failed logins in 10
        // minutes (LoginThrottle), which the refusals this test provokes would otherwise reach.
        QVERIFY(m_server);
        m_server->stop();
        QVERIFY2(m_server->start(), qPrintable(serverLog()));
        QVERIFY2(!m_server->log().contains(u"schema migration"_s), qPrintable(serverLog()));
        QVERIFY(!offeredMechanisms(m_server->c2sPort()).contains(u"SCRAM-SHA-256"_s));

        const auto passwd = m_server->cantoctl({u"passwd"_s, u"bob@localhost"_s, u"new-pw2"_s});
        QVERIFY2(passwd.exitCode == 0, qPrintable(passwd.text));
        const AccountRows rows = readAccount(m_database, u"bob"_s);
        const QString problem = prosodyEncodingProblem(rows, true);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u'\n' + describe(rows)));
        QVERIFY2(sha1KeysMatch(rows, u"new-pw2"_s), qPrintable(describe(rows)));
        QVERIFY2(sha256KeysMatch(rows, u"new-pw2"_s), qPrintable(describe(rows)));
        // Every account has SHA-256 keys now (the password change was made by cantoctl, a
        // separate process: the server learns it at its next start).
        m_server->stop();
        QVERIFY2(m_server->start(), qPrintable(serverLog()));
        QVERIFY(offeredMechanisms(m_server->c2sPort()).contains(u"SCRAM-SHA-256"_s));
        const auto alice = login(m_server->c2sPort(), u"alice"_s, u"pw1"_s, u"SCRAM-SHA-256"_s);
        QVERIFY2(alice.exitCode == 0, qPrintable(alice.text + serverLog()));

        for (const QString& mechanism : {u"SCRAM-SHA-1"_s, u"SCRAM-SHA-256"_s}) {
            const auto ok = login(m_server->c2sPort(), u"bob"_s, u"new-pw2"_s, mechanism);
            QVERIFY2(ok.exitCode == 0, qPrintable(mechanism + u": "_s + ok.text + serverLog()));
            const auto old = refused(m_server->c2sPort(), u"bob"_s, u"pw2"_s, mechanism);
            QVERIFY2(old.exitCode == 0, qPrintable(mechanism + u": "_s + old.text + serverLog()));
        }
    }

    // The way back: the real Prosody, on the database Canto has written to, still logs the users in.
    void prosodyStillAuthenticatesAfterCanto()
    {
        QVERIFY(m_server);
        m_server->stop();
        ProsodyServer prosody(m_prosodyDir);
        const QString error = prosody.start(m_database);
        QVERIFY2(error.isEmpty(), qPrintable(error));

        const auto alice = login(prosody.port(), u"alice"_s, u"pw1"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(alice.exitCode == 0, qPrintable(alice.text + prosody.log()));
        const auto bob = login(prosody.port(), u"bob"_s, u"new-pw2"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(bob.exitCode == 0, qPrintable(bob.text + prosody.log()));
        const auto bobOld = refused(prosody.port(), u"bob"_s, u"pw2"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(bobOld.exitCode == 0, qPrintable(bobOld.text + prosody.log()));
        // It really was Prosody that checked the passwords.
        for (const QString& user : {u"alice"_s, u"bob"_s}) {
            QTRY_VERIFY2_WITH_TIMEOUT(prosody.log().contains(u"Authenticated as %1@localhost"_s.arg(user)),
                                      qPrintable(prosody.log()), 10000);
        }
        QVERIFY2(!prosody.log().contains(u"\terror\t"_s), qPrintable(prosody.log()));
    }

    // The other direction: an account created by cantoctl in a database Canto created (Canto's
    // migration, not Prosody's create_table) logs in to Prosody 0.12 with SCRAM-SHA-1.
    void prosodyOpensDatabaseCreatedByCanto()
    {
        CantodProcess canto;
        const QString database = m_work.filePath(u"created-by-canto.sqlite"_s);
        canto.setSqlDatabase(CantodProcess::SqlDatabase::sqlite(database));
        QVERIFY2(canto.start(), qPrintable(canto.log()));
        const auto added = canto.cantoctl({u"adduser"_s, u"carol@localhost"_s, u"pw3"_s});
        QVERIFY2(added.exitCode == 0, qPrintable(added.text));
        canto.stop();
        const AccountRows rows = readAccount(database, u"carol"_s);
        const QString problem = prosodyEncodingProblem(rows, true);
        QVERIFY2(problem.isEmpty(), qPrintable(problem + u'\n' + describe(rows)));

        ProsodyServer prosody(m_prosodyDir);
        const QString error = prosody.start(database);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const auto carol = login(prosody.port(), u"carol"_s, u"pw3"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(carol.exitCode == 0, qPrintable(carol.text + prosody.log()));
        QTRY_VERIFY2_WITH_TIMEOUT(prosody.log().contains(u"Authenticated as carol@localhost"_s),
                                  qPrintable(prosody.log()), 10000);
        const auto wrong = refused(prosody.port(), u"carol"_s, u"pw1"_s, u"SCRAM-SHA-1"_s);
        QVERIFY2(wrong.exitCode == 0, qPrintable(wrong.text + prosody.log()));
        QVERIFY2(!prosody.log().contains(u"\terror\t"_s), qPrintable(prosody.log()));
    }
};

QTEST_GUILESS_MAIN(tst_ProsodyDatabase)
#include "tst_ProsodyDatabase.moc"
