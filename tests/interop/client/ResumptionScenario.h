#pragma once

#include "ImScenarioBase.h"

namespace Canto::Interop {

/// XEP-0198 stream resumption ("resume"): alice's stream enables stream management with
/// resume='true'; her TCP connection is then cut without a closing tag; bob sends her a chat
/// while she is away (and pings the server, so it was processed before she returns); alice
/// reconnects and resumes the same stream (same full JID, <resumed/>, no new bind) and receives
/// the chat exactly once, then a second chat proves the resumed stream carries new traffic.
/// Finally alice logs out with </stream:stream>, after which the stream must not be resumable
/// (checked on this and three more fresh streams, as the failure it catches is a race).
class ResumptionScenario : public ImScenarioBase
{
public:
    using ImScenarioBase::ImScenarioBase;

    Outcome run();

private:
    /// After a logout: a <resume/> of that stream must get <failed/>.
    Outcome expectClosedStreamNotResumable(XmppSession& session);
};

} // namespace Canto::Interop
