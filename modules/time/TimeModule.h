#pragma once

#include "server/core/Module.h"

namespace Canto::Modules {

/// Entity Time (XEP-0202): the server's UTC time and time zone offset.
class TimeModule : public Module
{
    Q_OBJECT

public:
    using Module::Module;
    Result<void> load() override;
};

} // namespace Canto::Modules
