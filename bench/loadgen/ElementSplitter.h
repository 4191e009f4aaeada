#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

namespace Canto::Bench {

// Incremental XMPP stream framing, just enough for a load generator: finds the stream header,
// each complete top-level element (depth 1) and the stream end, scanning every byte once.
// It does not validate XML; it tracks tags, quoted attribute values, PIs and comments.
// Servers under test are trusted to send well-formed XML.
class ElementSplitter
{
public:
    enum class Kind { StreamOpened, Element, StreamClosed, Error };
    struct Item
    {
        Kind kind;
        std::string data; // the header tag, the whole element, or an error text
    };

    // Appends bytes and frames what it can; consumed bytes are dropped from the buffer.
    void feed(std::string_view bytes);
    // Pops the next framed item; false when none is ready.
    bool next(Item& item);
    // Forget all state (stream restart after TLS or SASL success).
    void reset();

    static constexpr size_t MaxElementSize = 1 << 20;

private:
    enum class State { Text, TagStart, InTag, Special };

    void completeTag();
    void compact();

    std::string m_buffer;
    size_t m_pos = 0;          // next byte to scan
    size_t m_tagStart = 0;     // '<' of the tag being scanned
    size_t m_elementStart = 0; // '<' of the open depth-1 element
    int m_depth = 0;
    State m_state = State::Text;
    char m_quote = 0;
    bool m_isEndTag = false;
    bool m_failed = false;
    std::deque<Item> m_items;
};

} // namespace Canto::Bench
