#include "server/storage/sql/SqlWorker.h"

#include "server/storage/sql/SqlMigrator.h"

#include <QDir>
#include <QRegularExpression>
#include <QSqlError>

using namespace Qt::StringLiterals;

namespace Canto {

SqlWorker::SqlWorker(SqlSettings settings, QString dataPath)
    : m_settings(std::move(settings)), m_dataPath(std::move(dataPath)),
      m_connectionName(u"canto-storage-%1"_s.arg(quintptr(this), 0, 16))
{}

SqlWorker::~SqlWorker()
{
    close();
}

Result<SqlSession*> SqlWorker::session()
{
    if (!m_session) {
        if (auto opened = open(); !opened)
            return opened.error();
    }
    return m_session.get();
}

Result<void> SqlWorker::open()
{
    SqlDialect dialect;
    QString qtDriver;
    if (m_settings.driver == u"SQLite3") {
        dialect = SqlDialect::SQLite;
        qtDriver = u"QSQLITE"_s;
    } else if (m_settings.driver == u"PostgreSQL") {
        dialect = SqlDialect::PostgreSQL;
        qtDriver = u"QPSQL"_s;
    } else if (m_settings.driver == u"MySQL") {
        dialect = SqlDialect::MySQL;
        qtDriver = u"QMYSQL"_s;
    } else {
        return Result<void>::failure(
            u"internal-server-error"_s,
            u"unknown sql driver \"%1\" (use SQLite3, PostgreSQL or MySQL)"_s.arg(m_settings.driver));
    }
    if (!QSqlDatabase::isDriverAvailable(qtDriver))
        return Result<void>::failure(u"internal-server-error"_s, u"the Qt SQL plugin %1 for %2 is not installed"_s.arg(
                                                                     qtDriver, m_settings.driver));

    {
        QSqlDatabase database = QSqlDatabase::addDatabase(qtDriver, m_connectionName);
        if (dialect == SqlDialect::SQLite) {
            const QString name = m_settings.database;
            database.setDatabaseName(name == u":memory:" ? name : QDir(m_dataPath).absoluteFilePath(name));
            database.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=%1"_s.arg(m_settings.sqliteBusyTimeoutMs));
        } else {
            database.setDatabaseName(m_settings.database);
            database.setHostName(m_settings.host);
            if (m_settings.port > 0)
                database.setPort(m_settings.port);
            database.setUserName(m_settings.username);
            database.setPassword(m_settings.password);
        }
        if (!database.open()) {
            const QString error = database.lastError().text();
            qCWarning(lcStorageSql).noquote()
                << "cannot open" << m_settings.driver << "database" << database.databaseName() << ":" << error;
            database = QSqlDatabase();
            QSqlDatabase::removeDatabase(m_connectionName);
            return Result<void>::failure(u"internal-server-error"_s,
                                         u"cannot open the %1 database: %2"_s.arg(m_settings.driver, error));
        }
        m_session = std::make_unique<SqlSession>(database, dialect);
    }

    Result<void> ready;
    if (dialect == SqlDialect::SQLite) {
        // Prosody's sqlite_tune; names and values are spliced into PRAGMAs, so only words pass.
        static const QRegularExpression word(u"^[A-Za-z0-9_]+$"_s);
        for (auto it = m_settings.sqliteTune.cbegin(); ready && it != m_settings.sqliteTune.cend(); ++it) {
            if (!word.match(it.key()).hasMatch() || !word.match(it.value()).hasMatch()) {
                ready = Result<void>::failure(u"internal-server-error"_s,
                                              u"invalid sqlite_tune entry %1 = %2"_s.arg(it.key(), it.value()));
                break;
            }
            if (auto tuned = m_session->exec(u"PRAGMA %1=%2"_s.arg(it.key(), it.value())); !tuned)
                ready = tuned.error();
        }
    } else if (dialect == SqlDialect::PostgreSQL) {
        // Keep "already exists, skipping" notices of the migrations out of the server's stderr.
        if (auto quiet = m_session->exec(u"SET client_min_messages = WARNING"_s); !quiet)
            ready = quiet.error();
    } else if (dialect == SqlDialect::MySQL) {
        if (auto names = m_session->exec(u"SET NAMES 'utf8mb4'"_s); !names)
            ready = names.error();
    }
    if (ready)
        ready = SqlMigrator::migrate(*m_session);
    if (!ready) {
        close();
        return ready;
    }
    return {};
}

void SqlWorker::close()
{
    if (!m_session)
        return;
    m_session->database().close();
    m_session.reset();
    QSqlDatabase::removeDatabase(m_connectionName);
}

} // namespace Canto
