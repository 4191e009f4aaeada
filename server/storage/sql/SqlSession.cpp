#include "server/storage/sql/SqlSession.h"

#include <QSqlError>

using namespace Qt::StringLiterals;

namespace Canto {

Q_LOGGING_CATEGORY(lcStorageSql, "canto.storage.sql", QtInfoMsg)

namespace {

QString describeBinds(const QVariantList& binds)
{
    QStringList parts;
    for (const QVariant& value : binds) {
        QString text = value.toString();
        if (text.size() > 200)
            text = text.left(200) + u"…"_s;
        parts.append(value.metaType().id() == QMetaType::QString ? u'\'' + text + u'\'' : text);
    }
    return u"["_s + parts.join(u", "_s) + u"]"_s;
}

} // namespace

SqlSession::SqlSession(QSqlDatabase database, SqlDialect dialect) : m_database(std::move(database)), m_dialect(dialect)
{}

Result<QSqlQuery> SqlSession::exec(const QString& sql, const QVariantList& binds)
{
    QString statement = sql;
    if (m_dialect == SqlDialect::MySQL)
        statement.replace(u'"', u'`');
    QSqlQuery query(m_database);
    query.setForwardOnly(true);
    qCDebug(lcStorageSql).noquote() << statement << describeBinds(binds);
    if (binds.isEmpty()) {
        // Not prepared: PostgreSQL cannot PREPARE DDL statements.
        if (!query.exec(statement))
            return failure(u"execute"_s, statement, binds, query.lastError().text()).error();
        return query;
    }
    if (!query.prepare(statement))
        return failure(u"prepare"_s, statement, binds, query.lastError().text()).error();
    for (const QVariant& value : binds) {
        if (value.metaType().id() == QMetaType::QString && value.toString().isNull())
            query.addBindValue(QStringLiteral(""));
        else
            query.addBindValue(value);
    }
    if (!query.exec())
        return failure(u"execute"_s, statement, binds, query.lastError().text()).error();
    return query;
}

Result<int> SqlSession::execAffected(const QString& sql, const QVariantList& binds)
{
    auto query = exec(sql, binds);
    if (!query)
        return query.error();
    return query->numRowsAffected();
}

Result<void> SqlSession::begin()
{
    if (!m_database.transaction())
        return failure(u"begin transaction"_s, {}, {}, m_database.lastError().text());
    return {};
}

Result<void> SqlSession::commit()
{
    if (!m_database.commit()) {
        const QString error = m_database.lastError().text();
        rollback();
        return failure(u"commit"_s, {}, {}, error);
    }
    return {};
}

void SqlSession::rollback()
{
    if (!m_database.rollback())
        qCWarning(lcStorageSql) << "rollback failed:" << m_database.lastError().text();
}

Result<void> SqlSession::failure(const QString& what, const QString& sql, const QVariantList& binds,
                                 const QString& error)
{
    qCWarning(lcStorageSql).noquote() << "cannot" << what << (sql.isEmpty() ? QString() : sql)
                                      << (binds.isEmpty() ? QString() : u"with "_s + describeBinds(binds)) << ":"
                                      << error;
    return Result<void>::failure(u"internal-server-error"_s, u"database error: "_s + error);
}

} // namespace Canto
