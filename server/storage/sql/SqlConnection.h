#pragma once

#include "server/storage/StorageSettings.h"
#include "server/storage/sql/SqlSession.h"
#include "server/storage/sql/SqlWorker.h"
#include "shared/Result.h"

#include <QFuture>
#include <QPromise>
#include <QThread>

#include <functional>
#include <memory>

namespace Canto {

/// The "sql" driver's connection: a dedicated thread with one database connection (SqlWorker).
/// run() posts a job to that thread and returns at once; the job's Result arrives through the
/// future, so callers continue with `future.then(context, ...)` on their own thread. Jobs run one
/// at a time in the order they were posted. Destruction finishes the jobs already posted, then
/// stops the thread.
class SqlConnection
{
public:
    SqlConnection(SqlSettings settings, QString dataPath);
    ~SqlConnection();
    SqlConnection(const SqlConnection&) = delete;
    SqlConnection& operator=(const SqlConnection&) = delete;

    /// Blocks until every job posted so far has run (for an orderly shutdown only).
    void drain();

    template <typename T> QFuture<Result<T>> run(std::function<Result<T>(SqlSession&)> job)
    {
        auto promise = std::make_shared<QPromise<Result<T>>>();
        QFuture<Result<T>> future = promise->future();
        promise->start();
        SqlWorker* worker = m_worker;
        QMetaObject::invokeMethod(
            worker,
            [worker, promise, job = std::move(job)] {
                auto session = worker->session();
                if (session)
                    promise->addResult(job(*session.value()));
                else
                    promise->addResult(Result<T>(session.error()));
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

private:
    QThread m_thread;
    SqlWorker* m_worker; // lives on m_thread; deleted there when the thread finishes
};

} // namespace Canto
