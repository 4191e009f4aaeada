#include "StreamParser.h"

#include "Namespaces.h"

#include <QHashFunctions>
#include <QLoggingCategory>

#include <utility>

using namespace Qt::StringLiterals;

namespace Canto {

namespace {

Q_LOGGING_CATEGORY(lcParser, "canto.xmpp.parser")

// Longer strings are not worth interning (and must not evict the common short ones).
constexpr qsizetype MaxInternLength = 64;

} // namespace

StreamParser::StreamParser(QObject* parent) : StreamParser(Limits{}, parent) {}

StreamParser::StreamParser(const Limits& limits, QObject* parent) : QObject(parent), m_limits(limits)
{
    m_stack.reserve(16);
}

StreamParser::~StreamParser()
{
    if (m_feedContext)
        m_feedContext->destroyed = true;
}

QXmlStreamReader& StreamParser::reader()
{
    if (!m_reader) {
        m_reader = std::make_unique<QXmlStreamReader>();
        if (m_state == State::Open && !m_headerBytes.isEmpty()) {
            // Re-enter the open stream: the header is parsed again but not reported again.
            m_priming = true;
            m_reader->addData(m_headerBytes);
        }
    }
    return *m_reader;
}

void StreamParser::releaseReaderIfIdle()
{
    if (m_reader && m_state == State::Open && m_depth == 1 && m_pendingBytes == 0 && !m_priming) {
        m_reader.reset();
        m_chunks.clear();
        m_chunkOffset = 0;
        m_boundaryChar = 0;
        m_depth = 0; // the next reader starts outside <stream:stream>, re-read by priming
    }
}

void StreamParser::reset()
{
    m_reader.reset();
    m_headerBytes.clear();
    m_headerInput.clear();
    m_priming = false;
    m_state = State::AwaitingHeader;
    m_error = {};
    m_contentNamespace.clear();
    m_current = {};
    m_stack.clear();
    m_depth = 0;
    m_chunks.clear();
    m_chunkOffset = 0;
    m_boundaryChar = 0;
    m_pendingBytes = 0;
    m_anyFed = false;
    ++m_generation;
}

bool StreamParser::canContinue(const FeedContext& context) const
{
    // Only called after checking context.destroyed: a member call on a deleted object is UB.
    return m_generation == context.generation && (m_state == State::AwaitingHeader || m_state == State::Open);
}

void StreamParser::feed(const QByteArray& data)
{
    if (data.isEmpty() || m_state == State::Failed || m_state == State::Closed)
        return;

    FeedContext context;
    context.generation = m_generation;
    FeedContext* const outer = std::exchange(m_feedContext, &context);
    auto finish = [&] {
        if (!context.destroyed)
            m_feedContext = outer;
        else if (outer)
            outer->destroyed = true; // a re-entrant feed() saw the deletion; tell the outer one
    };

    if (!m_anyFed) {
        m_anyFed = true;
        // RFC 6120 §11.6: UTF-8 only. A UTF-16 byte order mark or a NUL in the first byte
        // means the peer speaks something else.
        const auto first = static_cast<unsigned char>(data.front());
        if (first == 0x00 || first == 0xFE || first == 0xFF) {
            fail(u"unsupported-encoding"_s, u"the stream must be UTF-8"_s);
            finish();
            return;
        }
    }

    qsizetype offset = 0;
    while (offset < data.size()) {
        const qsizetype limit = m_state == State::AwaitingHeader ? m_limits.maxHeaderSize : m_limits.maxStanzaSize;
        const qsizetype budget = limit - m_pendingBytes;
        if (budget <= 0) {
            fail(u"policy-violation"_s, m_state == State::AwaitingHeader
                                            ? u"stream header exceeds %1 bytes"_s.arg(limit)
                                            : u"stanza exceeds %1 bytes"_s.arg(limit));
            break;
        }
        const qsizetype take = std::min(budget, data.size() - offset);
        // Only when a limit cuts the input is a slice copied; normally the caller's buffer is shared.
        const QByteArray slice = (offset == 0 && take == data.size()) ? data : data.mid(offset, take);
        offset += take;
        m_pendingBytes += take;
        m_chunks.push_back(slice);
        if (m_state == State::AwaitingHeader)
            m_headerInput += slice;
        reader().addData(slice);
        if (!processTokens(context))
            break;
    }
    if (!context.destroyed && context.generation == m_generation)
        releaseReaderIfIdle();
    finish();
}

bool StreamParser::processTokens(FeedContext& context)
{
    while (true) {
        switch (m_reader->readNext()) {
        case QXmlStreamReader::Invalid:
            if (m_reader->error() == QXmlStreamReader::PrematureEndOfDocumentError)
                return true; // wait for more data
            return fail(u"not-well-formed"_s, m_reader->errorString());
        case QXmlStreamReader::StartDocument: {
            const QStringView encoding = m_reader->documentEncoding();
            if (!encoding.isEmpty() && encoding.compare(u"UTF-8", Qt::CaseInsensitive) != 0)
                return fail(u"unsupported-encoding"_s, u"the stream must be UTF-8"_s);
            break;
        }
        case QXmlStreamReader::DTD:
            return fail(u"restricted-xml"_s, u"document type declarations are not allowed"_s);
        case QXmlStreamReader::Comment:
            return fail(u"restricted-xml"_s, u"comments are not allowed"_s);
        case QXmlStreamReader::ProcessingInstruction:
            return fail(u"restricted-xml"_s, u"processing instructions are not allowed"_s);
        case QXmlStreamReader::EntityReference:
            return fail(u"restricted-xml"_s, u"entity references are not allowed"_s);
        case QXmlStreamReader::StartElement:
            if (!onStartElement(context))
                return false;
            break;
        case QXmlStreamReader::EndElement:
            if (!onEndElement(context))
                return false;
            break;
        case QXmlStreamReader::Characters:
            onCharacters();
            break;
        case QXmlStreamReader::EndDocument:
        case QXmlStreamReader::NoToken:
            break;
        }
    }
}

bool StreamParser::onStartElement(FeedContext& context)
{
    const int attributeCount = int(m_reader->attributes().size() + m_reader->namespaceDeclarations().size());
    if (attributeCount > m_limits.maxAttributes)
        return fail(u"policy-violation"_s, u"more than %1 attributes on an element"_s.arg(m_limits.maxAttributes));

    if (m_depth == 0 && m_priming) {
        // The kept header of an open stream, re-read by a new reader: continue after it.
        m_priming = false;
        m_depth = 1;
        m_boundaryChar = m_reader->characterOffset();
        return true;
    }
    if (m_depth == 0) {
        if (m_reader->namespaceUri() != Ns::Streams)
            return fail(u"invalid-namespace"_s, u"the stream element must be in the streams namespace"_s);
        if (m_reader->name() != u"stream")
            return fail(u"bad-format"_s, u"the root element must be <stream:stream/>"_s);
        for (const QXmlStreamNamespaceDeclaration& declaration : m_reader->namespaceDeclarations()) {
            if (declaration.prefix().isEmpty())
                m_contentNamespace = declaration.namespaceUri().toString();
        }
        const XmlElement header = makeElement();
        m_depth = 1;
        m_state = State::Open;
        const qsizetype headerLength = advanceBoundary(m_reader->characterOffset());
        m_headerBytes = m_headerInput.left(headerLength);
        m_headerInput.clear();
        Q_EMIT streamOpened(header);
        return !context.destroyed && canContinue(context);
    }

    if (m_depth > m_limits.maxDepth)
        return fail(u"policy-violation"_s, u"elements nested deeper than %1"_s.arg(m_limits.maxDepth));
    if (m_depth == 1) {
        m_current = makeElement();
        m_stack.clear();
        m_stack.push_back(&m_current);
    } else {
        // Pointers to open ancestors stay valid: only the innermost open element gains children.
        m_stack.push_back(&m_stack.back()->addChild(makeElement()));
    }
    ++m_depth;
    return true;
}

bool StreamParser::onEndElement(FeedContext& context)
{
    --m_depth;
    if (m_depth == 0) {
        m_state = State::Closed;
        m_chunks.clear();
        m_pendingBytes = 0;
        Q_EMIT streamClosed();
        return false;
    }
    m_stack.pop_back();
    if (m_depth > 1)
        return true;

    // The limit also holds for elements that arrived in the same slice as the stream header (that
    // slice is bounded by maxHeaderSize only); normally the slicing in feed() already enforced it.
    if (advanceBoundary(m_reader->characterOffset()) > m_limits.maxStanzaSize)
        return fail(u"policy-violation"_s, u"stanza exceeds %1 bytes"_s.arg(m_limits.maxStanzaSize));
    const XmlElement element = std::move(m_current);
    m_current = {};
    Q_EMIT elementReceived(element);
    return !context.destroyed && canContinue(context);
}

void StreamParser::onCharacters()
{
    if (m_depth >= 2) {
        // Text split by CDATA sections or chunk boundaries ends up in one node (addText merges).
        m_stack.back()->addText(m_reader->text().toString());
        return;
    }
    if (m_depth == 1) {
        // Whitespace between stanzas (keepalives) is not part of the next stanza. Character data
        // tokens end one character after the text (the reader consumed the '<' that ended it),
        // except CDATA sections; being one character early only overcounts, never undercounts.
        // Non-whitespace text at stream level is ignored, as Prosody does.
        advanceBoundary(m_reader->characterOffset() - (m_reader->isCDATA() ? 0 : 1));
    }
}

bool StreamParser::fail(const QString& condition, const QString& text)
{
    qCDebug(lcParser) << "stream error" << condition << text;
    m_state = State::Failed;
    m_error = StreamError(condition, text);
    // Drop everything buffered: a failed stream is only ever reset or destroyed.
    m_reader.reset();
    m_headerInput.clear();
    m_chunks.clear();
    m_pendingBytes = 0;
    m_current = {};
    m_stack.clear();
    Q_EMIT error(condition, text);
    return false;
}

XmlElement StreamParser::makeElement()
{
    XmlElement element(intern(m_reader->name()), intern(m_reader->namespaceUri()));
    const QXmlStreamAttributes attributes = m_reader->attributes();
    for (const QXmlStreamAttribute& attribute : attributes) {
        const QStringView prefix = attribute.prefix();
        if (!prefix.isEmpty() && prefix != u"xml") {
            // Keep the attribute's namespace with it: declare its prefix on this element (the
            // original declaration may sit on an ancestor, even on the stream header).
            const QString declaration = "xmlns:"_L1 + prefix;
            if (!element.hasAttribute(declaration))
                element.appendAttribute(declaration, attribute.namespaceUri().toString());
        }
        element.appendAttribute(intern(attribute.qualifiedName()), attribute.value().toString());
    }
    return element;
}

qsizetype StreamParser::advanceBoundary(qint64 characterOffset)
{
    qint64 units = characterOffset - m_boundaryChar;
    if (units <= 0)
        return 0;
    m_boundaryChar = characterOffset;
    qsizetype walked = 0;
    // Walk the UTF-8 bytes: a lead byte starts a character, 4-byte sequences are two UTF-16
    // units. Stop at the lead byte of the first character after the boundary.
    while (!m_chunks.empty()) {
        const QByteArray& chunk = m_chunks.front();
        const auto* bytes = reinterpret_cast<const unsigned char*>(chunk.constData());
        const qsizetype size = chunk.size();
        qsizetype i = m_chunkOffset;
        for (; i < size; ++i) {
            const unsigned char b = bytes[i];
            if ((b & 0xC0) == 0x80)
                continue;
            if (units <= 0)
                break;
            units -= b >= 0xF0 ? 2 : 1;
        }
        m_pendingBytes -= i - m_chunkOffset;
        walked += i - m_chunkOffset;
        if (i < size) {
            m_chunkOffset = i;
            return walked;
        }
        m_chunks.pop_front();
        m_chunkOffset = 0;
    }
    return walked;
}

QString StreamParser::intern(QStringView text)
{
    if (text.size() > MaxInternLength)
        return text.toString();
    // A small direct-mapped cache: repeated names and namespaces share one QString instead of
    // allocating per element. Bounded, so hostile input cannot grow it.
    if (!m_internPool)
        m_internPool = std::make_shared<InternPool>();
    QString& slot = (*m_internPool)[qHash(text) & (m_internPool->size() - 1)];
    if (slot != text)
        slot = text.toString();
    return slot;
}

} // namespace Canto
