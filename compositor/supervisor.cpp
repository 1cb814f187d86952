#include "supervisor.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "common/app_id.hpp"
#include "server.hpp"
#include "trust.hpp"
#include "xdg_view.hpp"

extern char** environ;

namespace cirrus {

namespace {

std::vector<std::string> current_environment() {
    std::vector<std::string> env;
    for (char** entry = environ; entry && *entry; ++entry) env.emplace_back(*entry);
    return env;
}

// The standby host's end of its channel, as the child's fd 3.
constexpr int kChildChannelFd = 3;

std::string describe_exit(int status) {
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "exited with status " + std::to_string(WEXITSTATUS(status));
}

}  // namespace

Supervisor::Supervisor(Server& server) : server_(server), planner_(server.config.prestart) {
    loop_destroy_.supervisor = this;
    loop_destroy_.listener.notify = &Supervisor::handle_loop_destroy;
    // The loop outlives the server's members only until wl_display_destroy:
    // our sources must go before it does.
    wl_event_loop_add_destroy_listener(server_.loop, &loop_destroy_.listener);
    if (planner_.target() > 0) {
        standby_timer_ = wl_event_loop_add_timer(server_.loop, &Supervisor::handle_standby_timer, this);
        if (!standby_timer_) {
            wlr_log(WLR_ERROR, "cannot create the standby hosts' timer: launches start their hosts cold");
        }
        schedule_standby();
    }
}

Supervisor::~Supervisor() { remove_event_sources(); }

void Supervisor::remove_event_sources() {
    if (sources_removed_) return;
    sources_removed_ = true;
    wl_list_remove(&loop_destroy_.listener.link);
    for (const auto& channel : channels_) {
        // The host reads the end of its channel and exits.
        if (channel->source) wl_event_source_remove(channel->source);
        close(channel->fd);
    }
    channels_.clear();
    if (standby_timer_) wl_event_source_remove(standby_timer_);
    standby_timer_ = nullptr;
}

void Supervisor::handle_loop_destroy(wl_listener* listener, void*) {
    reinterpret_cast<LoopDestroy*>(listener)->supervisor->remove_event_sources();
}

std::string Supervisor::find_program(const std::string& name, const char* build_folder) const {
    if (name.find('/') != std::string::npos) return name;
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto built = self.parent_path().parent_path() / build_folder / name;
        if (access(built.c_str(), X_OK) == 0) return built.string();
    }
    return name;  // execvpe searches PATH
}

pid_t Supervisor::spawn(std::vector<std::string> argv, int channel_fd) {
    const std::vector<std::string> env = host_environment(current_environment(), server_.socket_name,
                                                          server_.config.javascript_jit, server_.config.web_memory);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);

    const pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        setsid();
        if (channel_fd >= 0) {
            // dup2 leaves the copy without FD_CLOEXEC; the same number keeps it.
            const bool moved = channel_fd == kChildChannelFd ? fcntl(channel_fd, F_SETFD, 0) == 0
                                                             : dup2(channel_fd, kChildChannelFd) == kChildChannelFd;
            if (!moved) _exit(127);
        }
        execvpe(args[0], args.data(), envp.data());
        std::fprintf(stderr, "cirrus-compositor: cannot run %s: %s (see [apps] in the config)\n", args[0],
                     std::strerror(errno));
        _exit(127);
    }
    if (pid < 0) wlr_log_errno(WLR_ERROR, "fork for %s", args[0]);
    return pid;
}

void Supervisor::install_bundled_apps() {
    bundled_installer_ = spawn({find_program("cirrus", "launcher"), "install-bundled"});
}

Supervisor::LaunchResult Supervisor::launch(const std::string& app) {
    LaunchResult result;  // the id is checked by Server::launch_app, its one caller
    result.action = table_.on_launch_request(app);
    result.pid = table_.pid_for_app(app).value_or(-1);
    switch (result.action) {
    case LaunchAction::spawn:
        if (const auto standby = hand_to_standby(app)) {
            result.pid = *standby;
            report(app, Change::launching);
        } else {
            result.pid = spawn({find_program(server_.config.app_host, "webapp-host"), "--app", app});
            if (result.pid < 0) {
                result.error = "cannot start the host for " + app;
            } else {
                table_.started(app, result.pid, server_.uptime_ms());
                report(app, Change::launching);
            }
        }
        schedule_standby();
        break;
    case LaunchAction::focus:
        // The app's own window (not a dialog) comes forward with its dialogs.
        for (const auto& view : server_.views) {
            if (view->pid == result.pid && view->mapped() && !view->parent()) {
                server_.focus_view(view.get());
                break;
            }
        }
        break;
    case LaunchAction::wait:
        break;
    }
    return result;
}

void Supervisor::child_exited(pid_t pid, int status) {
    if (pid == bundled_installer_) {
        bundled_installer_ = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            wlr_log(WLR_ERROR, "installing the bundled apps failed (run `cirrus install-bundled` to see why)");
        }
        return;
    }
    if (table_.standby_gone(pid)) {
        // A standby host waits for as long as it takes: ending before it has
        // an app is a failure (a crash, a kill, a host without --standby).
        close_channel(pid);
        planner_.failed(server_.uptime_ms());
        const int failures = planner_.failures();
        schedule_standby();
        wlr_log(WLR_ERROR,
                "standby host (pid %d) %s before it was given an app (%d in a row); another starts after a "
                "back-off (run `%s --standby --standby-fd 3` by hand to see why, or set [apps] prestart = 0)",
                static_cast<int>(pid), describe_exit(status).c_str(), failures, server_.config.app_host.c_str());
        return;
    }
    const auto app = table_.exited(pid);
    if (!app) return;
    report(*app, Change::closed);
    schedule_standby();  // a launch that ended holds nothing back
    if (WIFSIGNALED(status)) {
        wlr_log(WLR_ERROR, "app %s: its host (pid %d) was killed by signal %d", app->c_str(), static_cast<int>(pid),
                WTERMSIG(status));
    } else if (WEXITSTATUS(status) != 0) {
        wlr_log(WLR_ERROR, "app %s: its host (pid %d) exited with status %d", app->c_str(), static_cast<int>(pid),
                WEXITSTATUS(status));
    }
}

void Supervisor::window_mapped(const XdgView& view) {
    const auto app = table_.app_for_pid(view.pid);
    const bool was_running = app && table_.on_launch_request(*app) == LaunchAction::focus;
    if (table_.window_mapped(view.pid, server_.uptime_ms()) && !was_running) {
        report(*app, Change::running);
        schedule_standby();  // the replacement waits for this launch to settle
    }
}

// --- standby hosts ----------------------------------------------------------

std::optional<pid_t> Supervisor::hand_to_standby(const std::string& app) {
    while (const auto pid = table_.pick_standby()) {
        auto it = std::find_if(channels_.begin(), channels_.end(), [&](const auto& c) { return c->pid == *pid; });
        // pid -> app first: the host may connect again (cirrus_app_v1) as soon
        // as it reads its app, and by then its windows must be the app's.
        table_.assign_standby(*pid, app, server_.uptime_ms());
        const std::string line = standby::open_line(app);
        if (it != channels_.end() && send((*it)->fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT) ==
                                         static_cast<ssize_t>(line.size())) {
            close_channel(*pid);  // one app per host: the channel has done its work
            planner_.served();
            wlr_log(WLR_INFO, "app %s: served by standby host pid %d", app.c_str(), static_cast<int>(*pid));
            return *pid;
        }
        // Its channel is gone (the host is exiting): it cannot serve. Undo,
        // and let it go; its exit is then nobody's.
        wlr_log(WLR_ERROR, "standby host pid %d does not take its app (%s); giving it up", static_cast<int>(*pid),
                it == channels_.end() ? "channel closed" : std::strerror(errno));
        table_.exited(*pid);
        close_channel(*pid);
        kill(*pid, SIGTERM);
        planner_.failed(server_.uptime_ms());
    }
    return std::nullopt;
}

void Supervisor::start_standby() {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0) {
        wlr_log_errno(WLR_ERROR, "socketpair for a standby host");
        planner_.failed(server_.uptime_ms());
        return;
    }
    // Only the compositor holds fds[0], and only this child gets fds[1]
    // (every other child loses it at exec): nobody else can name an app to
    // the host.
    const pid_t pid = spawn({find_program(server_.config.app_host, "webapp-host"), "--standby", "--standby-fd",
                             std::to_string(kChildChannelFd)},
                            fds[1]);
    close(fds[1]);
    if (pid < 0) {
        close(fds[0]);
        planner_.failed(server_.uptime_ms());
        return;
    }
    auto channel = std::make_unique<Channel>();
    channel->supervisor = this;
    channel->pid = pid;
    channel->fd = fds[0];
    channel->source =
        wl_event_loop_add_fd(server_.loop, fds[0], WL_EVENT_READABLE, &Supervisor::handle_channel, channel.get());
    if (!channel->source) {
        // Unreachable, it cannot serve: stop it (its exit is nobody's).
        wlr_log(WLR_ERROR, "cannot watch the channel of standby host pid %d; stopping it", static_cast<int>(pid));
        close(fds[0]);
        kill(pid, SIGTERM);
        planner_.failed(server_.uptime_ms());
        return;
    }
    table_.standby_started(pid, server_.uptime_ms());
    channels_.push_back(std::move(channel));
}

void Supervisor::schedule_standby() {
    if (!standby_timer_ || server_.shutting_down) return;
    const std::uint64_t now = server_.uptime_ms();
    const std::uint64_t busy = std::max(table_.busy_until(kStandbySettleMs, kStandbyPatienceMs), kStandbyStartDelayMs);
    const auto delay = planner_.delay_before_next(now, static_cast<int>(table_.standby().size()), busy);
    // 0 disarms a wl_event_loop timer: "now" is 1 ms.
    const auto ms = delay ? std::clamp<std::uint64_t>(*delay, 1, StandbyPlanner::kMaxBackoffMs) : 0;
    wl_event_source_timer_update(standby_timer_, static_cast<int>(ms));
}

// The two event-loop callbacks: no C++ exception may unwind through
// libwayland's C frames.
int Supervisor::handle_standby_timer(void* data) {
    auto* self = static_cast<Supervisor*>(data);
    try {
        const auto delay = self->planner_.delay_before_next(
            self->server_.uptime_ms(), static_cast<int>(self->table_.standby().size()),
            std::max(self->table_.busy_until(kStandbySettleMs, kStandbyPatienceMs), kStandbyStartDelayMs));
        if (delay && *delay == 0) self->start_standby();
        self->schedule_standby();  // the next one, or a later time if it came early
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "starting a standby host: %s", e.what());
    }
    return 0;
}

int Supervisor::handle_channel(int, std::uint32_t mask, void* data) {
    auto* channel = static_cast<Channel*>(data);
    try {
        channel->supervisor->read_channel(*channel, mask);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "reading a standby host's channel: %s", e.what());
    }
    return 0;
}

void Supervisor::read_channel(Channel& channel, std::uint32_t mask) {
    char buffer[64];
    bool closed = (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) != 0;
    bool ready = false;
    for (;;) {
        const ssize_t n = recv(channel.fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            ready |= channel.ready.add(std::string_view(buffer, static_cast<std::size_t>(n)));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) closed = true;
        break;
    }
    if (ready) table_.standby_ready(channel.pid);
    // A host that closed its end can take no app; its exit (SIGCHLD) takes it
    // out of the pool, and until then a launch passes it over.
    if (closed) close_channel(channel.pid);  // destroys `channel`
}

void Supervisor::close_channel(pid_t pid) {
    auto it = std::find_if(channels_.begin(), channels_.end(), [pid](const auto& c) { return c->pid == pid; });
    if (it == channels_.end()) return;
    if ((*it)->source) wl_event_source_remove((*it)->source);  // safe from inside its own callback
    close((*it)->fd);
    channels_.erase(it);
}

}  // namespace cirrus
