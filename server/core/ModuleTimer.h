#pragma once

#include <QObject>
#include <QTimer>

#include <functional>
#include <optional>

namespace Canto {

/// A timer created by ModuleApi::addTimer (seed 000 add_timer): calls back after a delay in
/// seconds; a callback that returns a number of seconds reschedules it. Owned by its module's
/// ModuleApi, so it dies with the module.
class ModuleTimer : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<std::optional<double>()>;

    ModuleTimer(double delaySeconds, Callback callback, QObject* parent);

    void stop();
    void reschedule(double delaySeconds);
    bool isActive() const { return m_timer.isActive(); }

private:
    void onTimeout();

    QTimer m_timer;
    Callback m_callback;
};

} // namespace Canto
