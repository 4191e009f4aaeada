#include "server/core/ModuleTimer.h"

#include <cmath>

namespace Canto {

namespace {
int toMilliseconds(double seconds)
{
    return int(std::clamp(std::llround(seconds * 1000.0), 0LL, qint64(std::numeric_limits<int>::max())));
}
} // namespace

ModuleTimer::ModuleTimer(double delaySeconds, Callback callback, QObject* parent)
    : QObject(parent), m_callback(std::move(callback))
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ModuleTimer::onTimeout);
    m_timer.start(toMilliseconds(delaySeconds));
}

void ModuleTimer::stop()
{
    m_timer.stop();
}

void ModuleTimer::reschedule(double delaySeconds)
{
    m_timer.start(toMilliseconds(delaySeconds));
}

void ModuleTimer::onTimeout()
{
    if (const std::optional<double> next = m_callback()) {
        m_timer.start(toMilliseconds(*next));
    }
}

} // namespace Canto
