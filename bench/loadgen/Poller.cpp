#include "Poller.h"

#include "IoHandler.h"

#include <cerrno>
#include <unistd.h>

namespace Canto::Bench {

Poller::Poller() : m_epollFd(epoll_create1(EPOLL_CLOEXEC)), m_events(1024) {}

Poller::~Poller()
{
    if (m_epollFd >= 0)
        ::close(m_epollFd);
}

bool Poller::add(int fd, IoHandler* handler, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = handler;
    return epoll_ctl(m_epollFd, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool Poller::modify(int fd, IoHandler* handler, uint32_t events)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = handler;
    return epoll_ctl(m_epollFd, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void Poller::remove(int fd)
{
    epoll_ctl(m_epollFd, EPOLL_CTL_DEL, fd, nullptr);
}

int Poller::wait(int timeoutMs)
{
    const int count = epoll_wait(m_epollFd, m_events.data(), static_cast<int>(m_events.size()), timeoutMs);
    if (count < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; ++i) {
        const epoll_event& ev = m_events[static_cast<size_t>(i)];
        static_cast<IoHandler*>(ev.data.ptr)->onIoEvents(ev.events);
    }
    // A full batch means more may be waiting: grow so one wait() drains a burst.
    if (count == static_cast<int>(m_events.size()))
        m_events.resize(m_events.size() * 2);
    return count;
}

} // namespace Canto::Bench
