// The Wayland display socket ($XDG_RUNTIME_DIR/NAME), listened on by the
// compositor itself rather than through wl_display_add_socket: libwayland's
// own accept handler takes every connection and, out of fds, spins on the
// readable listening socket. Here a flood of plain clients is capped, and
// out of fds the connection is closed at once (accept_connection,
// unix_socket.hpp). The shell and trusted helpers do not come this way (a
// socket pair, the trusted socket: trust.hpp), and web-app hosts, told by
// pid, are never refused nor counted.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <unordered_map>

#include "listener.hpp"
#include "wlr.hpp"

namespace cirrus {

class WaylandSocket {
public:
    // At most this many plain clients (any process but a web-app host) are
    // connected through the socket at once; the newest past it is refused
    // (its connection closed) and logged.
    static constexpr std::size_t kMaxPlainClients = 128;

    // `is_host`: whether a connecting pid is a web-app host (or standby).
    WaylandSocket(wl_display* display, std::function<bool(pid_t)> is_host);
    ~WaylandSocket();
    WaylandSocket(const WaylandSocket&) = delete;
    WaylandSocket& operator=(const WaylandSocket&) = delete;

    // Listens on $XDG_RUNTIME_DIR/name, or on the first free wayland-N when
    // name is empty, holding NAME.lock as libwayland does (two compositors
    // never share a socket). False, with the reason logged, on failure.
    bool listen(const std::string& name);
    const std::string& name() const { return name_; }
    std::size_t plain_clients() const { return plain_clients_.size(); }

private:
    bool listen_at(const std::string& runtime_dir, const std::string& name, bool quiet_if_taken);
    static int handle_connection(int fd, uint32_t mask, void* data);
    void admit(int fd);

    wl_display* display_;
    std::function<bool(pid_t)> is_host_;
    std::string name_;
    std::string socket_path_;
    std::string lock_path_;
    int listen_fd_ = -1;
    int lock_fd_ = -1;
    wl_event_source* source_ = nullptr;
    // Each connected plain client, with the listener that forgets it.
    std::unordered_map<const wl_client*, std::unique_ptr<Listener>> plain_clients_;
    std::size_t refused_in_a_row_ = 0;
};

}  // namespace cirrus
