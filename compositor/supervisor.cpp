#include "supervisor.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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

}  // namespace

std::string Supervisor::host_program() const {
    const std::string& host = server_.config.app_host;
    if (host.find('/') != std::string::npos) return host;
    // In a build tree the host sits beside the compositor's folder; installed,
    // both are on PATH.
    std::error_code ec;
    const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const auto built = self.parent_path().parent_path() / "webapp-host" / host;
        if (access(built.c_str(), X_OK) == 0) return built.string();
    }
    return host;
}

pid_t Supervisor::spawn_host(const std::string& app) {
    const std::string program = host_program();
    const std::vector<std::string> env = host_environment(current_environment(), server_.socket_name);
    std::vector<char*> envp;
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    std::string app_arg = app;
    char app_flag[] = "--app";
    char* argv[] = {const_cast<char*>(program.c_str()), app_flag, app_arg.data(), nullptr};

    const pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        setsid();
        execvpe(argv[0], argv, envp.data());
        std::fprintf(stderr, "cirrus-compositor: cannot run the app host %s: %s (set [apps] host or --app-host)\n",
                     argv[0], std::strerror(errno));
        _exit(127);
    }
    if (pid < 0) wlr_log_errno(WLR_ERROR, "fork for app %s", app.c_str());
    return pid;
}

Supervisor::LaunchResult Supervisor::launch(const std::string& app) {
    LaunchResult result;
    if (!valid_app_id(app)) {
        result.error = "'" + app + "' is not an app id (lowercase letters, digits, '.', '_', '-')";
        return result;
    }
    result.action = table_.on_launch_request(app);
    result.pid = table_.pid_for_app(app).value_or(-1);
    switch (result.action) {
    case LaunchAction::spawn:
        result.pid = spawn_host(app);
        if (result.pid < 0) {
            result.error = "cannot start the host for " + app;
        } else {
            table_.started(app, result.pid, server_.uptime_ms());
        }
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
    const auto app = table_.exited(pid);
    if (!app) return;
    if (WIFSIGNALED(status)) {
        wlr_log(WLR_ERROR, "app %s: its host (pid %d) was killed by signal %d", app->c_str(), static_cast<int>(pid),
                WTERMSIG(status));
    } else if (WEXITSTATUS(status) != 0) {
        wlr_log(WLR_ERROR, "app %s: its host (pid %d) exited with status %d", app->c_str(), static_cast<int>(pid),
                WEXITSTATUS(status));
    }
}

void Supervisor::window_mapped(const XdgView& view) {
    table_.window_mapped(view.pid);
}

}  // namespace cirrus
