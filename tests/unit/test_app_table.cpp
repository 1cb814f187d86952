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
    CHECK(table.window_mapped(100));
    CHECK(table.on_launch_request("notes") == LaunchAction::focus);
    REQUIRE(table.processes().size() == 1);
    CHECK(table.processes()[0].state == AppState::running);
    CHECK(table.processes()[0].started_ms == 5);
}

TEST_CASE("windows of processes the compositor did not start belong to no app") {
    AppTable table;
    table.started("notes", 100, 0);
    CHECK_FALSE(table.window_mapped(200));
    CHECK_FALSE(table.app_for_pid(200).has_value());
    CHECK(table.app_for_pid(100) == "notes");
    CHECK(table.pid_for_app("notes") == 100);
    CHECK_FALSE(table.pid_for_app("weather").has_value());
}

TEST_CASE("a host that exits frees its app for the next launch") {
    AppTable table;
    table.started("notes", 100, 0);
    table.window_mapped(100);
    CHECK_FALSE(table.exited(555).has_value());
    CHECK(table.exited(100) == "notes");
    CHECK(table.processes().empty());
    CHECK(table.on_launch_request("notes") == LaunchAction::spawn);
    CHECK_FALSE(table.app_for_pid(100).has_value());
}

TEST_CASE("app ids are folder- and SQL-safe names") {
    for (const char* good : {"notes", "org.example.app", "a", "app_2-x", "0day"}) CHECK(valid_app_id(good));
    for (const char* bad : {"", "Notes", "../x", "a/b", ".hidden", "-flag", "a b", "é"}) CHECK_FALSE(valid_app_id(bad));
    CHECK(valid_app_id(std::string(128, 'a')));
    CHECK_FALSE(valid_app_id(std::string(129, 'a')));
}

TEST_CASE("a host's environment keeps locale, XDG dirs and CIRRUS_*, and nothing else") {
    const std::vector<std::string> parent = {
        "PATH=/usr/bin", "HOME=/root", "LANG=zh_CN.UTF-8", "LC_TIME=en_GB.UTF-8", "TZ=Asia/Shanghai",
        "XDG_RUNTIME_DIR=/run/user/0", "XDG_DATA_HOME=/data", "CIRRUS_REGISTRY=/data/r.db",
        "DISPLAY=:0", "DBUS_SESSION_BUS_ADDRESS=unix:path=/x", "LD_PRELOAD=/evil.so", "WAYLAND_DISPLAY=wayland-9",
        "WLR_BACKENDS=headless", "PATHOLOGICAL=1", "not-an-assignment",
    };
    const auto env = host_environment(parent, "wayland-1");
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
