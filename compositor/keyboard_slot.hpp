// The on-screen keyboard's process: [keyboard] command, started as a trusted
// client (it binds input-method-v2 and virtual-keyboard, which only trusted
// clients see) and restarted when it dies, backing off as the shell does
// (restart_backoff.hpp). The default, cirrus-keyboard, is looked up next to
// the compositor's build folder and in PATH; when it is not installed no
// keyboard is started and one log line says so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>
#include <sys/types.h>

#include "restart_backoff.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class KeyboardSlot {
public:
    explicit KeyboardSlot(Server& server);
    ~KeyboardSlot();
    KeyboardSlot(const KeyboardSlot&) = delete;
    KeyboardSlot& operator=(const KeyboardSlot&) = delete;

    void start();
    // True if pid was the keyboard's (then it is restarted).
    bool child_exited(pid_t pid);
    pid_t pid() const { return pid_; }
    std::uint32_t restarts() const { return restarts_; }
    const std::string& command() const { return command_; }

private:
    void spawn();
    static int handle_restart_timer(void* data);

    Server& server_;
    std::string command_;  // what is run: resolved at start; empty: no keyboard
    std::vector<std::string> argv_;
    pid_t pid_ = -1;
    std::uint32_t restarts_ = 0;
    std::uint64_t started_ms_ = 0;
    RestartBackoff backoff_;
    wl_event_source* restart_timer_ = nullptr;
};

}  // namespace cirrus
