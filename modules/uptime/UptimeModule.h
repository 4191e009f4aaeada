#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// Server uptime (XEP-0012 Last Activity on the host): seconds since the server started.
class UptimeModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
