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
//
// Each part of the shell -- a surface, the system bus, the signals -- says
// what it needs from that loop (shell_part.hpp); run() makes the parts,
// lists them once, and sets the few rules between them.
#include <clocale>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <utility>

#include "app_list.hpp"
#include "banners.hpp"
#include "home_screen.hpp"
#include "lock_screen.hpp"
#include "install_sheet.hpp"
#include "permission_prompt.hpp"
#include "protocols.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"
#include "status_bar.hpp"
#include "storage_notice.hpp"
#include "sync_watch.hpp"
#include "stop_signals.hpp"
#include "switcher.hpp"
#include "system_status.hpp"
#include "uninstall.hpp"
#include "wayland_client.hpp"

#ifndef CIRRUS_VERSION
#define CIRRUS_VERSION "unknown"
#endif

using namespace cirrus::shell;

namespace {

constexpr const char* kUsage = R"(usage: cirrus-shell [--registry FILE]

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
            std::fputs(kUsage, stdout);
            std::exit(0);
        } else if (a == "--version") {
            std::puts("cirrus-shell " CIRRUS_VERSION);
            std::exit(0);
        } else if (a == "--registry" && i + 1 < argc) {
            o.registry = argv[++i];
        } else if (a == "--locked") {
            o.locked = true;
        } else {
            std::fprintf(stderr, "cirrus-shell: unknown option %s\n%s", a.c_str(), kUsage);
            std::exit(2);
        }
    }
    if (o.registry.empty()) o.registry = cirrus::launcher::default_registry_path();
    return o;
}

// The overlays share the screen by these rules: notifications that come
// while locked go to the lock screen's list, the others to banners; the
// lock takes the banners shown or waiting; permission questions wait,
// hidden, until the unlock.
void share_overlays(ShellProtocol& protocol, LockScreen& lock, Banners& banners, PermissionPrompt& prompt) {
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
}

// The compositor's gestures: home (the gesture or the key) closes the
// switcher or goes home; the switcher gesture opens it over the whole output.
void follow_gestures(ShellProtocol& protocol, HomeScreen& home, Switcher& switcher) {
    protocol.on_gesture = [&](std::uint32_t gesture) {
        if (gesture == CIRRUS_SHELL_V1_GESTURE_HOME || gesture == CIRRUS_SHELL_V1_GESTURE_HOME_KEY) {
            // From the switcher the compositor has already gone home: the
            // home screen stays on its page.
            if (switcher.is_open()) switcher.close();
            else home.go_home(protocol.state());
        } else if (gesture == CIRRUS_SHELL_V1_GESTURE_SWITCHER && !switcher.is_open()) {
            const LayerSurface& screen = home.surface();  // the whole output
            if (!switcher.open(screen.width(), screen.height(), screen.scale())) {
                // No app to switch to: the compositor must not keep the
                // apps hidden for a switcher nobody draws.
                protocol.set_switcher(false);
                protocol.show_home();
            }
        }
    };
}

int run(const Options& options) {
    StopSignals stop;  // first: a SIGTERM during start-up waits for the loop
    WaylandClient client;
    ShellProtocol protocol(client);  // listens from the moment it is bound
    client.bind_globals();
    if (!protocol.available()) {
        std::fprintf(stderr,
                     "cirrus-shell: the compositor does not offer cirrus_shell_v1: "
                     "tapping an icon cannot launch its app\n");
    }
    stop.on_stop = [&] { client.quit(0); };

    AppList apps(options.registry);
    StatusBar bar(client);
    HomeScreen home(client, apps, protocol);
    LockScreen lock(client, protocol, apps);
    Banners banners(client, protocol, apps);
    PermissionPrompt prompt(client, protocol, apps);
    InstallSheet install_sheet(client, protocol);
    Switcher switcher(client, protocol, apps);
    SystemStatus system_status(client, bar, {&bar.surface(), &home.surface()});
    SyncWatch sync_watch;  // cirrus-sync's status file: the bar's sync icon
    sync_watch.set_on_change([&](const SyncIndicator& sync) { bar.set_sync(sync); });
    // Every part of the shell, once; their hooks run in this order (the
    // surfaces draw before the system bus may be connected).
    ShellParts parts(
        client, protocol,
        {&stop, &bar, &home, &lock, &banners, &prompt, &install_sheet, &switcher, &system_status, &sync_watch});

    static_assert(CIRRUS_SHELL_V1_LINK_OFFLINE == 0 && CIRRUS_SHELL_V1_LINK_SLOW_2G == 1 &&
                  CIRRUS_SHELL_V1_LINK_CELLULAR_3G == 2 && CIRRUS_SHELL_V1_LINK_GOOD == 3);
    bar.set_link_state(protocol.last_link_state() ? link_state_from_protocol(*protocol.last_link_state())
                                                  : LinkState::unknown);
    protocol.on_link_state = [&](std::uint32_t link) { bar.set_link_state(link_state_from_protocol(link)); };
    static_assert(CIRRUS_SHELL_V1_LINK_KIND_WIRED == 1 && CIRRUS_SHELL_V1_LINK_KIND_WIFI == 2 &&
                  CIRRUS_SHELL_V1_LINK_KIND_CELLULAR == 3);
    bar.set_link_kind(protocol.last_link_kind() ? link_kind_from_protocol(*protocol.last_link_kind())
                                                : LinkKind::unknown);
    protocol.on_link_kind = [&](std::uint32_t kind) { bar.set_link_kind(link_kind_from_protocol(kind)); };
    home.on_remove = [&](const std::string& id) { start_uninstall(options.registry, id); };
    protocol.on_launch_failed = [&](const std::string&, const std::string&) { home.release_pressed(); };
    share_overlays(protocol, lock, banners, prompt);
    StorageNotices storage(apps);  // read-only, full or damaged storage: said as banners
    const auto say_storage = [&] {
        for (Notice& n : storage.take_new()) banners.push(std::move(n));
    };
    say_storage();
    home.on_registry_reloaded = say_storage;
    follow_gestures(protocol, home, switcher);
    protocol.on_install_offer = [&](const ShellProtocol::InstallOffer& offer) { install_sheet.show(offer); };
    protocol.on_install_progress = [&](const std::string& app, const std::string& name, const std::string& icon,
                                       std::uint32_t done,
                                       std::uint32_t total) { home.install_progress(app, name, icon, done, total); };
    protocol.on_install_finished = [&](const std::string& app) { home.install_finished(app); };
    protocol.on_install_failed = [&](const std::string& app, const std::string& reason) {
        home.install_failed(app, reason);
    };
    protocol.deliver_held();  // what a restarted shell was sent as it bound
    protocol.deliver_install_held();
    parts.compositor_state();
    if (options.locked) lock.lock();

    std::fprintf(stderr, "cirrus-shell: running (registry %s, cirrus_shell_v1 %s)\n", options.registry.c_str(),
                 protocol.available() ? "bound" : "missing");
    return client.run();
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
