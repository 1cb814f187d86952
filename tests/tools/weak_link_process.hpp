// Runs cirrus-weak-link (tests/tools/weak_link.cpp) for a test: a weak link
// on 127.0.0.1 in front of the test's own origin, whose profile the test
// switches live. The program comes from $CIRRUS_WEAK_LINK (meson sets it from
// weak_link_exe).
//
//   cirrus::test::WeakLinkProcess link(origin_port, "3g");
//   fetch("http://127.0.0.1:" + std::to_string(link.port()) + "/app.js");
//   link.set_profile("offline");
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <sys/types.h>

namespace cirrus::test {

class WeakLinkProcess {
public:
    // Counters from the program's `stats` command.
    struct Stats {
        std::string profile;
        std::uint64_t up_bytes = 0;    // delivered to the origin
        std::uint64_t down_bytes = 0;  // delivered to clients
        std::uint64_t open = 0;        // connections open now
        std::uint64_t accepted = 0;    // connections forwarded (or held) since the start
        std::uint64_t refused = 0;     // reset at once because the profile was offline
        std::uint64_t cut = 0;         // reset by a switch to offline
        std::uint64_t lost = 0;        // segments played as lost
    };

    // Starts the program in front of 127.0.0.1:upstream_port and waits until it
    // listens. extra_arguments go to the program as they are (e.g.
    // "--handshake", "--verbose"). Throws std::runtime_error when it cannot
    // start or does not answer within `timeout`.
    explicit WeakLinkProcess(int upstream_port, std::string_view profile = "none",
                             const std::vector<std::string>& extra_arguments = {},
                             std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // stop(): SIGTERM, then SIGKILL if it has not gone within two seconds.
    ~WeakLinkProcess();
    WeakLinkProcess(const WeakLinkProcess&) = delete;
    WeakLinkProcess& operator=(const WeakLinkProcess&) = delete;

    // The port clients connect to, on 127.0.0.1.
    int port() const { return port_; }
    // "http://127.0.0.1:PORT" + path
    std::string url(std::string_view path = "/") const;
    pid_t pid() const { return pid_; }

    // Switches the profile and returns once the program has switched. Throws
    // on an unknown profile or no answer.
    void set_profile(std::string_view name);
    Stats stats();

    // $CIRRUS_WEAK_LINK; throws when it is not set.
    static std::string program();

    enum class Ending { sigterm, end_of_input };
    // Ends the program, by SIGTERM or by closing its stdin (both end it
    // cleanly), and waits for it; SIGKILL if it has not gone within two
    // seconds. Returns its exit status: 0 for a clean end (in a sanitizer
    // build also: no error, no leak), 128 + N when killed by signal N, -1 when
    // it was stopped before.
    int stop(Ending how = Ending::sigterm);

private:
    // Writes one command line and returns the answer line.
    std::string command(std::string_view line);
    std::string read_line();

    pid_t pid_ = -1;
    int to_program_ = -1;    // its stdin
    int from_program_ = -1;  // its stdout
    std::string buffered_;
    int port_ = 0;
    std::chrono::milliseconds timeout_;
};

}  // namespace cirrus::test
