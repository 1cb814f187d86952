// Starts each app's web-app host, knows which process runs which app, and
// turns a launch of a running app into bringing its window forward. Keeps a
// pool of standby hosts (config.prestart) started ahead of launches, and
// hands a launched app to one of them over a private channel, so that the
// launch does not wait for a process start. The decisions are AppTable's and
// StandbyPlanner's; this is the fork/exec/reap glue.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

#include <wayland-server-core.h>

#include "app_table.hpp"
#include "common/standby_protocol.hpp"

namespace cirrus {

class Server;
class XdgView;

class Supervisor {
public:
    explicit Supervisor(Server& server);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    struct LaunchResult {
        LaunchAction action = LaunchAction::spawn;
        pid_t pid = -1;
        std::string error;  // empty on success
    };
    // A new app goes to a standby host when there is one (the result's pid is
    // then that host's), else to a host started now.
    LaunchResult launch(const std::string& app);
    // Runs `cirrus install-bundled` in the background, so that a first start
    // finds the bundled apps installed (later starts pick up updated ones).
    void install_bundled_apps();

    void child_exited(pid_t pid, int status);
    void window_mapped(const XdgView& view);
    // The app a window belongs to comes from its client's pid, never from the
    // app_id the client chose.
    std::optional<std::string> app_for_pid(pid_t pid) const { return table_.app_for_pid(pid); }
    // A process the supervisor started as a web-app host and gave an app. A
    // standby host counts only once it has its app: before, it must not reach
    // what is attributed to an app by pid (cirrus_app_v1).
    bool is_host(pid_t pid) const { return table_.app_for_pid(pid).has_value(); }
    // A host, or a standby host not yet given its app: a process the
    // compositor started to show web apps (never refused a Wayland connection).
    bool is_host_process(pid_t pid) const { return is_host(pid) || table_.is_standby(pid); }
    // A program of ours: as given when it has a '/', else the copy in the
    // build tree beside the compositor's folder, else found on PATH.
    std::string find_program(const std::string& name, const char* build_folder) const;
    const AppTable& table() const { return table_; }

    // Every change of an app's state (launching, running, closed), for the
    // shell protocol and the splash; set once by the server. An app served by
    // a standby host reports the same: launching when handed over, running
    // when its window maps, closed when the host exits.
    enum class Change { launching, running, closed };
    std::function<void(const std::string& app, Change change)> on_change;

    // Milliseconds after the compositor starts before the first standby
    // host: the shell's first frame comes first.
    static constexpr std::uint64_t kStandbyStartDelayMs = 1500;
    // A replacement standby host is not started at once: on a 1-2 core
    // phone its start (exec, GTK, WebKit set-up: some 150 ms of CPU) would
    // take the CPU from the launch the user is waiting for. An app's window
    // maps before its page is there (WebKit starts the web and network
    // processes about then, and they need ~200 ms more), so the replacement
    // waits this long after the map.
    static constexpr std::uint64_t kStandbySettleMs = 2000;
    // A launch still without a window after this long no longer holds the
    // pool back.
    static constexpr std::uint64_t kStandbyPatienceMs = 10000;

private:
    // The compositor's end of a standby host's channel
    // (common/standby_protocol.hpp has the protocol).
    struct Channel {
        Supervisor* supervisor = nullptr;
        pid_t pid = -1;
        int fd = -1;
        wl_event_source* source = nullptr;
        standby::ReadySignal ready;
    };

    void report(const std::string& app, Change change) {
        if (on_change) on_change(app, change);
    }
    // Starts argv[0] (resolved by find_program) with a host's clean
    // environment; `channel_fd`, when given, becomes the child's fd 3.
    pid_t spawn(std::vector<std::string> argv, int channel_fd = -1);

    std::optional<pid_t> hand_to_standby(const std::string& app);
    void start_standby();
    // (Re)arms the timer for the next standby host, as the planner says.
    void schedule_standby();
    void read_channel(Channel& channel, std::uint32_t mask);
    void close_channel(pid_t pid);
    // Before the event loop goes (its destroy signal) or with the supervisor.
    void remove_event_sources();
    static int handle_channel(int fd, std::uint32_t mask, void* data);
    static int handle_standby_timer(void* data);
    static void handle_loop_destroy(wl_listener* listener, void* data);

    Server& server_;
    AppTable table_;
    StandbyPlanner planner_;
    pid_t bundled_installer_ = -1;
    std::vector<std::unique_ptr<Channel>> channels_;
    wl_event_source* standby_timer_ = nullptr;
    // The event loop's destroy signal (wl_listener first, so the pointer
    // libwayland hands back converts to this).
    struct LoopDestroy {
        wl_listener listener{};
        Supervisor* supervisor = nullptr;
    } loop_destroy_;
    bool sources_removed_ = false;
};

}  // namespace cirrus
