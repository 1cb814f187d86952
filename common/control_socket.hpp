// Where the compositor's control socket (compositor/CONTROL.md) and its
// trusted Wayland socket are, decided here once for the compositor that
// listens on them and for every program that connects (cirrusctl,
// `cirrus launch`, the tests' harness; bench/benchlib.py keeps the same
// rule in Python, in cirrus_socket_path). And the one small blocking client
// of the control socket: one JSON request line out, one answer line back.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace cirrus::control {

// The file names, in $XDG_RUNTIME_DIR, of the sockets of the compositor whose
// Wayland socket is `display` (e.g. wayland-1).
std::string control_socket_name(std::string_view display);  // cirrus-<display>.sock
std::string trusted_socket_name(std::string_view display);  // cirrus-<display>-trusted.sock

// The same in `runtime_dir` (the compositor's $XDG_RUNTIME_DIR).
std::string control_socket_path(std::string_view runtime_dir, std::string_view display);
std::string trusted_socket_path(std::string_view runtime_dir, std::string_view display);

// The display a client names in $WAYLAND_DISPLAY: a socket name as is; of an
// absolute path its last component, where a trusted socket's path
// (.../cirrus-<display>-trusted.sock) gives back <display>; unset or empty:
// wayland-0, as libwayland assumes.
std::string display_name(std::string_view wayland_display);

// What a client's environment says (an empty string: unset or empty).
struct SocketEnvironment {
    std::string cirrus_control;   // $CIRRUS_CONTROL: the control socket's path
    std::string xdg_runtime_dir;  // $XDG_RUNTIME_DIR
    std::string wayland_display;  // $WAYLAND_DISPLAY

    static SocketEnvironment from_process();  // getenv
};

// A control socket that cannot be found or does not answer. The message
// names the path and what to do.
class ControlError : public std::runtime_error {
public:
    enum class Kind {
        no_path,      // the environment does not say where the socket is
        unreachable,  // no socket there, or nothing listens on it
        no_answer,    // connected, but no whole answer line came
        bad_answer,   // the answer line is not JSON
    };
    ControlError(Kind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    Kind kind() const { return kind_; }

private:
    Kind kind_;
};

// $CIRRUS_CONTROL when set, else $XDG_RUNTIME_DIR/cirrus-<display>.sock with
// <display> from $WAYLAND_DISPLAY (display_name). Without either throws
// ControlError(no_path) naming what to set: there is no sensible default
// (a compositor never listens outside its runtime folder).
std::string find_control_socket(const SocketEnvironment& env);
std::string find_control_socket();  // from the process's environment

// How long a client waits for an answer unless told otherwise: every request
// is answered at once but a swipe (when it ends, at most 10 s) and a
// screenshot of a large output; a working compositor never takes this long.
inline constexpr double kAnswerTimeoutSeconds = 60;

// A connection to the control socket. Blocking; closed when destroyed.
class ControlClient {
public:
    // Connects to the socket at `path`; while nothing listens there, tries
    // again every 50 ms for up to `wait_seconds` (0: once). Throws
    // ControlError(unreachable), which says "is cirrus-compositor running?".
    static ControlClient connect(const std::string& path, double wait_seconds = 0);

    ~ControlClient();
    ControlClient(ControlClient&& other) noexcept;
    ControlClient& operator=(ControlClient&& other) noexcept;
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    // Writes bytes as they are (a request line ends with '\n'). Throws
    // ControlError(no_answer) when the compositor has gone.
    void send(std::string_view bytes);
    // The next line, without its '\n'. Throws ControlError(no_answer) when
    // the connection closes or `timeout_seconds` pass first.
    std::string read_line(double timeout_seconds = kAnswerTimeoutSeconds);
    // One request line (a '\n' is added; `line` must not hold one) and its
    // answer line.
    std::string exchange(std::string_view line, double timeout_seconds = kAnswerTimeoutSeconds);
    // The same with JSON; throws ControlError(bad_answer) when the answer is
    // not JSON.
    nlohmann::json request(const nlohmann::json& request, double timeout_seconds = kAnswerTimeoutSeconds);

    const std::string& path() const { return path_; }
    int fd() const { return fd_; }

private:
    ControlClient(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

    int fd_ = -1;
    std::string path_;
    std::string buffer_;  // what came after the last line read
};

// One request on a connection of its own: connect, send, read the answer.
nlohmann::json control_request(const std::string& path, const nlohmann::json& request,
                               double timeout_seconds = kAnswerTimeoutSeconds);

}  // namespace cirrus::control
