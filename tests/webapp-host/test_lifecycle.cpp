// The app lifecycle for real: the real compositor, the real host and WebKit.
// A background app is frozen after [apps] freeze_after (its page's timer
// stops, its processes take no CPU) and thawed when it comes forward; under
// (simulated) memory pressure a background app is discarded and its next
// launch brings back its page, form field, scroll position and three-page
// history, with document.wasDiscarded; the front app is never discarded.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "../integration/harness.hpp"
#include "common/registry.hpp"
#include "host_session.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using webapp_test::TempDir;
using webapp_test::title_of_app;

namespace {

constexpr double kTimeout = 25;
constexpr const char* kThreeColour = "#3050d0";  // the page the discarded app was on

// Every page shows what the test reads in its title, refreshed often.
const char* kCounterPage = R"(<!doctype html><html><head><meta charset=utf-8><title>count 0</title></head>
<body style='margin:0;min-height:100vh;background:#00ff00'><script>
let count = 0; const events = [];
for (const e of ['visibilitychange', 'freeze', 'resume'])
  document.addEventListener(e, () => events.push(e === 'visibilitychange' ? document.visibilityState : e));
setInterval(() => { ++count; document.title = 'count ' + count + ' events ' + events.join(','); }, 50);
</script></body></html>)";

// one -> two -> three on the first visit; three fills its field and scrolls.
// Restored (wasDiscarded), three reports, then goes back twice.
std::string history_page(const std::string& name, const std::string& next, const std::string& colour) {
    return "<!doctype html><html><head><meta charset=utf-8><title>" + name +
           "</title></head><body style='margin:0;height:4000px;background:" + colour +
           "'>"
           "<input id=field name=field style='margin-top:100px'><script>\n"
           "const name = '" +
           name + "', next = '" + next +
           "';\n"
           R"JS(
const wd = document.wasDiscarded === true;
const field = document.getElementById('field');
function report() {
  document.title = name + ' wd=' + wd + ' v=' + field.value + ' y=' + Math.round(scrollY) + ' len=' + history.length +
      ' back=' + (sessionStorage.getItem('back') || '');
}
setInterval(report, 100);
if (wd) {
  // Long enough for the test to read this page's title under the sanitizers
  // on a busy machine (1.5 s was once too short).
  sessionStorage.setItem('back', 'yes');
  setTimeout(() => history.back(), 5000);
} else if (sessionStorage.getItem('back') === 'yes' && name === 'two') {
  setTimeout(() => history.back(), 300);
} else if (next && !sessionStorage.getItem('went-' + name)) {
  sessionStorage.setItem('went-' + name, '1');
  setTimeout(() => { location.href = next; }, 200);
} else if (!next && !wd && !field.value) {
  field.value = 'typed before discard';
  window.scrollTo(0, 1500);
}
)JS"
           "</script></body></html>";
}

struct Lifecycle {
    TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";
    std::filesystem::path config = tmp.path() / "compositor.conf";
    std::unique_ptr<Compositor> c;

    // `more_apps_config`: lines added to the [apps] section.
    explicit Lifecycle(const std::string& more_apps_config = "") {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        const auto counter = tmp.path() / "packages" / "counter";
        webapp_test::write_file(counter / "index.html", kCounterPage);
        registry.install(webapp_test::packaged_app("counter", counter), {});
        const auto pages = tmp.path() / "packages" / "pages";
        webapp_test::write_file(pages / "index.html", history_page("one", "two.html", "#d03030"));
        webapp_test::write_file(pages / "two.html", history_page("two", "three.html", "#30a050"));
        webapp_test::write_file(pages / "three.html", history_page("three", "", kThreeColour));
        registry.install(webapp_test::packaged_app("pages", pages), {});
        // A short freeze delay keeps the test fast; no real pressure may
        // discard anything here (only the simulated one).
        std::ofstream(config) << "[apps]\nprestart = 0\nfreeze_after = 300ms\npressure_some = 0\npressure_full = 0\n"
                              << more_apps_config;
        start();
    }

    // A new compositor on the same registry and data (a phone restarted).
    void restart() {
        c.reset();
        start();
    }
    void start() {
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST"), "--config", config.string()};
        o.data_home = (tmp.path() / "data").string();
        c = std::make_unique<Compositor>(o);
        unsetenv("CIRRUS_REGISTRY");
    }

    json entry(const std::string& app) {
        const json reply = c->request({{"cmd", "apps"}});
        for (const json& a : reply["apps"]) {
            if (a["app"] == app) return a;
        }
        return json::object();
    }
    bool state_is(const std::string& app, const std::string& state) {
        const json e = entry(app);
        return e.contains("state") && e["state"] == state;
    }
    std::string title(const std::string& app) { return title_of_app(*c, app); }
    std::string dump() {
        return c->request({{"cmd", "apps"}}).dump() + "\n" + c->windows().dump() + "\n" + c->log_tail(4000);
    }
};

int counter_in(const std::string& title) {
    std::smatch m;
    static const std::regex number("count (\\d+)");
    return std::regex_search(title, m, number) ? std::stoi(m[1]) : -1;
}

// utime + stime of the host and every process below it, in clock ticks.
long long cpu_ticks(pid_t host) {
    long long total = 0;
    std::set<pid_t> pids = webapp_test::descendants(host);
    pids.insert(host);
    for (pid_t pid : pids) {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), {});
        const auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream fields(stat.substr(close + 2));
        std::string skip;
        for (int i = 0; i < 11; ++i) fields >> skip;  // state .. cmajflt
        long long utime = 0, stime = 0;
        fields >> utime >> stime;
        total += utime + stime;
    }
    return total;
}

}  // namespace

TEST_CASE("a background app freezes after the delay, takes no CPU, and resumes when it comes forward") {
    Lifecycle f;
    const json launched = f.c->request({{"cmd", "launch"}, {"app", "counter"}});
    REQUIRE(launched["ok"] == true);
    const pid_t pid = launched["pid"].get<pid_t>();
    REQUIRE_MESSAGE(wait_until([&] { return counter_in(f.title("counter")) > 3; }, kTimeout), f.dump());
    CHECK(f.state_is("counter", "front"));
    CHECK(f.entry("counter")["memory_bytes"].get<std::uint64_t>() > 10u << 20);

    // The front app is never discarded, however high the pressure.
    CHECK(f.c->request({{"cmd", "memory_pressure"}, {"level", "critical"}})["discarding"].is_null());
    CHECK(f.state_is("counter", "front"));
    REQUIRE(f.c->request({{"cmd", "memory_pressure"}, {"level", "none"}})["ok"] == true);

    REQUIRE(f.c->request({{"cmd", "home"}})["ok"] == true);
    REQUIRE_MESSAGE(wait_until([&] { return f.state_is("counter", "frozen"); }, 5), f.dump());
    // The page heard it was hidden, then frozen, before its processes stopped.
    CHECK(f.title("counter").find("events hidden,freeze") != std::string::npos);
    const long long ticks = cpu_ticks(pid);
    const int count = counter_in(f.title("counter"));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    CHECK(cpu_ticks(pid) == ticks);
    CHECK(f.state_is("counter", "frozen"));

    // Brought forward: thawed, its timer runs on from where it stopped
    // (1.5 s frozen would have been 30 more ticks).
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "counter"}})["action"] == "focused");
    CHECK(f.state_is("counter", "front"));
    REQUIRE_MESSAGE(wait_until([&] { return counter_in(f.title("counter")) > count; }, 5), f.dump());
    CHECK(counter_in(f.title("counter")) < count + 20);
    REQUIRE_MESSAGE(
        wait_until([&] { return f.title("counter").find("hidden,freeze,resume,visible") != std::string::npos; }, 5),
        f.dump());
    REQUIRE(wait_until([&] { return f.entry("counter").contains("thaw_to_frame_ms"); }, 5));
    MESSAGE("thaw to first frame: " << f.entry("counter")["thaw_to_frame_ms"] << " ms");
}

namespace {

// One discard and restore of "pages" in a new compositor (with
// `restart_between`, restored by a second compositor started after the first
// ended, as after a reboot). False, with the titles the restored page showed
// in `seen`, when its state did not come back.
bool discard_and_restore(std::string& seen, bool restart_between = false) {
    Lifecycle f;
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "pages"}})["ok"] == true);
    REQUIRE_MESSAGE(
        wait_until([&] { return f.title("pages").starts_with("three wd=false v=typed before discard y=1500 len=3"); },
                   kTimeout),
        f.dump());
    REQUIRE(f.c->request({{"cmd", "home"}})["ok"] == true);
    // Only a background app is discarded: the pressure comes once it is one.
    REQUIRE_MESSAGE(wait_until([&] { return f.state_is("pages", "background") || f.state_is("pages", "frozen"); }, 10),
                    f.dump());
    const json pressed = f.c->request({{"cmd", "memory_pressure"}, {"level", "critical"}});
    CHECK(pressed.value("discarding", json()) == "pages");
    REQUIRE_MESSAGE(wait_until([&] { return f.state_is("pages", "discarded"); }, 10), f.dump());
    CHECK(f.entry("pages")["pid"].is_null());
    // Its switcher card still shows its last frame (kept when it was
    // discarded: its window went with its host).
    {
        auto shell = f.c->client({program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
        shell->expect("done", kTimeout);
        shell->send_line("capture pages 240x400");
        const json card =
            shell->expect("capture", kTimeout, [](const json& e) { return e.value("app", "") == "pages"; });
        MESSAGE("the discarded app's card: " << card.dump());
        CHECK(card["centre"] == "#ff3050d0");
        CHECK(card["width"] == 240);
        CHECK(card["height"].get<int>() > 300);
    }
    REQUIRE(f.c->request({{"cmd", "memory_pressure"}, {"level", "none"}})["ok"] == true);
    if (restart_between) {
        f.restart();
        CHECK_FALSE(f.entry("pages")["pid"].is_number());
    }

    const auto launched_at = std::chrono::steady_clock::now();
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "pages"}})["ok"] == true);
    std::vector<std::string> titles;
    const bool restored = wait_until(
        [&] {
            const std::string title = f.title("pages");
            if (titles.empty() || titles.back() != title) titles.push_back(title);
            return title.starts_with("three wd=true v=typed before discard y=1500 len=3");
        },
        kTimeout);
    if (!restored) {
        for (const std::string& t : titles) seen += "[" + t + "] ";
        seen += "\n" + f.dump();
        return false;
    }
    MESSAGE("discarded app back with its state after "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - launched_at).count() << " s");
    CHECK(f.state_is("pages", "front"));
    // Its history came back too: two, then one, each a fresh load (no
    // wasDiscarded on them).
    REQUIRE_MESSAGE(wait_until([&] { return f.title("pages").starts_with("one wd=false"); }, 20), f.dump());
    return true;
}

}  // namespace

TEST_CASE("a discarded app comes back with its page, form field, scroll position, history and wasDiscarded") {
    std::string seen;
    CHECK_MESSAGE(discard_and_restore(seen), seen);
}

// What was saved lives in the registry's data folder, not in the compositor:
// a phone restarted between the discard and the next launch still gets its
// page back.
TEST_CASE("a discarded app comes back with its state after the compositor restarted") {
    std::string seen;
    CHECK_MESSAGE(discard_and_restore(seen, true), seen);
}

// A host killed while it saved (or a disk that garbled the files) leaves a
// damaged state: the next launch must open the app at its start page, not
// crash or show a broken page, and drop what it could not read.
TEST_CASE("a damaged saved state opens the app at its start page and is dropped") {
    Lifecycle f;
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "pages"}})["ok"] == true);
    REQUIRE_MESSAGE(
        wait_until([&] { return f.title("pages").starts_with("three wd=false v=typed before discard y=1500 len=3"); },
                   kTimeout),
        f.dump());
    REQUIRE(f.c->request({{"cmd", "home"}})["ok"] == true);
    REQUIRE_MESSAGE(wait_until([&] { return f.state_is("pages", "background") || f.state_is("pages", "frozen"); }, 10),
                    f.dump());
    REQUIRE(f.c->request({{"cmd", "memory_pressure"}, {"level", "critical"}})["ok"] == true);
    REQUIRE_MESSAGE(wait_until([&] { return f.state_is("pages", "discarded"); }, 10), f.dump());
    REQUIRE(f.c->request({{"cmd", "memory_pressure"}, {"level", "none"}})["ok"] == true);

    const auto saved = f.tmp.path() / "data" / "cirrus" / "app-data" / "pages" / "discarded";
    REQUIRE(std::filesystem::exists(saved / "page.json"));
    webapp_test::write_file(saved / "page.json", "{\"url\": 42, \"page\": {\"fields\": [");
    webapp_test::write_file(saved / "session.bin", std::string("\x00\xff\x13garbage", 10));

    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "pages"}})["ok"] == true);
    // A fresh visit: not restored (wasDiscarded false), the start page goes
    // on to three, which fills its own field.
    CHECK_MESSAGE(
        wait_until([&] { return f.title("pages").starts_with("three wd=false v=typed before discard y=1500 len=3"); },
                   kTimeout),
        f.dump());
    CHECK(f.entry("pages")["pid"].is_number());
    CHECK_FALSE(std::filesystem::exists(saved));
}

// Per-app cost: a low-memory profile turns JavaScriptCore's JIT off
// ([apps] javascript_jit = off). What must hold: the app's web process runs
// with it off (standby hosts start through the same Supervisor::spawn).
TEST_CASE("[apps] javascript_jit = off reaches each app's web process") {
    Lifecycle f("javascript_jit = off\n");
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "counter"}})["ok"] == true);
    REQUIRE_MESSAGE(wait_until([&] { return counter_in(f.title("counter")) > 0; }, kTimeout), f.dump());
    const auto host = f.entry("counter")["pid"];
    REQUIRE(host.is_number());
    std::vector<std::string> web_processes;
    for (pid_t pid : webapp_test::descendants(host.get<pid_t>())) {
        std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
        std::string name;
        std::getline(comm, name);
        if (name != "WebKitWebProces") continue;
        std::ifstream environ("/proc/" + std::to_string(pid) + "/environ");
        const std::string env((std::istreambuf_iterator<char>(environ)), {});
        web_processes.push_back(name);
        CHECK_MESSAGE(env.find(std::string("JSC_useJIT=false\0", 17)) != std::string::npos,
                      "web process " << pid << " runs with the JIT");
    }
    CHECK(web_processes.size() >= 1);
}

// Per-app cost: WebKit's memory-pressure settings ([apps] web_memory_limit,
// web_memory_poll) reach each app's host, which gives them to WebKit.
TEST_CASE("[apps] web_memory_limit reaches each app's host") {
    Lifecycle f("web_memory_limit = 160M\nweb_memory_poll = 2s\n");
    REQUIRE(f.c->request({{"cmd", "launch"}, {"app", "counter"}})["ok"] == true);
    REQUIRE_MESSAGE(wait_until([&] { return counter_in(f.title("counter")) > 0; }, kTimeout), f.dump());
    const auto host = f.entry("counter")["pid"];
    REQUIRE(host.is_number());
    std::ifstream environ("/proc/" + std::to_string(host.get<pid_t>()) + "/environ");
    const std::string env((std::istreambuf_iterator<char>(environ)), {});
    CHECK(env.find(std::string("\0CIRRUS_WEB_MEMORY=160,2000\0", 28)) != std::string::npos);
    // With the settings, the page still runs (WebKit took the context's
    // construct property): the counter goes on.
    const int before = counter_in(f.title("counter"));
    CHECK(wait_until([&] { return counter_in(f.title("counter")) > before; }, kTimeout));
}
