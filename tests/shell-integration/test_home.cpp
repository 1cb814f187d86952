// The real cirrus-shell on the real compositor: what its home screen and
// status bar put on screen, checked by pixels of control-socket screenshots.

#include <csignal>
#include <ctime>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/registry.hpp"
#include "shell_fixture.hpp"
#include "theme.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::compute_geometry;
using cirrus::shell::kDockFirstPosition;
using cirrus::shell::kStatusBarHeight;

namespace {

constexpr std::uint32_t kOrange = 0xe08020;  // a fourth icon colour, after shell_fixture.hpp's three

// Sets an app's home position as the shell's edit mode will (the registry
// API), from outside the shell.
void move_app(const std::string& registry, const std::string& id, std::int64_t position) {
    auto r = cirrus::launcher::Registry::open(registry);
    r.set_position(id, position);
}

// launch_count as the real `cirrus info ID --json` shows it.
std::int64_t launch_count(ShellFixture& f, const std::string& id) {
    return json::parse(f.cli({"info", id, "--json"}))["launch_count"].get<std::int64_t>();
}

// The wallpaper's colour in row y, read where nothing is drawn on it.
auto wallpaper_in(const Image& image) {
    return [&image](int y) { return image.at(1, y); };
}

}  // namespace

TEST_CASE("the shell maps a status bar that reserves its height and a home screen under everything") {
    ShellFixture f;
    f.start_shell();
    json bar, home;
    for (const json& l : f.compositor.layers()) {
        if (l["namespace"] == "cirrus-status-bar") bar = l;
        if (l["namespace"] == "cirrus-home") home = l;
    }
    CHECK(bar["layer"] == "top");
    CHECK(bar["width"] == 480);
    CHECK(bar["height"] == kStatusBarHeight);
    CHECK(bar["exclusive_zone"] == kStatusBarHeight);
    CHECK(bar["keyboard_interactive"] == "none");
    CHECK(home["layer"] == "background");
    CHECK(home["width"] == 480);
    CHECK(home["height"] == 800);
    const json area = f.compositor.outputs()[0]["work_area"];
    CHECK(area["y"] == kStatusBarHeight);
    CHECK(area["height"] == 800 - kStatusBarHeight);
}

TEST_CASE("a screenshot shows the status bar band and each app's icon in its slot, with its label") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.install("blue", "Blue", kBlue);
    f.install("orange", "Orange", kOrange);
    move_app(f.registry, "blue", 6);                     // second row, third column
    move_app(f.registry, "orange", kDockFirstPosition);  // the dock
    f.start_shell();

    const HomeGeometry g = compute_geometry(480, 800);
    REQUIRE(g.columns == 4);
    REQUIRE(g.rows == 5);
    const Image shot = f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);

    // The bar: its colour across the band where no text is (left and right
    // ends: no link state published, no battery here).
    for (int x : {2, 40, 440, 477}) {
        for (int y : {1, kStatusBarHeight / 2, kStatusBarHeight - 1}) {
            INFO("bar pixel " << x << "," << y << " is " << describe(shot.at(x, y)));
            CHECK(cirrus_it::same_rgb(shot.at(x, y), cirrus::shell::kStatusBarHomeRgb, 2));
        }
    }
    // The clock in the middle of the bar: some light text.
    CHECK(ink_pixels(shot, {200, 0, 80, kStatusBarHeight}, [](int) {
              return Image::Pixel{0x0b, 0x22, 0x36, 255};
          }) > 20);

    // Icons: the middle and near the corners of each slot's icon rect.
    const std::vector<std::pair<Box, std::uint32_t>> expected = {
        {g.icon(0), kRed}, {g.icon(1), kGreen}, {g.icon(6), kBlue}, {g.dock_icon(0, 1), kOrange}};
    for (const auto& [box, rgb] : expected) {
        for (auto [x, y] :
             {std::pair{centre_x(box), centre_y(box)}, std::pair{box.x + box.width / 4, box.y + box.height / 4},
              std::pair{box.x + 3 * box.width / 4, box.y + 3 * box.height / 4}}) {
            INFO("icon pixel " << x << "," << y << " is " << describe(shot.at(x, y)) << ", expected #" << hex(rgb));
            CHECK(cirrus_it::same_rgb(shot.at(x, y), rgb, 4));
        }
    }
    // An empty slot shows the wallpaper.
    const Box empty = g.icon(2);
    CHECK(ink_pixels(shot, empty, wallpaper_in(shot)) == 0);
    // Labels under the grid icons, none under the dock's.
    CHECK(ink_pixels(shot, g.label(0), wallpaper_in(shot)) > 30);
    CHECK(ink_pixels(shot, g.label(6), wallpaper_in(shot)) > 30);
    CHECK(ink_pixels(shot, g.label(2), wallpaper_in(shot)) == 0);
    // One page: no page dots.
    CHECK(ink_pixels(shot, g.dots, wallpaper_in(shot)) == 0);
}

TEST_CASE("a swipe changes the page, and the page dots follow") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    const HomeGeometry g = compute_geometry(480, 800);
    move_app(f.registry, "green", g.per_page());  // page 2, first slot
    f.start_shell();
    const int x = centre_x(g.icon(0)), y = centre_y(g.icon(0));
    Image before = f.wait_pixel(x, y, kRed);
    // Two pages: two dots, the first one brighter.
    const auto dot = [&](const Image& im, int page) {
        return im.at(static_cast<int>(g.dot_x(page, 2)), static_cast<int>(g.dot_y()));
    };
    CHECK(dot(before, 0).r > dot(before, 1).r + 40);

    REQUIRE(
        f.compositor.request(
            {{"cmd", "swipe"}, {"x1", 400}, {"y1", 400}, {"x2", 80}, {"y2", 400}, {"ms", 200}, {"steps", 12}})["ok"] ==
        true);
    Image after = f.wait_pixel(x, y, kGreen);
    CHECK(dot(after, 1).r > dot(after, 0).r + 40);

    // And back.
    REQUIRE(
        f.compositor.request(
            {{"cmd", "swipe"}, {"x1", 80}, {"y1", 400}, {"x2", 400}, {"y2", 400}, {"ms", 200}, {"steps", 12}})["ok"] ==
        true);
    f.wait_pixel(x, y, kRed);
}

TEST_CASE("a Chinese app name draws glyphs, not boxes") {
    ShellFixture f;
    f.install("notebook", "笔记本", kRed);
    // Private-use code points: no installed font has them, so these are the
    // boxes a missing glyph gets.
    f.install("boxes", "\xee\x80\x80\xee\x80\x81\xee\x80\x82", kGreen);
    f.install("latin", "Notes", kBlue);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    const Image shot = f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);
    f.wait_pixel(centre_x(g.icon(2)), centre_y(g.icon(2)), kBlue);

    const int chinese = ink_pixels(shot, g.label(0), wallpaper_in(shot));
    const int boxes = ink_pixels(shot, g.label(1), wallpaper_in(shot));
    CHECK(chinese > 60);
    CHECK(boxes > 60);
    // Same size of text, different shapes: compare the two labels pixel by
    // pixel (both are centred in equal rects).
    int differing = 0;
    const Box a = g.label(0), b = g.label(1);
    for (int dy = 0; dy < a.height; ++dy) {
        for (int dx = 0; dx < a.width; ++dx) {
            const auto p = shot.at(a.x + dx, a.y + dy), q = shot.at(b.x + dx, b.y + dy);
            if (std::abs(p.r - q.r) + std::abs(p.g - q.g) + std::abs(p.b - q.b) > 60) ++differing;
        }
    }
    INFO("chinese ink " << chinese << ", boxes ink " << boxes << ", differing " << differing);
    CHECK(differing > chinese / 3);
}

TEST_CASE("the layout survives a shell restart") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.install("blue", "Blue", kBlue);
    move_app(f.registry, "red", 9);
    move_app(f.registry, "blue", kDockFirstPosition + 1);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    const Image first = f.wait_pixel(centre_x(g.icon(9)), centre_y(g.icon(9)), kRed);
    // Moving red to a free slot left green where it was.
    CHECK(cirrus_it::same_rgb(first.at(centre_x(g.icon(1)), centre_y(g.icon(1))), kGreen, 4));

    f.kill_shell(SIGKILL);
    f.start_shell();
    const Image second = f.wait_pixel(centre_x(g.icon(9)), centre_y(g.icon(9)), kRed);
    // Below the bar (whose clock may have ticked), the screens are the same.
    int differing = 0;
    for (int y = kStatusBarHeight; y < 800; ++y)
        for (int x = 0; x < 480; ++x) {
            const auto p = first.at(x, y), q = second.at(x, y);
            if (p.r != q.r || p.g != q.g || p.b != q.b) ++differing;
        }
    CHECK(differing == 0);
    CHECK(position_of(f.registry, "red") == 9);
    CHECK(position_of(f.registry, "green") == 1);
    CHECK(position_of(f.registry, "blue") == kDockFirstPosition + 1);
}

TEST_CASE("an app installed while the shell runs appears in the first free slot") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    move_app(f.registry, "green", 2);  // leaves slot 1 free
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    f.wait_pixel(centre_x(g.icon(2)), centre_y(g.icon(2)), kGreen);
    f.install("blue", "Blue", kBlue);
    f.wait_pixel(centre_x(g.icon(1)), centre_y(g.icon(1)), kBlue);
    CHECK(position_of(f.registry, "blue") == 1);
    // And a removed one leaves.
    f.cli({"remove", "red"});
    const Image shot = f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), cirrus::shell::kWallpaperTopRgb, 40);
    CHECK(ink_pixels(shot, g.icon(0), wallpaper_in(shot)) == 0);
}

TEST_CASE("an app without a home position takes the first free slot, and the shell stores it") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.install("blue", "Blue", kBlue);
    {
        auto r = cirrus::launcher::Registry::open(f.registry);
        r.database().prepare("UPDATE apps SET home_position = NULL WHERE id = 'green'").run();
        r.set_position("blue", 3);
    }
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    f.wait_pixel(centre_x(g.icon(1)), centre_y(g.icon(1)), kGreen);
    CHECK(cirrus_it::wait_until([&] { return position_of(f.registry, "green") == 1; }));
}

TEST_CASE("a finger on an icon darkens it at once; moving away is a swipe, not a tap") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    const int x = centre_x(g.icon(0)), y = centre_y(g.icon(0));
    f.wait_pixel(x, y, kRed);
    REQUIRE(f.compositor.request({{"cmd", "touch"},
                                  {"events", json::array({{{"type", "down"}, {"id", 0}, {"x", x}, {"y", y}},
                                                          {{"type", "frame"}}})}})["ok"] == true);
    // Darkened: 60% of each channel.
    const std::uint32_t pressed = ((0xd0 * 6 / 10) << 16) | ((0x30 * 6 / 10) << 8) | (0x30 * 6 / 10);
    f.wait_pixel(x, y, pressed, 6);
    REQUIRE(f.compositor.request({{"cmd", "touch"},
                                  {"events", json::array({{{"type", "motion"}, {"id", 0}, {"x", x + 60}, {"y", y}},
                                                          {{"type", "frame"}},
                                                          {{"type", "up"}, {"id", 0}},
                                                          {{"type", "frame"}}})}})["ok"] == true);
    f.wait_pixel(x, y, kRed);
    // Nothing was launched.
    CHECK(f.compositor.request({{"cmd", "apps"}})["apps"].empty());
}

TEST_CASE("a tap on an icon launches its app and its window appears, and the launch counts") {
    Compositor::Options o;
    o.extra_args = {"--app-host", cirrus_it::program("CIRRUS_TEST_STAND_IN_HOST")};
    char env_dir[] = "/tmp/cirrus-shell-host-env-XXXXXX";
    REQUIRE(mkdtemp(env_dir) != nullptr);
    setenv("CIRRUS_TEST_HOST_ENV_DIR", env_dir, 1);  // where the stand-in host writes its environment
    ShellFixture f(o);
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    const Box icon = g.icon(1);
    f.wait_pixel(centre_x(icon), centre_y(icon), kGreen);
    REQUIRE(f.tap(centre_x(icon), centre_y(icon))["ok"] == true);
    json found;
    const bool launched = cirrus_it::wait_until([&] {
        for (const json& w : f.compositor.windows()) {
            if (w["app"] == "green") {
                found = w;
                return true;
            }
        }
        return false;
    });
    INFO("shell: " << f.shell->describe() << "\ncompositor log: " << f.compositor.log_tail());
    CHECK(launched);
    if (launched) CHECK(found["focused"] == true);
    // The compositor counts the tap's launch (the home screen asked it, not
    // `cirrus launch`), once.
    CHECK(launch_count(f, "green") == 1);
    // `cirrus launch` counts once too, the compositor's count and no second
    // one of its own: a running app brought to the front, an app started.
    std::map<std::string, std::string> env = f.env();
    env["CIRRUS_CONTROL"] = f.compositor.control_path();
    for (const char* app : {"green", "red"}) {
        const cirrus_it::RunResult r =
            cirrus_it::run_program({cirrus_it::program("CIRRUS_CLI"), "--registry", f.registry, "launch", app}, env);
        CHECK_MESSAGE(r.exited_ok(), r.out << r.err);
    }
    CHECK(launch_count(f, "green") == 2);
    CHECK(launch_count(f, "red") == 1);
    std::filesystem::remove_all(env_dir);
}

TEST_CASE("the status bar shows a simulated battery, and none without one") {
    ShellFixture f;
    f.start_shell();
    const Box battery_area{380, 0, 100, kStatusBarHeight};
    const auto bar = [](int) { return Image::Pixel{0x0b, 0x22, 0x36, 255}; };
    Image shot = f.screenshot();
    CHECK(ink_pixels(shot, battery_area, bar) == 0);
    f.kill_shell(SIGTERM);

    write_file(f.power_dir + "/AC/type", "Mains\n");
    write_file(f.power_dir + "/AC/online", "1\n");
    write_file(f.power_dir + "/BAT0/type", "Battery\n");
    write_file(f.power_dir + "/BAT0/capacity", "80\n");
    write_file(f.power_dir + "/BAT0/status", "Discharging\n");
    f.start_shell();
    shot = f.screenshot();
    const int with_battery = ink_pixels(shot, battery_area, bar);
    CHECK(with_battery > 60);

    // 5% draws less fill than 80%.
    f.kill_shell(SIGTERM);
    write_file(f.power_dir + "/BAT0/capacity", "5\n");
    f.start_shell();
    shot = f.screenshot();
    const int low = ink_pixels(shot, battery_area, bar);
    CHECK(low > 20);
    CHECK(low < with_battery);
}

TEST_CASE("the status bar takes the front app's theme colour, and the home colour back") {
    Compositor::Options o;
    o.extra_args = {"--app-host", cirrus_it::program("CIRRUS_TEST_STAND_IN_HOST")};
    char env_dir[] = "/tmp/cirrus-shell-host-env-XXXXXX";
    REQUIRE(mkdtemp(env_dir) != nullptr);
    setenv("CIRRUS_TEST_HOST_ENV_DIR", env_dir, 1);
    ShellFixture f(o);
    f.install("yellow", "Yellow", kRed, 0xf4c20d);
    f.start_shell();
    f.wait_pixel(2, 12, cirrus::shell::kStatusBarHomeRgb, 2);
    REQUIRE(f.compositor.request({{"cmd", "launch"}, {"app", "yellow"}})["ok"] == true);
    const Image themed = f.wait_pixel(2, 12, 0xf4c20d, 2);
    // Dark text on a light bar.
    int dark = 0;
    for (int x = 200; x < 280; ++x)
        for (int y = 0; y < kStatusBarHeight; ++y)
            if (themed.at(x, y).r < 80) ++dark;
    CHECK(dark > 20);
    std::filesystem::remove_all(env_dir);
}

TEST_CASE("at scale 2 the shell draws twice the pixels, at the same logical places") {
    Compositor::Options o;
    o.size = "960x1600";  // the mode, in physical pixels: 480x800 logical
    o.extra_args = {"--scale", "2"};
    ShellFixture f(o);
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);  // logical: the output is 960x1600 physical
    const Image shot = f.wait_pixel(2 * centre_x(g.icon(1)), 2 * centre_y(g.icon(1)), kGreen);
    REQUIRE(shot.width == 960);
    CHECK(cirrus_it::same_rgb(shot.at(2 * centre_x(g.icon(0)), 2 * centre_y(g.icon(0))), kRed, 4));
    CHECK(cirrus_it::same_rgb(shot.at(2, 2 * kStatusBarHeight - 2), cirrus::shell::kStatusBarHomeRgb, 2));
    CHECK(!cirrus_it::same_rgb(shot.at(2, 2 * kStatusBarHeight + 2), cirrus::shell::kStatusBarHomeRgb, 2));
    // Icons are drawn from the 144 px rasters, edge to edge within their rect.
    const Box icon = g.icon(0);
    CHECK(cirrus_it::same_rgb(shot.at(2 * icon.x + 6, 2 * icon.y + 2 * icon.height / 2), kRed, 4));
}

TEST_CASE("in landscape the grid lays out again for the wider screen") {
    Compositor::Options o;
    o.size = "800x480";
    ShellFixture f(o);
    for (int i = 0; i < 8; ++i) {
        f.install("app" + std::to_string(i), "App " + std::to_string(i), 0x202020 + 0x101010 * i);
    }
    f.start_shell();
    const HomeGeometry g = compute_geometry(800, 480);
    REQUIRE(g.columns > 4);
    // The eighth app (position 7) is on the second row when there are 7 columns.
    const int index = 7;
    const Image shot = f.wait_pixel(centre_x(g.icon(index)), centre_y(g.icon(index)), 0x202020 + 0x101010 * 7);
    CHECK(cirrus_it::same_rgb(shot.at(centre_x(g.icon(4)), centre_y(g.icon(4))), 0x202020 + 0x101010 * 4, 4));
}

TEST_CASE("an idle shell draws no frames and uses no CPU") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.start_shell();
    const HomeGeometry g = compute_geometry(480, 800);
    f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);
    // A swipe with nothing to swipe to: a rubber band and back, then rest.
    f.compositor.request({{"cmd", "swipe"}, {"x1", 400}, {"y1", 400}, {"x2", 100}, {"y2", 400}, {"ms", 150}});
    cirrus_it::sleep_ms(1000);
    // The clock redraws at the minute: measure away from it.
    if (const std::time_t now = std::time(nullptr); now % 60 > 55) cirrus_it::sleep_ms((61 - now % 60) * 1000);
    const auto cpu_ticks = [&] {
        std::ifstream stat("/proc/" + std::to_string(f.shell->pid()) + "/stat");
        std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
        // Fields after the command's closing parenthesis: utime is the 12th, stime the 13th.
        std::istringstream rest(text.substr(text.rfind(')') + 2));
        std::string field;
        long long utime = 0, stime = 0;
        for (int i = 1; i <= 13 && rest >> field; ++i) {
            if (i == 12) utime = std::stoll(field);
            if (i == 13) stime = std::stoll(field);
        }
        return utime + stime;
    };
    const long long frames_before = f.compositor.stats()["frames"];
    const long long cpu_before = cpu_ticks();
    cirrus_it::sleep_ms(1500);
    CHECK(f.compositor.stats()["frames"].get<long long>() == frames_before);
    CHECK(cpu_ticks() == cpu_before);
}

TEST_CASE("without layer-shell the shell exits with a message that says how to start it") {
    ShellFixture f;
    auto shell = f.compositor.client({cirrus_it::program("CIRRUS_SHELL")}, false, f.env());
    const auto status = shell->wait_exit(kTimeout);
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 1);
    CHECK(shell->log_tail().find("cirrus-shell: the compositor does not offer zwlr_layer_shell_v1 to this client: "
                                 "start it as a trusted client (cirrus-compositor --trusted cirrus-shell)") !=
          std::string::npos);
}

TEST_CASE("SIGTERM stops the shell cleanly and its surfaces go") {
    ShellFixture f;
    f.start_shell();
    f.shell->signal(SIGTERM);
    const auto status = f.shell->wait_exit(kTimeout);
    REQUIRE(status.has_value());
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK(cirrus_it::wait_until([&] { return f.compositor.layers().empty(); }));
}

TEST_CASE("the compositor's own shell (--shell, through WAYLAND_SOCKET) draws the home screen") {
    Compositor::Options o;
    o.shell = cirrus_it::program("CIRRUS_SHELL");
    o.bundled_apps = true;  // into the private data folder the shell reads too
    ShellFixture f(o);
    f.wait_shell_mapped();
    // The bundled apps arrive while the shell runs: notes' icon is yellow.
    const HomeGeometry g = compute_geometry(480, 800);
    json apps;
    REQUIRE(cirrus_it::wait_until([&] {
        apps = json::parse(f.cli({"list", "--json"}));
        for (const json& app : apps) {
            if (app["id"] == "notes") return true;
        }
        return false;
    }));
    for (const json& app : apps) {
        if (app["id"] != "notes") continue;
        const int slot = app["home_position"].get<int>();
        // Its yellow, just inside the left edge (the middle is its white page).
        f.wait_pixel(g.icon(slot).x + 5, centre_y(g.icon(slot)), 0xf4b400, 40);
    }
}

TEST_CASE("the home key on the home screen turns back to the first page") {
    ShellFixture f;
    f.install("red", "Red", kRed);
    f.install("green", "Green", kGreen);
    const HomeGeometry g = compute_geometry(480, 800);
    move_app(f.registry, "green", g.per_page());
    f.start_shell();
    const int x = centre_x(g.icon(0)), y = centre_y(g.icon(0));
    f.wait_pixel(x, y, kRed);
    f.compositor.request({{"cmd", "swipe"}, {"x1", 400}, {"y1", 400}, {"x2", 80}, {"y2", 400}, {"ms", 200}});
    f.wait_pixel(x, y, kGreen);
    cirrus_it::sleep_ms(300);  // home has been in front for a while: the key is not what brought it
    constexpr int key_homepage = 172;
    REQUIRE(f.compositor.request({{"cmd", "key"}, {"keycode", key_homepage}, {"state", "pressed"}})["ok"] == true);
    REQUIRE(f.compositor.request({{"cmd", "key"}, {"keycode", key_homepage}, {"state", "released"}})["ok"] == true);
    f.wait_pixel(x, y, kRed);
}
