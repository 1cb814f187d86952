// Integration-test harness: runs the real cirrus-compositor on the headless
// backend in a private XDG_RUNTIME_DIR, talks to its control socket, and runs
// client processes whose JSON event lines it reads with timeouts. Every
// process it starts is killed when its owner goes out of scope (also when an
// assertion throws), and children die with the test process (PDEATHSIG).
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/types.h>

#include "common/control_socket.hpp"

namespace cirrus_it {

using json = nlohmann::json;
using Predicate = std::function<bool(const json&)>;

// Path of a program given by an environment variable (set by meson's test()).
// Throws when it is unset; `optional` returns "" instead.
std::string program(const char* env_var);
std::string optional_program(const char* env_var);

// Polls `condition` every 20 ms until it holds or `timeout_s` passes.
bool wait_until(const std::function<bool()>& condition, double timeout_s = 10);

void sleep_ms(int ms);

// "exit N" or "signal NAME" for a wait status.
std::string describe_status(int status);

// A child process with its stdout (JSON lines) and stdin connected to pipes
// and its stderr going to a log file.
class Process {
public:
    struct Options {
        std::vector<std::string> argv;
        std::map<std::string, std::string> env;  // added to / overriding the environment
        std::vector<std::string> unset_env;
        std::string log_path;  // stderr (and stdout if !capture_stdout)
        bool capture_stdout = true;
        bool own_process_group = false;
    };

    explicit Process(const Options& options);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }
    const std::string& name() const { return name_; }

    // The next event (JSON line) after the ones already consumed that
    // satisfies `pred`; consumes it and everything before it. nullopt on
    // timeout or when the process closed its stdout.
    std::optional<json> next(const Predicate& pred, double timeout_s = 10);
    std::optional<json> next_event(const std::string& event, double timeout_s = 10, const Predicate& pred = nullptr);
    // Like next_event but throws a descriptive error on timeout.
    json expect(const std::string& event, double timeout_s = 10, const Predicate& pred = nullptr);

    // All lines read so far (consumed or not), after reading what is ready.
    const std::vector<json>& events();
    // Non-JSON lines printed on stdout.
    const std::vector<std::string>& other_lines() const { return other_lines_; }

    void send_line(const std::string& line);
    void signal(int sig);
    // Waits for the process to exit; the raw wait status, nullopt on timeout.
    std::optional<int> wait_exit(double timeout_s = 10);
    bool alive();
    std::optional<int> exit_status() const { return status_; }

    std::string log_tail(size_t max_chars = 2000) const;
    std::string describe() const;  // name, pid, recent events, log tail

private:
    bool read_available(int timeout_ms);

    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    bool stdout_eof_ = false;
    bool process_group_ = false;
    std::string name_;
    std::string log_path_;
    std::string buffer_;
    std::vector<json> events_;
    std::vector<bool> consumed_;
    std::vector<std::string> other_lines_;
    size_t cursor_ = 0;
    std::optional<int> status_;
};

// A line-oriented connection to the control socket (common/control_socket's
// client, with the failures a test asserts on as return values).
class ControlConnection {
public:
    explicit ControlConnection(const std::string& path, double timeout_s = 5);

    // Sends `line` (a newline is added) and returns the response line, or
    // nullopt when the connection closed or `timeout_s` passed.
    std::optional<std::string> exchange(const std::string& line, double timeout_s = 10);
    bool send_raw(const std::string& bytes);
    std::optional<std::string> read_line(double timeout_s = 10);
    // True when the peer closed the connection within timeout_s.
    bool wait_closed(double timeout_s = 5);

private:
    cirrus::control::ControlClient client_;
};

// The real compositor on the headless backend.
class Compositor {
public:
    struct Options {
        std::string size = "480x800";         // "" passes no --size (e.g. to take it from --config)
        std::vector<std::string> extra_args;  // appended to the command line (--scale 2, --config F, ...)
        bool bundled_apps = false;            // let it install the bundled apps (into the private data dir)
        // Standby web-app hosts kept ready (--prestart N). None by default, so
        // that tests see only the processes they start; the prestart tests set it.
        int prestart = 0;
        // The shell it starts (and restarts); empty: none, so that tests of the
        // compositor alone see only their own clients.
        std::string shell{};
        // The on-screen keyboard it starts (and restarts); empty: none.
        std::string keyboard{};
        // The sync service it starts (and restarts), e.g. cirrus-sync with
        // its options; empty: none.
        std::string sync{};
        // Apps written into its private registry before it starts (a launch
        // of an app that is not installed is refused): each a bare record
        // of that id, enough for a stand-in host (--app-host).
        std::vector<std::string> installed_apps{};
        // Its XDG_DATA_HOME (apps' data, saved pages); empty: a private one
        // in its runtime folder. Set to outlive it: a phone restarted.
        std::string data_home{};
    };

    Compositor();
    explicit Compositor(const Options& options);
    ~Compositor();
    Compositor(const Compositor&) = delete;
    Compositor& operator=(const Compositor&) = delete;

    const std::string& runtime_dir() const { return runtime_dir_; }
    const std::string& display() const { return display_; }
    std::string control_path() const;
    std::string trusted_socket_path() const;
    std::string wayland_socket_path() const;
    pid_t pid() const { return process_->pid(); }
    Process& process() { return *process_; }

    // A request through the control socket; throws when there is no answer
    // or the answer is not JSON.
    json request(const json& req, double timeout_s = 10);
    // Same, for a raw line; returns the response line.
    std::string request_line(const std::string& line, double timeout_s = 10);

    // Shortcuts for queries (throw unless ok:true).
    json windows();
    json layers();
    json outputs();
    json stats();
    // The window (from "windows") of the client with this pid, if any.
    std::optional<json> window_of(pid_t pid);

    // Starts a client connected through the normal Wayland socket
    // (untrusted) or through the trusted socket.
    std::unique_ptr<Process> client(const std::vector<std::string>& argv, bool trusted = false,
                                    const std::map<std::string, std::string>& env = {});
    // Environment a client needs to connect (WAYLAND_DISPLAY, XDG_RUNTIME_DIR).
    std::map<std::string, std::string> client_env(bool trusted) const;

    bool alive() { return process_->alive(); }
    // Sends SIGTERM and waits; the raw wait status or nullopt on timeout.
    std::optional<int> terminate(double timeout_s = 5);

    std::string log_tail(size_t max_chars = 3000) const;
    std::string new_path(const std::string& stem);  // a fresh file path in the runtime dir

private:
    void wait_ready(double timeout_s);
    ControlConnection& control();

    std::string runtime_dir_;
    std::string display_ = "wayland-cirrus-test";
    std::string log_path_;
    std::unique_ptr<Process> process_;
    std::unique_ptr<ControlConnection> control_;
    int counter_ = 0;
};

// An RGBA image read from a PNG file.
struct Image {
    int width = 0;
    int height = 0;
    std::vector<uint8_t> rgba;  // top row first

    struct Pixel {
        int r, g, b, a;
    };
    Pixel at(int x, int y) const;
};

// Reads a PNG (any colour type libpng can expand to RGBA8); throws on error.
Image read_png(const std::string& path);

// |a - b| <= tolerance for r, g, b.
bool same_rgb(const Image::Pixel& p, uint32_t rgb, int tolerance = 2);
bool same_rgb(const json& pixel, uint32_t rgb, int tolerance = 2);

// Runs a program to completion (stdout captured); returns {wait status, stdout}.
struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
    bool exited_ok() const;
    int exit_code() const;
};
RunResult run_program(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
                      double timeout_s = 15);

}  // namespace cirrus_it
