#pragma once

#include "server/core/Event.h"

#include <QHash>
#include <QObject>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <vector>

namespace Canto {

/// A named-event bus with Prosody's semantics (util/events.lua, seed 001): handlers run by
/// priority, higher first, and equal priorities in registration order (Prosody leaves ties
/// unspecified; Canto makes them deterministic). A handler that returns a valid QVariant (any
/// value, `false` included) stops propagation and that value is returned to the firer.
/// Handlers added or removed during a fire take effect from the next fire.
///
/// Wrappers surround a whole fire: per-event wrappers (most recently added outermost), then the
/// global wrappers that apply to every event (again most recent outermost), then the handlers.
/// A wrapper must call `next(name, event)` to continue; it may change either argument, skip the
/// handlers, or post-process the result.
///
/// There is one global bus and one per host. The `fired` signal lets admin tooling observe the
/// bus; it is only emitted while something is connected to it.
class EventBus : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<QVariant(Event&)>;
    using Next = std::function<QVariant(const QString&, Event&)>;
    using Wrapper = std::function<QVariant(const Next& next, const QString& name, Event& event)>;
    using HandlerId = quint64;

    explicit EventBus(QObject* parent = nullptr);
    ~EventBus() override;

    HandlerId addHandler(const QString& name, Handler handler, double priority = 0);
    bool removeHandler(const QString& name, HandlerId id);
    bool hasHandlers(const QString& name) const;
    int handlerCount(const QString& name) const;
    QStringList eventNames() const;

    /// Adds a wrapper for `name`, or for every event when `name` is empty.
    HandlerId addWrapper(const QString& name, Wrapper wrapper);
    bool removeWrapper(const QString& name, HandlerId id);

    QVariant fire(const QString& name, Event& event);
    QVariant fire(const QString& name);

Q_SIGNALS:
    /// Emitted after an event was fired (only while connected, to keep the hot path cheap).
    void fired(const QString& name, bool handled);

private:
    struct Entry
    {
        HandlerId id;
        double priority;
        Handler handler;
    };
    using HandlerList = std::vector<Entry>;
    struct WrapperEntry
    {
        HandlerId id;
        Wrapper wrapper;
    };

    QVariant runHandlers(const QString& name, Event& event) const;
    QVariant runWrapped(const std::vector<WrapperEntry>& chain, size_t index, const QString& name, Event& event) const;

    // Sorted handler lists, shared so that a fire in progress keeps the list it started with.
    QHash<QString, std::shared_ptr<const HandlerList>> m_handlers;
    QHash<QString, std::vector<WrapperEntry>> m_wrappers; // key "" = global wrappers
    HandlerId m_nextId = 1;
};

} // namespace Canto
