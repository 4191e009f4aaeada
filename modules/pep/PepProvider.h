#pragma once

namespace Canto::Modules {

class PepServiceManager;

/// What the "pep" module offers other modules (Prosody: `module:depends("pep")` and
/// `get_pep_service`): its host's PEP services. Modules that use it link canto_pep_core and
/// reach it with `dynamic_cast<PepProvider*>(module().depends("pep").value())`.
class PepProvider
{
public:
    virtual ~PepProvider() = default;
    virtual PepServiceManager& pepServices() = 0;
};

} // namespace Canto::Modules
