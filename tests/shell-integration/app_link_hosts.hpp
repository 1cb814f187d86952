// App hosts for the shell's banner, lock and prompt tests: the compositor
// launches cirrus-test-app-link (tests/clients/test_app_link.cpp) as an
// app's host through a wrapper script given as --app-host, so that it gets
// cirrus_app_v1 (offered only to processes the compositor started as
// hosts). The script execs the client, keeping the pid the compositor knows,
// with its stdin on a FIFO the test writes commands to and its stdout
// (JSON lines) appended to a file the test reads.
#pragma once

#include <doctest/doctest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.hpp"
#include "shell_fixture.hpp"

namespace cirrus_shell_it {

// The colour the overlay tests' app hosts fill their app's window with.
constexpr std::uint32_t kAppWindow = 0xcc3366;

class AppLinkHosts {
public:
    AppLinkHosts() {
        char templ[] = "/tmp/cirrus-app-link-XXXXXX";
        if (!mkdtemp(templ)) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
        dir_ = templ;
        script_ = dir_ + "/host.sh";
        std::ofstream f(script_);
        f << "#!/bin/sh\n"
             "# The compositor runs: host.sh --app ID\n"
             "[ \"$1\" = \"--app\" ] || { echo \"usage: $0 --app ID\" >&2; exit 64; }\n"
             "dir='"
          << dir_
          << "'\n"
             "color=$(cat \"$dir/$2.color\" 2>/dev/null || echo 336699)\n"
             "exec '"
          << cirrus_it::program("CIRRUS_TEST_APP_LINK")
          << "' --app-id \"$2\" --color \"$color\" <\"$dir/$2.in\" >>\"$dir/$2.out\" 2>>\"$dir/$2.log\"\n";
        f.close();
        std::filesystem::permissions(script_, std::filesystem::perms::owner_all);
    }

    ~AppLinkHosts() {
        for (auto& [app, host] : hosts_) {
            if (host.fifo >= 0) close(host.fifo);
        }
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    AppLinkHosts(const AppLinkHosts&) = delete;
    AppLinkHosts& operator=(const AppLinkHosts&) = delete;

    // For the compositor's --app-host.
    const std::string& script() const { return script_; }

    // Before the app is launched: its command FIFO (held open here for
    // reading and writing, so neither end blocks) and its colour.
    void prepare(const std::string& app, std::uint32_t rgb) {
        Host& host = hosts_[app];
        const std::string fifo = dir_ + "/" + app + ".in";
        if (mkfifo(fifo.c_str(), 0600) != 0) throw std::runtime_error("mkfifo " + fifo + ": " + std::strerror(errno));
        host.fifo = open(fifo.c_str(), O_RDWR | O_CLOEXEC);
        if (host.fifo < 0) throw std::runtime_error("open " + fifo + ": " + std::strerror(errno));
        char colour[8];
        std::snprintf(colour, sizeof(colour), "%06x", rgb & 0xffffff);
        std::ofstream(dir_ + "/" + app + ".color") << colour << "\n";
    }

    void send(const std::string& app, const std::string& line) {
        const std::string text = line + "\n";
        const Host& host = hosts_.at(app);
        if (write(host.fifo, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
            throw std::runtime_error("cannot write to " + app + "'s host: " + std::strerror(errno));
        }
    }

    // The next event (after the ones consumed) named `event` and matching
    // `pred`, within the timeout; it and everything before it are consumed.
    std::optional<cirrus_it::json> next_event(const std::string& app, const std::string& event, double timeout_s = 10,
                                              const cirrus_it::Predicate& pred = nullptr) {
        Host& host = hosts_.at(app);
        std::optional<cirrus_it::json> found;
        cirrus_it::wait_until(
            [&] {
                const std::vector<cirrus_it::json> lines = read_events(app);
                for (std::size_t i = host.consumed; i < lines.size(); ++i) {
                    if (lines[i].value("event", "") == event && (!pred || pred(lines[i]))) {
                        host.consumed = i + 1;
                        found = lines[i];
                        return true;
                    }
                }
                return false;
            },
            timeout_s);
        return found;
    }

    cirrus_it::json expect(const std::string& app, const std::string& event, double timeout_s = 10,
                           const cirrus_it::Predicate& pred = nullptr) {
        if (auto e = next_event(app, event, timeout_s, pred)) return *e;
        throw std::runtime_error("the host of " + app + " never said " + event + "; it said:\n" + transcript(app));
    }

    // Every event so far, consumed or not.
    std::vector<cirrus_it::json> read_events(const std::string& app) const {
        std::vector<cirrus_it::json> events;
        std::ifstream in(dir_ + "/" + app + ".out");
        std::string line;
        while (std::getline(in, line)) {
            // A line being written may be cut short: the next read has it.
            if (in.eof()) break;
            try {
                events.push_back(cirrus_it::json::parse(line));
            } catch (const std::exception&) {}
        }
        return events;
    }

    std::string transcript(const std::string& app) const {
        std::ostringstream out;
        for (const auto& e : read_events(app)) out << e.dump() << "\n";
        std::ifstream log(dir_ + "/" + app + ".log");
        out << "stderr: " << std::string(std::istreambuf_iterator<char>(log), {});
        return out.str();
    }

private:
    struct Host {
        int fifo = -1;
        std::size_t consumed = 0;
    };
    std::string dir_;
    std::string script_;
    std::map<std::string, Host> hosts_;
};

// The real compositor and shell with app hosts from AppLinkHosts, and what
// the overlay tests ask of them.
class HostedShell {
public:
    explicit HostedShell(Compositor::Options options = {}) : f(with_host(options, hosts)) {}

    // Installs the app (a red icon; its name `name`, else its id), launches
    // it with a host that fills its window with `window_rgb`, and waits
    // until the window shows.
    void launch(const std::string& app, std::uint32_t window_rgb, const std::string& name = "",
                bool wait_visible = true) {
        f.install(app, name.empty() ? app : name, 0xd03030);
        hosts.prepare(app, window_rgb);
        const json r = f.compositor.request({{"cmd", "launch"}, {"app", app}});
        REQUIRE_MESSAGE(r.value("ok", false), r.dump());
        hosts.expect(app, "mapped");
        if (wait_visible)
            REQUIRE_MESSAGE(cirrus_it::wait_until([&] { return visible(app); }), f.compositor.windows().dump());
    }

    std::optional<json> window(const std::string& app) {
        for (const json& w : f.compositor.windows())
            if (w.value("app", json()) == app) return w;
        return std::nullopt;
    }
    bool visible(const std::string& app) {
        const auto w = window(app);
        return w && w->value("visible", false);
    }

    // The mapped layer surface of that namespace, if any.
    std::optional<json> layer(const std::string& name_space) {
        for (const json& l : f.compositor.layers())
            if (l["namespace"] == name_space && l.value("mapped", false)) return l;
        return std::nullopt;
    }
    json wait_layer(const std::string& name_space, double timeout_s = kTimeout) {
        std::optional<json> found;
        const bool ok = cirrus_it::wait_until([&] { return (found = layer(name_space)).has_value(); }, timeout_s);
        if (!ok) {
            throw std::runtime_error("no " + name_space + " surface; layers: " + f.compositor.layers().dump() +
                                     (f.shell ? "\nshell: " + f.shell->describe() : std::string()));
        }
        return *found;
    }
    bool wait_layer_gone(const std::string& name_space, double timeout_s = kTimeout) {
        return cirrus_it::wait_until([&] { return !layer(name_space).has_value(); }, timeout_s);
    }

    void key(int keycode) {
        for (const char* state : {"pressed", "released"}) {
            REQUIRE(f.compositor.request({{"cmd", "key"}, {"keycode", keycode}, {"state", state}})["ok"] == true);
        }
    }
    // The power key locks and blanks; pressed again it lights the lock screen.
    void lock_with_power_key() {
        constexpr int key_power = 116;
        key(key_power);
        wait_layer("cirrus-lock");
        key(key_power);
        REQUIRE(cirrus_it::wait_until([&] { return f.compositor.outputs()[0]["blanked"] == false; }));
    }

    json swipe(int x1, int y1, int x2, int y2, int ms = 200, int steps = 10) {
        return f.compositor.request(
            {{"cmd", "swipe"}, {"x1", x1}, {"y1", y1}, {"x2", x2}, {"y2", y2}, {"ms", ms}, {"steps", steps}});
    }

    // The mouse, as a virtual pointer (cirrus-test-virtual-input on the
    // trusted socket): "motion X Y" in logical pixels, "button-down 272", ...
    void mouse(const std::string& command) {
        if (!mouse_) {
            mouse_ = f.compositor.client({cirrus_it::program("CIRRUS_TEST_VIRTUAL_INPUT")}, true);
            mouse_->expect("ready");
        }
        std::string line = command;
        if (command.rfind("motion ", 0) == 0) {
            const json out = f.compositor.outputs()[0];
            line += " " + std::to_string(out["width"].get<int>()) + " " + std::to_string(out["height"].get<int>());
        }
        mouse_->send_line(line);
        mouse_->expect("sent");
    }

    AppLinkHosts hosts;  // before f: the compositor is told where the script is
    ShellFixture f;

private:
    static Compositor::Options with_host(Compositor::Options o, const AppLinkHosts& hosts) {
        o.extra_args.push_back("--app-host");
        o.extra_args.push_back(hosts.script());
        return o;
    }
    std::unique_ptr<Process> mouse_;  // after f: it goes first
};

// Pixels in `box` at least this light in every channel: white text.
inline int light_pixels(const Image& image, const Box& box, int at_least = 200) {
    int n = 0;
    for (int y = box.y; y < box.y + box.height; ++y)
        for (int x = box.x; x < box.x + box.width; ++x) {
            const Image::Pixel p = image.at(x, y);
            if (p.r >= at_least && p.g >= at_least && p.b >= at_least) ++n;
        }
    return n;
}

}  // namespace cirrus_shell_it
