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

pid_t Supervisor::spawn(std::vector<std::string> argv) {
    const std::vector<std::string> env = host_environment(current_environment(), server_.socket_name);
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
    LaunchResult result;
    if (!valid_app_id(app)) {
        result.error = "'" + app + "' is not an app id (lowercase letters, digits, '.', '_', '-')";
        return result;
    }
    result.action = table_.on_launch_request(app);
    result.pid = table_.pid_for_app(app).value_or(-1);
    switch (result.action) {
    case LaunchAction::spawn:
        result.pid = spawn({find_program(server_.config.app_host, "webapp-host"), "--app", app});
        if (result.pid < 0) {
            result.error = "cannot start the host for " + app;
        } else {
            table_.started(app, result.pid, server_.uptime_ms());
            report(app, Change::launching);
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
    if (pid == bundled_installer_) {
        bundled_installer_ = -1;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            wlr_log(WLR_ERROR, "installing the bundled apps failed (run `cirrus install-bundled` to see why)");
        }
        return;
    }
    const auto app = table_.exited(pid);
    if (!app) return;
    report(*app, Change::closed);
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
    if (table_.window_mapped(view.pid) && !was_running) report(*app, Change::running);
}

}  // namespace cirrus
