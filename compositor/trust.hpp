// Which clients may see the privileged globals (layer-shell, screencopy,
// virtual input, ...): those the compositor started as trusted, and those that
// connect through its owner-only trusted socket. The registry of every other
// client does not even list those globals.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <sys/types.h>
#include <unordered_map>
#include <unordered_set>
#include <memory>
#include <vector>

#include "listener.hpp"
#include "wlr.hpp"

namespace cirrus {

class Trust {
public:
    // At most this many clients connected through the trusted socket at once
    // (the shell and trusted helpers the compositor starts itself do not
    // count: they come through socket pairs); one more is refused.
    static constexpr std::size_t kMaxTrustedSocketClients = 64;

    explicit Trust(wl_display* display);
    ~Trust();
    Trust(const Trust&) = delete;
    Trust& operator=(const Trust&) = delete;

    void add_privileged(wl_global* global);
    // A global only the processes `is_host` accepts may see (web-app hosts:
    // the pid of a client is checked when its registry lists the globals).
    void add_host_only(wl_global* global, std::function<bool(pid_t)> is_host);
    bool is_trusted(const wl_client* client) const { return trusted_.count(client) != 0; }

    // Listens on path (mode 0600); false with errno-based log on failure.
    bool listen(const std::string& path);

    // Starts argv as a client. A trusted one gets a private, already-trusted
    // connection through WAYLAND_SOCKET. Returns the pid, or -1 (logged).
    // `client`, if given, is set to that connection (its credentials name
    // the compositor, which made the socket pair, not the child).
    pid_t spawn(const std::vector<std::string>& argv, bool trusted, wl_client** client = nullptr);

private:
    void trust(wl_client* client, bool through_socket);
    static bool filter(const wl_client* client, const wl_global* global, void* data);
    static int handle_connection(int fd, uint32_t mask, void* data);

    wl_display* display_;
    std::unordered_set<const wl_global*> privileged_;
    std::unordered_map<const wl_global*, std::function<bool(pid_t)>> host_only_;
    // Each trusted client, with the listener that forgets it when it goes.
    std::unordered_map<const wl_client*, std::unique_ptr<Listener>> trusted_;
    std::size_t socket_clients_ = 0;  // of trusted_, those that came through the socket
    int listen_fd_ = -1;
    std::string path_;
    wl_event_source* source_ = nullptr;
};

// Raises the soft fd limit to the hard one, so that Wayland clients find fds
// left however many the capped control connections and trusted-socket
// clients hold (once, at start-up).
void raise_fd_limit();

// Children must not inherit the compositor's blocked signals (wl_event_loop
// blocks the ones it turns into signalfds), its signal dispositions, nor the
// fd limit raise_fd_limit raised: they get the one the compositor was given.
void reset_signals_for_child();

}  // namespace cirrus
