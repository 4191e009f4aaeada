#pragma once

#include <QObject>
#include <QSocketNotifier>

namespace Canto {

/// Turns SIGTERM/SIGINT and SIGHUP into Qt signals on the event loop (self-pipe trick: the
/// POSIX handler only writes a byte, everything else happens in the loop).
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject* parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminateRequested();
    void reloadRequested();

private:
    void onReadable();

    QSocketNotifier* m_notifier = nullptr;
};

} // namespace Canto
