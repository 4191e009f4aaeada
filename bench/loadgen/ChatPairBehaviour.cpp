#include "ChatPairBehaviour.h"

#include "BenchOptions.h"
#include "Connection.h"
#include "XmlElement.h"

#include <algorithm>
#include <charconv>

namespace Canto::Bench {

namespace {

// Marks a benchmark body; anything else arriving is counted as unexpected.
constexpr std::string_view BodyTag = "cb ";

} // namespace

ChatPairBehaviour::ChatPairBehaviour(MessageLedger& ledger, const BenchOptions& options, int index)
    : m_ledger(ledger), m_options(options), m_index(index)
{
    if (m_options.ratePerSender > 0)
        m_period =
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / options.ratePerSender));
}

void ChatPairBehaviour::setPartner(ChatPairBehaviour& partner, const std::string& partnerJid)
{
    m_partner = &partner;
    m_stanzaHead = "<message type='chat' to='" + Connection::escapeAttribute(partnerJid) + "'";
}

void ChatPairBehaviour::onEstablished(Connection& connection)
{
    m_connection = &connection;
}

bool ChatPairBehaviour::canSend() const
{
    return m_partner && m_connection && m_connection->isEstablished() &&
           m_ledger.phase() == MessageLedger::Phase::Sending;
}

void ChatPairBehaviour::sendOne()
{
    const uint64_t sequence = ++m_sequence;
    const auto sentAt = std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
    const std::string sequenceText = std::to_string(sequence);
    m_stanza.assign(m_stanzaHead);
    m_stanza += " id='m";
    m_stanza += sequenceText;
    m_stanza += "'><body>";
    const size_t bodyStart = m_stanza.size();
    m_stanza += BodyTag;
    m_stanza += std::to_string(sentAt);
    m_stanza += ' ';
    m_stanza += sequenceText;
    m_stanza += ' ';
    const size_t bodySize = m_stanza.size() - bodyStart;
    if (bodySize < static_cast<size_t>(m_options.bodyBytes))
        m_stanza.append(static_cast<size_t>(m_options.bodyBytes) - bodySize, 'x');
    m_stanza += "</body></message>";
    ++m_inFlight;
    m_ledger.recordSent();
    m_connection->send(m_stanza);
}

void ChatPairBehaviour::fillWindow()
{
    while (m_inFlight < m_options.window && canSend())
        sendOne();
}

void ChatPairBehaviour::sendScheduled()
{
    const auto now = Clock::now();
    if (!m_isScheduled) {
        // Spread the senders over one period so they do not all fire in the same tick.
        m_nextSendAt = m_ledger.sendingSince() + m_period * m_index / std::max(1, m_options.clients);
        m_isScheduled = true;
    }
    while (now >= m_nextSendAt && canSend()) {
        if (m_inFlight < m_options.window)
            sendOne();
        else
            m_ledger.recordWindowFull();
        m_nextSendAt += m_period;
    }
}

void ChatPairBehaviour::onDeliveredToPartner()
{
    if (m_inFlight > 0)
        --m_inFlight;
    if (m_options.ratePerSender <= 0)
        fillWindow();
}

void ChatPairBehaviour::onTick(Connection& connection)
{
    (void)connection;
    if (!canSend())
        return;
    if (m_options.ratePerSender > 0)
        sendScheduled();
    else
        fillWindow();
}

void ChatPairBehaviour::onElement(Connection& connection, const XmlElement& element)
{
    if (element.name() == "message")
        onMessage(element);
    else
        m_hold.onElement(connection, element);
}

void ChatPairBehaviour::onMessage(const XmlElement& message)
{
    const auto receivedAt = Clock::now();
    if (message.attribute("type") == "error") {
        // One of ours bounced: it will never reach the partner, so its slot is free.
        if (m_inFlight > 0)
            --m_inFlight;
        m_ledger.recordError(std::string(XmlElement(message.child("error")).firstChildName()));
        if (m_options.ratePerSender <= 0)
            fillWindow();
        return;
    }
    const std::string body = XmlElement(message.child("body")).text();
    if (body.compare(0, BodyTag.size(), BodyTag) != 0) {
        m_ledger.recordUnexpected();
        return;
    }
    int64_t sentAt = 0;
    const char* begin = body.data() + BodyTag.size();
    const auto [end, error] = std::from_chars(begin, body.data() + body.size(), sentAt);
    if (error != std::errc() || end == begin) {
        m_ledger.recordUnexpected();
        return;
    }
    m_ledger.recordDelivered(Clock::time_point(std::chrono::nanoseconds(sentAt)), receivedAt);
    if (m_partner)
        m_partner->onDeliveredToPartner();
}

} // namespace Canto::Bench
