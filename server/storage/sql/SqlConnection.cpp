#include "server/storage/sql/SqlConnection.h"

using namespace Qt::StringLiterals;

namespace Canto {

SqlConnection::SqlConnection(SqlSettings settings, QString dataPath)
    : m_worker(new SqlWorker(std::move(settings), std::move(dataPath)))
{
    m_thread.setObjectName(u"canto-storage-sql"_s);
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

void SqlConnection::drain()
{
    // Jobs run in posting order, so an empty job queued now finishes after all of them.
    QMetaObject::invokeMethod(
        m_worker, [] {}, Qt::BlockingQueuedConnection);
}

SqlConnection::~SqlConnection()
{
    // Queued behind the jobs already posted, so they all complete before the thread stops.
    QThread* thread = &m_thread;
    QMetaObject::invokeMethod(
        m_worker, [thread] { thread->quit(); }, Qt::QueuedConnection);
    m_thread.wait();
}

} // namespace Canto
