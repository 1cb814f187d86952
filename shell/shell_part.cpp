#include "shell_part.hpp"

namespace cirrus::shell {

ShellParts::ShellParts(WaylandClient& client, ShellProtocol& protocol, std::initializer_list<ShellPart*> parts)
    : client_(client), protocol_(protocol), parts_(parts) {
    client_.watch_fd(minute_.fd(), [this] {
        minute_.rearm();
        const std::time_t now = std::time(nullptr);
        for (ShellPart* part : parts_) part->minute(now);
    });
    for (ShellPart* part : parts_) {
        for (FdWatch& watch : part->fds()) client_.watch_fd(watch.fd, std::move(watch.on_readable));
    }
    // One batch of drawing: a part that throws ends the loop (fail) before
    // the next one draws.
    client_.before_wait([this] {
        for (ShellPart* part : parts_) part->before_wait();
    });
    client_.outputs_changed = [this] {
        for (ShellPart* part : parts_) part->outputs_changed();
    };
    protocol_.on_state = [this](const CompositorState& state) {
        for (ShellPart* part : parts_) part->compositor_state(state);
    };
}

ShellParts::~ShellParts() {
    // The client's watches and before-wait handler stay registered: its loop
    // has ended by now and never runs them again.
    client_.outputs_changed = nullptr;
    protocol_.on_state = nullptr;
}

void ShellParts::compositor_state() {
    for (ShellPart* part : parts_) part->compositor_state(protocol_.state());
}

}  // namespace cirrus::shell
