// cirrusctl — command-line client of the cirrus-compositor control socket.
//
// Speaks the JSON-lines protocol described in compositor/CONTROL.md: one
// request line, one response line. Exit status: 0 when the compositor answers
// "ok":true, 1 when it answers "ok":false (the error goes to stderr), 2 for
// usage errors and connection failures.

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/control_commands.hpp"
#include "common/control_socket.hpp"

using json = nlohmann::json;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

// The commands are the control socket's (common/control_commands.hpp), each
// a subcommand of the same name; raw is cirrusctl's own.
std::string usage_text() {
    std::string text =
        "usage: cirrusctl [--socket PATH] [--wait SECONDS] [--timeout SECONDS] COMMAND [ARGS]\n"
        "\n"
        "commands (compositor/CONTROL.md):\n";
    auto line = [&](std::string form, std::string_view help) {
        form.resize(std::max<std::size_t>(form.size() + 1, 40), ' ');
        text += "  " + form + std::string(help) + "\n";
    };
    for (const auto& command : cirrus::control::kControlCommands) {
        std::string form(command.name);
        if (!command.arguments.empty()) form += " " + std::string(command.arguments);
        line(form, command.help);
    }
    line("raw 'JSON'", "send one request line as is");
    text +=
        "\n"
        "socket: --socket PATH, else $CIRRUS_CONTROL, else\n"
        "        $XDG_RUNTIME_DIR/cirrus-$WAYLAND_DISPLAY.sock\n"
        "--wait SECONDS   retry connecting until the socket answers\n"
        "--timeout SECONDS  give up waiting for a response (default 60)\n";
    return text;
}

struct UsageError {
    std::string message;
};

[[noreturn]] void usage_error(const std::string& message) { throw UsageError{message}; }

double parse_number(const std::string& text, const char* what) {
    try {
        size_t used = 0;
        double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value)) return value;
    } catch (const std::exception&) {}
    usage_error(std::string("invalid ") + what + ": '" + text + "'");
}

long parse_integer(const std::string& text, const char* what) {
    try {
        size_t used = 0;
        long value = std::stol(text, &used, 10);
        if (used == text.size()) return value;
    } catch (const std::exception&) {}
    usage_error(std::string("invalid ") + what + ": '" + text + "'");
}

// Coordinates go out as integers when they are integral, as doubles otherwise.
json coordinate(const std::string& text, const char* what) {
    double value = parse_number(text, what);
    if (value == std::floor(value) && std::fabs(value) < 1e9) return static_cast<long>(value);
    return value;
}

json parse_json_arg(const std::string& text, const char* what) {
    try {
        return json::parse(text);
    } catch (const json::exception& e) {
        usage_error(std::string("invalid JSON for ") + what + ": " + e.what());
    }
}

// "usage: cirrusctl NAME ARGUMENTS", from the command's entry in the table.
[[noreturn]] void command_usage_error(const cirrus::control::ControlCommand& command) {
    std::string form = "usage: cirrusctl " + std::string(command.name);
    if (!command.arguments.empty()) form += " " + std::string(command.arguments);
    usage_error(form);
}

void expect_args(const std::vector<std::string>& args, size_t min, size_t max,
                 const cirrus::control::ControlCommand& command) {
    if (args.size() < min || args.size() > max) command_usage_error(command);
}

struct Request {
    std::string line;     // the line sent, without newline
    bool pretty = false;  // pretty-print the response
};

Request build_request(const std::string& cmd, const std::vector<std::string>& args) {
    Request req;
    if (cmd == "raw") {
        if (args.size() != 1) usage_error("usage: cirrusctl raw 'JSON'");
        if (args[0].find('\n') != std::string::npos) usage_error("raw: the request must be one line");
        req.line = args[0];
        req.pretty = true;
        return req;
    }
    const cirrus::control::ControlCommand* command = cirrus::control::find_control_command(cmd);
    if (!command) usage_error("unknown command '" + cmd + "'");
    json j;
    if (cmd == "outputs" || cmd == "windows" || cmd == "layers" || cmd == "stats" || cmd == "apps" ||
        cmd == "text_input") {
        expect_args(args, 0, 0, *command);
        j = {{"cmd", cmd}};
        req.pretty = true;
    } else if (cmd == "focus" || cmd == "close") {
        expect_args(args, 1, 1, *command);
        j = {{"cmd", cmd}, {"id", parse_integer(args[0], "window id")}};
    } else if (cmd == "tap") {
        expect_args(args, 2, 2, *command);
        j = {{"cmd", "tap"}, {"x", coordinate(args[0], "X")}, {"y", coordinate(args[1], "Y")}};
    } else if (cmd == "swipe") {
        expect_args(args, 4, 6, *command);
        j = {{"cmd", "swipe"},
             {"x1", coordinate(args[0], "X1")},
             {"y1", coordinate(args[1], "Y1")},
             {"x2", coordinate(args[2], "X2")},
             {"y2", coordinate(args[3], "Y2")}};
        if (args.size() >= 5) j["ms"] = parse_integer(args[4], "MS");
        if (args.size() >= 6) j["steps"] = parse_integer(args[5], "STEPS");
    } else if (cmd == "touch") {
        expect_args(args, 1, 1, *command);
        json events = parse_json_arg(args[0], "touch");
        if (!events.is_array()) usage_error("touch: the argument must be a JSON array of events");
        j = {{"cmd", "touch"}, {"events", events}};
    } else if (cmd == "key") {
        expect_args(args, 2, 2, *command);
        if (args[1] != "pressed" && args[1] != "released") usage_error("key: state must be 'pressed' or 'released'");
        j = {{"cmd", "key"}, {"keycode", parse_integer(args[0], "key code")}, {"state", args[1]}};
    } else if (cmd == "screenshot") {
        expect_args(args, 1, 1, *command);
        std::filesystem::path path = std::filesystem::absolute(args[0]).lexically_normal();
        j = {{"cmd", "screenshot"}, {"path", path.string()}};
    } else if (cmd == "spawn") {
        bool trusted = false;
        size_t i = 0;
        for (; i < args.size(); ++i) {
            if (args[i] == "--trusted") {
                trusted = true;
            } else if (args[i] == "--") {
                ++i;
                break;
            } else {
                break;
            }
        }
        std::vector<std::string> argv(args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
        if (argv.empty()) command_usage_error(*command);
        j = {{"cmd", "spawn"}, {"argv", argv}, {"trusted", trusted}};
    } else if (cmd == "launch" || cmd == "freeze") {
        expect_args(args, 1, 1, *command);
        j = {{"cmd", cmd}, {"app", args[0]}};
        req.pretty = true;
    } else if (cmd == "keyboard_device") {
        expect_args(args, 1, 1, *command);
        if (args[0] != "attach" && args[0] != "detach") usage_error("keyboard_device: attach or detach");
        j = {{"cmd", cmd}, {"action", args[0]}};
    } else if (cmd == "memory_pressure") {
        expect_args(args, 1, 1, *command);
        if (args[0] != "none" && args[0] != "moderate" && args[0] != "critical")
            usage_error("memory_pressure: none, moderate or critical");
        j = {{"cmd", cmd}, {"level", args[0]}};
    } else if (cmd == "link") {
        expect_args(args, 1, 2, *command);
        j = {{"cmd", cmd}, {"class", args[0]}};
        if (args.size() == 2) j["kind"] = args[1];
    } else if (command->arguments.empty()) {
        // home, quit, and any later command without arguments.
        expect_args(args, 0, 0, *command);
        j = {{"cmd", cmd}};
    } else {
        usage_error("cirrusctl cannot build '" + cmd + "' from arguments yet: use cirrusctl raw '{\"cmd\":\"" + cmd +
                    "\",...}' (see compositor/CONTROL.md)");
    }
    req.line = j.dump();
    return req;
}

int run(int argc, char** argv) {
    std::optional<std::string> socket_path;
    double wait_seconds = 0;
    double timeout_seconds = cirrus::control::kAnswerTimeoutSeconds;
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&](const char* name) -> std::string {
            if (i + 1 >= argc) usage_error(std::string(name) + " needs a value");
            return argv[++i];
        };
        if (a == "--socket") {
            socket_path = value("--socket");
        } else if (a.rfind("--socket=", 0) == 0) {
            socket_path = std::string(a.substr(9));
        } else if (a == "--wait") {
            wait_seconds = parse_number(value("--wait"), "--wait SECONDS");
        } else if (a.rfind("--wait=", 0) == 0) {
            wait_seconds = parse_number(std::string(a.substr(7)), "--wait SECONDS");
        } else if (a == "--timeout") {
            timeout_seconds = parse_number(value("--timeout"), "--timeout SECONDS");
        } else if (a == "-h" || a == "--help") {
            std::fputs(usage_text().c_str(), stdout);
            return kExitOk;
        } else if (a.size() > 1 && a[0] == '-' && a != "-") {
            usage_error("unknown option '" + std::string(a) + "'");
        } else {
            break;
        }
    }
    if (i >= argc) usage_error("no command given");
    std::string cmd = argv[i++];
    std::vector<std::string> args(argv + i, argv + argc);
    Request req = build_request(cmd, args);

    std::string path;
    std::string line;
    try {
        path = socket_path ? *socket_path : cirrus::control::find_control_socket();
        auto client = cirrus::control::ControlClient::connect(path, wait_seconds);
        line = client.exchange(req.line, timeout_seconds);
    } catch (const cirrus::control::ControlError& e) {
        std::fprintf(stderr, "cirrusctl: %s\n", e.what());
        if (e.kind() == cirrus::control::ControlError::Kind::no_path) {
            std::fputs("(or pass --socket PATH)\n", stderr);
        } else if (e.kind() == cirrus::control::ControlError::Kind::unreachable) {
            std::fputs("(or use --socket PATH, or --wait SECONDS while it starts)\n", stderr);
        }
        return kExitUsage;
    }
    json response;
    try {
        response = json::parse(line);
    } catch (const json::exception&) {
        std::fprintf(stderr, "cirrusctl: the compositor answered something that is not JSON: %s\n", line.c_str());
        return kExitFailed;
    }
    bool ok = response.is_object() && response.value("ok", false) == true;
    if (!ok) {
        std::string message =
            response.is_object() && response.contains("error")
                ? (response["error"].is_string() ? response["error"].get<std::string>() : response["error"].dump())
                : response.dump();
        std::fprintf(stderr, "cirrusctl: %s: %s\n", cmd.c_str(), message.c_str());
        return kExitFailed;
    }
    std::fprintf(stdout, "%s\n", req.pretty ? response.dump(2).c_str() : response.dump().c_str());
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "cirrusctl: %s\n", e.message.c_str());
        if (e.message.rfind("usage:", 0) != 0) std::fputs("run 'cirrusctl --help' for usage\n", stderr);
        return kExitUsage;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrusctl: %s\n", e.what());
        return kExitUsage;
    }
}
