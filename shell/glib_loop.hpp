// GLib's default main context driven from the shell's own poll() loop, so
// that GDBus (system_bus.hpp) delivers its replies and signals on the
// shell's one thread without a second loop or a periodic wake-up: before
// each wait the context says which descriptors to watch and its earliest
// deadline (none while idle), after it the ready sources are dispatched.
#pragma once

#include <glib.h>

#include <vector>

#include "wayland_client.hpp"

namespace cirrus::shell {

class GlibLoop : public PollSource {
public:
    // Takes ownership of the default main context for this thread and joins
    // the client's loop; throws ShellError if another thread owns it.
    explicit GlibLoop(WaylandClient& client);
    // Leaves the loop, dispatches what is already due (replies to cancelled
    // calls, which free their data) and releases the context.
    ~GlibLoop() override;
    GlibLoop(const GlibLoop&) = delete;
    GlibLoop& operator=(const GlibLoop&) = delete;

    int prepare(std::vector<pollfd>& fds) override;
    void dispatch(std::span<const pollfd> fds) override;

    // Dispatches what is due in the default context without waiting: for
    // tear-down, where cancelled operations finish through callbacks.
    static void dispatch_pending();

private:
    WaylandClient& client_;
    GMainContext* context_;
    std::vector<GPollFD> poll_fds_;
    int poll_count_ = 0;
    gint max_priority_ = 0;
    bool prepared_ = false;
};

}  // namespace cirrus::shell
