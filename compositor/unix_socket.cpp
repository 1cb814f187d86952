#include "unix_socket.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wlr.hpp"
#include "log_flood.hpp"

namespace cirrus {

int listen_unix_socket(const std::string& path, const char* what) {
    sockaddr_un addr{};
    if (path.size() >= sizeof(addr.sun_path)) {
        wlr_log(WLR_ERROR, "%s path too long: %s (use a shorter XDG_RUNTIME_DIR)", what, path.c_str());
        return -1;
    }
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        wlr_log_errno(WLR_ERROR, "cannot create the %s", what);
        return -1;
    }
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    unlink(path.c_str());
    const mode_t old_mask = umask(0077);
    const bool bound = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    umask(old_mask);
    if (!bound || listen(fd, 16) != 0) {
        wlr_log_errno(WLR_ERROR, "cannot listen on the %s %s", what, path.c_str());
        close(fd);
        return -1;
    }
    return fd;
}

namespace {

// The reserve: one fd the compositor holds for nothing but to give it up
// when it is out of fds (the classic spare-fd trick).
int spare_fd = -1;
// Connections closed at once for want of fds, over the compositor's life.
std::uint64_t shed_connections = 0;

int open_spare_fd() { return open("/dev/null", O_RDONLY | O_CLOEXEC); }

unsigned long long fd_limit() {
    rlimit limit{};
    return getrlimit(RLIMIT_NOFILE, &limit) == 0 ? static_cast<unsigned long long>(limit.rlim_cur) : 0;
}

}  // namespace

void reserve_spare_fd() {
    if (spare_fd >= 0) return;
    spare_fd = open_spare_fd();
    if (spare_fd < 0) {
        wlr_log_errno(WLR_ERROR, "cannot reserve a spare fd: out of fds, new connections will wait unanswered");
    }
}

int accept_connection(int listen_fd, int flags, const char* what) {
    for (;;) {
        const int fd = accept4(listen_fd, nullptr, nullptr, flags);
        if (fd >= 0) return fd;
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
        const int error = errno;
        if ((error != EMFILE && error != ENFILE) || spare_fd < 0) {
            wlr_log_errno(WLR_ERROR, "cannot accept a connection on the %s", what);
            return -1;
        }
        close(spare_fd);
        const int shed = accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (shed >= 0) close(shed);
        spare_fd = open_spare_fd();
        if (shed >= 0 && worth_a_log_line(++shed_connections)) {
            wlr_log(WLR_ERROR,
                    "out of fds (%s; RLIMIT_NOFILE %llu): closed a new connection on the %s at once "
                    "(%llu so far)",
                    std::strerror(error), fd_limit(), what, static_cast<unsigned long long>(shed_connections));
        }
        if (spare_fd < 0) {
            wlr_log(WLR_ERROR, "cannot take the spare fd back: new connections will wait unanswered");
            return -1;
        }
        if (shed < 0) return -1;  // nothing left waiting, or still no fd for it
    }
}

}  // namespace cirrus
