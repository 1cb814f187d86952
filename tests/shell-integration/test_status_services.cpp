// The status bar's system sources with the real shell on the real
// compositor: a private dbus-daemon on a socket in the test's runtime folder
// plays the system bus (DBUS_SYSTEM_BUS_ADDRESS), cirrus-test-system-services
// plays UPower and ModemManager on it, and what the bar draws is read back
// from screenshots, at the rectangles the shell's own layout code gives.
//
// The compositor publishes its own link estimate (cirrus_shell_v1.link_state:
// "good" where the default route goes out over Ethernet or Wi-Fi, "3g" over
// another link, when nothing was measured,
// "offline" where it has none), and the bar combines it with the modem. The
// tests read that estimate as the compositor sends it, and expect what the
// shell's precedence rules (link_indicator.hpp) make of it and the modem.

#include <dirent.h>
#include <sys/wait.h>

#include <csignal>

#include <fstream>
#include <sstream>

#include "link_indicator.hpp"
#include "shell_fixture.hpp"
#include "status_bar_layout.hpp"
#include "theme.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::kStatusBarHeight;
using cirrus::shell::LinkIndicator;
using cirrus::shell::LinkState;
using cirrus::shell::ModemReading;

namespace {

// MMModemAccessTechnology and MMModemState values the tests use.
constexpr std::uint32_t kUmts = 1u << 5;
constexpr std::uint32_t kHspaPlus = 1u << 9;
constexpr std::uint32_t kLte = 1u << 14;
constexpr int kRegistered = 8;
constexpr int kSearching = 7;

const cirrus::shell::StatusBarLayout kBar = cirrus::shell::status_bar_layout(480, kStatusBarHeight);

Image::Pixel bar_background(int) {
    const std::uint32_t rgb = cirrus::shell::kStatusBarHomeRgb;
    return {static_cast<int>(rgb >> 16), static_cast<int>((rgb >> 8) & 0xff), static_cast<int>(rgb & 0xff), 255};
}

// A dbus-daemon of the test's own, listening on a socket in `dir` only.
// Its configuration is written here rather than taken from --session: no
// service directories (nothing is ever auto-started), and anyone on it may
// own the system services' names.
class PrivateSystemBus {
public:
    explicit PrivateSystemBus(const std::string& dir) {
        const std::string daemon = cirrus_it::optional_program("CIRRUS_DBUS_DAEMON");
        if (daemon.empty()) {
            throw std::runtime_error(
                "dbus-daemon was not found when the build was configured (Debian package "
                "dbus-daemon); the status bar's D-Bus tests need it");
        }
        socket_ = dir + "/test_system_bus_socket";
        const std::string config = dir + "/test-system-bus.conf";
        write_file(config, R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=)" + socket_ +
                               R"(</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
)");
        Process::Options o;
        o.argv = {daemon, "--config-file=" + config, "--nofork", "--nopidfile"};
        o.log_path = dir + "/test-dbus-daemon.log";
        o.capture_stdout = false;
        daemon_ = std::make_unique<Process>(o);
        if (!cirrus_it::wait_until([&] { return std::filesystem::exists(socket_) || !daemon_->alive(); }, kTimeout) ||
            !daemon_->alive()) {
            throw std::runtime_error("the private dbus-daemon did not start: " + daemon_->describe());
        }
    }

    std::string address() const { return "unix:path=" + socket_; }

private:
    std::string socket_;
    std::unique_ptr<Process> daemon_;
};

// cirrus-test-system-services on the private bus; each command waits for
// its answer (the signals it caused are on the bus by then).
class FakeServices {
public:
    FakeServices(const PrivateSystemBus& bus, const std::string& dir) {
        Process::Options o;
        o.argv = {cirrus_it::program("CIRRUS_TEST_SYSTEM_SERVICES")};
        o.env = {{"DBUS_SYSTEM_BUS_ADDRESS", bus.address()}};
        o.log_path = dir + "/test-system-services.log";
        process_ = std::make_unique<Process>(o);
        process_->expect("ready");
    }

    void command(const json& c) {
        process_->send_line(c.dump());
        const std::string cmd = c["cmd"];
        const std::string answer = cmd == "own" ? "owned" : cmd == "release" ? "released" : "done";
        const auto reply = process_->next(
            [&](const json& e) { return e.value("event", "") == answer || e.value("event", "") == "error"; }, kTimeout);
        if (!reply || (*reply)["event"] != answer) {
            throw std::runtime_error("fake services: " + c.dump() + " got " + (reply ? reply->dump() : "no answer") +
                                     "\n" + process_->describe());
        }
    }

private:
    std::unique_ptr<Process> process_;
};

// The compositor, the private bus, the fake services, and the shell on them.
struct BusFixture {
    ShellFixture f;
    PrivateSystemBus bus{f.compositor.runtime_dir()};
    FakeServices services{bus, f.compositor.runtime_dir()};

    void start_shell() { f.start_shell({{"DBUS_SYSTEM_BUS_ADDRESS", bus.address()}}); }
    // Returns once the shell is connected to the bus.
    void wait_shell_on_bus() {
        services.command({{"cmd", "wait_client"}, {"pid", static_cast<std::uint32_t>(f.shell->pid())}});
    }
};

void write_sysfs_battery(const ShellFixture& f, int percent, const std::string& status) {
    write_file(f.power_dir + "/BAT0/type", "Battery\n");
    write_file(f.power_dir + "/BAT0/capacity", std::to_string(percent) + "\n");
    write_file(f.power_dir + "/BAT0/status", status + "\n");
}

// --- the battery, as drawn ------------------------------------------------

// Fully lit pixels of the battery's fill, along its middle row: the fill is
// (body width - 4) * percent / 100 wide, its last pixel partly covered.
int fill_pixels(const Image& shot) {
    const Box body = cirrus::shell::battery_body(kBar.battery);
    const int y = body.y + body.height / 2;
    int n = 0;
    for (int x = body.x + 2; x < body.x + body.width - 2; ++x) {
        if (cirrus_it::same_rgb(shot.at(x, y), 0xffffff, 40)) ++n;
    }
    return n;
}

int expected_fill(int percent) {
    const Box body = cirrus::shell::battery_body(kBar.battery);
    return (body.width - 4) * percent / 100;  // whole pixels
}

bool fill_shows(const Image& shot, int percent) { return std::abs(fill_pixels(shot) - expected_fill(percent)) <= 1; }

// The leftmost column with ink in the battery box, left of the body: the
// percentage's first digit. A charging bolt sits between the text and the
// body, so it moves the text about ten pixels to the left.
int text_left(const Image& shot) {
    const Box body = cirrus::shell::battery_body(kBar.battery);
    for (int x = kBar.battery.x; x < body.x; ++x) {
        if (ink_pixels(shot, {x, 0, 1, kStatusBarHeight}, bar_background) > 0) return x;
    }
    return -1;
}

// --- the network indicator, as drawn ---------------------------------------

enum class BarLook { missing, faint, lit };

BarLook signal_bar_look(const Image& shot, int index) {
    const Box bar = cirrus::shell::signal_bar(kBar.link, index);
    const Image::Pixel p = shot.at(bar.x + 1, bar.y + bar.height / 2);
    if (cirrus_it::same_rgb(p, 0xffffff, 40)) return BarLook::lit;
    if (cirrus_it::same_rgb(p, cirrus::shell::kStatusBarHomeRgb, 12)) return BarLook::missing;
    return BarLook::faint;  // white at 30% over the bar
}

// Lit bars when all four are drawn (lit or faint); -1 when any is missing.
int lit_bars(const Image& shot) {
    int lit = 0;
    for (int i = 0; i < 4; ++i) {
        const BarLook look = signal_bar_look(shot, i);
        if (look == BarLook::missing) return -1;
        if (look == BarLook::lit) ++lit;
    }
    return lit;
}

int label_ink(const Image& shot) { return ink_pixels(shot, cirrus::shell::link_label(kBar.link), bar_background); }

std::vector<int> label_pixels(const Image& shot) {
    const Box box = cirrus::shell::link_label(kBar.link);
    std::vector<int> out;
    for (int y = box.y; y < box.y + box.height; ++y)
        for (int x = box.x; x < box.x + box.width; ++x) out.push_back(shot.at(x, y).r);
    return out;
}

// Whether the screenshot's link area draws `expected`. Labels are told
// apart by their pixels: each label text seen so far is remembered, so the
// same text must draw the same pixels, and another text other pixels.
class IndicatorCheck {
public:
    bool shows(const Image& shot, const LinkIndicator& expected) {
        if (!expected.shown) return ink_pixels(shot, kBar.link, bar_background) == 0;
        if (lit_bars(shot) != expected.bars) return false;
        if (expected.label.empty()) return label_ink(shot) == 0;
        if (label_ink(shot) <= 10) return false;
        const std::vector<int> pixels = label_pixels(shot);
        for (const auto& [text, seen] : labels_) {
            if ((text == expected.label) != (seen == pixels)) return false;
        }
        labels_.emplace(expected.label, pixels);
        return true;
    }

private:
    std::map<std::string, std::vector<int>> labels_;
};

std::string describe(const LinkIndicator& i) {
    if (!i.shown) return "no network indicator";
    return std::to_string(i.bars) + " lit bars and the label \"" + i.label + "\"";
}

// The link class the compositor publishes to shells now, read by a second
// cirrus_shell_v1 client.
LinkState compositor_link_state(ShellFixture& f) {
    auto probe = f.compositor.client({cirrus_it::program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
    const json e = probe->expect("link_state", kTimeout);
    return cirrus::shell::link_state_from_protocol(e["link"].get<std::uint32_t>());
}

// The control socket's `link`: the compositor publishes `cache`'s class and
// `kind` until told `auto`.
void pin_link(ShellFixture& f, LinkState cache, const std::string& kind) {
    const char* names[] = {"offline", "offline", "2g", "3g", "good"};  // by LinkState, unknown first
    const json answer =
        f.compositor.request({{"cmd", "link"}, {"class", names[static_cast<int>(cache)]}, {"kind", kind}});
    REQUIRE_MESSAGE(answer["ok"] == true, answer.dump());
}

// Screenshots until `ok` holds for one; that screenshot. Fails with `what`.
template <typename Ok>
Image wait_screen(ShellFixture& f, const std::string& what, Ok ok) {
    Image last;
    const bool reached = cirrus_it::wait_until(
        [&] {
            last = f.screenshot();
            return ok(last);
        },
        kTimeout);
    if (!reached) {
        throw std::runtime_error("the status bar never showed " + what + "; fill " + std::to_string(fill_pixels(last)) +
                                 " px, lit bars " + std::to_string(lit_bars(last)) + ", label ink " +
                                 std::to_string(label_ink(last)) + "\nshell: " + f.shell->describe());
    }
    return last;
}

Image wait_indicator(ShellFixture& f, IndicatorCheck& check, const LinkIndicator& expected) {
    return wait_screen(f, describe(expected), [&](const Image& shot) { return check.shows(shot, expected); });
}

// Context switches of every thread of `pid` so far: a process that sleeps
// in poll() with nothing to do adds none.
long context_switches(pid_t pid) {
    long total = 0;
    const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
    DIR* dir = opendir(tasks.c_str());
    if (!dir) return -1;
    while (dirent* entry = readdir(dir)) {
        if (entry->d_name[0] == '.') continue;
        std::ifstream status(tasks + "/" + entry->d_name + "/status");
        for (std::string line; std::getline(status, line);) {
            if (line.rfind("voluntary_ctxt_switches:", 0) == 0 || line.rfind("nonvoluntary_ctxt_switches:", 0) == 0) {
                total += std::stol(line.substr(line.find(':') + 1));
            }
        }
    }
    closedir(dir);
    return total;
}

// The shell's wake-ups over `ms` of quiet (a minute tick of the clock may
// fall into it: that is a handful, not a stream).
long wakeups_over(pid_t pid, int ms) {
    const long before = context_switches(pid);
    cirrus_it::sleep_ms(ms);
    return context_switches(pid) - before;
}

// SIGTERM, and the shell's clean exit: its D-Bus objects torn down without
// a crash, and (in a sanitizer build) without a leak, which LeakSanitizer
// would turn into a failing exit status.
void stop_shell_cleanly(ShellFixture& f) {
    f.shell->signal(SIGTERM);
    const auto status = f.shell->wait_exit(kTimeout);
    REQUIRE(status.has_value());
    INFO("shell: " << f.shell->describe());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("UPower's battery wins over a simulated sysfs battery, follows its changes, and sysfs returns without it") {
    BusFixture t;
    write_sysfs_battery(t.f, 80, "Discharging");
    t.services.command({{"cmd", "upower"}, {"IsPresent", true}, {"Type", 2}, {"Percentage", 30.0}, {"State", 1}});
    t.services.command({{"cmd", "own"}, {"name", "upower"}});
    t.start_shell();

    // 30% charging from UPower, not sysfs's 80% discharging.
    const Image charging = wait_screen(t.f, "UPower's 30%", [](const Image& s) { return fill_shows(s, 30); });
    const int charging_left = text_left(charging);
    CHECK(charging_left > kBar.battery.x);

    // Discharging at the same charge: the bolt goes, the text moves right.
    t.services.command({{"cmd", "upower"}, {"State", 2}});
    const Image discharging =
        wait_screen(t.f, "the bolt gone", [&](const Image& s) { return text_left(s) >= charging_left + 6; });
    CHECK(fill_shows(discharging, 30));

    t.services.command({{"cmd", "upower"}, {"Percentage", 55.0}});
    wait_screen(t.f, "UPower's 55%", [](const Image& s) { return fill_shows(s, 55); });

    // UPower leaves the bus: sysfs's battery again.
    t.services.command({{"cmd", "release"}, {"name", "upower"}});
    wait_screen(t.f, "sysfs's 80%", [](const Image& s) { return fill_shows(s, 80); });
    stop_shell_cleanly(t.f);
}

TEST_CASE("UPower appearing after the shell started replaces sysfs; a display device without a battery does not") {
    BusFixture t;
    write_sysfs_battery(t.f, 80, "Discharging");
    t.start_shell();
    t.wait_shell_on_bus();
    wait_screen(t.f, "sysfs's 80%", [](const Image& s) { return fill_shows(s, 80); });

    t.services.command({{"cmd", "upower"}, {"IsPresent", true}, {"Type", 2}, {"Percentage", 30.0}, {"State", 2}});
    t.services.command({{"cmd", "own"}, {"name", "upower"}});
    wait_screen(t.f, "UPower's 30% once it appeared", [](const Image& s) { return fill_shows(s, 30); });

    // The display device reports no battery (a desktop): sysfs stands in.
    t.services.command({{"cmd", "upower"}, {"IsPresent", false}});
    wait_screen(t.f, "sysfs's 80% again", [](const Image& s) { return fill_shows(s, 80); });
}

TEST_CASE("a modem at 3G with 75% signal draws its label and three bars; changes redraw; removal clears it") {
    BusFixture t;
    // The modem exists before ModemManager owns its name: the shell, started
    // first, must pick the service up when it appears.
    t.services.command({{"cmd", "add_modem"},
                        {"index", 0},
                        {"State", kRegistered},
                        {"AccessTechnologies", kUmts},
                        {"SignalQuality", 75}});
    t.start_shell();
    t.wait_shell_on_bus();
    const LinkState cache = compositor_link_state(t.f);
    INFO("the compositor's link class: " << static_cast<int>(cache));
    // The modem's drawing, whatever carries this machine's own data (a
    // wired test machine would draw its glyph without a modem): the kind is
    // pinned to unknown, the class kept.
    pin_link(t.f, cache, "unknown");
    const auto expect = [&](std::optional<ModemReading> modem) { return cirrus::shell::link_indicator(cache, modem); };
    IndicatorCheck check;
    // No ModemManager: the compositor's estimate alone.
    wait_indicator(t.f, check, expect(std::nullopt));

    t.services.command({{"cmd", "own"}, {"name", "modemmanager"}});
    ModemReading modem{kRegistered, kUmts, 75};
    REQUIRE(expect(modem).bars == 3);  // 3 bars whatever the estimate: the radio's signal
    Image shot = wait_indicator(t.f, check, expect(modem));
    CHECK(signal_bar_look(shot, 3) == BarLook::faint);

    // Weaker signal: one bar (the estimate alone never draws one bar with
    // the 3G label, so this is the modem's).
    t.services.command({{"cmd", "modem"}, {"index", 0}, {"SignalQuality", 20}});
    modem.signal_percent = 20;
    wait_indicator(t.f, check, expect(modem));

    // HSPA+: the label changes (unless the estimate says offline), the bar stays.
    t.services.command({{"cmd", "modem"}, {"index", 0}, {"AccessTechnologies", kHspaPlus}});
    modem.access_technologies = kHspaPlus;
    wait_indicator(t.f, check, expect(modem));

    // Lost the network: the estimate's view, or empty bars without one.
    t.services.command({{"cmd", "modem"}, {"index", 0}, {"State", kSearching}});
    modem.state = kSearching;
    wait_indicator(t.f, check, expect(modem));

    // Back, then the modem goes: the modem's part of the indicator goes.
    t.services.command({{"cmd", "modem"}, {"index", 0}, {"State", kRegistered}});
    modem.state = kRegistered;
    wait_indicator(t.f, check, expect(modem));
    t.services.command({{"cmd", "remove_modem"}, {"index", 0}});
    wait_indicator(t.f, check, expect(std::nullopt));

    // A new modem, then ModemManager itself goes: the same.
    t.services.command({{"cmd", "add_modem"},
                        {"index", 1},
                        {"State", kRegistered},
                        {"AccessTechnologies", kLte},
                        {"SignalQuality", 100}});
    wait_indicator(t.f, check, expect(ModemReading{kRegistered, kLte, 100}));
    t.services.command({{"cmd", "release"}, {"name", "modemmanager"}});
    wait_indicator(t.f, check, expect(std::nullopt));
    stop_shell_cleanly(t.f);
}

TEST_CASE("without a modem, Wi-Fi and wired links draw their glyph, not signal bars; a cellular link its bars") {
    BusFixture t;
    t.start_shell();
    t.wait_shell_on_bus();
    IndicatorCheck check;
    const auto glyph_pixels = [&](const Image& shot) {
        std::vector<int> out;
        const Box& box = kBar.link;
        for (int y = box.y; y < box.y + box.height; ++y)
            for (int x = box.x; x < box.x + box.width; ++x) out.push_back(shot.at(x, y).r);
        return out;
    };
    // A glyph: ink in the link box, neither the four bars nor a label.
    const auto glyph_drawn = [&](const Image& shot) {
        return ink_pixels(shot, kBar.link, bar_background) > 8 && lit_bars(shot) == -1 && label_ink(shot) == 0;
    };
    REQUIRE(cirrus::shell::link_indicator(LinkState::good, std::nullopt, cirrus::shell::LinkKind::wifi).glyph ==
            cirrus::shell::LinkGlyph::wifi);
    // A cellular link without a modem (cirrus dev's 3g profile): the class's
    // bars and label, as before there were kinds. First, so that the glyph
    // awaited next cannot be this machine's own (a wired test machine).
    pin_link(t.f, LinkState::cellular_3g, "cellular");
    wait_indicator(t.f, check, LinkIndicator{true, 3, "3G"});
    pin_link(t.f, LinkState::good, "wifi");
    const Image wifi = wait_screen(t.f, "the Wi-Fi glyph", glyph_drawn);
    const std::vector<int> wifi_pixels = glyph_pixels(wifi);
    pin_link(t.f, LinkState::good, "wired");
    const Image wired = wait_screen(t.f, "the wired glyph", [&](const Image& shot) {
        return glyph_drawn(shot) && glyph_pixels(shot) != wifi_pixels;
    });
    CHECK(glyph_pixels(wired) != wifi_pixels);
    // Offline says so on any kind.
    pin_link(t.f, LinkState::offline, "wifi");
    wait_indicator(t.f, check, LinkIndicator{true, 0, "Offline"});
    stop_shell_cleanly(t.f);
}

TEST_CASE("with the bus and its services idle, the shell does not wake up") {
    BusFixture t;
    t.services.command({{"cmd", "upower"}, {"IsPresent", true}, {"Type", 2}, {"Percentage", 64.0}, {"State", 2}});
    t.services.command({{"cmd", "add_modem"},
                        {"index", 0},
                        {"State", kRegistered},
                        {"AccessTechnologies", kUmts},
                        {"SignalQuality", 75}});
    t.services.command({{"cmd", "own"}, {"name", "upower"}});
    t.services.command({{"cmd", "own"}, {"name", "modemmanager"}});
    t.start_shell();
    wait_screen(t.f, "the battery and the modem's three bars",
                [](const Image& s) { return fill_shows(s, 64) && lit_bars(s) == 3; });
    cirrus_it::sleep_ms(300);  // the last frame's callback
    // A poll loop that spun, or GLib timeouts that fired, would show
    // hundreds here; a minute tick of the clock a handful.
    const long wakeups = wakeups_over(t.f.shell->pid(), 1500);
    INFO("context switches of the shell's threads in 1.5 s: " << wakeups);
    CHECK(wakeups >= 0);
    CHECK(wakeups <= 8);
    stop_shell_cleanly(t.f);
}

TEST_CASE("without a system bus the shell starts, draws, says so once and stays asleep") {
    ShellFixture f;
    write_sysfs_battery(f, 80, "Discharging");
    f.start_shell({{"DBUS_SYSTEM_BUS_ADDRESS", "unix:path=" + f.compositor.runtime_dir() + "/no-system-bus"}});
    wait_screen(f, "sysfs's 80%", [](const Image& s) { return fill_shows(s, 80); });
    // The network indicator is the compositor's estimate alone (the kind
    // pinned to unknown, as in the modem test: a wired test machine would
    // draw its glyph).
    IndicatorCheck check;
    const LinkState cache = compositor_link_state(f);
    pin_link(f, cache, "unknown");
    wait_indicator(f, check, cirrus::shell::link_indicator(cache, std::nullopt));
    REQUIRE(cirrus_it::wait_until([&] { return count_of(f.shell->log_tail(20000), "no system bus") > 0; }, kTimeout));
    cirrus_it::sleep_ms(300);
    const long wakeups = wakeups_over(f.shell->pid(), 1500);
    INFO("context switches of the shell's threads in 1.5 s: " << wakeups);
    CHECK(wakeups <= 8);
    const std::string log = f.shell->log_tail(20000);
    INFO("shell log: " << log);
    CHECK(count_of(log, "no system bus") == 1);
    CHECK(count_of(log, "system bus") == 1);  // one line about it, nothing else
    CHECK(f.shell->alive());
    stop_shell_cleanly(f);
}
