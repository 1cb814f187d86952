// Output flags and config, xdg-decoration, popup placement, foreign-toplevel
// management, virtual keyboard and pointer, keyboard focus.

#include "helpers.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace cirrus_it;

namespace {

constexpr double kShort = 5;  // every wait of this file is bounded by this

json first_output(Compositor& c) {
    json outputs = c.outputs();
    if (outputs.empty()) throw std::runtime_error("no outputs");
    return outputs[0];
}

// A private temp dir for files a test writes (removed with the object).
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/cirrus-it-cfg-XXXXXX";
        if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::string file = path + "/" + name;
        std::ofstream(file) << text;
        return file;
    }
};

// Runs the compositor with a bad command line: it must refuse before it
// touches any display. XDG_CONFIG_HOME points at an empty dir so that no
// user config takes part.
RunResult run_compositor(const std::vector<std::string>& args, const TempDir& dir) {
    std::vector<std::string> argv = {program("CIRRUS_COMPOSITOR")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv,
                       {{"XDG_CONFIG_HOME", dir.path},
                        {"XDG_RUNTIME_DIR", dir.path},
                        {"WLR_BACKENDS", "headless"},
                        {"WLR_RENDERER", "pixman"}},
                       kShort);
}

bool popup_inside(const json& p, int ox, int oy, int w, int h) {
    int x = ox + p["x"].get<int>(), y = oy + p["y"].get<int>();
    return x >= 0 && y >= 0 && x + p["width"].get<int>() <= w && y + p["height"].get<int>() <= h;
}

std::unique_ptr<Process> start_toplevels(Compositor& c) { return c.client({program("CIRRUS_TEST_TOPLEVELS")}, true); }

// The entry of the toplevels list with this app_id, if any.
std::optional<json> toplevel_in(const json& event, const std::string& app_id) {
    for (auto& t : event["toplevels"])
        if (t.value("app_id", "") == app_id) return t;
    return std::nullopt;
}

bool has(const json& list, const std::string& value) {
    for (auto& v : list)
        if (v == value) return true;
    return false;
}

}  // namespace

TEST_CASE("output scale and transform give the logical size to outputs and apps") {
    SUBCASE("--scale 2") {
        Compositor c(Compositor::Options{"480x800", {"--scale", "2"}});
        json o = first_output(c);
        CHECK(o["width"] == 240);
        CHECK(o["height"] == 400);
        CHECK(o["physical_width"] == 480);
        CHECK(o["physical_height"] == 800);
        CHECK(o["scale"] == 2.0);
        CHECK(work_area_is(o["work_area"], 0, 0, 240, 400));
        auto app = c.client(test_client_argv());
        json conf = app->expect("configure", kShort);
        CHECK_MESSAGE(conf["width"] == 240, conf.dump());
        CHECK_MESSAGE(conf["height"] == 400, conf.dump());
        app->expect("mapped", kShort);
        json w = wait_window(
            c, app->pid(), [](const json& w) { return w.value("focused", false); }, "focused", kShort);
        CHECK(w["width"] == 240);
        CHECK(w["height"] == 400);
    }
    SUBCASE("--transform 90") {
        Compositor c(Compositor::Options{"480x800", {"--transform", "90"}});
        json o = first_output(c);
        CHECK(o["width"] == 800);
        CHECK(o["height"] == 480);
        CHECK(o["physical_width"] == 480);
        CHECK(o["physical_height"] == 800);
        CHECK(o["transform"] == 1);  // WL_OUTPUT_TRANSFORM_90
        auto app = c.client(test_client_argv());
        json conf = app->expect("configure", kShort);
        CHECK_MESSAGE(conf["width"] == 800, conf.dump());
        CHECK_MESSAGE(conf["height"] == 480, conf.dump());
        app->expect("mapped", kShort);
    }
}

TEST_CASE("bad flags and config values exit 2 and name the culprit") {
    TempDir dir;
    SUBCASE("unknown flag") {
        RunResult r = run_compositor({"--sise", "480x800"}, dir);
        REQUIRE_MESSAGE(WIFEXITED(r.status), describe_status(r.status));
        CHECK(WEXITSTATUS(r.status) == 2);
        CHECK_MESSAGE(r.err.find("--sise") != std::string::npos, r.err);
    }
    SUBCASE("bad --scale") {
        RunResult r = run_compositor({"--scale", "abc"}, dir);
        REQUIRE_MESSAGE(WIFEXITED(r.status), describe_status(r.status));
        CHECK(WEXITSTATUS(r.status) == 2);
        CHECK_MESSAGE(r.err.find("--scale") != std::string::npos, r.err);
        CHECK_MESSAGE(r.err.find("abc") != std::string::npos, r.err);
    }
    SUBCASE("bad scale in the config file") {
        std::string file = dir.write("bad-scale.conf", "[output]\nscale = abc\n");
        RunResult r = run_compositor({"--config", file}, dir);
        REQUIRE_MESSAGE(WIFEXITED(r.status), describe_status(r.status));
        CHECK(WEXITSTATUS(r.status) == 2);
        CHECK_MESSAGE(r.err.find(file + ":2") != std::string::npos, r.err);
        CHECK_MESSAGE(r.err.find("scale") != std::string::npos, r.err);
        CHECK_MESSAGE(r.err.find("abc") != std::string::npos, r.err);
    }
    SUBCASE("a missing config file") {
        RunResult r = run_compositor({"--config", dir.path + "/nope.conf"}, dir);
        REQUIRE_MESSAGE(WIFEXITED(r.status), describe_status(r.status));
        CHECK(WEXITSTATUS(r.status) == 2);
        CHECK_MESSAGE(r.err.find("nope.conf") != std::string::npos, r.err);
    }
}

TEST_CASE("a valid config file sets the output size") {
    TempDir dir;
    std::string file = dir.write("size.conf", "# phone\n[output]\nsize = 320x480\n");
    Compositor c(Compositor::Options{"", {"--config", file}});
    json o = first_output(c);
    CHECK(o["width"] == 320);
    CHECK(o["height"] == 480);
    auto app = c.client(test_client_argv());
    json conf = app->expect("configure", kShort);
    CHECK_MESSAGE(conf["width"] == 320, conf.dump());
    CHECK_MESSAGE(conf["height"] == 480, conf.dump());

    {
        // A flag overrides the file.
        Compositor c2(Compositor::Options{"400x600", {"--config", file}});
        json o2 = first_output(c2);
        CHECK(o2["width"] == 400);
        CHECK(o2["height"] == 600);
    }
}

TEST_CASE("xdg-decoration: the compositor says server-side and draws none") {
    Compositor c;
    auto app = c.client(test_client_argv({"--xdg-decoration"}));
    json d = app->expect("decoration", kShort);
    CHECK_MESSAGE(d["mode"] == "server_side", d.dump());
    CHECK(d["surface"] == "main");
    app->expect("mapped", kShort);
    // No decoration is drawn: the window is exactly the work area.
    json w = wait_window(c, app->pid(), nullptr, "listed", kShort);
    CHECK(w["x"] == 0);
    CHECK(w["y"] == 0);
    CHECK(w["width"] == kWidth);
    CHECK(w["height"] == kHeight);
}

TEST_CASE("a popup that would overflow the output is kept on it") {
    // Anchor rect 440,760 20x20 near the bottom-right corner; the popup asks
    // for 200x300 below-right of it, which would end at 660,1080.
    SUBCASE("slide and flip") {
        Compositor c;
        auto app = start_app(c, {"--popup-at", "440,760,20,20", "--popup-size", "200x300"});
        json p = app->expect("popup_configure", kShort);
        INFO(p.dump());
        CHECK(p["width"] == 200);
        CHECK(p["height"] == 300);
        CHECK(popup_inside(p, 0, 0, kWidth, kHeight));
        app->expect("mapped", kShort, [](const json& e) { return e["surface"] == "popup"; });
    }
    SUBCASE("slide only") {
        Compositor c;
        auto app = start_app(
            c, {"--popup-at", "440,760,20,20", "--popup-size", "200x300", "--popup-adjust", "slide_x,slide_y"});
        json p = app->expect("popup_configure", kShort);
        INFO(p.dump());
        CHECK(popup_inside(p, 0, 0, kWidth, kHeight));
        // Sliding moves it just far enough.
        CHECK(p["x"] == kWidth - 200);
        CHECK(p["y"] == kHeight - 300);
    }
    SUBCASE("under a status bar") {
        Compositor c;
        auto bar = start_bar(c);
        wait_work_area(c, 0, kBarHeight, kWidth, kHeight - kBarHeight, kShort);
        // Sliding only: the constraint box must be the output in the
        // coordinates of a window that starts at y = 40.
        auto app = start_app(
            c, {"--popup-at", "440,720,20,20", "--popup-size", "200x300", "--popup-adjust", "slide_x,slide_y"});
        json w = wait_window(
            c, app->pid(), [](const json& w) { return w["y"] == kBarHeight; }, "below the bar", kShort);
        json p = app->expect("popup_configure", kShort);
        INFO(p.dump());
        CHECK(popup_inside(p, w["x"].get<int>(), w["y"].get<int>(), kWidth, kHeight));
        CHECK(p["x"] == kWidth - 200);
        CHECK(p["y"] == kHeight - kBarHeight - 300);
    }
}

TEST_CASE("foreign-toplevel management lists apps and activates one") {
    Compositor c;
    auto first = start_app(c, {"--app-id", "org.cirrus.test.first", "--title", "First"});
    wait_window(
        c, first->pid(), [](const json& w) { return w.value("focused", false); }, "focused", kShort);
    auto second = start_app(c, {"--app-id", "org.cirrus.test.second", "--title", "Second"});
    json w2 = wait_window(
        c, second->pid(), [](const json& w) { return w.value("focused", false); }, "focused", kShort);

    auto tl = start_toplevels(c);
    json list = tl->expect("toplevels", kShort, [](const json& e) {
        return toplevel_in(e, "org.cirrus.test.first") && toplevel_in(e, "org.cirrus.test.second");
    });
    INFO(list.dump());
    auto t1 = *toplevel_in(list, "org.cirrus.test.first");
    auto t2 = *toplevel_in(list, "org.cirrus.test.second");
    CHECK(t1["title"] == "First");
    CHECK(t2["title"] == "Second");
    CHECK(has(t2["state"], "activated"));
    CHECK_FALSE(has(t1["state"], "activated"));

    SUBCASE("activate brings the background app to the front") {
        tl->send_line("activate org.cirrus.test.first");
        tl->expect("sent", kShort);
        wait_window(
            c, first->pid(), [](const json& w) { return w.value("focused", false) && w.value("visible", false); },
            "focused and visible after activate", kShort);
        wait_window(
            c, second->pid(), [](const json& w) { return !w.value("focused", true) && !w.value("visible", true); },
            "hidden after activating the first", kShort);
        json windows = c.windows();
        REQUIRE(windows.size() == 2);
        CHECK(windows[1]["pid"] == first->pid());  // top of the stack
        first->expect("configure", kShort, [](const json& e) { return has_state(e, "activated"); });
        first->expect("keyboard_enter", kShort);
        // The handles follow.
        tl->expect("toplevels", kShort, [](const json& e) {
            auto a = toplevel_in(e, "org.cirrus.test.first");
            auto b = toplevel_in(e, "org.cirrus.test.second");
            return a && b && has((*a)["state"], "activated") && !has((*b)["state"], "activated");
        });
    }
    SUBCASE("close through the handle closes the app") {
        tl->send_line("close org.cirrus.test.second");
        tl->expect("sent", kShort);
        second->expect("close", kShort);
        REQUIRE(second->wait_exit(kShort));
        tl->expect("toplevel_closed", kShort, [](const json& e) { return e["app_id"] == "org.cirrus.test.second"; });
        wait_no_window(c, second->pid(), kShort);
    }
    SUBCASE("an untrusted client is not offered the manager") {
        auto untrusted = c.client({program("CIRRUS_TEST_TOPLEVELS")}, false);
        auto status = untrusted->wait_exit(kShort);
        REQUIRE(status);
        CHECK(WIFEXITED(*status));
        CHECK(WEXITSTATUS(*status) == 3);
    }
    tl->send_line("quit");
    auto status = tl->wait_exit(kShort);
    REQUIRE(status);
    CHECK_MESSAGE((WIFEXITED(*status) && WEXITSTATUS(*status) == 0), tl->describe());
}

TEST_CASE("virtual keyboard and pointer reach the focused client") {
    Compositor c;
    auto bar = start_bar(c);  // the app sits at y = 40: surface-local != layout
    auto app = start_app(c);
    wait_window(
        c, app->pid(), [](const json& w) { return w.value("focused", false) && w["y"] == kBarHeight; },
        "focused below the bar", kShort);
    app->expect("keyboard_enter", kShort);

    auto vi = c.client({program("CIRRUS_TEST_VIRTUAL_INPUT")}, true);
    vi->expect("ready", kShort);

    SUBCASE("a key") {
        vi->send_line("key 30");  // KEY_A
        vi->expect("sent", kShort);
        json down = app->expect("key", kShort, [](const json& e) { return e["state"] == "pressed"; });
        CHECK(down["key"] == 30);
        json up = app->expect("key", kShort, [](const json& e) { return e["state"] == "released"; });
        CHECK(up["key"] == 30);
    }
    SUBCASE("pointer motion and a button") {
        // The client gets a wl_pointer once the seat has a pointer.
        app->expect("seat", kShort, [](const json& e) { return e.value("pointer", false); });
        vi->send_line("motion 100 240 " + std::to_string(kWidth) + " " + std::to_string(kHeight));
        vi->expect("sent", kShort);
        json enter = app->expect("pointer_enter", kShort);
        INFO(enter.dump());
        CHECK(enter["surface"] == "main");
        CHECK(enter["x"] == doctest::Approx(100).epsilon(0.01));
        CHECK(enter["y"] == doctest::Approx(240 - kBarHeight).epsilon(0.01));
        vi->send_line("button 272");  // BTN_LEFT
        vi->expect("sent", kShort);
        json press = app->expect("pointer_button", kShort);
        CHECK(press["button"] == 272);
        CHECK(press["state"] == "pressed");
        CHECK(press["surface"] == "main");
        json release = app->expect("pointer_button", kShort);
        CHECK(release["state"] == "released");
    }
    SUBCASE("an untrusted client is not offered virtual input") {
        auto untrusted = c.client({program("CIRRUS_TEST_VIRTUAL_INPUT")}, false);
        auto status = untrusted->wait_exit(kShort);
        REQUIRE(status);
        CHECK(WIFEXITED(*status));
        CHECK(WEXITSTATUS(*status) == 3);
    }
    vi->send_line("quit");
    auto status = vi->wait_exit(kShort);
    REQUIRE(status);
    CHECK_MESSAGE((WIFEXITED(*status) && WEXITSTATUS(*status) == 0), vi->describe());
}

TEST_CASE("keyboard focus follows the front app") {
    Compositor c;
    auto first = start_app(c, {"--app-id", "org.cirrus.test.first"});
    first->expect("keyboard_enter", kShort, [](const json& e) { return e["surface"] == "main"; });

    auto second = start_app(c, {"--app-id", "org.cirrus.test.second"});
    second->expect("keyboard_enter", kShort, [](const json& e) { return e["surface"] == "main"; });
    first->expect("keyboard_leave", kShort);

    json w1 = wait_window(
        c, first->pid(), [](const json& w) { return !w.value("focused", true); }, "unfocused", kShort);
    json r = c.request({{"cmd", "focus"}, {"id", w1["id"]}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    second->expect("keyboard_leave", kShort);
    first->expect("keyboard_enter", kShort, [](const json& e) { return e["surface"] == "main"; });

    // Keys now go to the first app only.
    r = c.request({{"cmd", "key"}, {"keycode", 30}, {"state", "pressed"}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    r = c.request({{"cmd", "key"}, {"keycode", 30}, {"state", "released"}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    first->expect("key", kShort, [](const json& e) { return e["key"] == 30 && e["state"] == "pressed"; });
    CHECK_FALSE(second->next_event("key", 0.3));
}
