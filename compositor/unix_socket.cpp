#include "unix_socket.hpp"

#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "wlr.hpp"

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

}  // namespace cirrus
