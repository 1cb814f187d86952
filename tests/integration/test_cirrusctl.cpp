// cirrusctl against the real compositor: output, exit codes, socket lookup.

#include "helpers.hpp"

#include <filesystem>

#include "common/control_commands.hpp"

using namespace cirrus_it;

namespace {

RunResult ctl(Compositor& c, std::vector<std::string> args) {
    args.insert(args.begin(), {program("CIRRUSCTL"), "--socket", c.control_path()});
    return run_program(args);
}

}  // namespace

TEST_CASE("cirrusctl queries and exit codes") {
    Compositor c;
    RunResult r = ctl(c, {"stats"});
    REQUIRE_MESSAGE(r.exited_ok(), r.err);
    json stats = json::parse(r.out);
    CHECK(stats["ok"] == true);
    CHECK(stats.contains("frames"));
    CHECK(r.out.find('\n') < r.out.size() - 1);  // pretty-printed

    r = ctl(c, {"outputs"});
    REQUIRE(r.exited_ok());
    CHECK(json::parse(r.out)["outputs"][0]["width"] == kWidth);

    // ok:false -> exit 1, error on stderr.
    r = ctl(c, {"focus", "4242"});
    CHECK(r.exit_code() == 1);
    CHECK_FALSE(r.err.empty());
    r = ctl(c, {"raw", "not json"});
    CHECK(r.exit_code() == 1);

    // Apps: none running, no standby host (the harness starts none); a
    // launch of something that cannot be an app id is refused, naming it.
    r = ctl(c, {"apps"});
    REQUIRE_MESSAGE(r.exited_ok(), r.err);
    CHECK(json::parse(r.out)["apps"].empty());
    CHECK(json::parse(r.out)["standby"].empty());
    r = ctl(c, {"launch", "Not/An Id"});
    CHECK(r.exit_code() == 1);
    CHECK(r.err.find("'Not/An Id' is not an app id") != std::string::npos);
    CHECK(ctl(c, {"home"}).exited_ok());

    // Usage errors -> exit 2.
    CHECK(ctl(c, {"launch"}).exit_code() == 2);
    CHECK(ctl(c, {"home", "now"}).exit_code() == 2);
    CHECK(ctl(c, {"tap", "1"}).exit_code() == 2);
    CHECK(ctl(c, {"frobnicate"}).exit_code() == 2);
    CHECK(ctl(c, {"key", "30", "sideways"}).exit_code() == 2);

    // No compositor behind the socket -> exit 2 naming the socket.
    RunResult missing = run_program({program("CIRRUSCTL"), "--socket", c.runtime_dir() + "/nope.sock", "stats"});
    CHECK(missing.exit_code() == 2);
    CHECK(missing.err.find("nope.sock") != std::string::npos);

    // The socket is found from XDG_RUNTIME_DIR and WAYLAND_DISPLAY (also when
    // WAYLAND_DISPLAY is an absolute path).
    r = run_program({program("CIRRUSCTL"), "layers"},
                    {{"XDG_RUNTIME_DIR", c.runtime_dir()}, {"WAYLAND_DISPLAY", c.display()}, {"CIRRUS_CONTROL", ""}});
    CHECK_MESSAGE(r.exited_ok(), r.err);
    r = run_program(
        {program("CIRRUSCTL"), "layers"},
        {{"XDG_RUNTIME_DIR", c.runtime_dir()}, {"WAYLAND_DISPLAY", c.wayland_socket_path()}, {"CIRRUS_CONTROL", ""}});
    CHECK_MESSAGE(r.exited_ok(), r.err);
    r = run_program({program("CIRRUSCTL"), "stats"}, {{"CIRRUS_CONTROL", c.control_path()}});
    CHECK_MESSAGE(r.exited_ok(), r.err);
}

TEST_CASE("cirrusctl drives windows, input and screenshots") {
    Compositor c;
    auto app = start_app(c);
    json w = wait_window(
        c, app->pid(), [](const json& w) { return w.value("focused", false); }, "focused");

    RunResult r = ctl(c, {"windows"});
    REQUIRE(r.exited_ok());
    CHECK(json::parse(r.out)["windows"][0]["pid"] == app->pid());

    r = ctl(c, {"tap", "10", "20"});
    REQUIRE_MESSAGE(r.exited_ok(), r.err);
    json down = app->expect("touch_down");
    CHECK(down["x"] == 10);
    CHECK(down["y"] == 20);

    // A relative screenshot path is resolved against cirrusctl's directory.
    std::filesystem::path cwd = std::filesystem::current_path();
    std::filesystem::current_path(c.runtime_dir());
    r = ctl(c, {"screenshot", "rel.png"});
    std::filesystem::current_path(cwd);
    REQUIRE_MESSAGE(r.exited_ok(), r.err);
    CHECK(json::parse(r.out)["path"] == c.runtime_dir() + "/rel.png");
    CHECK(read_png(c.runtime_dir() + "/rel.png").width == kWidth);

    r = ctl(c, {"close", std::to_string(w["id"].get<int>())});
    REQUIRE(r.exited_ok());
    app->expect("close");

    CHECK(ctl(c, {"stats", "extra"}).exit_code() == 2);
    r = run_program({program("CIRRUSCTL"), "--wait", "2", "--socket", c.control_path(), "quit"});
    CHECK(r.exited_ok());
    CHECK(c.process().wait_exit(5));
}

TEST_CASE("cirrusctl and the compositor know the same commands: the table in common/control_commands.hpp") {
    using cirrus::control::kControlCommands;
    // --help lists each with its arguments and help line.
    const RunResult help = run_program({program("CIRRUSCTL"), "--help"});
    REQUIRE(help.exited_ok());
    for (const auto& command : kControlCommands) {
        std::string form = "  " + std::string(command.name);
        if (!command.arguments.empty()) form += " " + std::string(command.arguments);
        CHECK_MESSAGE(help.out.find(form) != std::string::npos, form << " is not in:\n" << help.out);
        CHECK(help.out.find(std::string(command.help)) != std::string::npos);
    }
    CHECK(help.out.find("  raw 'JSON'") != std::string::npos);

    // Each is a subcommand: wrong arguments are a usage error naming its
    // form, found before any socket is looked for.
    for (const auto& command : kControlCommands) {
        std::vector<std::string> argv = {program("CIRRUSCTL"), "--socket", "/nonexistent/ctl.sock",
                                         std::string(command.name)};
        if (command.arguments.empty()) argv.push_back("extra");
        const RunResult r = run_program(argv);
        CHECK(r.exit_code() == 2);
        CHECK_MESSAGE(r.err.find("usage: cirrusctl " + std::string(command.name)) != std::string::npos,
                      command.name << ": " << r.err);
    }

    // The compositor's unknown-command error lists the table's names.
    Compositor c;
    const json r = c.request({{"cmd", "frobnicate"}});
    CHECK(r["ok"] == false);
    CHECK(r["error"] == "unknown cmd 'frobnicate' (" + cirrus::control::control_command_names() + ")");
}
