#include "sync_slot.hpp"

#include <glib.h>

#include <csignal>
#include <unistd.h>

#include "server.hpp"
#include "supervisor.hpp"
#include "trust.hpp"

namespace cirrus {

SyncSlot::SyncSlot(Server& server) : server_(server) {}

SyncSlot::~SyncSlot() {
    if (restart_timer_) wl_event_source_remove(restart_timer_);
    // SIGTERM: it finishes the chunk in flight's bookkeeping and exits; an
    // upload cut here resumes at the next start.
    if (pid_ > 0) kill(pid_, SIGTERM);
}

void SyncSlot::start() {
    const std::string& configured = server_.config.sync_command;
    if (configured.empty()) return;
    if (configured.find(' ') != std::string::npos) {
        // Arguments: through the shell, exec'd so that the pid stays the service's.
        argv_ = {"/bin/sh", "-c", "exec " + configured};
    } else {
        std::string program = server_.supervisor->find_program(configured, "sync");
        if (program.find('/') == std::string::npos) {
            gchar* found = g_find_program_in_path(program.c_str());
            program = found ? found : "";
            g_free(found);
        }
        if (program.empty() || access(program.c_str(), X_OK) != 0) {
            wlr_log(WLR_ERROR,
                    "no sync service: '%s' is not built or installed (set [sync] command, or none to silence this)",
                    configured.c_str());
            return;
        }
        argv_ = {program};
    }
    command_ = configured;
    spawn();
}

void SyncSlot::spawn() {
    pid_ = server_.trust->spawn(argv_, false);
    started_ms_ = server_.uptime_ms();
    if (pid_ < 0) {
        wlr_log(WLR_ERROR, "cannot start the sync service (%s): see [sync] command in the config", command_.c_str());
    }
}

bool SyncSlot::child_exited(pid_t pid) {
    if (pid != pid_ || pid <= 0) return false;
    pid_ = -1;
    if (server_.shutting_down) return true;
    const int delay = backoff_.after_exit(server_.uptime_ms() - started_ms_);
    wlr_log(WLR_ERROR, "the sync service (pid %d) ended; starting a new one in %d ms", static_cast<int>(pid), delay);
    if (!restart_timer_) restart_timer_ = wl_event_loop_add_timer(server_.loop, &SyncSlot::handle_restart_timer, this);
    if (restart_timer_) wl_event_source_timer_update(restart_timer_, delay);
    return true;
}

int SyncSlot::handle_restart_timer(void* data) {
    auto* self = static_cast<SyncSlot*>(data);
    if (self->pid_ < 0 && !self->server_.shutting_down) {
        ++self->restarts_;
        self->spawn();
    }
    return 0;
}

}  // namespace cirrus
