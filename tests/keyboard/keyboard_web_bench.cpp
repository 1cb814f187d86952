// On-screen keyboards typing into a web app (issue 15): cirrus-keyboard
// beside Debian's squeekboard, each started by the compositor's keyboard slot
// ([keyboard] command) in its own headless Cirrus (pixman, 480x800) with the
// same cirrus-webapp-host page, one after the other in one run. Prints a
// Markdown table.
//
//   keyboard-web-bench [--build-dir build] [--taps 60] [--shows 15] [--idle 10]
//                      [--squeekboard /usr/bin/squeekboard|none]
//
// - tap -> glyph: the control socket's `tap` on a key of the first letter
//   row (the same keys on both keyboards); t0 is CLOCK_REALTIME just before
//   the request, t1 the page's `input` event (performance.timeOrigin +
//   performance.now(), the same clock in the web process) and t2 the page's
//   next animation frame after it (the frame that draws the glyph). One tap
//   every 200 ms (a brisk typist's pace; each tap is measured on its own).
// - focus -> shown: a tap on the field (t0) to the keyboard's layer mapped
//   with its first buffer (wlroots maps a layer surface on its first commit
//   with a buffer), polled on the control socket every 2 ms; after each the
//   field is blurred and the keyboard gone.
// - idle: the keyboard process's PSS (smaps_rollup) with no field focused
//   and while shown; its CPU time and the compositor's frames over --idle s
//   with the app open and no field focused.
// The integration harness reports teardown failures through doctest: the
// benchmark runs as one doctest case (its own main, doctest's minimal output).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../integration/harness.hpp"
#include "../webapp-host/host_session.hpp"
#include "../webapp-host/test_support.hpp"
#include "common/registry.hpp"
#include "geometry.hpp"
#include "layouts.hpp"

namespace {

using cirrus_it::Compositor;
using cirrus_it::json;

constexpr const char* kAppId = "typing-bench";
constexpr int kFieldY = 20;  // the field: 40..340 x 20..60 (CSS = logical pixels)
constexpr const char* kRowKeys = "qwertyuiop";

const char* kPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>loading</title>
<style>html, body { margin: 0; background: #00ff00; height: 100%; }
input { position: absolute; left: 40px; top: 20px; width: 300px; height: 40px; font-size: 20px; }</style>
</head><body><input id="f" autocomplete="off" spellcheck="false">
<script>
let n = 0, t1 = 0, t2 = 0, focusT = 0;
const now = () => (performance.timeOrigin + performance.now()).toFixed(2);
function report() {
  document.title = 'kb f=' + (document.activeElement && document.activeElement.id === 'f' ? 1 : 0) +
    ' h=' + window.innerHeight + ' n=' + n + ' t1=' + t1 + ' t2=' + t2 + ' ft=' + focusT;
}
document.addEventListener('input', () => {
  t1 = now(); n++;
  requestAnimationFrame(() => { t2 = now(); report(); });
});
document.addEventListener('focusin', () => { focusT = now(); report(); });
document.addEventListener('focusout', () => setTimeout(report, 0));
window.addEventListener('resize', report);
report();
</script></body></html>
)";

struct PageReport {
    bool focused = false;
    int height = 0;
    int inputs = 0;
    double t1 = 0, t2 = 0;
};

std::optional<PageReport> page_state(Compositor& c) {
    static const std::regex re(R"(^kb f=(\d) h=(\d+) n=(\d+) t1=([\d.]+) t2=([\d.]+) ft=([\d.]+)$)");
    const std::string title = webapp_test::title_of_app(c, kAppId);
    std::smatch m;
    if (!std::regex_match(title, m, re)) return std::nullopt;
    return PageReport{m[1] == "1", std::stoi(m[2]), std::stoi(m[3]), std::stod(m[4]), std::stod(m[5])};
}

double realtime_ms() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

double monotonic_ms() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double rank = p / 100.0 * (v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const auto hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (v[hi] - v[lo]) * (rank - lo);
}

long pss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/smaps_rollup");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("Pss:", 0) == 0) return std::stol(line.substr(4));
    return -1;
}

long cpu_ticks(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = all.rfind(')');
    if (close == std::string::npos) return -1;
    std::istringstream rest(all.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && rest >> field; ++i) {
        if (i == 14) utime = std::stol(field);
        if (i == 15) stime = std::stol(field);
    }
    return utime + stime;
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
}

// The keyboard's layer while mapped (cirrus-keyboard's namespace, or
// squeekboard's "osk").
std::optional<json> keyboard_layer(Compositor& c, const std::string& name_space) {
    for (const json& l : c.layers())
        if (l.value("namespace", "") == name_space && l.value("mapped", false)) return l;
    return std::nullopt;
}

struct KeyboardUnderTest {
    std::string name;
    std::string command;
    std::string name_space;
    // The screen point of a letter of the first row.
    std::pair<int, int> (*key)(const json& layer, char letter);
};

std::pair<int, int> cirrus_key(const json& layer, char letter) {
    using namespace cirrus::keyboard;
    const double width = layer.at("width").get<double>();
    // The letter rows do not depend on the 中/EN key (in the bottom row).
    const Layout layout = make_layout(cirrus::keyboard::Page::Letters, Variant::Text, true);
    const Geometry g = compute_geometry(layout, width, metrics_for(width, 480, 800));
    for (const KeyBox& k : g.keys)
        if (layout.rows[k.row].keys[k.index].shown() == std::string(1, letter))
            return {layer.at("x").get<int>() + static_cast<int>(k.rect.x + k.rect.w / 2),
                    layer.at("y").get<int>() + static_cast<int>(k.rect.y + k.rect.h / 2)};
    throw std::runtime_error(std::string("cirrus-keyboard has no key ") + letter);
}

// squeekboard's "us" layout: four equal rows; the first ten keys across.
std::pair<int, int> squeekboard_key(const json& layer, char letter) {
    const std::string row = kRowKeys;
    const auto at = row.find(letter);
    if (at == std::string::npos) throw std::runtime_error(std::string("no first-row key ") + letter);
    const double w = layer.at("width").get<double>() / 10, h = layer.at("height").get<double>() / 4;
    return {static_cast<int>(layer.at("x").get<double>() + (at + 0.5) * w),
            static_cast<int>(layer.at("y").get<double>() + 0.5 * h)};
}

struct Result {
    std::string name;
    std::vector<double> to_input, to_frame, to_shown;
    long pss_idle = -1, pss_shown = -1;
    double cpu_idle_pct = NAN;
    long frames_idle = -1;
    int lost_taps = 0;
};

void tap(Compositor& c, int x, int y) {
    if (c.request({{"cmd", "tap"}, {"x", x}, {"y", y}})["ok"] != true) throw std::runtime_error("tap refused");
}

template <typename Pred>
bool wait_for(Pred pred, double timeout_s, int poll_ms = 5) {
    const double end = monotonic_ms() + timeout_s * 1000;
    while (monotonic_ms() < end) {
        if (pred()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    }
    return pred();
}

void blur(Compositor& c, const KeyboardUnderTest& kb) {
    tap(c, 440, 300);
    if (!wait_for([&] { return !keyboard_layer(c, kb.name_space); }, 10))
        throw std::runtime_error(kb.name + " did not hide after a blur");
    if (!wait_for(
            [&] {
                auto p = page_state(c);
                return p && !p->focused && p->height == 800;
            },
            10))
        throw std::runtime_error("the page did not get its whole height back");
}

Result measure(const KeyboardUnderTest& kb, const std::string& host, int taps, int shows, int idle_s) {
    Result r;
    r.name = kb.name;
    Compositor::Options o;
    o.extra_args = {"--app-host", host};
    o.keyboard = kb.command;
    Compositor c(o);
    if (!wait_for([&] { return c.request({{"cmd", "text_input"}})["input_method"]["connected"] == true; }, 20))
        throw std::runtime_error(kb.name + " never bound the input method:\n" + c.log_tail());
    const pid_t kb_pid = c.request({{"cmd", "text_input"}})["keyboard"]["pid"].get<pid_t>();
    const pid_t app = webapp_test::launch(c, kAppId);
    webapp_test::HostGuard guard{c, app};
    const json window = webapp_test::window_with_title(c, kAppId, "kb ", 60);
    // The page painted (a tap before WebKit's first frame can be lost).
    const bool painted = wait_for(
        [&] {
            const std::string path = c.new_path("painted.png");
            if (c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return false;
            const cirrus_it::Image shot = cirrus_it::read_png(path);
            std::filesystem::remove(path);
            return cirrus_it::same_rgb(shot.at(440, 300), 0x00ff00, 8);
        },
        60, 200);
    if (!painted) throw std::runtime_error("the page never painted");
    const int field_x = window.at("x").get<int>() + 190, field_y = window.at("y").get<int>() + kFieldY + 20;

    // Idle: no field focused.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    r.pss_idle = pss_kib(kb_pid);
    const long cpu0 = cpu_ticks(kb_pid);
    const long frames0 = c.stats()["frames"].get<long>();
    std::this_thread::sleep_for(std::chrono::seconds(idle_s));
    r.frames_idle = c.stats()["frames"].get<long>() - frames0;
    r.cpu_idle_pct = 100.0 * (cpu_ticks(kb_pid) - cpu0) / sysconf(_SC_CLK_TCK) / idle_s;

    // Focus -> shown.
    for (int i = 0; i < shows; ++i) {
        const double t0 = monotonic_ms();
        tap(c, field_x, field_y);
        bool shown = false;
        while (!shown && monotonic_ms() - t0 < 5000) {
            shown = keyboard_layer(c, kb.name_space).has_value();
            if (!shown) std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        if (!shown)
            throw std::runtime_error(
                kb.name + " did not show for a focused field; the page: " + webapp_test::title_of_app(c, kAppId) +
                "; text input: " + c.request({{"cmd", "text_input"}}).dump() + "\n" + c.log_tail());
        r.to_shown.push_back(monotonic_ms() - t0);
        if (i + 1 < shows) blur(c, kb);
    }

    // Tap -> glyph, with the keyboard shown for the field.
    const auto layer = keyboard_layer(c, kb.name_space);
    if (!layer) throw std::runtime_error(kb.name + " is not shown");
    r.pss_shown = pss_kib(kb_pid);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    int inputs = page_state(c) ? page_state(c)->inputs : 0;
    for (int i = 0; i < taps; ++i) {
        const auto p = kb.key(*layer, kRowKeys[i % 10]);
        const double t0 = realtime_ms();
        tap(c, p.first, p.second);
        std::optional<PageReport> page;
        const bool typed = wait_for(
            [&] {
                page = page_state(c);
                return page && page->inputs > inputs && page->t2 >= page->t1;
            },
            2);
        if (!typed) {
            ++r.lost_taps;
        } else {
            inputs = page->inputs;
            r.to_input.push_back(page->t1 - t0);
            r.to_frame.push_back(page->t2 - t0);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return r;
}

std::string fmt(double v, int decimals = 1) {
    if (std::isnan(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

}  // namespace

std::string build = "build", squeekboard = "/usr/bin/squeekboard";
int taps = 60, shows = 15, idle = 10;
int exit_code = 1;

int run_bench();

int main(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "keyboard-web-bench: %s needs a value\n", a.c_str());
                std::exit(1);
            }
            return std::string(argv[++i]);
        };
        if (a == "--build-dir") build = next();
        else if (a == "--taps") taps = std::stoi(next());
        else if (a == "--shows") shows = std::stoi(next());
        else if (a == "--idle") idle = std::stoi(next());
        else if (a == "--squeekboard") squeekboard = next();
        else {
            std::fprintf(stderr,
                         "usage: keyboard-web-bench [--build-dir build] [--taps 60] [--shows 15] [--idle 10] "
                         "[--squeekboard PATH|none]\n");
            return a == "--help" ? 0 : 1;
        }
    }
    doctest::Context context;
    context.setOption("minimal", true);
    if (context.run() != 0) return 1;
    return exit_code;
}

TEST_CASE("keyboard-web-bench") { exit_code = run_bench(); }

int run_bench() {
    const std::string compositor = build + "/compositor/cirrus-compositor";
    const std::string host = build + "/webapp-host/cirrus-webapp-host";
    const std::string keyboard = build + "/keyboard/cirrus-keyboard";
    for (const std::string& p : {compositor, host, keyboard}) {
        if (access(p.c_str(), X_OK) != 0) {
            std::fprintf(stderr,
                         "keyboard-web-bench: %s is not built (ninja -C %s compositor/cirrus-compositor "
                         "webapp-host/cirrus-webapp-host keyboard/cirrus-keyboard)\n",
                         p.c_str(), build.c_str());
            return 1;
        }
    }
    setenv("CIRRUS_COMPOSITOR", compositor.c_str(), 1);
    setenv("GIO_USE_VFS", "local", 1);
    setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/cirrus-bench-has-no-system-bus", 1);

    webapp_test::TempDir tmp;
    const auto db = tmp.path() / "registry.db";
    setenv("CIRRUS_REGISTRY", db.c_str(), 1);
    webapp_test::write_file(tmp.path() / "app" / "index.html", kPage);
    {
        auto registry = cirrus::launcher::Registry::open(db);
        registry.install(webapp_test::packaged_app(kAppId, tmp.path() / "app"), {});
    }
    // squeekboard shows only with this a11y gsetting; no session bus needed.
    std::filesystem::create_directories(tmp.path() / "config" / "glib-2.0" / "settings");
    std::ofstream(tmp.path() / "config" / "glib-2.0" / "settings" / "keyfile")
        << "[org/gnome/desktop/a11y/applications]\nscreen-keyboard-enabled=true\n";

    std::vector<KeyboardUnderTest> keyboards = {{"cirrus-keyboard", keyboard, "cirrus-keyboard", cirrus_key}};
    if (squeekboard != "none") {
        if (access(squeekboard.c_str(), X_OK) != 0) {
            std::fprintf(stderr, "keyboard-web-bench: no %s (apt-get install squeekboard, or --squeekboard none)\n",
                         squeekboard.c_str());
            return 1;
        }
        keyboards.push_back({"squeekboard",
                             "env GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME=" + (tmp.path() / "config").string() +
                                 " DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent " + squeekboard,
                             "osk", squeekboard_key});
    }

    const std::string load_before = load_average();
    std::vector<Result> results;
    try {
        for (const auto& kb : keyboards) {
            std::fprintf(stderr, "keyboard-web-bench: %s...\n", kb.name.c_str());
            results.push_back(measure(kb, host, taps, shows, idle));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "keyboard-web-bench: %s\n", e.what());
        return 1;
    }
    const std::string load_after = load_average();

    std::printf(
        "| keyboard (under Cirrus, headless pixman 480x800) | tap->input p50 | tap->input p95 | "
        "tap->frame p50 | tap->frame p95 | focus->shown p50 | focus->shown p95 | idle PSS MiB | "
        "shown PSS MiB | idle CPU %% | frames idle |\n");
    std::printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (const Result& r : results) {
        std::printf(
            "| %s (%zu taps%s, %zu shows) | %s ms | %s ms | %s ms | %s ms | %s ms | %s ms | %s | %s | %s | %ld |\n",
            r.name.c_str(), r.to_input.size(),
            r.lost_taps ? (", " + std::to_string(r.lost_taps) + " lost").c_str() : "", r.to_shown.size(),
            fmt(percentile(r.to_input, 50)).c_str(), fmt(percentile(r.to_input, 95)).c_str(),
            fmt(percentile(r.to_frame, 50)).c_str(), fmt(percentile(r.to_frame, 95)).c_str(),
            fmt(percentile(r.to_shown, 50)).c_str(), fmt(percentile(r.to_shown, 95)).c_str(),
            fmt(r.pss_idle / 1024.0, 2).c_str(), fmt(r.pss_shown / 1024.0, 2).c_str(), fmt(r.cpu_idle_pct, 2).c_str(),
            r.frames_idle);
    }
    std::printf("\nload average before: %s; after: %s (%ld CPUs)\n", load_before.c_str(), load_after.c_str(),
                sysconf(_SC_NPROCESSORS_ONLN));
    const Result& ours = results.front();
    const double p95 = percentile(ours.to_frame, 95);
    const bool faster = results.size() < 2 || p95 < percentile(results[1].to_frame, 95);
    const bool met =
        p95 <= 33 && faster && percentile(ours.to_shown, 95) <= 100 && ours.pss_idle <= 8 * 1024 && ours.lost_taps == 0;
    std::printf(
        "Goals (tap->frame p95 <= 33 ms and below squeekboard's; focus->shown p95 <= 100 ms; idle PSS <= "
        "8 MiB): %s\n",
        met ? "MET" : "NOT MET");
    return met ? 0 : 2;
}
