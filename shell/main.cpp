// cirrus-shell: the phone's status bar and home screen, a Wayland client on
// layer-shell surfaces that cirrus-compositor starts as a trusted client.
//
// Everything runs in one thread around one poll(): the Wayland connection,
// SIGTERM/SIGINT (signalfd), the minute timer of the clock, inotify on the
// app registry, and two short one-shot timers. Nothing polls: with nothing
// changing on screen the process sleeps until the next minute.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <string>

#include <sys/signalfd.h>
#include <unistd.h>

#include "app_list.hpp"
#include "battery.hpp"
#include "clock.hpp"
#include "home_screen.hpp"
#include "protocols.hpp"
#include "shell_protocol.hpp"
#include "status_bar.hpp"
#include "timer.hpp"
#include "wayland_client.hpp"

#ifndef CIRRUS_VERSION
#define CIRRUS_VERSION "unknown"
#endif

using namespace cirrus::shell;

namespace {

constexpr const char* usage = R"(usage: cirrus-shell [--registry FILE]

The Cirrus status bar and home screen. cirrus-compositor starts it as a
trusted client (cirrus-compositor --trusted cirrus-shell); it needs the
compositor's layer-shell, which only trusted clients see.

  --registry FILE   the app registry (default: $CIRRUS_REGISTRY, else
                    $XDG_DATA_HOME/cirrus/registry.db)
  --version         print the version

Environment: CIRRUS_POWER_SUPPLY_DIR replaces /sys/class/power_supply (a
simulated battery for tests).
)";

// Coalesces a burst of registry writes (an install writes several times).
constexpr int reload_delay_ms = 50;

struct Options {
    std::filesystem::path registry;
};

// Exits with status 2 on a usage error.
Options parse(int argc, char** argv) {
    Options o;
    if (const char* env = std::getenv("CIRRUS_REGISTRY"); env && *env) o.registry = env;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (a == "--version") {
            std::puts("cirrus-shell " CIRRUS_VERSION);
            std::exit(0);
        } else if (a == "--registry" && i + 1 < argc) {
            o.registry = argv[++i];
        } else {
            std::fprintf(stderr, "cirrus-shell: unknown option %s\n%s", a.c_str(), usage);
            std::exit(2);
        }
    }
    if (o.registry.empty()) o.registry = cirrus::launcher::default_registry_path();
    return o;
}

// SIGTERM and SIGINT as a file descriptor: a clean stop from the loop,
// never from inside a signal handler.
int termination_signals() {
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) return -1;
    return signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
}

int run(const Options& options) {
    const int signals = termination_signals();
    if (signals < 0) throw ShellError(std::string("signalfd: ") + std::strerror(errno));
    struct CloseFd {
        int fd;
        ~CloseFd() { close(fd); }
    } close_signals{signals};

    WaylandClient client;
    ShellProtocol protocol(client);  // listens from the moment it is bound
    client.bind_globals();
    if (!protocol.available()) {
        std::fprintf(stderr, "cirrus-shell: the compositor does not offer cirrus_shell_v1: "
                             "tapping an icon cannot launch its app\n");
    }

    AppList apps(options.registry);
    RegistryWatch watch(options.registry);
    Timer reload_timer;
    MinuteTimer minute;
    const std::filesystem::path supplies = power_supply_dir();

    StatusBar bar(client);
    HomeScreen home(client, apps, protocol);
    bar.set_time(std::time(nullptr));
    bar.set_battery(read_battery(supplies));
    bar.set_theme(protocol.state().front_app.empty() ? 0 : protocol.state().front_theme);

    // This shell has no lock screen and no switcher yet (their own parts of
    // the shell's issue). The compositor hides the apps for both and waits
    // for the shell to end them; so that a phone is never left with its
    // apps hidden behind a screen nobody draws, the shell ends them at once:
    // the power key then only blanks, and the switcher gesture goes home.
    const auto decline_lock = [&](const CompositorState& state) {
        if (state.locked) protocol.set_locked(false);
    };
    decline_lock(protocol.state());
    protocol.on_state = [&](const CompositorState& state) {
        bar.set_theme(state.front_app.empty() ? 0 : state.front_theme);
        home.compositor_state(state);
        decline_lock(state);
    };
    protocol.on_launch_failed = [&](const std::string&, const std::string&) { home.release_pressed(); };
    protocol.on_gesture = [&](std::uint32_t gesture) {
        if (gesture == CIRRUS_SHELL_V1_GESTURE_HOME || gesture == CIRRUS_SHELL_V1_GESTURE_HOME_KEY) {
            home.go_home(protocol.state());
        } else if (gesture == CIRRUS_SHELL_V1_GESTURE_SWITCHER) {
            protocol.set_switcher(false);
            protocol.show_home();
        }
    };
    client.outputs_changed = [&] {
        bar.surface().update_scale();
        home.surface().update_scale();
    };

    client.watch_fd(signals, [&] {
        signalfd_siginfo info{};
        if (read(signals, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) client.quit(0);
    });
    client.watch_fd(minute.fd(), [&] {
        minute.rearm();
        bar.set_time(std::time(nullptr));
        bar.set_battery(read_battery(supplies));  // a minute is fresh enough for a battery
    });
    client.watch_fd(watch.fd(), [&] {
        if (watch.changed() && !reload_timer.armed()) reload_timer.arm(reload_delay_ms);
    });
    client.watch_fd(reload_timer.fd(), [&] {
        if (reload_timer.consume()) home.reload();
    });
    client.watch_fd(home.press_timer().fd(), [&] {
        if (home.press_timer().consume()) home.release_pressed();
    });
    client.before_wait([&] {
        bar.surface().flush();
        home.surface().flush();
    });

    std::fprintf(stderr, "cirrus-shell: running (registry %s, cirrus_shell_v1 %s)\n", options.registry.c_str(),
                 protocol.available() ? "bound" : "missing");
    const int status = client.run();
    client.outputs_changed = nullptr;
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: %s\n", e.what());
        return 1;
    }
}
