#pragma once

#include "server/xmpp/XmlElement.h"
#include "shared/Result.h"

#include <QtGlobal>

#include <deque>

namespace Canto::Modules {

/// The outbound side of XEP-0198 for one session: the stanzas sent and not yet acknowledged,
/// with the counters `head` (stanzas sent since <enable/>) and `tail` (stanzas the client
/// acknowledged). Counters wrap at 2^32 as the XEP requires (h is an unsigned 32-bit number).
class SmQueue
{
public:
    SmQueue() = default;
    /// Starts both counters at `counter` (a session's counters after 2^32 stanzas: tests).
    explicit SmQueue(quint32 counter) : m_head(counter), m_tail(counter) {}

    /// The number of stanzas the client acknowledged, the `h` it last sent.
    quint32 acked() const { return m_tail; }
    /// The number of stanzas sent since stream management was enabled (mod 2^32).
    quint32 sent() const { return m_head; }
    /// Stanzas sent and not yet acknowledged.
    int unacked() const { return int(m_items.size()); }
    bool isEmpty() const { return m_items.empty(); }

    void push(XmlElement stanza);
    /// Applies the client's `h`: drops the stanzas it acknowledges and returns how many.
    /// Fails with "head" when h counts more stanzas than were sent and "tail" when it goes back
    /// behind an earlier acknowledgement (the queue is unchanged then).
    Result<int> ack(quint32 h);
    const std::deque<XmlElement>& items() const { return m_items; }
    /// Empties the queue (the session ends); the counters stay.
    std::deque<XmlElement> takeAll();

private:
    std::deque<XmlElement> m_items;
    quint32 m_head = 0;
    quint32 m_tail = 0;
};

} // namespace Canto::Modules
