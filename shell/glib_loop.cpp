#include "glib_loop.hpp"

namespace cirrus::shell {

GlibLoop::GlibLoop(WaylandClient& client) : client_(client), context_(g_main_context_default()) {
    if (!g_main_context_acquire(context_)) throw ShellError("GLib's main context belongs to another thread");
    client_.add_poll_source(*this);
}

GlibLoop::~GlibLoop() {
    client_.remove_poll_source(*this);
    if (prepared_) {
        // A prepare without its check (the loop ended in between): finish
        // the iteration so that the context is consistent for the drain.
        for (GPollFD& p : poll_fds_) p.revents = 0;
        g_main_context_check(context_, max_priority_, poll_fds_.data(), poll_count_);
        prepared_ = false;
    }
    dispatch_pending();
    g_main_context_release(context_);
}

void GlibLoop::dispatch_pending() {
    // Bounded: a source that re-arms itself at once must not hang the exit.
    for (int i = 0; i < 100 && g_main_context_iteration(nullptr, FALSE); ++i) {}
}

int GlibLoop::prepare(std::vector<pollfd>& fds) {
    // Sources ready now (an idle, a reply already queued) make the timeout 0.
    g_main_context_prepare(context_, &max_priority_);
    gint timeout = -1;
    for (;;) {
        poll_count_ = g_main_context_query(context_, max_priority_, &timeout, poll_fds_.data(),
                                           static_cast<gint>(poll_fds_.size()));
        if (poll_count_ <= static_cast<gint>(poll_fds_.size())) break;
        poll_fds_.resize(static_cast<std::size_t>(poll_count_));  // query again with room for all
    }
    for (int i = 0; i < poll_count_; ++i) {
        fds.push_back({poll_fds_[i].fd, static_cast<short>(poll_fds_[i].events), 0});
    }
    prepared_ = true;
    return timeout;
}

void GlibLoop::dispatch(std::span<const pollfd> fds) {
    if (!prepared_) return;
    prepared_ = false;
    for (int i = 0; i < poll_count_ && static_cast<std::size_t>(i) < fds.size(); ++i) {
        poll_fds_[i].revents = static_cast<gushort>(fds[i].revents);
    }
    // Every callback that GLib runs here is one of ours, and each catches
    // what it throws (a C++ exception must not unwind through GLib).
    if (g_main_context_check(context_, max_priority_, poll_fds_.data(), poll_count_)) {
        g_main_context_dispatch(context_);
    }
}

}  // namespace cirrus::shell
