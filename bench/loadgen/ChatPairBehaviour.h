#pragma once

#include "HoldBehaviour.h"
#include "MessageLedger.h"
#include "SessionBehaviour.h"

#include <cstdint>
#include <string>

namespace Canto::Bench {

class BenchOptions;
class XmlElement;

// One side of a messaging pair: sends <message type='chat'> to its partner's full JID and
// receives the partner's messages. The body starts with the send time (steady clock, ns) and a
// sequence number, so the receiver, in the same process, measures receive - send on one
// monotonic clock. Flow control: at most options.window messages sent but not yet received by
// the partner; the partner's receipt frees a slot (onDeliveredToPartner). With
// options.ratePerSender 0 the window is the only limit ("flood"); otherwise messages follow a
// fixed schedule and a message due while the window is full is skipped and counted.
// Pings are answered as in HoldBehaviour; sending starts when the ledger's phase says so.
class ChatPairBehaviour : public SessionBehaviour
{
public:
    using Clock = MessageLedger::Clock;

    ChatPairBehaviour(MessageLedger& ledger, const BenchOptions& options, int index);

    // Pairs the two behaviours once both logged in; partnerJid is the partner's bound full JID.
    void setPartner(ChatPairBehaviour& partner, const std::string& partnerJid);
    bool hasPartner() const { return m_partner != nullptr; }
    // The partner received one of this side's messages: a window slot is free again.
    void onDeliveredToPartner();

    void onEstablished(Connection& connection) override;
    void onElement(Connection& connection, const XmlElement& element) override;
    void onTick(Connection& connection) override;

private:
    bool canSend() const;
    void sendOne();
    void fillWindow();
    void sendScheduled();
    void onMessage(const XmlElement& message);

    MessageLedger& m_ledger;
    const BenchOptions& m_options;
    int m_index;
    HoldBehaviour m_hold;
    Connection* m_connection = nullptr; // the connection this behaviour belongs to (it owns us)
    ChatPairBehaviour* m_partner = nullptr;
    std::string m_stanzaHead; // "<message type='chat' to='partner'"
    std::string m_stanza;     // reused buffer: one allocation per run, not per message
    uint64_t m_sequence = 0;
    int m_inFlight = 0;
    bool m_isScheduled = false;
    Clock::time_point m_nextSendAt;
    Clock::duration m_period{};
};

} // namespace Canto::Bench
