#pragma once

#include <cstdint>
#include <vector>

#include <sys/epoll.h>

namespace Canto::Bench {

class IoHandler;

// A thin level-triggered epoll wrapper. Handlers are not owned. Events carry the handler pointer,
// so a handler removed during a wait() batch may still receive that batch's event: handlers must
// outlive the batch and ignore events once closed (Connection objects live until the run ends).
class Poller
{
public:
    Poller();
    ~Poller();
    Poller(const Poller&) = delete;
    Poller& operator=(const Poller&) = delete;

    bool isValid() const { return m_epollFd >= 0; }
    bool add(int fd, IoHandler* handler, uint32_t events);
    bool modify(int fd, IoHandler* handler, uint32_t events);
    void remove(int fd);

    // Waits up to timeoutMs and dispatches; returns the number of events handled (-1 on error).
    int wait(int timeoutMs);

private:
    int m_epollFd = -1;
    std::vector<epoll_event> m_events;
};

} // namespace Canto::Bench
