#include "StorageTestFixture.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

QString uniqueSuffix()
{
    return QUuid::createUuid().toString(QUuid::Id128).left(12);
}

// The key=value lines written by tests/support/pgsql-fixture.sh.
Result<QHash<QString, QString>> pgsqlInfo()
{
    const QString path = qEnvironmentVariable("CANTO_TEST_PGSQL_INFO");
    if (path.isEmpty())
        return Error{u"pgsql"_s, u"CANTO_TEST_PGSQL_INFO is not set; run the test through ctest (fixture pgsql)"_s};
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return Error{u"pgsql"_s, u"PostgreSQL fixture not running: cannot read "_s + path};
    QHash<QString, QString> info;
    for (const QByteArray& line : file.readAll().split('\n')) {
        const qsizetype equals = line.indexOf('=');
        if (equals > 0)
            info.insert(QString::fromUtf8(line.left(equals)), QString::fromUtf8(line.mid(equals + 1)).trimmed());
    }
    return info;
}

Result<void> execRaw(QSqlDatabase& database, const QString& sql)
{
    QSqlQuery query(database);
    if (!query.exec(sql))
        return Error{u"sql"_s, sql + u": "_s + query.lastError().text()};
    return {};
}

} // namespace

StorageTestFixture::~StorageTestFixture()
{
    tearDown();
}

void StorageTestFixture::addDriverRows(bool includeMemory)
{
    QTest::addColumn<QString>("driver");
    if (includeMemory)
        QTest::newRow("memory") << u"memory"_s;
    QTest::newRow("sqlite") << u"sqlite"_s;
    QTest::newRow("postgresql") << u"postgresql"_s;
}

Result<void> StorageTestFixture::setUp(const QString& driver, const std::function<void(StorageSettings&)>& adjust)
{
    tearDown();
    m_driver = driver;
    m_host = u"host-%1.example"_s.arg(uniqueSuffix());
    m_settings = StorageSettings();
    if (driver == u"memory") {
        m_settings.driver = u"memory"_s;
    } else if (driver == u"sqlite") {
        m_directory = std::make_unique<QTemporaryDir>();
        if (!m_directory->isValid())
            return Error{u"setup"_s, u"no temporary directory"_s};
        m_settings.driver = u"sql"_s;
        m_settings.dataPath = m_directory->path();
        m_settings.sql.driver = u"SQLite3"_s;
        m_settings.sql.database = u"canto-test.sqlite"_s;
    } else if (driver == u"postgresql") {
        auto info = pgsqlInfo();
        if (!info)
            return info.error();
        m_settings.driver = u"sql"_s;
        m_settings.sql.driver = u"PostgreSQL"_s;
        m_settings.sql.host = info->value(u"host"_s);
        m_settings.sql.port = info->value(u"port"_s).toInt();
        m_settings.sql.username = info->value(u"username"_s);
        m_settings.sql.password = info->value(u"password"_s);
        // A fresh database per test: isolation even when ctest runs the test programs in parallel.
        m_pgDatabase = u"canto_t_"_s + uniqueSuffix();
        m_settings.sql.database = m_pgDatabase;
        const QString admin = u"canto-test-admin-"_s + uniqueSuffix();
        Result<void> created;
        {
            QSqlDatabase database = QSqlDatabase::addDatabase(u"QPSQL"_s, admin);
            database.setHostName(m_settings.sql.host);
            database.setPort(m_settings.sql.port);
            database.setUserName(m_settings.sql.username);
            database.setPassword(m_settings.sql.password);
            database.setDatabaseName(info->value(u"database"_s));
            if (!database.open())
                created =
                    Error{u"pgsql"_s, u"cannot connect to the PostgreSQL fixture: "_s + database.lastError().text()};
            else
                created = execRaw(database, u"CREATE DATABASE \"%1\""_s.arg(m_pgDatabase));
        }
        QSqlDatabase::removeDatabase(admin);
        if (!created) {
            m_pgDatabase.clear();
            return created;
        }
    } else {
        return Error{u"setup"_s, u"unknown test driver "_s + driver};
    }
    if (adjust)
        adjust(m_settings);
    m_manager = std::make_unique<StorageManager>(m_settings);
    return awaitResult(m_manager->prepare());
}

void StorageTestFixture::tearDown()
{
    m_manager.reset(); // stops the storage thread and closes its connection
    if (!m_rawConnection.isEmpty()) {
        QSqlDatabase::database(m_rawConnection, false).close();
        QSqlDatabase::removeDatabase(m_rawConnection);
        m_rawConnection.clear();
    }
    if (!m_pgDatabase.isEmpty()) {
        auto info = pgsqlInfo();
        const QString admin = u"canto-test-admin-"_s + uniqueSuffix();
        if (info) {
            QSqlDatabase database = QSqlDatabase::addDatabase(u"QPSQL"_s, admin);
            database.setHostName(info->value(u"host"_s));
            database.setPort(info->value(u"port"_s).toInt());
            database.setUserName(info->value(u"username"_s));
            database.setDatabaseName(info->value(u"database"_s));
            if (database.open()) {
                if (auto dropped = execRaw(database, u"DROP DATABASE \"%1\" WITH (FORCE)"_s.arg(m_pgDatabase));
                    !dropped)
                    qWarning("%s", qPrintable(dropped.error().toString()));
            }
        }
        QSqlDatabase::removeDatabase(admin);
        m_pgDatabase.clear();
    }
    m_directory.reset();
}

QSqlDatabase StorageTestFixture::rawDatabase()
{
    if (!m_rawConnection.isEmpty())
        return QSqlDatabase::database(m_rawConnection);
    m_rawConnection = u"canto-test-raw-"_s + uniqueSuffix();
    QSqlDatabase database;
    if (m_driver == u"sqlite") {
        database = QSqlDatabase::addDatabase(u"QSQLITE"_s, m_rawConnection);
        database.setDatabaseName(m_settings.dataPath + u"/"_s + m_settings.sql.database);
    } else {
        database = QSqlDatabase::addDatabase(u"QPSQL"_s, m_rawConnection);
        database.setHostName(m_settings.sql.host);
        database.setPort(m_settings.sql.port);
        database.setUserName(m_settings.sql.username);
        database.setPassword(m_settings.sql.password);
        database.setDatabaseName(m_settings.sql.database);
    }
    if (!database.open())
        qWarning("raw connection failed: %s", qPrintable(database.lastError().text()));
    return database;
}

} // namespace Canto
