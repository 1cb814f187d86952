// Starts each app's web-app host, knows which process runs which app, and
// turns a launch of a running app into bringing its window forward. The
// decisions are AppTable's; this is the fork/exec/reap glue.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

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
    // Runs `cirrus install-bundled` in the background, so that a first start
    // finds the bundled apps installed (later starts pick up updated ones).
    void install_bundled_apps();

    void child_exited(pid_t pid, int status);
    void window_mapped(const XdgView& view);
    // The app a window belongs to comes from its client's pid, never from the
    // app_id the client chose.
    std::optional<std::string> app_for_pid(pid_t pid) const { return table_.app_for_pid(pid); }
    // A process the supervisor started as a web-app host.
    bool is_host(pid_t pid) const { return table_.app_for_pid(pid).has_value(); }
    // A program of ours: as given when it has a '/', else the copy in the
    // build tree beside the compositor's folder, else found on PATH.
    std::string find_program(const std::string& name, const char* build_folder) const;
    const AppTable& table() const { return table_; }

    // Every change of an app's state (launching, running, closed), for the
    // shell protocol and the splash; set once by the server.
    enum class Change { launching, running, closed };
    std::function<void(const std::string& app, Change change)> on_change;

private:
    void report(const std::string& app, Change change) {
        if (on_change) on_change(app, change);
    }
    // Starts argv[0] (resolved by find_program) with a host's clean environment.
    pid_t spawn(std::vector<std::string> argv);

    Server& server_;
    AppTable table_;
    pid_t bundled_installer_ = -1;
};

}  // namespace cirrus
