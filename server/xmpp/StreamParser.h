#pragma once

#include "server/xmpp/StreamError.h"
#include "server/xmpp/XmlElement.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QXmlStreamReader>

#include <array>
#include <deque>
#include <memory>
#include <vector>

namespace Canto {

/// Incremental parser for one inbound XMPP stream (RFC 6120 §4, §11).
///
/// feed() hands bytes to a QXmlStreamReader with addData() (nothing is ever re-parsed) and emits,
/// in order: streamOpened() for the <stream:stream> header, elementReceived() for each complete
/// first-level child (stanzas and nonzas, namespaces resolved; stanzas carry the stream's content
/// namespace, e.g. "jabber:client"), and streamClosed() for </stream:stream>. Any violation emits
/// error() once with an RFC 6120 stream error condition and leaves the parser failed until
/// reset(): not-well-formed (malformed XML), restricted-xml (DTD, comment, processing instruction,
/// entity references other than the five predefined ones), unsupported-encoding (not UTF-8),
/// invalid-namespace / bad-format (bad stream header), policy-violation (limits).
///
/// Size limits are enforced before data is buffered: at most `maxStanzaSize` bytes since the last
/// element boundary are ever handed to the reader, so a stanza that grows past the limit fails as
/// soon as the first byte beyond it is fed and memory stays bounded whatever the peer sends.
///
/// Slots connected to the signals may call reset() (stream restart after STARTTLS or SASL) or
/// delete the parser with deleteLater(); after reset() the rest of the current feed() is
/// discarded, as RFC 6120 §5.4.3.3 requires for data following <proceed/>.
class StreamParser : public QObject
{
    Q_OBJECT
public:
    struct Limits
    {
        /// Bytes of one first-level element (Prosody's c2s_stanza_size_limit default).
        qsizetype maxStanzaSize = 256 * 1024;
        /// Bytes of the prolog and stream header: everything buffered before the stream is open.
        qsizetype maxHeaderSize = 16 * 1024;
        /// Element nesting inside a first-level element (that element itself is depth 1).
        int maxDepth = 32;
        /// Attributes plus namespace declarations on one element.
        int maxAttributes = 64;
    };

    enum class State { AwaitingHeader, Open, Closed, Failed };

    /// A cache of interned names and namespaces, shareable by every parser of a listener.
    using InternPool = std::array<QString, 256>;

    explicit StreamParser(QObject* parent = nullptr);
    explicit StreamParser(const Limits& limits, QObject* parent = nullptr);
    ~StreamParser() override;

    const Limits& limits() const { return m_limits; }
    void setLimits(const Limits& limits) { m_limits = limits; }

    /// Parses as much of `data` as possible. Ignored once failed or closed.
    void feed(const QByteArray& data);
    /// Forgets all state and buffered data; the next bytes must start a new stream.
    void reset();

    State state() const { return m_state; }
    bool hasFailed() const { return m_state == State::Failed; }
    /// The default namespace declared on the stream header ("jabber:client", ...).
    const QString& contentNamespace() const { return m_contentNamespace; }
    /// The error that failed the parser (null while it has not failed).
    const StreamError& lastError() const { return m_error; }
    /// Bytes fed since the last element boundary (the part of the input still held).
    qsizetype bufferedBytes() const { return m_pendingBytes; }
    /// Shares one intern cache between parsers (each parser otherwise has its own).
    void setInternPool(std::shared_ptr<InternPool> pool) { m_internPool = std::move(pool); }
    /// Whether the XML reader is held right now (it is released between stanzas, see below).
    bool holdsReader() const { return m_reader != nullptr; }

Q_SIGNALS:
    void streamOpened(const Canto::XmlElement& header);
    void elementReceived(const Canto::XmlElement& element);
    void streamClosed();
    void error(const QString& condition, const QString& text);

private:
    // Lives on feed()'s stack: lets feed() notice that a slot deleted or reset the parser.
    struct FeedContext
    {
        bool destroyed = false;
        quint64 generation = 0;
    };

    bool processTokens(FeedContext& context);
    bool onStartElement(FeedContext& context);
    bool onEndElement(FeedContext& context);
    void onCharacters();
    bool fail(const QString& condition, const QString& text);
    XmlElement makeElement();
    qsizetype advanceBoundary(qint64 characterOffset); // returns the bytes passed
    QString intern(QStringView text);
    bool canContinue(const FeedContext& context) const;

    QXmlStreamReader& reader();
    void releaseReaderIfIdle();

    Limits m_limits;
    // A QXmlStreamReader costs about 14 KiB even when idle, which would dominate the memory of
    // an idle connection. Between stanzas it is released; the next data re-creates it, primed
    // with the stream header bytes kept here (the prefix declarations live on the header).
    std::unique_ptr<QXmlStreamReader> m_reader;
    QByteArray m_headerBytes;
    QByteArray m_headerInput; // what was fed before the header was complete (≤ maxHeaderSize)
    bool m_priming = false;
    State m_state = State::AwaitingHeader;
    StreamError m_error;
    QString m_contentNamespace;

    // The element being built: m_current is the first-level element, m_stack the open path.
    XmlElement m_current;
    std::vector<XmlElement*> m_stack;
    int m_depth = 0; // open elements including <stream:stream>

    // Byte accounting. The reader reports positions in UTF-16 units; the chunks fed since the last
    // boundary are kept (implicitly shared, not copied) to map them back to UTF-8 bytes.
    std::deque<QByteArray> m_chunks;
    qsizetype m_chunkOffset = 0;  // boundary position inside m_chunks.front()
    qint64 m_boundaryChar = 0;    // reader position of the last boundary
    qsizetype m_pendingBytes = 0; // bytes fed after the boundary
    bool m_anyFed = false;

    quint64 m_generation = 0; // bumped by reset(), so feed() notices a reset from a slot
    FeedContext* m_feedContext = nullptr;
    std::shared_ptr<InternPool> m_internPool;
};

} // namespace Canto
