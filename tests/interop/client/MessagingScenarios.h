#pragma once

#include "ImScenarioBase.h"

namespace Canto::Interop {

/// Message routing between alice and bob (RFC 6121 §8, XEP-0160, XEP-0280), each checked for
/// where a message went *and* where it did not (a later message on the same path is the barrier:
/// one stream is processed in order, so once it arrived an earlier stray copy would have too):
///  delivery  bob with two resources of different priorities: a chat to the bare JID reaches only
///            the higher one, full-JID messages reach exactly their resource, and a chat to an
///            unknown user of the host bounces with cancel/service-unavailable.
///  offline   bob offline, alice sends two chats; bob logs in and gets both once, in order, each
///            with a urn:xmpp:delay stamp from the server.
///  carbons   alice with two resources that enabled carbons: a chat to her full JID, one to her
///            bare JID (delivered to the higher priority) and one she sends from resource A show up
///            on B as <received/>/<sent/> carbons, from her bare JID, wrapping the exact message.
class MessagingScenarios : public ImScenarioBase
{
public:
    using ImScenarioBase::ImScenarioBase;

    Outcome delivery();
    Outcome offline();
    Outcome carbons();

private:
    /// Sends a chat from `sender` and waits until `receiver` got it (matched by id); checks the
    /// body, the sender's full JID as 'from' and the unchanged 'to'.
    Outcome deliver(XmppSession& sender, XmppSession& receiver, const QString& to, const QString& id,
                    QDomElement* received = nullptr);
    /// Waits on `session` for a carbon of `direction` ("sent"/"received") wrapping message `id`
    /// and checks the wrapper and the forwarded message's from/to.
    Outcome expectCarbon(XmppSession& session, const QString& direction, const QString& id, const QString& innerFrom,
                         const QString& innerTo);
};

} // namespace Canto::Interop
