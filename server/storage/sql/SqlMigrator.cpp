#include "server/storage/sql/SqlMigrator.h"

#include "server/storage/sql/SqlSession.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSet>
#include <QSqlField>
#include <QSqlRecord>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

struct Migration
{
    int version = 0;
    QString name;
    QString path;
};

QString dialectDirectory(SqlDialect dialect)
{
    switch (dialect) {
    case SqlDialect::SQLite:
        return u"sqlite"_s;
    case SqlDialect::PostgreSQL:
        return u"postgresql"_s;
    case SqlDialect::MySQL:
        return u"mysql"_s;
    }
    return {};
}

QList<Migration> availableMigrations(SqlDialect dialect)
{
    static const QRegularExpression pattern(u"^(\\d+)_(.+)\\.sql$"_s);
    QList<Migration> migrations;
    const QDir directory(u":/canto/storage/sql/"_s + dialectDirectory(dialect));
    for (const QString& file : directory.entryList({u"*.sql"_s}, QDir::Files, QDir::Name)) {
        const auto match = pattern.match(file);
        if (match.hasMatch())
            migrations.append({match.captured(1).toInt(), match.captured(2), directory.filePath(file)});
    }
    return migrations;
}

// Splits a migration file into statements: "--" comments removed, split at ";" (migrations
// contain no string literals with semicolons).
QStringList statements(const QString& script)
{
    QString code;
    for (const QString& line : script.split(u'\n')) {
        const qsizetype comment = line.indexOf(u"--"_s);
        code += (comment < 0 ? line : line.left(comment)) + u'\n';
    }
    QStringList result;
    for (const QString& statement : code.split(u';')) {
        if (!statement.trimmed().isEmpty())
            result.append(statement.trimmed());
    }
    return result;
}

// The tables migration 1 creates, with Prosody's columns.
const QHash<QString, QSet<QString>>& prosodyTables()
{
    static const QHash<QString, QSet<QString>> tables = {
        {u"prosody"_s, {u"host"_s, u"user"_s, u"store"_s, u"key"_s, u"type"_s, u"value"_s}},
        {u"prosodyarchive"_s,
         {u"sort_id"_s, u"host"_s, u"user"_s, u"store"_s, u"key"_s, u"when"_s, u"with"_s, u"type"_s, u"value"_s}},
    };
    return tables;
}

// Whether the database already holds Prosody's tables; an error if they exist with other columns.
Result<bool> hasProsodyTables(SqlSession& session)
{
    const QStringList existing = session.database().tables(QSql::Tables);
    int found = 0;
    for (auto it = prosodyTables().cbegin(); it != prosodyTables().cend(); ++it) {
        if (!existing.contains(it.key(), Qt::CaseInsensitive))
            continue;
        ++found;
        const QSqlRecord record = session.database().record(it.key());
        QSet<QString> columns;
        for (int i = 0; i < record.count(); ++i)
            columns.insert(record.fieldName(i).toLower());
        if (columns != it.value()) {
            const QStringList names(columns.cbegin(), columns.cend());
            return Result<bool>::failure(
                u"internal-server-error"_s,
                u"table %1 exists with unexpected columns (%2)"_s.arg(it.key(), names.join(u", "_s)));
        }
    }
    return found == int(prosodyTables().size());
}

Result<QSet<int>> appliedVersions(SqlSession& session)
{
    auto created = session.exec(u"CREATE TABLE IF NOT EXISTS \"canto_schema\" (\"version\" INTEGER NOT NULL PRIMARY "
                                "KEY, \"name\" TEXT NOT NULL, \"applied_at\" INTEGER NOT NULL)"_s);
    if (!created)
        return created.error();
    auto query = session.exec(u"SELECT \"version\" FROM \"canto_schema\""_s);
    if (!query)
        return query.error();
    QSet<int> versions;
    QSqlQuery rows = std::move(query).value();
    while (rows.next())
        versions.insert(rows.value(0).toInt());
    return versions;
}

} // namespace

Result<void> SqlMigrator::migrate(SqlSession& session)
{
    auto applied = appliedVersions(session);
    if (!applied)
        return applied.error();
    const QList<Migration> migrations = availableMigrations(session.dialect());
    if (migrations.isEmpty())
        return Result<void>::failure(u"internal-server-error"_s, u"no schema migrations compiled in"_s);
    for (const Migration& migration : migrations) {
        if (applied->contains(migration.version))
            continue;
        bool alreadyThere = false;
        if (migration.version == 1) {
            auto existing = hasProsodyTables(session);
            if (!existing)
                return existing.error();
            alreadyThere = *existing;
        }
        QFile file(migration.path);
        if (!file.open(QIODevice::ReadOnly))
            return Result<void>::failure(u"internal-server-error"_s, u"cannot read "_s + migration.path);
        const QStringList script = statements(QString::fromUtf8(file.readAll()));
        auto done = session.transaction<void>([&]() -> Result<void> {
            if (!alreadyThere) {
                for (const QString& statement : script)
                    if (auto ran = session.exec(statement); !ran)
                        return ran.error();
            }
            auto recorded =
                session.exec(u"INSERT INTO \"canto_schema\" (\"version\", \"name\", \"applied_at\") VALUES (?, ?, ?)"_s,
                             {migration.version, migration.name, QDateTime::currentSecsSinceEpoch()});
            if (!recorded)
                return recorded.error();
            return {};
        });
        if (!done)
            return done;
        qCInfo(lcStorageSql).noquote() << "schema migration" << migration.version << migration.name
                                       << (alreadyThere ? "recorded (tables already present)" : "applied");
    }
    return {};
}

} // namespace Canto
