#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// XMPP Ping (XEP-0199): answers pings to the host (and, as Prosody does, to a user's bare JID
/// when the user is the sender) with an empty result.
class PingModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
