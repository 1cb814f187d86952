// App supervision decisions: what a launch does, which app a pid runs, and
// what a host's environment may contain.

#include <doctest/doctest.h>

#include <algorithm>

#include "app_table.hpp"

using namespace cirrus;

TEST_CASE("a launch spawns, waits while launching, and focuses once a window mapped") {
    AppTable table;
    CHECK(table.on_launch_request("notes") == LaunchAction::spawn);
    table.started("notes", 100, 5);
    CHECK(table.on_launch_request("notes") == LaunchAction::wait);
    CHECK(table.on_launch_request("calculator") == LaunchAction::spawn);
    CHECK(table.window_mapped(100, 7));
    CHECK(table.on_launch_request("notes") == LaunchAction::focus);
    REQUIRE(table.processes().size() == 1);
    CHECK(table.processes()[0].state == AppState::running);
    CHECK(table.processes()[0].started_ms == 5);
    CHECK(table.processes()[0].mapped_ms == 7);
    CHECK_FALSE(table.processes()[0].from_standby);
    // A second window (a dialog) does not move the time its app became running.
    CHECK(table.window_mapped(100, 90));
    CHECK(table.processes()[0].mapped_ms == 7);
}

TEST_CASE("windows of processes the compositor did not start belong to no app") {
    AppTable table;
    table.started("notes", 100, 0);
    CHECK_FALSE(table.window_mapped(200, 1));
    CHECK_FALSE(table.app_for_pid(200).has_value());
    CHECK(table.app_for_pid(100) == "notes");
    CHECK(table.pid_for_app("notes") == 100);
    CHECK_FALSE(table.pid_for_app("weather").has_value());
}

TEST_CASE("a host that exits frees its app for the next launch") {
    AppTable table;
    table.started("notes", 100, 0);
    table.window_mapped(100, 1);
    CHECK_FALSE(table.exited(555).has_value());
    CHECK(table.exited(100) == "notes");
    CHECK(table.processes().empty());
    CHECK(table.on_launch_request("notes") == LaunchAction::spawn);
    CHECK_FALSE(table.app_for_pid(100).has_value());
}

TEST_CASE("a host's environment keeps locale, XDG dirs and CIRRUS_*, and nothing else") {
    const std::vector<std::string> parent = {
        "PATH=/usr/bin",
        "HOME=/root",
        "LANG=zh_CN.UTF-8",
        "LC_TIME=en_GB.UTF-8",
        "TZ=Asia/Shanghai",
        "XDG_RUNTIME_DIR=/run/user/0",
        "XDG_DATA_HOME=/data",
        "CIRRUS_REGISTRY=/data/r.db",
        "DISPLAY=:0",
        "DBUS_SESSION_BUS_ADDRESS=unix:path=/x",
        "LD_PRELOAD=/evil.so",
        "WAYLAND_DISPLAY=wayland-9",
        "WLR_BACKENDS=headless",
        "PATHOLOGICAL=1",
        "not-an-assignment",
    };
    const auto env = host_environment(parent, "wayland-1");
    CHECK(std::find(env.begin(), env.end(), "JSC_useJIT=false") == env.end());  // the JIT by default
    auto has = [&](const std::string& entry) { return std::find(env.begin(), env.end(), entry) != env.end(); };
    CHECK(has("PATH=/usr/bin"));
    CHECK(has("LANG=zh_CN.UTF-8"));
    CHECK(has("LC_TIME=en_GB.UTF-8"));
    CHECK(has("TZ=Asia/Shanghai"));
    CHECK(has("XDG_RUNTIME_DIR=/run/user/0"));
    CHECK(has("CIRRUS_REGISTRY=/data/r.db"));
    CHECK(has("WAYLAND_DISPLAY=wayland-1"));
    CHECK_FALSE(has("WAYLAND_DISPLAY=wayland-9"));
    CHECK_FALSE(has("DISPLAY=:0"));
    CHECK_FALSE(has("DBUS_SESSION_BUS_ADDRESS=unix:path=/x"));
    CHECK_FALSE(has("LD_PRELOAD=/evil.so"));
    CHECK_FALSE(has("WLR_BACKENDS=headless"));
    CHECK_FALSE(has("PATHOLOGICAL=1"));
    CHECK(env.size() == 9);
}

TEST_CASE("without the JIT, a host's environment carries JavaScriptCore's own switch, and a parent's never passes") {
    const std::vector<std::string> parent = {"PATH=/usr/bin", "JSC_useJIT=true", "JSC_useDFGJIT=false"};
    const auto on = host_environment(parent, "wayland-1", true);
    const auto off = host_environment(parent, "wayland-1", false);
    auto has = [](const std::vector<std::string>& env, const std::string& entry) {
        return std::find(env.begin(), env.end(), entry) != env.end();
    };
    CHECK_FALSE(has(on, "JSC_useJIT=true"));  // the compositor's own JSC settings stay its own
    CHECK_FALSE(has(on, "JSC_useDFGJIT=false"));
    CHECK_FALSE(has(on, "JSC_useJIT=false"));
    CHECK(has(off, "JSC_useJIT=false"));
    CHECK_FALSE(has(off, "JSC_useJIT=true"));
    CHECK(off.size() == on.size() + 1);
}

TEST_CASE("a web memory limit reaches the host as CIRRUS_WEB_MEMORY, and the compositor's own never passes") {
    const std::vector<std::string> parent = {"PATH=/usr/bin", "CIRRUS_WEB_MEMORY=64,1000", "CIRRUS_REGISTRY=/r.db"};
    auto has = [](const std::vector<std::string>& env, const std::string& entry) {
        return std::find(env.begin(), env.end(), entry) != env.end();
    };
    const auto none = host_environment(parent, "wayland-1", true, {});
    CHECK(has(none, "CIRRUS_REGISTRY=/r.db"));  // the other CIRRUS_* still pass
    for (const auto& entry : none) CHECK_FALSE(entry.starts_with("CIRRUS_WEB_MEMORY="));
    const auto w700 = host_environment(parent, "wayland-1", false, cirrus::WebMemorySettings{160, 2000});
    CHECK(has(w700, "CIRRUS_WEB_MEMORY=160,2000"));
    CHECK_FALSE(has(w700, "CIRRUS_WEB_MEMORY=64,1000"));
    CHECK(has(w700, "JSC_useJIT=false"));
    CHECK(w700.size() == none.size() + 2);
}

TEST_CASE("standby hosts are no app's until one is given an app, and then they are exactly that app's") {
    AppTable table;
    table.standby_started(300, 10);
    CHECK(table.is_standby(300));
    CHECK_FALSE(table.app_for_pid(300).has_value());  // its windows belong to no app
    CHECK_FALSE(table.window_mapped(300, 20));        // and do not make it an app
    CHECK(table.processes().empty());                 // not listed as an app
    CHECK(table.on_launch_request("notes") == LaunchAction::spawn);

    CHECK(table.assign_standby(300, "notes", 50));
    CHECK_FALSE(table.is_standby(300));
    CHECK(table.standby().empty());
    CHECK(table.app_for_pid(300) == "notes");
    CHECK(table.pid_for_app("notes") == 300);
    REQUIRE(table.processes().size() == 1);
    CHECK(table.processes()[0].state == AppState::launching);
    CHECK(table.processes()[0].started_ms == 50);
    CHECK(table.processes()[0].from_standby);
    CHECK(table.on_launch_request("notes") == LaunchAction::wait);
    CHECK(table.window_mapped(300, 60));
    CHECK(table.on_launch_request("notes") == LaunchAction::focus);
    // Its exit is the app's, like a host started for it.
    CHECK_FALSE(table.standby_gone(300));
    CHECK(table.exited(300) == "notes");
}

TEST_CASE("a standby host is given one app only, and never one that already runs") {
    AppTable table;
    table.started("notes", 100, 0);
    table.standby_started(300, 0);
    table.standby_started(301, 0);
    CHECK_FALSE(table.assign_standby(300, "notes", 5));  // notes has its host
    CHECK(table.is_standby(300));
    CHECK(table.assign_standby(300, "weather", 5));
    CHECK_FALSE(table.assign_standby(300, "calculator", 6));  // no longer a standby host
    CHECK_FALSE(table.assign_standby(999, "calculator", 6));  // never one
    CHECK(table.app_for_pid(300) == "weather");
    CHECK_FALSE(table.pid_for_app("calculator").has_value());
}

TEST_CASE("the next app goes to the oldest ready standby host, else to the oldest starting one") {
    AppTable table;
    CHECK_FALSE(table.pick_standby().has_value());
    table.standby_started(300, 0);
    table.standby_started(301, 1);
    table.standby_started(302, 2);
    CHECK(table.pick_standby() == 300);  // none ready: the furthest along
    CHECK(table.standby_ready(302));
    CHECK(table.standby_ready(301));
    CHECK_FALSE(table.standby_ready(999));
    CHECK(table.pick_standby() == 301);
    CHECK(table.standby()[1].ready);
    CHECK_FALSE(table.standby()[0].ready);
}

TEST_CASE("a standby host that ends leaves the pool, and its exit is no app's") {
    AppTable table;
    table.standby_started(300, 0);
    CHECK(table.standby_gone(300));
    CHECK_FALSE(table.standby_gone(300));
    CHECK(table.standby().empty());
    CHECK_FALSE(table.exited(300).has_value());
}

TEST_CASE("a launch is busy until its window has mapped and settled, or patience runs out") {
    AppTable table;
    CHECK(table.busy_until(2000, 10000) == 0);
    table.started("notes", 100, 1000);
    CHECK(table.busy_until(2000, 10000) == 11000);  // no window yet
    table.window_mapped(100, 1500);
    CHECK(table.busy_until(2000, 10000) == 3500);  // the page loads after the map
    table.started("weather", 101, 4000);
    CHECK(table.busy_until(2000, 10000) == 14000);
}

TEST_CASE("the standby planner keeps the pool full, waits while a launch is busy, and backs off on failures") {
    StandbyPlanner off(0);
    CHECK_FALSE(off.delay_before_next(0, 0, 0).has_value());  // prestart 0: never

    StandbyPlanner planner(1);
    CHECK(planner.target() == 1);
    CHECK(planner.delay_before_next(5000, 0, 0) == 0);
    CHECK_FALSE(planner.delay_before_next(5000, 1, 0).has_value());  // full
    CHECK(planner.delay_before_next(5000, 0, 6500) == 1500);         // a launch is busy

    // A host binary that keeps failing is restarted ever more slowly.
    planner.failed(10000);
    CHECK(planner.delay_before_next(10000, 0, 0) == 1000);
    planner.failed(11000);
    CHECK(planner.delay_before_next(11000, 0, 0) == 2000);
    planner.failed(13000);
    CHECK(planner.delay_before_next(13000, 0, 0) == 4000);
    CHECK(planner.delay_before_next(13000, 0, 20000) == 7000);  // the later of the two
    for (int i = 0; i < 30; ++i) planner.failed(20000);
    CHECK(planner.delay_before_next(20000, 0, 0) == StandbyPlanner::kMaxBackoffMs);
    // One that served a launch proves the binary works.
    planner.served();
    CHECK(planner.failures() == 0);
    CHECK(planner.delay_before_next(20000, 0, 0) == 0);

    StandbyPlanner two(2);
    CHECK(two.delay_before_next(0, 1, 0) == 0);
    CHECK_FALSE(two.delay_before_next(0, 2, 0).has_value());
    CHECK(StandbyPlanner(-3).target() == 0);
}
