// What reaches the screen: screencopy and control-socket screenshots, third-
// party clients, damage-driven rendering.

#include "helpers.hpp"

#include <fstream>

using namespace cirrus_it;

namespace {

constexpr uint32_t kAppColor = 0x00ff00;

struct Probe {
    int x, y;
    uint32_t rgb;
};

// Pixels in the bar band (red) and below it (the app's green).
const std::vector<Probe> kProbes = {
    {10, 10, kBarColor}, {240, 20, kBarColor},  {470, 39, kBarColor},
    {10, 41, kAppColor}, {240, 400, kAppColor}, {470, 799, kAppColor},
};

std::vector<std::pair<int, int>> probe_points() {
    std::vector<std::pair<int, int>> points;
    for (auto& p : kProbes) points.emplace_back(p.x, p.y);
    return points;
}

bool matches(const json& capture) {
    const json& pixels = capture["pixels"];
    if (pixels.size() != kProbes.size()) return false;
    for (size_t i = 0; i < kProbes.size(); ++i)
        if (!same_rgb(pixels[i], kProbes[i].rgb)) return false;
    return true;
}

// Number of pixels that differ between two equally sized images.
size_t differing_pixels(const Image& a, const Image& b) {
    if (a.width != b.width || a.height != b.height) return static_cast<size_t>(a.width) * a.height;
    size_t n = 0;
    for (size_t i = 0; i + 3 < a.rgba.size(); i += 4)
        if (a.rgba[i] != b.rgba[i] || a.rgba[i + 1] != b.rgba[i + 1] || a.rgba[i + 2] != b.rgba[i + 2]) ++n;
    return n;
}

Image capture_png(Compositor& c, const std::string& stem) {
    std::string path = c.new_path(stem + ".png");
    screencopy(c, {}, path);
    return read_png(path);
}

}  // namespace

TEST_CASE("screencopy and the control screenshot see the app under the bar") {
    Compositor c;
    auto app = start_app(c, {"--color", rgb_hex(kAppColor)});
    auto bar = start_bar(c);
    app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight - kBarHeight; });

    json capture;
    bool ok = wait_until([&] {
        capture = screencopy(c, probe_points());
        return matches(capture);
    });
    CHECK(capture["width"] == kWidth);
    CHECK(capture["height"] == kHeight);
    REQUIRE_MESSAGE(ok, "screencopy pixels: " << capture["pixels"].dump());

    std::string path = c.new_path("control-shot.png");
    json r = c.request({{"cmd", "screenshot"}, {"path", path}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    CHECK(r["path"] == path);
    CHECK(r["width"] == kWidth);
    CHECK(r["height"] == kHeight);
    Image shot = read_png(path);
    REQUIRE(shot.width == kWidth);
    REQUIRE(shot.height == kHeight);
    for (auto& p : kProbes) {
        auto px = shot.at(p.x, p.y);
        CHECK_MESSAGE(same_rgb(px, p.rgb), "screenshot pixel " << p.x << "," << p.y << " is " << px.r << "," << px.g
                                                               << "," << px.b << ", expected " << rgb_hex(p.rgb));
    }

    SUBCASE("a relative or unwritable screenshot path is an error") {
        CHECK(c.request({{"cmd", "screenshot"}, {"path", "/nonexistent-dir/x.png"}})["ok"] == false);
        CHECK(c.request({{"cmd", "screenshot"}})["ok"] == false);
    }
}

TEST_CASE("weston-simple-shm maps and draws") {
    std::string program_path = optional_program("CIRRUS_WESTON_SIMPLE_SHM");
    if (program_path.empty()) {
        MESSAGE("weston-simple-shm not installed: skipped");
        return;
    }
    Compositor c;
    Image before = capture_png(c, "before");
    auto client = c.client({program_path});
    json w = wait_window(
        c, client->pid(), [](const json& w) { return w.value("visible", false); }, "visible");
    CHECK(w["width"].get<int>() > 0);
    size_t changed = 0;
    bool ok = wait_until([&] {
        changed = differing_pixels(before, capture_png(c, "after"));
        return changed > 10000;  // it draws a 250x250 animation
    });
    CHECK_MESSAGE(ok, "only " << changed << " pixels changed; client: " << client->describe());
    CHECK(client->alive());
}

TEST_CASE("foot maps and draws its background") {
    std::string program_path = optional_program("CIRRUS_FOOT");
    if (program_path.empty()) {
        MESSAGE("foot not installed: skipped");
        return;
    }
    Compositor c;
    std::string config = c.new_path("foot.ini");
    {
        std::ofstream out(config);
        out << "[main]\nfont=monospace:size=10\n[colors]\nbackground=203040\nforeground=ffffff\n";
    }
    auto client = c.client({program_path, "--config=" + config, "--app-id=org.cirrus.test.foot", "--", "sh", "-c",
                            "echo hello cirrus; exec sleep 60"},
                           false, {{"LC_ALL", "C.UTF-8"}, {"HOME", c.runtime_dir()}});
    json w = wait_window(
        c, client->pid(), [](const json& w) { return w.value("visible", false); }, "visible");
    CHECK(w["app_id"] == "org.cirrus.test.foot");
    // The terminal fills the work area; its background colour shows far from
    // the text.
    json capture;
    bool ok = wait_until([&] {
        capture = screencopy(c, {{kWidth - 20, kHeight - 20}, {kWidth / 2, kHeight * 3 / 4}});
        return same_rgb(capture["pixels"][0], 0x203040) && same_rgb(capture["pixels"][1], 0x203040);
    });
    CHECK_MESSAGE(ok, "pixels " << capture["pixels"].dump() << "; foot: " << client->describe());
    // Text is drawn near the top-left: some pixel there is not background.
    Image shot = capture_png(c, "foot");
    size_t text_pixels = 0;
    for (int y = w["y"].get<int>(); y < w["y"].get<int>() + 40; ++y)
        for (int x = 0; x < 200; ++x)
            if (!same_rgb(shot.at(x, y), 0x203040, 8)) ++text_pixels;
    CHECK_MESSAGE(text_pixels > 20, "no text drawn near the top-left of foot's window");
}

TEST_CASE("rendering is damage-driven") {
    Compositor c;
    auto app = start_app(c, {"--color", "112233"});
    app->expect("configure", kTimeout, [](const json& e) { return e["height"] == kHeight; });
    wait_window(
        c, app->pid(), [](const json& w) { return w.value("focused", false); }, "focused");
    sleep_ms(400);  // let the first frames settle

    json s1 = c.stats();
    REQUIRE(s1["ok"] == true);
    sleep_ms(1000);
    json s2 = c.stats();
    CHECK_MESSAGE(s2["frames"] == s1["frames"],
                  "frames went from " << s1["frames"] << " to " << s2["frames"] << " over 1 s of idle");
    CHECK(s2["uptime_ms"].get<long>() >= s1["uptime_ms"].get<long>() + 900);
    CHECK(s2["clients"].get<int>() >= 1);

    app->send_line("color 445566");
    app->expect("committed");
    long before = s2["frames"].get<long>();
    bool raised = wait_until([&] { return c.stats()["frames"].get<long>() > before; }, 3);
    CHECK_MESSAGE(raised, "a client commit did not produce a frame");
    json capture = screencopy(c, {{240, 400}});
    CHECK(same_rgb(capture["pixels"][0], 0x445566));
}
