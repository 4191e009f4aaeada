#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// Presence of local sessions (the part of Prosody's mod_presence the core needs): a client's
/// broadcast presence updates its session (availability, priority) and the first available
/// presence fires `presence/initial`; directed presence to a full or bare JID of a local user
/// reaches the available sessions. Rosters and subscriptions come with the roster module.
class PresenceModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
