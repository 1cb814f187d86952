// The app switcher with the real shell on the real compositor: swipe up from
// the bottom edge and hold opens it; its cards show each app's last frame
// (the stand-in host fills its window with the colour its app id ends in);
// a tap on a card switches to that app, a card flicked up closes its app, a
// tap beside the cards or the home gesture goes home. Checked by pixels of
// control-socket screenshots and by the compositor's window list.

#include <cstdlib>
#include <filesystem>

#include "shell_fixture.hpp"
#include "switcher_model.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::compute_switcher_geometry;
using cirrus::shell::SwitcherGeometry;

namespace {

// Window colours (the stand-in host reads them from the app id) and icon
// colours, different, so that a card that fell back to its icon shows.
constexpr std::uint32_t kRedWindow = 0xd03030;
constexpr std::uint32_t kGreenWindow = 0x30a050;
constexpr std::uint32_t kBlueWindow = 0x3050d0;
const std::string kRedApp = "red-d03030";
const std::string kGreenApp = "green-30a050";
const std::string kBlueApp = "blue-3050d0";

class SwitcherFixture : public ShellFixture {
public:
    static Compositor::Options options() {
        Compositor::Options o;
        o.extra_args = {"--app-host", cirrus_it::program("CIRRUS_TEST_STAND_IN_HOST")};
        return o;
    }

    SwitcherFixture() : ShellFixture(options()) {
        // Where the stand-in host writes its environment (it insists).
        env_dir = compositor.runtime_dir() + "/host-env";
        std::filesystem::create_directories(env_dir);
        setenv("CIRRUS_TEST_HOST_ENV_DIR", env_dir.c_str(), 1);
    }

    // Installs and launches the three apps, red first: blue ends in front,
    // so the cards go blue (centred), green, red (to the left).
    void launch_three() {
        install(kRedApp, "Red", 0xe08020);
        install(kGreenApp, "Green", 0x8040c0);
        install(kBlueApp, "Blue", 0xc0c020);
        start_shell();
        for (const std::string& app : {kRedApp, kGreenApp, kBlueApp}) {
            REQUIRE(compositor.request({{"cmd", "launch"}, {"app", app}})["ok"] == true);
            wait_window(
                app, [](const json& w) { return w["focused"] == true && w["visible"] == true; }, "focused and visible");
        }
    }

    std::optional<json> window_of(const std::string& app) {
        for (const json& w : compositor.windows()) {
            if (w["app"] == app) return w;
        }
        return std::nullopt;
    }

    json wait_window(const std::string& app, const std::function<bool(const json&)>& pred, const std::string& what) {
        std::optional<json> last;
        const bool ok = cirrus_it::wait_until([&] {
            last = window_of(app);
            return last && pred(*last);
        });
        if (!ok) {
            throw std::runtime_error("the window of " + app + " never became " + what + ": " +
                                     (last ? last->dump() : std::string("none")) + "\nshell: " + shell->describe());
        }
        return *last;
    }

    std::optional<json> switcher_layer() {
        for (const json& l : compositor.layers()) {
            if (l["namespace"] == "cirrus-switcher") return l;
        }
        return std::nullopt;
    }

    // Swipe up from the bottom edge and hold: raw touches with a real pause
    // (the compositor fires the hold from its own timer).
    void hold_gesture() {
        json down = json::array({{{"type", "down"}, {"id", 0}, {"x", 240}, {"y", 797}}, {{"type", "frame"}}});
        for (int y = 780; y >= 640; y -= 20) {
            down.push_back({{"type", "motion"}, {"id", 0}, {"x", 240}, {"y", y}});
            down.push_back({{"type", "frame"}});
        }
        REQUIRE(compositor.request({{"cmd", "touch"}, {"events", down}})["ok"] == true);
        cirrus_it::sleep_ms(400);
        REQUIRE(compositor.request(
                    {{"cmd", "touch"},
                     {"events", json::array({{{"type", "up"}, {"id", 0}}, {{"type", "frame"}}})}})["ok"] == true);
    }

    // Holds, then waits for the switcher's surface and for the front card's
    // picture to be on screen.
    Image open_switcher(std::uint32_t front_rgb) {
        hold_gesture();
        const bool mapped = cirrus_it::wait_until([&] {
            const auto l = switcher_layer();
            return l && l->value("mapped", false);
        });
        if (!mapped) throw std::runtime_error("no switcher surface; shell: " + shell->describe());
        return wait_pixel(centre_x(card(0)), centre_y(card(0)), front_rgb, 4);
    }

    void wait_switcher_gone() {
        if (!cirrus_it::wait_until([&] { return !switcher_layer().has_value(); })) {
            throw std::runtime_error("the switcher surface stayed; shell: " + shell->describe());
        }
    }

    // Waits until the card in the middle shows `rgb` from edge to edge (it
    // is at rest there, or in the last pixel of its glide).
    void wait_centred(std::uint32_t rgb) {
        const Box c = card(0);
        for (int x : {c.x + 2, centre_x(c), c.x + c.width - 3}) wait_pixel(x, centre_y(c), rgb);
    }

    // A swipe across the cards, at a steady (not flicking) pace.
    void swipe_cards(int dx) {
        const int y = centre_y(card(0));
        const int x1 = dx > 0 ? 10 : 470;
        REQUIRE(compositor.request({{"cmd", "swipe"},
                                    {"x1", x1},
                                    {"y1", y},
                                    {"x2", x1 + dx},
                                    {"y2", y},
                                    {"ms", 600},
                                    {"steps", 30}})["ok"] == true);
    }

    // Card `index`'s frame at rest, with card 0 centred.
    Box card(int index) const { return {g.centre_x() - index * g.pitch, g.card_y, g.card_width, g.card_height}; }

    const SwitcherGeometry g = compute_switcher_geometry(480, 800);
    std::string env_dir;
};

}  // namespace

TEST_CASE("swipe up and hold opens the switcher: the apps' last frames, most recent centred") {
    SwitcherFixture f;
    f.launch_three();
    const Image shot = f.open_switcher(kBlueWindow);

    // The layer: over everything, the whole output.
    const json layer = *f.switcher_layer();
    CHECK(layer["layer"] == "overlay");
    CHECK(layer["width"] == 480);
    CHECK(layer["height"] == 800);
    // The apps are hidden beneath it, none focused.
    for (const std::string& app : {kRedApp, kGreenApp, kBlueApp}) {
        const json w = *f.window_of(app);
        CHECK(w["visible"] == false);
        CHECK(w["focused"] == false);
    }

    // Blue's frame in the middle (its corners are rounded: check inside them).
    const Box blue = f.card(0);
    for (auto [x, y] : {std::pair{centre_x(blue), centre_y(blue)}, std::pair{blue.x + 12, blue.y + 12},
                        std::pair{blue.x + blue.width - 12, blue.y + blue.height - 12}}) {
        INFO("blue card pixel " << x << "," << y << " is " << describe(shot.at(x, y)));
        CHECK(cirrus_it::same_rgb(shot.at(x, y), kBlueWindow, 4));
    }
    // Green's (the app before) peeks in at the left; red's is off screen.
    const Box green = f.card(1);
    const int green_x = green.x + green.width - 12;
    REQUIRE(green_x > 0);
    INFO("green card pixel is " << describe(shot.at(green_x, centre_y(green))));
    CHECK(cirrus_it::same_rgb(shot.at(green_x, centre_y(green)), kGreenWindow, 4));
    // The switcher's own background around the cards (over the status bar).
    CHECK(cirrus_it::same_rgb(shot.at(470, 5), cirrus::shell::kSwitcherBackgroundRgb, 2));
    CHECK(cirrus_it::same_rgb(shot.at(240, blue.y + blue.height + 30), cirrus::shell::kSwitcherBackgroundRgb, 2));
    // The header: the app's icon (its colour, not the window's) and its name.
    const int header_y = blue.y - f.g.header_height;
    const int icon_y = header_y + (f.g.header_height - f.g.icon_size) / 2;
    const int icon_cx = blue.x + f.g.icon_size / 2;
    INFO("icon pixel is " << describe(shot.at(icon_cx, icon_y + f.g.icon_size / 2)));
    CHECK(cirrus_it::same_rgb(shot.at(icon_cx, icon_y + f.g.icon_size / 2), 0xc0c020, 6));
    const Box name{blue.x + f.g.icon_size + 8, header_y, 120, f.g.header_height};
    CHECK(ink_pixels(shot, name, [](int) { return Image::Pixel{0x0e, 0x1a, 0x24, 255}; }) > 30);
}

TEST_CASE("the switcher: a tap on a card switches to its app") {
    SwitcherFixture f;
    f.launch_three();
    f.open_switcher(kBlueWindow);
    // Green's card, at the left edge.
    const Box green = f.card(1);
    REQUIRE(f.tap(green.x + green.width - 20, centre_y(green))["ok"] == true);
    f.wait_switcher_gone();
    f.wait_window(
        kGreenApp, [](const json& w) { return w["visible"] == true && w["focused"] == true; }, "visible and focused");
    CHECK(f.window_of(kBlueApp)->at("visible") == false);
    f.wait_pixel(240, 400, kGreenWindow);
}

TEST_CASE("the switcher: a swipe sideways brings the older apps' cards to the middle") {
    SwitcherFixture f;
    f.launch_three();
    f.open_switcher(kBlueWindow);
    const Box c = f.card(0);
    f.swipe_cards(f.g.pitch);
    f.wait_centred(kGreenWindow);
    f.swipe_cards(f.g.pitch);
    f.wait_centred(kRedWindow);
    // Past the oldest card the cards give a little and come back.
    f.swipe_cards(200);
    f.wait_centred(kRedWindow);
    // Back to the newest in one long swipe the other way.
    f.swipe_cards(-460);
    f.wait_centred(kBlueWindow);
    f.swipe_cards(f.g.pitch);
    f.wait_centred(kGreenWindow);
    f.swipe_cards(f.g.pitch);
    f.wait_centred(kRedWindow);
    // A tap now opens red (a tap on cards still gliding would only stop them).
    REQUIRE(f.tap(centre_x(c), centre_y(c))["ok"] == true);
    f.wait_window(
        kRedApp, [](const json& w) { return w["visible"] == true && w["focused"] == true; }, "visible and focused");
    f.wait_switcher_gone();
}

TEST_CASE("the switcher: a card flicked up closes its app, and the next card takes its place") {
    SwitcherFixture f;
    f.launch_three();
    f.open_switcher(kBlueWindow);
    const Box c = f.card(0);
    REQUIRE(f.compositor.request({{"cmd", "swipe"},
                                  {"x1", centre_x(c)},
                                  {"y1", centre_y(c)},
                                  {"x2", centre_x(c)},
                                  {"y2", centre_y(c) - 250},
                                  {"ms", 100},
                                  {"steps", 5}})["ok"] == true);
    // The app closes (its window gets close; the stand-in exits) ...
    REQUIRE(cirrus_it::wait_until([&] { return !f.window_of(kBlueApp).has_value(); }));
    REQUIRE(cirrus_it::wait_until([&] {
        const json apps = f.compositor.request({{"cmd", "apps"}})["apps"];
        for (const json& a : apps) {
            if (a["app"] == kBlueApp) return false;
        }
        return true;
    }));
    // ... the switcher stays, and green's card moves to the middle.
    f.wait_pixel(centre_x(c), centre_y(c), kGreenWindow);
    CHECK(f.switcher_layer().has_value());
    CHECK(f.window_of(kGreenApp)->at("visible") == false);

    SUBCASE("closing the last two apps leaves the switcher for home") {
        for (int i = 0; i < 2; ++i) {
            REQUIRE(f.compositor.request({{"cmd", "swipe"},
                                          {"x1", centre_x(c)},
                                          {"y1", centre_y(c)},
                                          {"x2", centre_x(c)},
                                          {"y2", centre_y(c) - 250},
                                          {"ms", 100},
                                          {"steps", 5}})["ok"] == true);
            const std::string& app = i == 0 ? kGreenApp : kRedApp;
            REQUIRE(cirrus_it::wait_until([&] { return !f.window_of(app).has_value(); }));
            if (i == 0) f.wait_pixel(centre_x(c), centre_y(c), kRedWindow);
        }
        f.wait_switcher_gone();
        CHECK(f.compositor.windows().empty());
    }
}

TEST_CASE("the switcher: a tap beside the cards, or the home gesture, goes home") {
    SwitcherFixture f;
    f.launch_three();
    f.open_switcher(kBlueWindow);

    SUBCASE("a tap beside the cards") {
        const Box c = f.card(0);
        REQUIRE(f.tap(240, c.y + c.height + 40)["ok"] == true);
    }
    SUBCASE("a swipe up from the bottom edge") {
        REQUIRE(f.compositor.request({{"cmd", "swipe"},
                                      {"x1", 240},
                                      {"y1", 797},
                                      {"x2", 240},
                                      {"y2", 500},
                                      {"ms", 120},
                                      {"steps", 6}})["ok"] == true);
    }
    f.wait_switcher_gone();
    // Home: the apps stay hidden (and running), nothing is focused; the home
    // screen's wallpaper shows where the card was.
    cirrus_it::sleep_ms(100);
    for (const std::string& app : {kRedApp, kGreenApp, kBlueApp}) {
        const json w = *f.window_of(app);
        CHECK(w["visible"] == false);
        CHECK(w["focused"] == false);
    }
    const Image shot = f.screenshot();
    const Box c = f.card(0);
    CHECK_FALSE(cirrus_it::same_rgb(shot.at(centre_x(c), centre_y(c)), kBlueWindow, 30));
    CHECK_FALSE(cirrus_it::same_rgb(shot.at(centre_x(c), centre_y(c)), cirrus::shell::kSwitcherBackgroundRgb, 2));
}

TEST_CASE("the switcher gesture with no app running goes home and leaves nothing covered") {
    SwitcherFixture f;
    f.start_shell();
    f.hold_gesture();
    cirrus_it::sleep_ms(300);
    CHECK_FALSE(f.switcher_layer().has_value());
    // An app launched now is shown: the compositor is not left in the switcher.
    f.install(kRedApp, "Red", 0xe08020);
    REQUIRE(f.compositor.request({{"cmd", "launch"}, {"app", kRedApp}})["ok"] == true);
    f.wait_window(
        kRedApp, [](const json& w) { return w["visible"] == true; }, "visible");
}
