// What the tests that run real hosts under the real compositor share: the
// loopback origin's answers, launching an app, waiting for its page (through
// its window title, which the test pages set, and its colour), and stopping
// its host.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"

namespace webapp_test {

constexpr double kPageTimeout = 25;              // launch to the page's title report
constexpr std::uint32_t kPageColour = 0x00ff00;  // what the test pages paint (#00ff00)

std::string replace_all(std::string text, const std::string& from, const std::string& to);

// A 200 answer with this body; Cache-Control no-store unless told otherwise
// (an empty cache_control sends none).
cirrus::test::HttpTestServer::Handler respond(const std::string& type, const std::string& body,
                                              const std::string& cache_control = "no-store");

// Asks the compositor to launch `id`; the new host's pid (throws unless one
// was spawned).
pid_t launch(cirrus_it::Compositor& c, const std::string& id);

// The window of `app` whose title contains `part` (and whose pid is `pid`,
// when given); throws with what there was on timeout.
cirrus_it::json window_with_title(cirrus_it::Compositor& c, const std::string& app, const std::string& part,
                                  double timeout_s, pid_t pid = -1);

// The title of a window from the compositor's window list.
std::string title_of(const cirrus_it::json& window);

// The title of the window of `app` (whose pid is `pid`, when given); empty
// when there is none.
std::string title_of_app(cirrus_it::Compositor& c, const std::string& app, pid_t pid = -1);

// Stops a host (SIGTERM, then SIGKILL) and waits until its window has gone.
void stop_host(cirrus_it::Compositor& c, pid_t pid);

struct HostGuard {
    cirrus_it::Compositor& c;
    pid_t pid = -1;
    ~HostGuard() { stop_host(c, pid); }
};

// Processes whose parent chain reaches `root` (not `root` itself).
std::set<pid_t> descendants(pid_t root);
// A process's name (/proc/PID/comm).
std::string comm_of(pid_t pid);
// WebKit's web process under a host, or -1.
pid_t web_process_of(pid_t host);

// A mount as a process sees it (/proc/PID/mountinfo): inside a sandbox,
// every folder bound into it.
struct Mount {
    std::string point;
    std::string options;
    bool writable = false;
};
std::vector<Mount> mounts_of(pid_t pid);

}  // namespace webapp_test
