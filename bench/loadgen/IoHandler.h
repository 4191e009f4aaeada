#pragma once

#include <cstdint>

namespace Canto::Bench {

// Something registered with a Poller: it is told which epoll events fired on its descriptor.
class IoHandler
{
public:
    virtual ~IoHandler() = default;
    virtual void onIoEvents(uint32_t events) = 0;
};

} // namespace Canto::Bench
