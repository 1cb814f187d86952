// App supervision: the compositor starts each app's host, attributes windows
// to apps by process, keeps one instance per app and notices hosts that die.

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "helpers.hpp"

using namespace cirrus_it;

namespace {

struct AppsFixture {
    std::filesystem::path env_dir;
    Compositor compositor;

    static Compositor::Options options() {
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_TEST_STAND_IN_HOST")};
        o.installed_apps = {"notes", "calculator"};
        return o;
    }

    // env_dir is made (and exported) before the compositor starts.
    AppsFixture() : env_dir(make_env_dir()), compositor(options()) {}
    ~AppsFixture() {
        std::error_code ec;
        std::filesystem::remove_all(env_dir, ec);
    }

    static std::filesystem::path make_env_dir() {
        char templ[] = "/tmp/cirrus-host-env-XXXXXX";
        const char* dir = mkdtemp(templ);
        if (!dir) throw std::runtime_error("mkdtemp failed");
        // The compositor passes CIRRUS_* to hosts: this tells the stand-in
        // where to write its environment.
        setenv("CIRRUS_TEST_HOST_ENV_DIR", dir, 1);
        return dir;
    }

    json launch(const std::string& app) { return compositor.request({{"cmd", "launch"}, {"app", app}}); }

    json apps() { return compositor.request({{"cmd", "apps"}})["apps"]; }

    // The window the compositor attributes to `app`, once it is mapped.
    json window_of_app(const std::string& app, const Predicate& extra = nullptr) {
        json found;
        const bool ok = wait_until([&] {
            for (const json& w : compositor.windows()) {
                if (w["app"] == app && (!extra || extra(w))) {
                    found = w;
                    return true;
                }
            }
            return false;
        });
        if (!ok) throw std::runtime_error("no window for app " + app + ": " + compositor.windows().dump());
        return found;
    }
};

}  // namespace

TEST_CASE("a launched app's window is attributed by its process, not its app_id") {
    AppsFixture f;
    const json launched = f.launch("notes");
    REQUIRE(launched["ok"] == true);
    CHECK(launched["action"] == "spawned");
    const int pid = launched["pid"];

    const json w = f.window_of_app("notes");
    CHECK(w["pid"] == pid);
    CHECK(w["app_id"] == "not-notes");  // what the client claimed, kept only as information
    CHECK(w["focused"] == true);
    CHECK(w["width"] == kWidth);

    const json apps = f.apps();
    REQUIRE(apps.size() == 1);
    CHECK(apps[0]["app"] == "notes");
    CHECK(apps[0]["state"] == "front");  // its window is up and in front (the lifecycle state)
    CHECK(apps[0]["memory_bytes"].get<std::uint64_t>() > 0);
}

TEST_CASE("the device's lifecycle script reads the real apps and windows answers") {
    // board/session/cirrus-lifecycle-test finds an app's object in a
    // control answer with grep (the image has no JSON tool): a nested object
    // in a window (its "content" size) once made it miss every window, and
    // the boot test waited out every launch. Its own functions, on this
    // compositor's answers, whitespace removed as its `flat` does.
    AppsFixture f;
    const int pid = f.launch("notes")["pid"];
    f.window_of_app("notes");
    const auto flat = [](const json& answer) {
        std::string text = answer.dump();
        std::erase_if(text, [](char c) { return c == ' ' || c == '\n'; });
        return text;
    };
    const std::string script = program("CIRRUS_LIFECYCLE_SCRIPT");
    const std::string helpers =
        "source <(sed -n '/^object_of()/p;/^field()/p' \"$SCRIPT\"); "
        "apps=$(object_of \"$APPS\" notes); window=$(object_of \"$WINDOWS\" notes); "
        "echo \"$(field \"$apps\" state) $(field \"$apps\" pid) $(field \"$window\" pid) "
        "$(field \"$window\" width)\"";
    const RunResult r = run_program({"bash", "-c", helpers}, {{"SCRIPT", script},
                                                              {"APPS", flat(f.compositor.request({{"cmd", "apps"}}))},
                                                              {"WINDOWS", flat(f.compositor.windows())}});
    REQUIRE_MESSAGE(r.exited_ok(), r.err);
    CHECK(r.out == "front " + std::to_string(pid) + " " + std::to_string(pid) + " " + std::to_string(kWidth) + "\n");
}

TEST_CASE("launching a running app brings it forward instead of starting another") {
    AppsFixture f;
    const int notes_pid = f.launch("notes")["pid"];
    f.window_of_app("notes");
    const int calc_pid = f.launch("calculator")["pid"];
    CHECK(calc_pid != notes_pid);
    f.window_of_app("calculator", [](const json& w) { return w["focused"] == true; });
    CHECK(f.window_of_app("notes")["visible"] == false);

    const json again = f.launch("notes");
    CHECK(again["action"] == "focused");
    CHECK(again["pid"] == notes_pid);
    f.window_of_app("notes", [](const json& w) { return w["focused"] == true && w["visible"] == true; });
    CHECK(f.apps().size() == 2);
}

TEST_CASE("a host that dies is no longer running, and the next launch starts a new one") {
    AppsFixture f;
    const int pid = f.launch("notes")["pid"];
    f.window_of_app("notes");
    REQUIRE(kill(pid, SIGKILL) == 0);
    CHECK(wait_until([&] { return f.apps().empty(); }));
    CHECK(wait_until([&] { return f.compositor.windows().empty(); }));

    const json again = f.launch("notes");
    CHECK(again["action"] == "spawned");
    CHECK(again["pid"] != pid);
    f.window_of_app("notes");
}

TEST_CASE("a bad app id or a missing host program is refused with a clear error") {
    AppsFixture f;
    for (const char* bad : {"", "../etc", "Notes", "a b", ".hidden"}) {
        const json r = f.launch(bad);
        CHECK(r["ok"] == false);
        CHECK(r["error"].get<std::string>().find("not an app id") != std::string::npos);
    }
    CHECK(f.compositor.request({{"cmd", "launch"}})["ok"] == false);
    CHECK(f.apps().empty());

    Compositor::Options o;
    o.extra_args = {"--app-host", "/nonexistent/cirrus-webapp-host"};
    o.installed_apps = {"notes"};
    Compositor missing(o);
    const json r = missing.request({{"cmd", "launch"}, {"app", "notes"}});
    CHECK(r["ok"] == true);  // the fork succeeded; the exec fails in the child
    CHECK(wait_until([&] { return missing.request({{"cmd", "apps"}})["apps"].empty(); }));
    CHECK(missing.request({{"cmd", "stats"}})["ok"] == true);
}

TEST_CASE("a launch of an app that is not installed is refused before anything starts or a standby host is used") {
    // A standby host that says ready at once and notes any app it is given
    // (its channel is non-blocking: it polls, while the compositor lives).
    const std::string dir = "/tmp/cirrus-standby-" + std::to_string(getpid());
    std::filesystem::create_directories(dir);
    const std::string script = dir + "/host.sh";
    {
        std::ofstream out(script);
        out << "#!/bin/sh\n"
               "[ \"$1\" = --standby ] || exit 64\n"
               "echo ready >&3\n"
               "while kill -0 $PPID 2>/dev/null; do\n"
               "    if read -r line <&3 2>/dev/null; then echo \"$line\" > '"
            << dir
            << "/opened'; exit 0; fi\n"
               "    sleep 0.1\n"
               "done\n";
    }
    std::filesystem::permissions(script, std::filesystem::perms::owner_all);
    Compositor::Options o;
    o.extra_args = {"--app-host", script};
    o.prestart = 1;
    Compositor c(o);
    json standby;
    REQUIRE_MESSAGE(wait_until([&] {
                        standby = c.request({{"cmd", "apps"}})["standby"];
                        return standby.size() == 1 && standby[0]["ready"] == true;
                    }),
                    standby.dump());

    const json r = c.request({{"cmd", "launch"}, {"app", "nosuch"}});
    CHECK(r["ok"] == false);
    CHECK(r["error"].get<std::string>().find("no app 'nosuch' is installed") != std::string::npos);
    sleep_ms(300);  // what a wrongly handed-over host would write has time to come
    const json apps = c.request({{"cmd", "apps"}});
    CHECK(apps["apps"].empty());
    REQUIRE(apps["standby"].size() == 1);
    CHECK(apps["standby"][0]["pid"] == standby[0]["pid"]);
    CHECK(apps["standby"][0]["ready"] == true);
    CHECK_FALSE(std::filesystem::exists(dir + "/opened"));
    std::filesystem::remove_all(dir);
}

TEST_CASE("a host starts with a clean environment") {
    setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent", 1);
    setenv("LD_PRELOAD", "", 1);
    AppsFixture f;
    f.launch("notes");
    f.window_of_app("notes");
    std::ifstream file(f.env_dir / "notes.env");
    std::stringstream text;
    text << file.rdbuf();
    const std::string env = text.str();
    CHECK(env.find("WAYLAND_DISPLAY=" + f.compositor.display()) != std::string::npos);
    CHECK(env.find("XDG_RUNTIME_DIR=") != std::string::npos);
    CHECK(env.find("DBUS_SESSION_BUS_ADDRESS") == std::string::npos);
    CHECK(env.find("LD_PRELOAD") == std::string::npos);
    CHECK(env.find("WLR_BACKENDS") == std::string::npos);
    unsetenv("DBUS_SESSION_BUS_ADDRESS");
    unsetenv("LD_PRELOAD");
}

TEST_CASE("the compositor installs the bundled apps at its first start") {
    Compositor::Options o;
    o.bundled_apps = true;
    Compositor c(o);
    const auto registry = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "registry.db";
    CHECK(wait_until([&] { return std::filesystem::exists(registry); }));
    // The installer may still be writing: wait for all three.
    CHECK(wait_until([&] {
        const RunResult r = run_program({program("CIRRUS_CLI"), "--registry", registry.string(), "list"}, {});
        return r.out.find("notes") != std::string::npos && r.out.find("calculator") != std::string::npos &&
               r.out.find("weather") != std::string::npos;
    }));
}
