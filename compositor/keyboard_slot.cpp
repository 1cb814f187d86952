#include "keyboard_slot.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "server.hpp"
#include "supervisor.hpp"
#include "trust.hpp"

namespace cirrus {

namespace {

// A bare program name found in PATH, or "".
std::string find_in_path(const std::string& name) {
    const char* path = std::getenv("PATH");
    if (!path) return {};
    std::string_view rest = path;
    while (!rest.empty()) {
        const auto colon = rest.find(':');
        const std::string dir(rest.substr(0, colon));
        rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
        if (dir.empty()) continue;
        const std::string candidate = dir + "/" + name;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return {};
}

}  // namespace

KeyboardSlot::KeyboardSlot(Server& server) : server_(server) {}

KeyboardSlot::~KeyboardSlot() {
    if (restart_timer_) wl_event_source_remove(restart_timer_);
    if (pid_ > 0) kill(pid_, SIGTERM);
}

void KeyboardSlot::start() {
    const std::string& configured = server_.config.keyboard.command;
    if (configured.empty()) return;
    if (configured.find(' ') != std::string::npos) {
        // A command with arguments goes through the shell, exec'd so that
        // the pid stays the keyboard's.
        argv_ = {"/bin/sh", "-c", "exec " + configured};
    } else {
        std::string program = server_.supervisor->find_program(configured, "keyboard");
        if (program.find('/') == std::string::npos) program = find_in_path(program);
        if (program.empty() || access(program.c_str(), X_OK) != 0) {
            wlr_log(WLR_ERROR,
                    "no on-screen keyboard: '%s' is not built or installed (set [keyboard] command, "
                    "or none to silence this)",
                    configured.c_str());
            return;
        }
        argv_ = {program};
    }
    command_ = configured;
    spawn();
}

void KeyboardSlot::spawn() {
    pid_ = server_.trust->spawn(argv_, true);
    started_ms_ = server_.uptime_ms();
    if (pid_ < 0) {
        wlr_log(WLR_ERROR, "cannot start the on-screen keyboard (%s): see [keyboard] command in the config",
                command_.c_str());
    }
}

bool KeyboardSlot::child_exited(pid_t pid) {
    if (pid != pid_ || pid <= 0) return false;
    pid_ = -1;
    if (server_.shutting_down) return true;
    const int delay = backoff_.after_exit(server_.uptime_ms() - started_ms_);
    wlr_log(WLR_ERROR, "the on-screen keyboard (pid %d) ended; starting a new one in %d ms", static_cast<int>(pid),
            delay);
    if (!restart_timer_)
        restart_timer_ = wl_event_loop_add_timer(server_.loop, &KeyboardSlot::handle_restart_timer, this);
    if (restart_timer_) wl_event_source_timer_update(restart_timer_, delay);
    return true;
}

int KeyboardSlot::handle_restart_timer(void* data) {
    auto* self = static_cast<KeyboardSlot*>(data);
    if (self->pid_ < 0 && !self->server_.shutting_down) {
        ++self->restarts_;
        self->spawn();
    }
    return 0;
}

}  // namespace cirrus
