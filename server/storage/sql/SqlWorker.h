#pragma once

#include "server/storage/StorageSettings.h"
#include "server/storage/sql/SqlSession.h"
#include "shared/Result.h"

#include <QObject>

#include <memory>

namespace Canto {

/// Lives on the storage worker thread and owns its database connection. The connection is opened
/// (and the schema migrated) by the first job, and again by a later job if opening failed, so a
/// database that is down at startup is picked up once it is reachable.
class SqlWorker : public QObject
{
    Q_OBJECT
public:
    SqlWorker(SqlSettings settings, QString dataPath);
    ~SqlWorker() override;

    /// The open session, opening it if needed. Worker thread only.
    Result<SqlSession*> session();

private:
    Result<void> open();
    void close();

    SqlSettings m_settings;
    QString m_dataPath;
    QString m_connectionName;
    std::unique_ptr<SqlSession> m_session;
};

} // namespace Canto
