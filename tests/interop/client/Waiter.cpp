#include "Waiter.h"

#include <QEventLoop>
#include <QTimer>

namespace Canto::Interop {

Waiter::Waiter(int budgetMs, QObject* parent) : QObject(parent), m_deadline(budgetMs) {}

bool Waiter::waitFor(const std::function<bool()>& isDone)
{
    while (!isDone()) {
        const qint64 remaining = m_deadline.remainingTime();
        if (remaining <= 0) {
            return false;
        }
        QEventLoop loop;
        QTimer budget;
        budget.setSingleShot(true);
        connect(&budget, &QTimer::timeout, &loop, &QEventLoop::quit);
        budget.start(static_cast<int>(remaining));
        QEventLoop* const outer = m_loop;
        m_loop = &loop;
        loop.exec();
        m_loop = outer;
    }
    return true;
}

void Waiter::wake()
{
    if (m_loop) {
        m_loop->quit();
    }
}

} // namespace Canto::Interop
