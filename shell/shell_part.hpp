// One part of the shell as its event loop sees it -- a surface (the status
// bar, the home screen, the lock screen, banners, the permission prompt, the
// switcher) or a source of events (the system bus, signals) -- and the one
// list that joins the parts to the loop.
//
// Each part says what it needs through optional hooks: descriptors to poll
// (its timers, inotify, a signalfd), work after each batch of events before
// the loop waits (drawing what changed), the outputs changing, the
// compositor's state, and the wall clock's minute. main() builds one list;
// adding a part adds it there and nowhere else.
#pragma once

#include <ctime>
#include <functional>
#include <initializer_list>
#include <vector>

#include "clock.hpp"
#include "shell_protocol.hpp"
#include "wayland_client.hpp"

namespace cirrus::shell {

// A descriptor to poll, and what runs when it is readable (must not throw:
// the loop fails if it does).
struct FdWatch {
    int fd;
    std::function<void()> on_readable;
};

class ShellPart {
public:
    virtual ~ShellPart() = default;
    // Its descriptors; asked once, when the part joins the loop. The
    // descriptors must stay open for the part's life.
    virtual std::vector<FdWatch> fds() { return {}; }
    // After each batch of events, before the loop waits: draw what changed,
    // take down a surface that went (never inside its own callbacks).
    virtual void before_wait() {}
    // An output appeared, went or changed scale: surfaces follow its scale.
    virtual void outputs_changed() {}
    // The compositor's state after each cirrus_shell_v1 batch (and once
    // when the parts are joined, for what came as the shell bound).
    virtual void compositor_state(const CompositorState&) {}
    // The wall clock's minute changed (or the wall clock was set).
    virtual void minute(std::time_t) {}
};

// The parts, in the order their hooks run, joined to the client's loop and
// the protocol's state; owns the minute timer they share.
class ShellParts {
public:
    // Throws what MinuteTimer throws. The parts must outlive this.
    ShellParts(WaylandClient& client, ShellProtocol& protocol, std::initializer_list<ShellPart*> parts);
    // Stops calling the parts from the client and the protocol.
    ~ShellParts();
    ShellParts(const ShellParts&) = delete;
    ShellParts& operator=(const ShellParts&) = delete;

    // Hands the protocol's current state to every part: call once its held
    // events are delivered, before the loop runs.
    void compositor_state();

private:
    WaylandClient& client_;
    ShellProtocol& protocol_;
    std::vector<ShellPart*> parts_;
    MinuteTimer minute_;
};

}  // namespace cirrus::shell
