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
        return o;
    }

    ShellFixture() : c(options()) {
        setenv("CIRRUS_TEST_HOST_ENV_DIR", "/tmp", 1);
        shell = c.client({program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
        shell->expect("ready");
    }

    void send(const std::string& command) {
        shell->send_line(command);
        shell->expect("sent");
    }
    json expect_state(const std::string& app, const std::string& state) {
        return shell->expect("app_state", kTimeout,
                             [&](const json& e) { return e["app"] == app && e["state"] == state; });
    }
    json expect_front(const std::string& app) {
        return shell->expect("front_app", kTimeout, [&](const json& e) { return e["app"] == app; });
    }
    json window_of(const std::string& app) {
        return wait_window_where(c, [&](const json& w) { return w["app"] == app; }, "a window of " + app);
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
        json r = f.c.request({{"cmd", "swipe"}, {"x1", 240}, {"y1", kHeight - 3}, {"x2", 240},
                              {"y2", kHeight - 300}, {"ms", 120}, {"steps", 6}});
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
    setenv("CIRRUS_TEST_HOST_ENV_DIR", "/tmp", 1);
    Compositor c(o);
    json stats;
    REQUIRE(wait_until([&] {
        stats = c.request({{"cmd", "stats"}});
        return stats["shell"]["bound"] == true;
    }));
    const pid_t first = stats["shell"]["pid"];
    REQUIRE(c.request({{"cmd", "launch"}, {"app", "notes"}})["ok"] == true);
    const json window = wait_window_where(c, [](const json& w) { return w["app"] == "notes"; }, "notes");

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
    CHECK(wait_window_where(c, [](const json& w) { return w["app"] == "notes"; }, "notes")["pid"] == window["pid"]);
}
