// Helpers of the tests that type into a real web app (cirrus-webapp-host,
// WebKitGTK) through an on-screen keyboard under the real compositor
// (headless): a test app with one field per input type whose page reports
// its state in its title, and where the keyboard's keys are.
#pragma once

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <regex>
#include <string>

#include "../webapp-host/host_session.hpp"
#include "../webapp-host/test_support.hpp"
#include "common/registry.hpp"
#include "keyboard_process.hpp"

namespace web_keyboard {

using namespace cirrus_it;

inline constexpr const char* kAppId = "typing";
inline constexpr double kPageTimeout = 40;  // WebKit under pixman is slow to start

// Fields at fixed places (CSS pixels = logical pixels at scale 1): the text
// field near the bottom, where the keyboard would cover it; the typed ones
// above it.
inline constexpr int kFieldX = 40;
inline constexpr int kTextFieldY = 700;
struct TypedField {
    const char* id;
    const char* attributes;
    int y;
};
inline constexpr TypedField kTypedFields[] = {
    {"num", R"(type="number")", 20},
    {"tel", R"(type="tel")", 75},
    {"email", R"(type="email")", 130},
    {"url", R"(type="url")", 185},
    {"pw", R"(type="password")", 240},
    {"search", R"(type="search")", 295},
    // WebKitGTK reads `inputmode` on a textarea or contenteditable only; on
    // an <input> it goes by the type and by a digits-only `pattern`, and the
    // host reads `inputmode` itself (webapp-host/input_mode.hpp).
    {"digits", R"(inputmode="numeric" pattern="[0-9]*")", 350},
    {"numeric", R"(inputmode="numeric")", 405},
    {"pin", R"(type="password" inputmode="numeric")", 460},
    {"phone", R"(inputmode="tel")", 575},
    {"plain", R"(inputmode="none")", 630},
};
inline constexpr int kNumericAreaY = 520;  // <textarea inputmode="numeric">

// The page: every focus, input, composition, resize and scroll sets the
// title to "kb f=<focused id> h=<innerHeight> r=<field top>,<bottom>
// c=<compositions started> n=<input events> v=<the field's value>".
inline std::string page_html() {
    std::string fields;
    for (const TypedField& f : kTypedFields)
        fields += "<input id=\"" + std::string(f.id) + "\" " + f.attributes + " style=\"top:" + std::to_string(f.y) +
                  "px\">\n";
    return R"(<!doctype html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>loading</title>
<style>
html, body { margin: 0; background: #00ff00; }
body { position: relative; height: 780px; }
input, textarea { position: absolute; left: )" +
           std::to_string(kFieldX) + R"(px; width: 300px; height: 40px; font-size: 20px; box-sizing: border-box; }
</style></head><body>
)" + fields +
           R"(<textarea id="area" inputmode="numeric" style="top:)" + std::to_string(kNumericAreaY) +
           R"(px"></textarea>
<input id="text" style="top:)" +
           std::to_string(kTextFieldY) + R"(px">
<script>
let compositions = 0, inputs = 0;
function report() {
  const a = document.activeElement;
  const field = a && (a.tagName === 'INPUT' || a.tagName === 'TEXTAREA') ? a : null;
  let r = '';
  if (field) { const b = field.getBoundingClientRect(); r = Math.round(b.top) + ',' + Math.round(b.bottom); }
  document.title = 'kb f=' + (field ? field.id : 'none') + ' h=' + window.innerHeight + ' r=' + r +
    ' c=' + compositions + ' n=' + inputs + ' v=' + (field ? field.value : '');
}
document.addEventListener('focusin', report);
document.addEventListener('focusout', () => setTimeout(report, 0));
document.addEventListener('input', () => { inputs++; report(); });
document.addEventListener('compositionstart', () => { compositions++; report(); });
window.addEventListener('resize', report);
window.addEventListener('scroll', report);
report();
</script></body></html>
)";
}

// A temporary registry with the test app, exported (CIRRUS_REGISTRY) before
// the compositor starts so that it hands it to the hosts.
struct TypingApp {
    webapp_test::TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";

    TypingApp() {
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        const auto dir = tmp.path() / "packages" / kAppId;
        webapp_test::write_file(dir / "index.html", page_html());
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        registry.install(webapp_test::packaged_app(kAppId, dir), {});
    }
    ~TypingApp() { unsetenv("CIRRUS_REGISTRY"); }
};

inline Compositor::Options options_with_host(const std::string& keyboard_command = {}) {
    Compositor::Options o;
    o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    o.keyboard = keyboard_command;
    return o;
}

struct PageState {
    std::string focused;
    int inner_height = 0;
    std::optional<std::pair<int, int>> rect;  // the focused field's top and bottom
    int compositions = 0;
    int inputs = 0;
    std::string value;
};

inline std::optional<PageState> parse_title(const std::string& title) {
    static const std::regex re(R"(^kb f=(\S+) h=(\d+) r=(?:(-?\d+),(-?\d+))? c=(\d+) n=(\d+) v=(.*)$)");
    std::smatch m;
    if (!std::regex_match(title, m, re)) return std::nullopt;
    PageState s;
    s.focused = m[1];
    s.inner_height = std::stoi(m[2]);
    if (m[3].matched) s.rect = std::make_pair(std::stoi(m[3]), std::stoi(m[4]));
    s.compositions = std::stoi(m[5]);
    s.inputs = std::stoi(m[6]);
    s.value = m[7];
    return s;
}

inline std::optional<PageState> page_state(Compositor& c) { return parse_title(webapp_test::title_of_app(c, kAppId)); }

// Waits until the page's state satisfies `pred`; fails with the last title.
template <typename Pred>
PageState wait_page(Compositor& c, Pred pred, const std::string& what, double timeout_s = 10) {
    std::optional<PageState> last;
    std::string title;
    const bool ok = wait_until(
        [&] {
            title = webapp_test::title_of_app(c, kAppId);
            last = parse_title(title);
            return last && pred(*last);
        },
        timeout_s);
    INFO("waiting for " << what << "; the page's title: " << title);
    REQUIRE(ok);
    return *last;
}

// Waits until the page is on screen (its green at a point beside the
// fields): a tap before WebKit's first frame of the page can be lost.
inline void wait_painted(Compositor& c) {
    const bool painted = wait_until(
        [&] {
            const std::string path = c.new_path("painted.png");
            if (c.request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return false;
            const Image shot = read_png(path);
            std::filesystem::remove(path);
            return same_rgb(shot.at(440, 100), 0x00ff00, 8) && same_rgb(shot.at(440, 600), 0x00ff00, 8);
        },
        kPageTimeout);
    REQUIRE_MESSAGE(painted, "the page never painted its green");
}

inline void tap(Compositor& c, int x, int y) { REQUIRE(c.request({{"cmd", "tap"}, {"x", x}, {"y", y}})["ok"] == true); }

// The window of the app (its place on screen).
inline json app_window(Compositor& c) { return webapp_test::window_with_title(c, kAppId, "kb ", kPageTimeout); }

// The layer of the input method's surface: cirrus-keyboard's namespace, or
// any other top-layer surface with an exclusive zone at the bottom.
inline std::optional<json> input_method_layer(Compositor& c, const std::string& name_space) {
    for (const json& l : c.layers())
        if (l.value("namespace", "") == name_space && l.value("mapped", false)) return l;
    return std::nullopt;
}

inline json text_input_state(Compositor& c) {
    const json r = c.request({{"cmd", "text_input"}});
    REQUIRE(r["ok"] == true);
    return r;
}

// The screen point of a key of cirrus-keyboard's layout `page`/`variant`.
inline std::pair<int, int> key_point(const json& layer, const std::string& label, cirrus::keyboard::Page page,
                                     cirrus::keyboard::Variant variant, bool show_language, double screen_w = 480,
                                     double screen_h = 800) {
    using namespace cirrus::keyboard;
    const double width = layer.at("width").get<double>();
    const Layout layout = make_layout(page, variant, show_language);
    const Geometry g = compute_geometry(layout, width, metrics_for(width, screen_w, screen_h));
    for (const KeyBox& k : g.keys) {
        const Key& key = layout.rows[k.row].keys[k.index];
        if (key.shown() == label)
            return {layer.at("x").get<int>() + static_cast<int>(k.rect.x + k.rect.w / 2),
                    layer.at("y").get<int>() + static_cast<int>(k.rect.y + k.rect.h / 2)};
    }
    FAIL("no key " << label);
    return {0, 0};
}

}  // namespace web_keyboard
