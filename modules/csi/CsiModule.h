#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// Client State Indication (XEP-0352), as Prosody's mod_csi: takes the <active/> and
/// <inactive/> nonzas of an authenticated client, records the state in the session field "csi"
/// ("active" / "inactive") and fires `csi-client-active` / `csi-client-inactive` for the
/// module that acts on it (csi_simple). The <csi/> stream feature is offered only while such a
/// module is loaded on the host.
class CsiModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
