// Starts each app's web-app host, knows which process runs which app, and
// turns a launch of a running app into bringing its window forward. The
// decisions are AppTable's; this is the fork/exec/reap glue.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

#include "app_table.hpp"

namespace cirrus {

class Server;
class XdgView;

class Supervisor {
public:
    explicit Supervisor(Server& server) : server_(server) {}

    struct LaunchResult {
        LaunchAction action = LaunchAction::spawn;
        pid_t pid = -1;
        std::string error;  // empty on success
    };
    LaunchResult launch(const std::string& app);

    void child_exited(pid_t pid, int status);
    void window_mapped(const XdgView& view);
    // The app a window belongs to comes from its client's pid, never from the
    // app_id the client chose.
    std::optional<std::string> app_for_pid(pid_t pid) const { return table_.app_for_pid(pid); }
    const AppTable& table() const { return table_; }

private:
    pid_t spawn_host(const std::string& app);
    std::string host_program() const;

    Server& server_;
    AppTable table_;
};

}  // namespace cirrus
