#pragma once

#include "server/core/Event.h"
#include "server/core/Module.h"

namespace Canto {
class ClientSession;
class Roster;
} // namespace Canto

namespace Canto::Modules {

/// Roster management for clients (Prosody's mod_roster, RFC 6121 §2 and XEP-0237): roster get
/// with versioning (an unchanged roster answers with an empty result), roster set (add or update
/// one item) and remove (with unsubscribe/unsubscribed sent to the contact, §2.5.2), each change
/// pushed to every interested resource. Limits: one item per set, a bare JID that is not the
/// user's own, no empty or duplicate groups, names and groups of at most `roster_max_name_length`
/// characters, and at most `max_roster_items` items.
class RosterModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;

private:
    void handleGet(ClientSession& session, const XmlElement& iq, Roster& roster);
    void handleSet(ClientSession& session, const XmlElement& iq, Roster& roster);

    int m_maxItems = 1000;
    int m_maxNameLength = 1023;
};

} // namespace Canto::Modules
