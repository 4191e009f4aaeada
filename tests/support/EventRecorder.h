#pragma once

#include "server/core/EventBus.h"

#include <QList>
#include <QPointer>
#include <QStringList>

namespace Canto {

class TestServer;

/// Records every event fired on the global bus and on each host's bus, in the order the fires
/// start (nested fires appear after their outer event), as "<host>: <event>" ("*" for the
/// global bus). It uses a global wrapper on each bus, so it sees events nobody handles too.
/// Hosts activated after construction are not watched.
class EventRecorder
{
public:
    explicit EventRecorder(TestServer& server);
    ~EventRecorder();
    EventRecorder(const EventRecorder&) = delete;
    EventRecorder& operator=(const EventRecorder&) = delete;

    const QStringList& events() const { return m_events; }
    /// The events recorded so far, leaving the recorder empty.
    QStringList take();
    /// Only the events whose name starts with one of `prefixes`.
    QStringList take(const QStringList& prefixes);

private:
    struct Watch
    {
        QPointer<EventBus> bus;
        EventBus::HandlerId id;
    };
    void watch(EventBus& bus, const QString& label);

    QList<Watch> m_watches;
    QStringList m_events;
};

} // namespace Canto
