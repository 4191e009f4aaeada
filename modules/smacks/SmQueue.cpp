#include "modules/smacks/SmQueue.h"

using namespace Qt::StringLiterals;

namespace Canto::Modules {

void SmQueue::push(XmlElement stanza)
{
    m_items.push_back(std::move(stanza));
    ++m_head; // unsigned: wraps at 2^32
}

Result<int> SmQueue::ack(quint32 h)
{
    const quint32 newlyAcked = h - m_tail; // distances are taken mod 2^32
    if (newlyAcked > quint32(m_items.size())) {
        // A small step backwards is an old h; anything else claims stanzas never sent.
        if (m_tail - h <= 0x7fffffffU) {
            return Result<int>::failure(u"tail"_s, u"Client acknowledged less stanzas than already acknowledged"_s);
        }
        return Result<int>::failure(u"head"_s, u"Client acknowledged more stanzas than sent by server"_s);
    }
    m_items.erase(m_items.begin(), m_items.begin() + qsizetype(newlyAcked));
    m_tail = h;
    return int(newlyAcked);
}

std::deque<XmlElement> SmQueue::takeAll()
{
    return std::exchange(m_items, {});
}

} // namespace Canto::Modules
