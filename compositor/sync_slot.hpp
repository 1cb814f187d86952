// cirrus-sync, the phone's data in the user's own cloud (sync/main.cpp):
// [sync] command, started with the session and restarted when it dies,
// backing off as the shell and the keyboard do (restart_backoff.hpp). It is
// not a Wayland client (it hears the link estimate through the compositor's
// link file, common/link_file.hpp), so it is started untrusted, with no
// Wayland socket of its own. It runs with or without an account: with none
// it only says so in its status file and sleeps (a look every 30 s), so the
// compositor need not watch the account file to start it when one is added.
// The default, cirrus-sync, is looked up next to the compositor's build
// folder and in PATH; when it is not installed none runs and one log line
// says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <sys/types.h>

#include "restart_backoff.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class SyncSlot {
public:
    explicit SyncSlot(Server& server);
    ~SyncSlot();
    SyncSlot(const SyncSlot&) = delete;
    SyncSlot& operator=(const SyncSlot&) = delete;

    void start();
    // True if pid was the service's (then it is restarted).
    bool child_exited(pid_t pid);
    pid_t pid() const { return pid_; }
    std::uint32_t restarts() const { return restarts_; }
    const std::string& command() const { return command_; }

private:
    void spawn();
    static int handle_restart_timer(void* data);

    Server& server_;
    std::string command_;  // what is run: resolved at start; empty: none
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    std::uint32_t restarts_ = 0;
    std::uint64_t started_ms_ = 0;
    RestartBackoff backoff_;
    wl_event_source* restart_timer_ = nullptr;
};

}  // namespace cirrus
