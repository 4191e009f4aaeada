#pragma once

#include <QDeadlineTimer>
#include <QObject>

#include <functional>

class QEventLoop;

namespace Canto::Interop {

/// Lets a scenario read as a straight script: waitFor() runs the event loop until a condition
/// holds or the scenario's single time budget runs out. Event sources call wake() whenever
/// something happened, so conditions are re-checked on events, never by polling or sleeping.
/// (A test client may nest event loops; the server never does.)
class Waiter : public QObject
{
    Q_OBJECT

public:
    explicit Waiter(int budgetMs, QObject* parent = nullptr);

    /// True once isDone() holds; false if the budget ran out first.
    bool waitFor(const std::function<bool()>& isDone);
    qint64 remainingMs() const { return m_deadline.remainingTime(); }

public Q_SLOTS:
    void wake();

private:
    QDeadlineTimer m_deadline;
    QEventLoop* m_loop = nullptr;
};

} // namespace Canto::Interop
