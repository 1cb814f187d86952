// A helper process of the session that is not an app and not the shell: the
// on-screen keyboard ([keyboard] command, trusted: it binds input-method-v2
// and virtual-keyboard, which only trusted clients see) and cirrus-sync
// ([sync] command, untrusted, with no Wayland socket of its own: it hears
// the link estimate through the compositor's link file). Each is started with
// the session and restarted when it dies, backing off as the shell does
// (restart_backoff.hpp). The default program is looked up next to the
// compositor's build folder and in PATH; when it is not installed none runs
// and one log line says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <sys/types.h>

#include "restart_backoff.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

struct ChildRole {
    std::string what;        // for log lines: "on-screen keyboard"
    std::string config_key;  // where it is configured: "[keyboard] command"
    std::string build_dir;   // its folder in the build tree: "keyboard"
    bool trusted = false;    // started as a trusted client
};

class ChildSlot {
public:
    ChildSlot(Server& server, ChildRole role);
    // SIGTERM to a running child: the keyboard ends, the sync service
    // finishes the chunk in flight's bookkeeping (an upload cut here resumes
    // at its next start).
    ~ChildSlot();
    ChildSlot(const ChildSlot&) = delete;
    ChildSlot& operator=(const ChildSlot&) = delete;

    // Starts `configured` (a program name or path; with a space, a command
    // for /bin/sh); empty: none.
    void start(const std::string& configured);
    // True if pid was this child's (then it is restarted).
    bool child_exited(pid_t pid);
    pid_t pid() const { return pid_; }
    std::uint32_t restarts() const { return restarts_; }
    const std::string& command() const { return command_; }

private:
    void spawn();
    static int handle_restart_timer(void* data);

    Server& server_;
    ChildRole role_;
    std::string command_;  // what is run: resolved at start; empty: none
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    std::uint32_t restarts_ = 0;
    std::uint64_t started_ms_ = 0;
    RestartBackoff backoff_;
    wl_event_source* restart_timer_ = nullptr;
};

}  // namespace cirrus
