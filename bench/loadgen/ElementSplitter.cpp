#include "ElementSplitter.h"

namespace Canto::Bench {

void ElementSplitter::reset()
{
    m_buffer.clear();
    m_pos = m_tagStart = m_elementStart = 0;
    m_depth = 0;
    m_state = State::Text;
    m_quote = 0;
    m_isEndTag = false;
    m_failed = false;
    m_items.clear();
}

bool ElementSplitter::next(Item& item)
{
    if (m_items.empty())
        return false;
    item = std::move(m_items.front());
    m_items.pop_front();
    return true;
}

void ElementSplitter::completeTag()
{
    const size_t tagEnd = m_pos + 1;
    if (m_isEndTag) {
        --m_depth;
        if (m_depth == 1)
            m_items.push_back({Kind::Element, m_buffer.substr(m_elementStart, tagEnd - m_elementStart)});
        else if (m_depth == 0)
            m_items.push_back({Kind::StreamClosed, {}});
        else if (m_depth < 0) {
            m_failed = true;
            m_items.push_back({Kind::Error, "unbalanced end tag"});
        }
        return;
    }
    const bool isEmpty = m_buffer[m_pos - 1] == '/';
    if (m_depth == 0) {
        if (isEmpty) {
            m_items.push_back({Kind::StreamClosed, {}});
            return;
        }
        m_items.push_back({Kind::StreamOpened, m_buffer.substr(m_tagStart, tagEnd - m_tagStart)});
        m_depth = 1;
        return;
    }
    if (isEmpty) {
        if (m_depth == 1)
            m_items.push_back({Kind::Element, m_buffer.substr(m_tagStart, tagEnd - m_tagStart)});
        return;
    }
    if (m_depth == 1)
        m_elementStart = m_tagStart;
    ++m_depth;
}

void ElementSplitter::compact()
{
    // Keep only the unfinished depth-1 element (or the unfinished tag) so the buffer stays small.
    size_t keepFrom = m_pos;
    if (m_depth > 1)
        keepFrom = m_elementStart;
    else if (m_state != State::Text)
        keepFrom = m_tagStart;
    if (keepFrom == 0)
        return;
    m_buffer.erase(0, keepFrom);
    m_pos -= keepFrom;
    m_tagStart = m_tagStart >= keepFrom ? m_tagStart - keepFrom : 0;
    m_elementStart = m_elementStart >= keepFrom ? m_elementStart - keepFrom : 0;
}

void ElementSplitter::feed(std::string_view bytes)
{
    if (m_failed)
        return;
    m_buffer.append(bytes);
    const size_t size = m_buffer.size();
    for (; m_pos < size; ++m_pos) {
        const char c = m_buffer[m_pos];
        switch (m_state) {
        case State::Text:
            if (c == '<') {
                m_tagStart = m_pos;
                m_state = State::TagStart;
            }
            break;
        case State::TagStart:
            if (c == '?' || c == '!') {
                m_state = State::Special; // XML declaration, PI or comment: skipped
            } else {
                m_isEndTag = c == '/';
                m_state = State::InTag;
            }
            break;
        case State::InTag:
            if (m_quote) {
                if (c == m_quote)
                    m_quote = 0;
            } else if (c == '"' || c == '\'') {
                m_quote = c;
            } else if (c == '>') {
                completeTag();
                m_state = State::Text;
            }
            break;
        case State::Special:
            if (c == '>')
                m_state = State::Text;
            break;
        }
        if (m_failed)
            return;
    }
    compact();
    if (m_buffer.size() > MaxElementSize) {
        m_failed = true;
        m_items.push_back({Kind::Error, "element too large"});
    }
}

} // namespace Canto::Bench
