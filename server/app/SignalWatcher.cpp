#include "server/app/SignalWatcher.h"

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace Canto {

namespace {
// COMPAT: a POSIX signal handler cannot carry context, so the write end of the self-pipe is the
// one process-wide value it may use.
int s_writeFd = -1;
int s_readFd = -1;

void onSignal(int signal)
{
    const char byte = char(signal);
    if (s_writeFd >= 0) {
        [[maybe_unused]] const auto written = ::write(s_writeFd, &byte, 1);
    }
}
} // namespace

SignalWatcher::SignalWatcher(QObject* parent) : QObject(parent)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        return;
    }
    s_writeFd = fds[0];
    s_readFd = fds[1];
    m_notifier = new QSocketNotifier(s_readFd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &SignalWatcher::onReadable);
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGHUP, &action, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::~SignalWatcher()
{
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGHUP, SIG_DFL);
    if (s_writeFd >= 0) {
        ::close(s_writeFd);
        ::close(s_readFd);
        s_writeFd = s_readFd = -1;
    }
}

void SignalWatcher::onReadable()
{
    char byte = 0;
    if (::read(s_readFd, &byte, 1) != 1) {
        return;
    }
    if (byte == SIGHUP) {
        Q_EMIT reloadRequested();
    } else {
        Q_EMIT terminateRequested();
    }
}

} // namespace Canto
