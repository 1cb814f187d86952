#include "stop_signals.hpp"

#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string>

namespace cirrus::shell {

StopSignals::StopSignals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) == 0) fd_ = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
    if (fd_ < 0) throw ShellError(std::string("signalfd: ") + std::strerror(errno));
}

StopSignals::~StopSignals() { close(fd_); }

std::vector<FdWatch> StopSignals::fds() {
    return {{fd_, [this] {
                 signalfd_siginfo info{};
                 if (read(fd_, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info)) && on_stop) on_stop();
             }}};
}

}  // namespace cirrus::shell
