#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// Software Version (XEP-0092): the server's name, version and, unless hide_os_type is set, its operating system.
class VersionModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
