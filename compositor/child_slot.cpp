#include "child_slot.hpp"

#include <glib.h>

#include <csignal>
#include <unistd.h>

#include "server.hpp"
#include "supervisor.hpp"
#include "trust.hpp"

namespace cirrus {

ChildSlot::ChildSlot(Server& server, ChildRole role) : server_(server), role_(std::move(role)) {}

ChildSlot::~ChildSlot() {
    if (restart_timer_) wl_event_source_remove(restart_timer_);
    if (pid_ > 0) kill(pid_, SIGTERM);
}

void ChildSlot::start(const std::string& configured) {
    if (configured.empty()) return;
    if (configured.find(' ') != std::string::npos) {
        // A command with arguments goes through the shell, exec'd so that
        // the pid stays the child's.
        argv_ = {"/bin/sh", "-c", "exec " + configured};
    } else {
        std::string program = server_.supervisor->find_program(configured, role_.build_dir.c_str());
        if (program.find('/') == std::string::npos) {
            gchar* found = g_find_program_in_path(program.c_str());
            program = found ? found : "";
            g_free(found);
        }
        if (program.empty() || access(program.c_str(), X_OK) != 0) {
            wlr_log(WLR_ERROR, "no %s: '%s' is not built or installed (set %s, or none to silence this)",
                    role_.what.c_str(), configured.c_str(), role_.config_key.c_str());
            return;
        }
        argv_ = {program};
    }
    command_ = configured;
    spawn();
}

void ChildSlot::spawn() {
    pid_ = server_.trust->spawn(argv_, role_.trusted);
    started_ms_ = server_.uptime_ms();
    if (pid_ < 0) {
        wlr_log(WLR_ERROR, "cannot start the %s (%s): see %s in the config", role_.what.c_str(), command_.c_str(),
                role_.config_key.c_str());
    }
}

bool ChildSlot::child_exited(pid_t pid) {
    if (pid != pid_ || pid <= 0) return false;
    pid_ = -1;
    if (server_.shutting_down) return true;
    const int delay = backoff_.after_exit(server_.uptime_ms() - started_ms_);
    wlr_log(WLR_ERROR, "the %s (pid %d) ended; starting a new one in %d ms", role_.what.c_str(), static_cast<int>(pid),
            delay);
    if (!restart_timer_) restart_timer_ = wl_event_loop_add_timer(server_.loop, &ChildSlot::handle_restart_timer, this);
    if (restart_timer_) wl_event_source_timer_update(restart_timer_, delay);
    return true;
}

int ChildSlot::handle_restart_timer(void* data) {
    auto* self = static_cast<ChildSlot*>(data);
    if (self->pid_ < 0 && !self->server_.shutting_down) {
        ++self->restarts_;
        self->spawn();
    }
    return 0;
}

}  // namespace cirrus
