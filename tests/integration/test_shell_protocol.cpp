// cirrus_shell_v1 from the shell's side, with a bare protocol client as the
// shell and stand-in app hosts: what the shell asks (launch, home, activate,
// close, lock) is done, and what it draws from (app states, the front app,
// gestures, the lock) is told, batch by batch. The compositor restarts a
// shell that dies, and the apps keep running.
#include <csignal>

#include "helpers.hpp"

using namespace cirrus_it;

namespace {

struct ShellFixture {
    Compositor c;
    std::unique_ptr<Process> shell;

    static Compositor::Options options() {
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_TEST_STAND_IN_HOST")};
        o.installed_apps = {"notes", "calculator", "paint-d03030", "leaf-30a050", "split-d03030-30a050"};
        return o;
    }

    ShellFixture() : c(options()) {
        setenv("CIRRUS_TEST_HOST_ENV_DIR", "/tmp", 1);
        shell = c.client({program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
        shell->expect("ready");
    }

    void send(const std::string& command) {
        shell->send_line(command);
        // This command's own "sent": an earlier command's may still be unread.
        const std::string cmd = command.substr(0, command.find(' '));
        shell->expect("sent", kTimeout, [&](const json& e) { return e["cmd"] == cmd; });
    }
    json expect_state(const std::string& app, const std::string& state) {
        return shell->expect("app_state", kTimeout,
                             [&](const json& e) { return e["app"] == app && e["state"] == state; });
    }
    json expect_front(const std::string& app) {
        return shell->expect("front_app", kTimeout, [&](const json& e) { return e["app"] == app; });
    }
    json window_of(const std::string& app) {
        return wait_window_where(
            c, [&](const json& w) { return w["app"] == app; }, "a window of " + app);
    }
};

}  // namespace

TEST_CASE("the shell launches an app and hears launching, running and the front app") {
    ShellFixture f;
    f.send("launch notes");
    f.expect_state("notes", "launching");
    f.expect_state("notes", "running");
    f.expect_front("notes");
    f.shell->expect("app_title", kTimeout, [](const json& e) { return e["app"] == "notes" && e["title"] == "notes"; });

    SUBCASE("home hides the app and says no app is in front; activate brings it back") {
        f.send("home");
        f.expect_front("");
        CHECK(f.window_of("notes")["visible"] == false);
        f.send("activate notes");
        f.expect_front("notes");
        CHECK(f.window_of("notes")["visible"] == true);
    }
    SUBCASE("close asks the app to close and the shell hears it closed") {
        f.send("close notes");
        f.expect_state("notes", "closed");
        f.expect_front("");
    }
    SUBCASE("the lock covers the apps until it is lifted") {
        f.send("locked 1");
        f.shell->expect("locked", kTimeout, [](const json& e) { return e["locked"] == true; });
        CHECK(f.window_of("notes")["visible"] == false);
        f.send("locked 0");
        CHECK(f.window_of("notes")["visible"] == true);
    }
    SUBCASE("a bottom-edge swipe is a home gesture the shell hears") {
        json r = f.c.request({{"cmd", "swipe"},
                              {"x1", 240},
                              {"y1", kHeight - 3},
                              {"x2", 240},
                              {"y2", kHeight - 300},
                              {"ms", 120},
                              {"steps", 6}});
        REQUIRE(r["ok"] == true);
        f.shell->expect("gesture", kTimeout, [](const json& e) { return e["gesture"] == "home"; });
        f.expect_front("");
    }
    SUBCASE("with a shell the power key locks as it blanks") {
        REQUIRE(f.c.request({{"cmd", "key"}, {"keycode", 116}, {"state", "pressed"}})["ok"] == true);
        f.shell->expect("locked", kTimeout, [](const json& e) { return e["locked"] == true; });
        f.shell->expect("gesture", kTimeout, [](const json& e) { return e["gesture"] == "power_key"; });
    }
}

TEST_CASE("a shell that binds late hears the apps already running") {
    ShellFixture f;
    f.send("launch calculator");
    f.expect_state("calculator", "running");
    auto second = f.c.client({program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
    second->expect("app_state", kTimeout,
                   [](const json& e) { return e["app"] == "calculator" && e["state"] == "running"; });
    second->expect("front_app", kTimeout, [](const json& e) { return e["app"] == "calculator"; });
    second->expect("ready");
}

TEST_CASE("a bad app id from the shell is a protocol error for that shell only") {
    ShellFixture f;
    f.shell->send_line("launch ../etc");
    const auto status = f.shell->wait_exit(kTimeout);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) != 0);
    CHECK(f.c.request({{"cmd", "stats"}})["ok"] == true);
}

TEST_CASE("the compositor restarts a killed shell within a second and the apps keep running") {
    Compositor::Options o;
    o.extra_args = {"--app-host", program("CIRRUS_TEST_STAND_IN_HOST")};
    // The protocol client as the configured shell: the compositor starts it.
    o.shell = program("CIRRUS_TEST_SHELL_PROTOCOL");
    o.installed_apps = {"notes"};
    setenv("CIRRUS_TEST_HOST_ENV_DIR", "/tmp", 1);
    Compositor c(o);
    json stats;
    REQUIRE(wait_until([&] {
        stats = c.request({{"cmd", "stats"}});
        return stats["shell"]["bound"] == true;
    }));
    const pid_t first = stats["shell"]["pid"];
    REQUIRE(c.request({{"cmd", "launch"}, {"app", "notes"}})["ok"] == true);
    const json window = wait_window_where(
        c, [](const json& w) { return w["app"] == "notes"; }, "notes");

    kill(first, SIGKILL);
    const auto killed_at = std::chrono::steady_clock::now();
    REQUIRE(wait_until(
        [&] {
            stats = c.request({{"cmd", "stats"}});
            return stats["shell"]["bound"] == true && stats["shell"]["pid"] != first;
        },
        3));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed_at).count();
    CHECK_MESSAGE(seconds < 1.0, "a new shell took " << seconds << " s");
    CHECK(stats["shell"]["restarts"] == 1);
    // The app survived the shell.
    CHECK(wait_window_where(
              c, [](const json& w) { return w["app"] == "notes"; }, "notes")["pid"] == window["pid"]);
}

// cirrus_shell_v1.capture_app: the switcher's card of an app is its last
// frame, scaled by the compositor into the shell's wl_shm buffer. The stand-in
// host fills its window with the colour its app id ends in.
TEST_CASE("capture_app renders an app's window scaled into the shell's buffer, shown or hidden") {
    ShellFixture f;
    f.send("launch paint-d03030");
    f.expect_state("paint-d03030", "running");
    f.window_of("paint-d03030");
    // Without a status bar the window is the whole 480x800 output: half size
    // fits 240x400 exactly.
    f.shell->send_line("capture paint-d03030 240x400");
    json c = f.shell->expect("capture", kTimeout, [](const json& e) { return e["app"] == "paint-d03030"; });
    CHECK(c["width"] == 240);
    CHECK(c["height"] == 400);
    CHECK(c["centre"] == "#ffd03030");
    CHECK(c["top_left"] == "#ffd03030");
    CHECK(c["bottom_right"] == "#ffd03030");

    SUBCASE("a buffer of another shape gets the window fitted, the rest transparent") {
        f.shell->send_line("capture paint-d03030 300x300");
        c = f.shell->expect("capture", kTimeout, [](const json& e) { return e["app"] == "paint-d03030"; });
        CHECK(c["width"] == 180);  // 480x800 scaled by 300/800
        CHECK(c["height"] == 300);
        CHECK(c["centre"] == "#ffd03030");
        CHECK(c["outside"] == "#00000000");
    }
    SUBCASE("a hidden app (home in front) keeps its last frame") {
        f.send("home");
        CHECK(f.window_of("paint-d03030")["visible"] == false);
        f.shell->send_line("capture paint-d03030 120x200");
        c = f.shell->expect("capture", kTimeout, [](const json& e) { return e["app"] == "paint-d03030"; });
        CHECK(c["width"] == 120);
        CHECK(c["centre"] == "#ffd03030");
    }
    SUBCASE("two apps, two cards of their own colours") {
        f.send("launch leaf-30a050");
        f.expect_state("leaf-30a050", "running");
        f.window_of("leaf-30a050");
        f.shell->send_line("capture paint-d03030 48x80");
        f.shell->send_line("capture leaf-30a050 48x80");
        CHECK(f.shell->expect("capture", kTimeout,
                              [](const json& e) { return e["app"] == "paint-d03030"; })["centre"] == "#ffd03030");
        CHECK(f.shell->expect("capture", kTimeout, [](const json& e) { return e["app"] == "leaf-30a050"; })["centre"] ==
              "#ff30a050");
    }
}

TEST_CASE("capture_app keeps the window's orientation (top stays top)") {
    ShellFixture f;
    // The stand-in host paints the top half red and the bottom half green.
    f.send("launch split-d03030-30a050");
    f.expect_state("split-d03030-30a050", "running");
    f.window_of("split-d03030-30a050");
    f.shell->send_line("capture split-d03030-30a050 96x160");
    const json c = f.shell->expect("capture", kTimeout);
    CHECK(c["width"] == 96);
    CHECK(c["height"] == 160);
    CHECK(c["top_left"] == "#ffd03030");
    CHECK(c["bottom_right"] == "#ff30a050");
}

TEST_CASE("capture_app of an app that is not running fails cleanly, and the shell goes on") {
    ShellFixture f;
    f.shell->send_line("capture nosuch 64x64");
    const json failed = f.shell->expect("capture_failed", kTimeout);
    CHECK(failed["app"] == "nosuch");
    CHECK(failed["reason"] == "unknown_app");
    // The connection is fine: the next request works.
    f.send("launch paint-d03030");
    f.expect_state("paint-d03030", "running");
    CHECK(f.c.request({{"cmd", "stats"}})["shell"]["bound"] == true);
}

TEST_CASE("capture_app with an app id that is no app id is a protocol error") {
    ShellFixture f;
    f.shell->send_line("capture ../x 64x64");
    const auto status = f.shell->wait_exit(kTimeout);
    REQUIRE(status);
    CHECK(WEXITSTATUS(*status) != 0);
    CHECK(f.c.request({{"cmd", "stats"}})["ok"] == true);
}
