#include "EventRecorder.h"

#include "TestServer.h"
#include "server/core/Host.h"
#include "server/core/HostManager.h"

using namespace Qt::StringLiterals;

namespace Canto {

EventRecorder::EventRecorder(TestServer& server)
{
    watch(server.globalEvents(), u"*"_s);
    for (Host* host : server.hosts().hosts()) {
        watch(host->events(), host->name());
    }
}

EventRecorder::~EventRecorder()
{
    for (const Watch& w : std::as_const(m_watches)) {
        if (w.bus) {
            w.bus->removeWrapper(QString(), w.id);
        }
    }
}

void EventRecorder::watch(EventBus& bus, const QString& label)
{
    const EventBus::HandlerId id =
        bus.addWrapper(QString(), [this, label](const EventBus::Next& next, const QString& name, Event& event) {
            m_events << label + u": "_s + name;
            return next(name, event);
        });
    m_watches << Watch{&bus, id};
}

QStringList EventRecorder::take()
{
    return std::exchange(m_events, {});
}

QStringList EventRecorder::take(const QStringList& prefixes)
{
    QStringList kept;
    for (const QString& entry : std::as_const(m_events)) {
        const QString name = entry.section(u": "_s, 1);
        for (const QString& prefix : prefixes) {
            if (name.startsWith(prefix)) {
                kept << entry;
                break;
            }
        }
    }
    m_events.clear();
    return kept;
}

} // namespace Canto
