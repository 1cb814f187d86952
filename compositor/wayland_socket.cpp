#include "wayland_socket.hpp"

#include "log_flood.hpp"
#include "unix_socket.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace cirrus {

namespace {

// As libwayland's wl_display_add_socket_auto: wayland-0 to wayland-31.
constexpr int kAutoNames = 32;
// As libwayland: connections that arrive in one burst wait for the accept.
constexpr int kBacklog = 128;

pid_t peer_pid(int fd) {
    ucred credentials{};
    socklen_t size = sizeof credentials;
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &size) != 0) return 0;
    return credentials.pid;
}

}  // namespace

WaylandSocket::WaylandSocket(wl_display* display, std::function<bool(pid_t)> is_host)
    : display_(display), is_host_(std::move(is_host)) {}

WaylandSocket::~WaylandSocket() {
    if (source_) wl_event_source_remove(source_);
    plain_clients_.clear();  // the clients outlive us: stop listening to them
    if (listen_fd_ >= 0) {
        unlink(socket_path_.c_str());
        close(listen_fd_);
    }
    if (lock_fd_ >= 0) {
        unlink(lock_path_.c_str());
        close(lock_fd_);
    }
}

bool WaylandSocket::listen(const std::string& name) {
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime_dir || *runtime_dir != '/') {
        wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set (or not absolute): set it to a private folder (mode 0700)");
        return false;
    }
    if (!name.empty()) return listen_at(runtime_dir, name, false);
    for (int n = 0; n < kAutoNames; ++n) {
        if (listen_at(runtime_dir, "wayland-" + std::to_string(n), true)) return true;
        if (lock_fd_ >= 0) return false;  // locked but not bound: logged, as libwayland gives up
    }
    wlr_log(WLR_ERROR, "wayland-0 to wayland-%d are all taken in %s", kAutoNames - 1, runtime_dir);
    return false;
}

bool WaylandSocket::listen_at(const std::string& runtime_dir, const std::string& name, bool quiet_if_taken) {
    const std::string path = runtime_dir + "/" + name;
    sockaddr_un address{};
    if (name.empty() || name.find('/') != std::string::npos || path.size() >= sizeof(address.sun_path)) {
        wlr_log(WLR_ERROR, "the Wayland socket path %s is empty, has a '/' in the name or is too long", path.c_str());
        return false;
    }
    const std::string lock_path = path + ".lock";
    const int lock = open(lock_path.c_str(), O_CREAT | O_CLOEXEC | O_RDWR, S_IRUSR | S_IWUSR | S_IRGRP | S_IWGRP);
    if (lock < 0) {
        wlr_log_errno(WLR_ERROR, "cannot open the lock file %s", lock_path.c_str());
        return false;
    }
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
        if (!quiet_if_taken) wlr_log(WLR_ERROR, "%s is locked: another compositor runs on it", lock_path.c_str());
        close(lock);
        return false;
    }
    // Ours now: a socket file left there is a dead compositor's.
    struct stat existing {};
    if (lstat(path.c_str(), &existing) == 0 && (existing.st_mode & (S_IWUSR | S_IWGRP))) unlink(path.c_str());

    lock_fd_ = lock;
    lock_path_ = lock_path;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        wlr_log_errno(WLR_ERROR, "cannot create the Wayland socket");
        return false;
    }
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(fd, kBacklog) != 0) {
        wlr_log_errno(WLR_ERROR, "cannot listen on the Wayland socket %s", path.c_str());
        close(fd);
        return false;
    }
    listen_fd_ = fd;
    socket_path_ = path;
    name_ = name;
    source_ = wl_event_loop_add_fd(wl_display_get_event_loop(display_), fd, WL_EVENT_READABLE,
                                   &WaylandSocket::handle_connection, this);
    if (!source_) {
        wlr_log(WLR_ERROR, "cannot watch the Wayland socket %s", path.c_str());
        return false;
    }
    return true;
}

int WaylandSocket::handle_connection(int fd, uint32_t, void* data) {
    auto* self = static_cast<WaylandSocket*>(data);
    for (;;) {
        const int connection = accept_connection(fd, SOCK_CLOEXEC, "Wayland socket");
        if (connection < 0) break;
        self->admit(connection);
    }
    return 0;
}

void WaylandSocket::admit(int fd) {
    const pid_t pid = peer_pid(fd);
    const bool host = pid > 0 && is_host_ && is_host_(pid);
    if (!host && plain_clients_.size() >= kMaxPlainClients) {
        if (worth_a_log_line(++refused_in_a_row_)) {
            wlr_log(WLR_ERROR,
                    "%zu plain Wayland clients connected, the cap (WaylandSocket::kMaxPlainClients): "
                    "refusing pid %d (%zu refused since one was last let in)",
                    plain_clients_.size(), static_cast<int>(pid), refused_in_a_row_);
        }
        close(fd);
        return;
    }
    wl_client* client = wl_client_create(display_, fd);
    if (!client) {
        wlr_log(WLR_ERROR, "cannot create a Wayland client for pid %d", static_cast<int>(pid));
        close(fd);
        return;
    }
    refused_in_a_row_ = 0;
    if (host) return;
    auto listener = std::make_unique<Listener>();
    listener->connect_client_destroy(client, [this, client](void*) {
        plain_clients_.erase(client);  // destroys this very listener, after its last use
    });
    plain_clients_[client] = std::move(listener);
}

}  // namespace cirrus
