// cirrus-shell: the phone's status bar and home screen, a Wayland client on
// layer-shell surfaces that cirrus-compositor starts as a trusted client.
//
// Everything runs in one thread around one poll(): the Wayland connection,
// SIGTERM/SIGINT (signalfd), the minute timer of the clock, inotify on the
// app registry, short one-shot timers, and GLib's main context for the
// system bus (UPower's battery, ModemManager's modems; GDBus reads the
// socket in its own thread and wakes the loop with an event fd). Nothing
// polls: with nothing changing on screen the process sleeps until the next
// minute.
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <sys/signalfd.h>
#include <unistd.h>

#include "app_list.hpp"
#include "banners.hpp"
#include "battery.hpp"
#include "clock.hpp"
#include "glib_loop.hpp"
#include "home_screen.hpp"
#include "lock_screen.hpp"
#include "modem_watch.hpp"
#include "permission_prompt.hpp"
#include "protocols.hpp"
#include "shell_protocol.hpp"
#include "status_bar.hpp"
#include "storage_notice.hpp"
#include "switcher.hpp"
#include "system_bus.hpp"
#include "timer.hpp"
#include "uninstall.hpp"
#include "upower_watch.hpp"
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
  --locked          start with the lock screen up (a device's boot; tests)
  --version         print the version

Environment: CIRRUS_POWER_SUPPLY_DIR replaces /sys/class/power_supply (a
simulated battery for tests); DBUS_SYSTEM_BUS_ADDRESS names the system bus
where UPower (the battery, preferred to sysfs) and ModemManager (network
type and signal) are looked for.
)";

// Coalesces a burst of registry writes (an install writes several times).
constexpr int reload_delay_ms = 50;

struct Options {
    std::filesystem::path registry;
    bool locked = false;
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
        } else if (a == "--locked") {
            o.locked = true;
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
    // The compositor's link estimate comes right after binding, before the
    // status bar exists: kept here, and handed on once the bar is made.
    static_assert(CIRRUS_SHELL_V1_LINK_OFFLINE == 0 && CIRRUS_SHELL_V1_LINK_SLOW_2G == 1 &&
                  CIRRUS_SHELL_V1_LINK_CELLULAR_3G == 2 && CIRRUS_SHELL_V1_LINK_GOOD == 3);
    LinkState link = LinkState::unknown;
    StatusBar* link_shown_on = nullptr;
    protocol.on_link_state = [&](std::uint32_t value) {
        link = link_state_from_protocol(value);
        if (link_shown_on) client.guard("link_state", [&] { link_shown_on->set_link_state(link); });
    };
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
    bar.set_link_state(link);
    link_shown_on = &bar;

    // The battery: UPower's while it has one, else sysfs (re-read each
    // minute, and whenever UPower's changes: three small files).
    std::optional<BatteryStatus> upower_battery;
    const auto refresh_battery = [&] { bar.set_battery(choose_battery(upower_battery, read_battery(supplies))); };
    refresh_battery();

    // The system bus, in the background, once the first frame is out (see
    // below): without one the bar keeps sysfs and shows no modem. Torn down
    // in reverse: the watchers, then the bus, then the GLib loop (whose
    // tear-down runs the callbacks of what was cancelled).
    GlibLoop glib(client);
    SystemBus system_bus;
    std::unique_ptr<UPowerWatch> upower;
    std::unique_ptr<ModemWatch> modems;
    const auto watch_system_services = [&](GDBusConnection* bus) {
        upower = std::make_unique<UPowerWatch>(bus, [&](std::optional<BatteryStatus> battery) {
            client.guard("UPower", [&] {
                upower_battery = battery;
                refresh_battery();
            });
        });
        modems = std::make_unique<ModemWatch>(bus, [&](std::optional<ModemReading> modem) {
            client.guard("ModemManager", [&] { bar.set_modem(modem); });
        });
    };
    bar.set_theme(protocol.state().front_app.empty() ? 0 : protocol.state().front_theme);

    // The app switcher, and the order of the running apps it shows: the
    // compositor says which app is in front, the shell keeps the order.
    Switcher switcher(client, protocol, apps);
    RecentApps recent;
    const auto track_recent = [&](const CompositorState& state) {
        std::vector<std::string> running;
        for (const auto& [app, app_state] : state.apps) running.push_back(app);
        recent.update(state.front_app, running);
    };
    track_recent(protocol.state());

    // The overlays: the lock screen, notification banners and permission
    // questions. Notifications that come while locked go to the lock
    // screen's list; questions wait, hidden, until the unlock.
    LockScreen lock(client, protocol, apps);
    Banners banners(client, protocol, apps);
    PermissionPrompt prompt(client, protocol, apps);
    lock.on_locked = [&] {
        for (Notice& n : banners.take_all()) lock.add_notification(std::move(n));
        prompt.set_suspended(true);
    };
    lock.on_unlocked = [&] { prompt.set_suspended(false); };
    protocol.on_notification = [&](std::uint32_t id, const std::string& app, const std::string& title,
                                   const std::string& body) {
        Notice n{id, app, title, body};
        if (lock.locked()) lock.add_notification(std::move(n));
        else banners.push(std::move(n));
    };
    protocol.on_notification_closed = [&](std::uint32_t id) {
        lock.remove_notification(id);
        banners.remove(id);
    };
    protocol.on_permission_request = [&](std::uint32_t request_id, const std::string& app,
                                         const std::string& permission) {
        prompt.ask({request_id, app, permission});
    };
    StorageNotices storage(apps);  // read-only, full or damaged storage
    for (Notice& n : storage.take_new()) banners.push(std::move(n));
    protocol.deliver_held();  // what a restarted shell was sent as it bound
    lock.compositor_locked(protocol.state().locked);
    if (options.locked) lock.lock();
    protocol.on_state = [&](const CompositorState& state) {
        track_recent(state);
        switcher.compositor_state(state);
        bar.set_theme(state.front_app.empty() ? 0 : state.front_theme);
        home.compositor_state(state);
        lock.compositor_locked(state.locked);
    };
    protocol.on_launch_failed = [&](const std::string&, const std::string&) { home.release_pressed(); };
    protocol.on_gesture = [&](std::uint32_t gesture) {
        if (gesture == CIRRUS_SHELL_V1_GESTURE_HOME || gesture == CIRRUS_SHELL_V1_GESTURE_HOME_KEY) {
            // From the switcher the compositor has already gone home: the
            // home screen stays on its page.
            if (switcher.is_open()) switcher.close();
            else home.go_home(protocol.state());
        } else if (gesture == CIRRUS_SHELL_V1_GESTURE_SWITCHER && !switcher.is_open()) {
            const LayerSurface& screen = home.surface();  // the whole output
            if (!switcher.open(recent.order(), screen.width(), screen.height(), screen.scale())) {
                // No app to switch to: the compositor must not keep the
                // apps hidden for a switcher nobody draws.
                protocol.set_switcher(false);
                protocol.show_home();
            }
        }
    };
    client.outputs_changed = [&] {
        bar.surface().update_scale();
        home.surface().update_scale();
        lock.update_scale();
        banners.update_scale();
        prompt.update_scale();
        switcher.update_scale();
    };

    client.watch_fd(signals, [&] {
        signalfd_siginfo info{};
        if (read(signals, &info, sizeof(info)) == static_cast<ssize_t>(sizeof(info))) client.quit(0);
    });
    client.watch_fd(minute.fd(), [&] {
        minute.rearm();
        bar.set_time(std::time(nullptr));
        refresh_battery();  // a minute is fresh enough for sysfs; UPower says when it changes
        lock.set_time(std::time(nullptr));
    });
    client.watch_fd(watch.fd(), [&] {
        if (watch.changed() && !reload_timer.armed()) reload_timer.arm(reload_delay_ms);
    });
    client.watch_fd(reload_timer.fd(), [&] {
        if (!reload_timer.consume()) return;
        home.reload();
        for (Notice& n : storage.take_new()) banners.push(std::move(n));
    });
    client.watch_fd(home.press_timer().fd(), [&] {
        if (home.press_timer().consume()) home.release_pressed();
    });
    client.watch_fd(home.edit_timer().fd(), [&] {
        if (home.edit_timer().consume()) home.edit_timer_fired();
    });
    home.on_remove = [&](const std::string& id) { start_uninstall(options.registry, id); };
    client.watch_fd(banners.timer().fd(), [&] { banners.timer_expired(); });
    client.watch_fd(switcher.restore_timer().fd(), [&] { switcher.restore_timer_fired(); });
    client.before_wait([&] {
        bar.surface().flush();
        home.surface().flush();
        lock.flush();
        banners.flush();
        prompt.flush();
        switcher.flush();
    });
    // The first frame of the bar and the home screen has just been drawn:
    // connect to the system bus from the loop's next turn, after the loop
    // has sent that frame, so that start-up never waits on D-Bus.
    bool bus_requested = false;
    client.before_wait([&] {
        if (bus_requested || !bar.surface().configured() || !home.surface().configured()) return;
        bus_requested = true;
        system_bus.connect_soon(watch_system_services);
    });

    std::fprintf(stderr, "cirrus-shell: running (registry %s, cirrus_shell_v1 %s)\n", options.registry.c_str(),
                 protocol.available() ? "bound" : "missing");
    const int status = client.run();
    client.outputs_changed = nullptr;
    link_shown_on = nullptr;
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parse(argc, argv);
    // Dates in the user's language (the lock screen); numbers stay plain.
    std::setlocale(LC_ALL, "");
    std::setlocale(LC_NUMERIC, "C");
    std::signal(SIGPIPE, SIG_IGN);
    try {
        return run(options);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: %s\n", e.what());
        return 1;
    }
}
