// cirrusctl — command-line client of the cirrus-compositor control socket.
//
// Speaks the JSON-lines protocol described in compositor/CONTROL.md: one
// request line, one response line. Exit status: 0 when the compositor answers
// "ok":true, 1 when it answers "ok":false (the error goes to stderr), 2 for
// usage errors and connection failures.

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using json = nlohmann::json;

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

const char *const kUsage =
    "usage: cirrusctl [--socket PATH] [--wait SECONDS] [--timeout SECONDS] COMMAND [ARGS]\n"
    "\n"
    "commands:\n"
    "  outputs | windows | layers | stats      query (pretty-printed JSON)\n"
    "  apps                                    running apps and standby hosts (JSON)\n"
    "  launch APP-ID                           start an installed app, or bring it to the front\n"
    "  home                                    show the home screen\n"
    "  focus ID | close ID                     act on a window\n"
    "  tap X Y                                 touch down/up at a point\n"
    "  swipe X1 Y1 X2 Y2 [MS [STEPS]]          touch swipe\n"
    "  touch 'JSON-ARRAY'                      raw touch events\n"
    "  key CODE pressed|released               evdev key code through the seat\n"
    "  screenshot PATH                         write the first output to a PNG\n"
    "  spawn [--trusted] -- ARGV...            start a client\n"
    "  quit                                    shut the compositor down\n"
    "  raw 'JSON'                              send one request line as is\n"
    "\n"
    "socket: --socket PATH, else $CIRRUS_CONTROL, else\n"
    "        $XDG_RUNTIME_DIR/cirrus-$WAYLAND_DISPLAY.sock\n"
    "--wait SECONDS   retry connecting until the socket answers\n"
    "--timeout SECONDS  give up waiting for a response (default 60)\n";

struct UsageError {
    std::string message;
};

[[noreturn]] void usage_error(const std::string &message) { throw UsageError{message}; }

std::string default_socket_path() {
    if (const char *env = std::getenv("CIRRUS_CONTROL"); env && *env) return env;
    const char *runtime = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime || !*runtime)
        usage_error("XDG_RUNTIME_DIR is not set (pass --socket PATH or set CIRRUS_CONTROL)");
    std::string display = "wayland-0";
    if (const char *env = std::getenv("WAYLAND_DISPLAY"); env && *env) display = env;
    if (!display.empty() && display.front() == '/')
        display = std::filesystem::path(display).filename().string();
    return std::string(runtime) + "/cirrus-" + display + ".sock";
}

double parse_number(const std::string &text, const char *what) {
    try {
        size_t used = 0;
        double value = std::stod(text, &used);
        if (used == text.size() && std::isfinite(value)) return value;
    } catch (const std::exception &) {
    }
    usage_error(std::string("invalid ") + what + ": '" + text + "'");
}

long parse_integer(const std::string &text, const char *what) {
    try {
        size_t used = 0;
        long value = std::stol(text, &used, 10);
        if (used == text.size()) return value;
    } catch (const std::exception &) {
    }
    usage_error(std::string("invalid ") + what + ": '" + text + "'");
}

// Coordinates go out as integers when they are integral, as doubles otherwise.
json coordinate(const std::string &text, const char *what) {
    double value = parse_number(text, what);
    if (value == std::floor(value) && std::fabs(value) < 1e9) return static_cast<long>(value);
    return value;
}

json parse_json_arg(const std::string &text, const char *what) {
    try {
        return json::parse(text);
    } catch (const json::exception &e) {
        usage_error(std::string("invalid JSON for ") + what + ": " + e.what());
    }
}

void expect_args(const std::vector<std::string> &args, size_t min, size_t max, const char *form) {
    if (args.size() < min || args.size() > max) usage_error(std::string("usage: cirrusctl ") + form);
}

struct Request {
    std::string line;     // the line sent, without newline
    bool pretty = false;  // pretty-print the response
};

Request build_request(const std::string &cmd, const std::vector<std::string> &args) {
    Request req;
    json j;
    if (cmd == "outputs" || cmd == "windows" || cmd == "layers" || cmd == "stats" || cmd == "apps") {
        expect_args(args, 0, 0, cmd.c_str());
        j = {{"cmd", cmd}};
        req.pretty = true;
    } else if (cmd == "focus" || cmd == "close") {
        expect_args(args, 1, 1, (cmd + " ID").c_str());
        j = {{"cmd", cmd}, {"id", parse_integer(args[0], "window id")}};
    } else if (cmd == "tap") {
        expect_args(args, 2, 2, "tap X Y");
        j = {{"cmd", "tap"}, {"x", coordinate(args[0], "X")}, {"y", coordinate(args[1], "Y")}};
    } else if (cmd == "swipe") {
        expect_args(args, 4, 6, "swipe X1 Y1 X2 Y2 [MS [STEPS]]");
        j = {{"cmd", "swipe"},
             {"x1", coordinate(args[0], "X1")},
             {"y1", coordinate(args[1], "Y1")},
             {"x2", coordinate(args[2], "X2")},
             {"y2", coordinate(args[3], "Y2")}};
        if (args.size() >= 5) j["ms"] = parse_integer(args[4], "MS");
        if (args.size() >= 6) j["steps"] = parse_integer(args[5], "STEPS");
    } else if (cmd == "touch") {
        expect_args(args, 1, 1, "touch 'JSON-ARRAY'");
        json events = parse_json_arg(args[0], "touch");
        if (!events.is_array()) usage_error("touch: the argument must be a JSON array of events");
        j = {{"cmd", "touch"}, {"events", events}};
    } else if (cmd == "key") {
        expect_args(args, 2, 2, "key CODE pressed|released");
        if (args[1] != "pressed" && args[1] != "released")
            usage_error("key: state must be 'pressed' or 'released'");
        j = {{"cmd", "key"}, {"keycode", parse_integer(args[0], "key code")}, {"state", args[1]}};
    } else if (cmd == "screenshot") {
        expect_args(args, 1, 1, "screenshot PATH");
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
        if (argv.empty()) usage_error("usage: cirrusctl spawn [--trusted] -- ARGV...");
        j = {{"cmd", "spawn"}, {"argv", argv}, {"trusted", trusted}};
    } else if (cmd == "launch") {
        expect_args(args, 1, 1, "launch APP-ID");
        j = {{"cmd", "launch"}, {"app", args[0]}};
        req.pretty = true;
    } else if (cmd == "home" || cmd == "quit") {
        expect_args(args, 0, 0, cmd.c_str());
        j = {{"cmd", cmd}};
    } else if (cmd == "raw") {
        expect_args(args, 1, 1, "raw 'JSON'");
        if (args[0].find('\n') != std::string::npos) usage_error("raw: the request must be one line");
        req.line = args[0];
        req.pretty = true;
        return req;
    } else {
        usage_error("unknown command '" + cmd + "'");
    }
    req.line = j.dump();
    return req;
}

// Connects to the control socket; retries until the deadline when waiting.
int connect_socket(const std::string &path, double wait_seconds, std::string &error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) {
        error = "socket path too long: " + path;
        return -1;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(wait_seconds * 1000));
    for (;;) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            error = std::string("socket: ") + std::strerror(errno);
            return -1;
        }
        if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof(addr)) == 0) return fd;
        int err = errno;
        close(fd);
        error = "cannot connect to " + path + ": " + std::strerror(err);
        if (std::chrono::steady_clock::now() >= deadline) return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

bool send_all(int fd, const std::string &data) {
    size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        sent += static_cast<size_t>(n);
    }
    return true;
}

// Reads one line; nullopt on EOF, error or timeout (error says which).
std::optional<std::string> read_line(int fd, double timeout_seconds, std::string &error) {
    std::string line;
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(static_cast<long>(timeout_seconds * 1000));
    char buf[4096];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        deadline - std::chrono::steady_clock::now())
                        .count();
        if (left <= 0) {
            error = "timed out waiting for the response";
            return std::nullopt;
        }
        pollfd pfd{fd, POLLIN, 0};
        int r = poll(&pfd, 1, static_cast<int>(left));
        if (r < 0) {
            if (errno == EINTR) continue;
            error = std::string("poll: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (r == 0) continue;
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            error = std::string("read: ") + std::strerror(errno);
            return std::nullopt;
        }
        if (n == 0) {
            error = "the compositor closed the connection without a response";
            return std::nullopt;
        }
        line.append(buf, static_cast<size_t>(n));
        if (auto nl = line.find('\n'); nl != std::string::npos) {
            line.resize(nl);
            return line;
        }
    }
}

int run(int argc, char **argv) {
    std::optional<std::string> socket_path;
    double wait_seconds = 0;
    double timeout_seconds = 60;
    int i = 1;
    for (; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&](const char *name) -> std::string {
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
            std::fputs(kUsage, stdout);
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

    std::string path = socket_path ? *socket_path : default_socket_path();
    std::string error;
    int fd = connect_socket(path, wait_seconds, error);
    if (fd < 0) {
        std::fprintf(stderr, "cirrusctl: %s\n(is cirrus-compositor running? use --socket PATH or --wait SECONDS)\n",
                     error.c_str());
        return kExitUsage;
    }
    if (!send_all(fd, req.line + "\n")) {
        std::fprintf(stderr, "cirrusctl: cannot send to %s: %s\n", path.c_str(), std::strerror(errno));
        close(fd);
        return kExitUsage;
    }
    auto line = read_line(fd, timeout_seconds, error);
    close(fd);
    if (!line) {
        std::fprintf(stderr, "cirrusctl: %s: %s\n", path.c_str(), error.c_str());
        return kExitUsage;
    }
    json response;
    try {
        response = json::parse(*line);
    } catch (const json::exception &) {
        std::fprintf(stderr, "cirrusctl: the compositor answered something that is not JSON: %s\n",
                     line->c_str());
        return kExitFailed;
    }
    bool ok = response.is_object() && response.value("ok", false) == true;
    if (!ok) {
        std::string message = response.is_object() && response.contains("error")
                                  ? (response["error"].is_string() ? response["error"].get<std::string>()
                                                                   : response["error"].dump())
                                  : response.dump();
        std::fprintf(stderr, "cirrusctl: %s: %s\n", cmd.c_str(), message.c_str());
        return kExitFailed;
    }
    std::fprintf(stdout, "%s\n", req.pretty ? response.dump(2).c_str() : response.dump().c_str());
    return kExitOk;
}

}  // namespace

int main(int argc, char **argv) {
    try {
        return run(argc, argv);
    } catch (const UsageError &e) {
        std::fprintf(stderr, "cirrusctl: %s\n", e.message.c_str());
        if (e.message.rfind("usage:", 0) != 0) std::fputs("run 'cirrusctl --help' for usage\n", stderr);
        return kExitUsage;
    } catch (const std::exception &e) {
        std::fprintf(stderr, "cirrusctl: %s\n", e.what());
        return kExitUsage;
    }
}
