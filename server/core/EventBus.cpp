#include "server/core/EventBus.h"

#include <QMetaMethod>

#include <algorithm>

namespace Canto {

EventBus::EventBus(QObject* parent) : QObject(parent) {}

EventBus::~EventBus() = default;

EventBus::HandlerId EventBus::addHandler(const QString& name, Handler handler, double priority)
{
    const HandlerId id = m_nextId++;
    auto list = std::make_shared<HandlerList>();
    if (auto existing = m_handlers.value(name)) {
        *list = *existing;
    }
    // Insert after every handler of higher or equal priority: ties keep registration order.
    const auto at = std::find_if(list->begin(), list->end(), [&](const Entry& e) { return e.priority < priority; });
    list->insert(at, Entry{id, priority, std::move(handler)});
    m_handlers.insert(name, std::move(list));
    return id;
}

bool EventBus::removeHandler(const QString& name, HandlerId id)
{
    const auto existing = m_handlers.value(name);
    if (!existing) {
        return false;
    }
    auto list = std::make_shared<HandlerList>(*existing);
    const auto before = list->size();
    std::erase_if(*list, [id](const Entry& e) { return e.id == id; });
    if (list->size() == before) {
        return false;
    }
    if (list->empty()) {
        m_handlers.remove(name);
    } else {
        m_handlers.insert(name, std::move(list));
    }
    return true;
}

bool EventBus::hasHandlers(const QString& name) const
{
    return m_handlers.contains(name);
}

int EventBus::handlerCount(const QString& name) const
{
    const auto list = m_handlers.value(name);
    return list ? int(list->size()) : 0;
}

QStringList EventBus::eventNames() const
{
    QStringList names = m_handlers.keys();
    names.sort();
    return names;
}

EventBus::HandlerId EventBus::addWrapper(const QString& name, Wrapper wrapper)
{
    const HandlerId id = m_nextId++;
    m_wrappers[name].push_back(WrapperEntry{id, std::move(wrapper)});
    return id;
}

bool EventBus::removeWrapper(const QString& name, HandlerId id)
{
    const auto it = m_wrappers.find(name);
    if (it == m_wrappers.end()) {
        return false;
    }
    const auto removed = std::erase_if(*it, [id](const WrapperEntry& e) { return e.id == id; });
    if (it->empty()) {
        m_wrappers.erase(it);
    }
    return removed > 0;
}

QVariant EventBus::fire(const QString& name)
{
    Event event;
    return fire(name, event);
}

QVariant EventBus::fire(const QString& name, Event& event)
{
    QVariant result;
    if (m_wrappers.isEmpty()) {
        result = runHandlers(name, event);
    } else {
        // Build the chain outermost first: per-event wrappers (newest first), then global ones.
        std::vector<WrapperEntry> chain;
        const auto addReversed = [&chain](const std::vector<WrapperEntry>& list) {
            chain.insert(chain.end(), list.rbegin(), list.rend());
        };
        if (const auto it = m_wrappers.constFind(name); it != m_wrappers.constEnd() && !name.isEmpty()) {
            addReversed(*it);
        }
        if (const auto it = m_wrappers.constFind(QString()); it != m_wrappers.constEnd()) {
            addReversed(*it);
        }
        result = runWrapped(chain, 0, name, event);
    }
    static const QMetaMethod firedSignal = QMetaMethod::fromSignal(&EventBus::fired);
    if (isSignalConnected(firedSignal)) {
        Q_EMIT fired(name, result.isValid());
    }
    return result;
}

QVariant EventBus::runWrapped(const std::vector<WrapperEntry>& chain, size_t index, const QString& name,
                              Event& event) const
{
    if (index == chain.size()) {
        return runHandlers(name, event);
    }
    const Next next = [this, &chain, index](const QString& nextName, Event& nextEvent) {
        return runWrapped(chain, index + 1, nextName, nextEvent);
    };
    return chain[index].wrapper(next, name, event);
}

QVariant EventBus::runHandlers(const QString& name, Event& event) const
{
    const auto list = m_handlers.value(name); // keeps this snapshot alive during the fire
    if (!list) {
        return {};
    }
    for (const Entry& entry : *list) {
        QVariant result = entry.handler(event);
        if (result.isValid()) {
            return result;
        }
    }
    return {};
}

} // namespace Canto
