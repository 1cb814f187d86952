// Watches WebKit's network process. WebKitGTK 2.50 has no signal for its
// end: when it dies WebKit starts a new one on the next request, but the
// page it served keeps its broken storage connections (every IndexedDB
// transaction throws) until it is loaded again. So the host finds the
// network process among its own children (it is not sandboxed: a plain
// child named WebKitNetworkProcess) and hears of its end through a pidfd.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <glib.h>

namespace cirrus::webapp {

// A child of `parent` whose comm starts with `comm_prefix`, if any.
std::optional<pid_t> find_child(pid_t parent, std::string_view comm_prefix);

class NetworkProcessWatch {
public:
    // `ended` runs on the main loop with the pid of a network process that
    // has ended (crashed, killed, or gone with the host).
    explicit NetworkProcessWatch(std::function<void(pid_t)> ended);
    ~NetworkProcessWatch();
    NetworkProcessWatch(const NetworkProcessWatch&) = delete;
    NetworkProcessWatch& operator=(const NetworkProcessWatch&) = delete;

    // Starts watching the network process if none is watched and one runs
    // (WebKit starts it with the first load); cheap when one is watched.
    void look();
    std::optional<pid_t> watched() const { return pid_ > 0 ? std::optional(pid_) : std::nullopt; }

private:
    static gboolean on_pidfd(gint fd, GIOCondition condition, gpointer data);
    void stop();

    std::function<void(pid_t)> ended_;
    pid_t pid_ = -1;
    int pidfd_ = -1;
    guint source_ = 0;
};

}  // namespace cirrus::webapp
