// Home-screen edit mode for real: a long press on an icon enters it (remove
// badges appear), a drag moves the app to another cell or into the dock (the
// registry keeps it), and a badge asks before the app is uninstalled with the
// real `cirrus remove`.
#include <thread>

#include "home_edit.hpp"
#include "common/registry.hpp"
#include "shell_fixture.hpp"

using namespace cirrus_shell_it;
using cirrus::shell::compute_geometry;
using cirrus::shell::kDockFirstPosition;
using cirrus::shell::remove_badge;

namespace {

bool installed(const std::string& registry, const std::string& id) {
    return cirrus::launcher::Registry::open(registry).get(id).has_value();
}

json touch(ShellFixture& f, const json& events) {
    const json r = f.compositor.request({{"cmd", "touch"}, {"events", events}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    return r;
}

void finger_down(ShellFixture& f, double x, double y) {
    touch(f, json::array({{{"type", "down"}, {"id", 1}, {"x", x}, {"y", y}}, {{"type", "frame"}}}));
}

void finger_to(ShellFixture& f, double x, double y) {
    touch(f, json::array({{{"type", "motion"}, {"id", 1}, {"x", x}, {"y", y}}, {{"type", "frame"}}}));
}

void finger_up(ShellFixture& f) { touch(f, json::array({{{"type", "up"}, {"id", 1}}, {{"type", "frame"}}})); }

void hold(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// A long press on the point, then a drag in steps to (x, y), then lift.
void long_press_drag(ShellFixture& f, double x0, double y0, double x, double y) {
    finger_down(f, x0, y0);
    hold(cirrus::shell::kLongPressMs + 250);
    for (int step = 1; step <= 6; ++step) {
        finger_to(f, x0 + (x - x0) * step / 6, y0 + (y - y0) * step / 6);
        hold(30);
    }
    finger_up(f);
}

struct Edit {
    ShellFixture f;
    HomeGeometry g = compute_geometry(480, 800);
    Edit() {
        f.install("red", "Red", kRed);
        f.install("green", "Green", kGreen);
        f.install("blue", "Blue", kBlue);
        f.start_shell();
        f.wait_pixel(centre_x(g.icon(0)), centre_y(g.icon(0)), kRed);
    }
    // The badge's centre is the dark round badge in edit mode.
    bool badge_shown(const Box& icon) {
        const Box badge = remove_badge(icon);
        const Image shot = f.screenshot();
        // Above the cross's centre, between its arms: the badge's dark fill.
        const auto p = shot.at(centre_x(badge), centre_y(badge) - badge.height / 4);
        return p.r < 80 && p.g < 80 && p.b < 80;
    }
};

}  // namespace

TEST_CASE("a long press enters edit mode; a tap on no icon leaves it") {
    Edit e;
    CHECK_FALSE(e.badge_shown(e.g.icon(1)));
    finger_down(e.f, centre_x(e.g.icon(1)), centre_y(e.g.icon(1)));
    hold(cirrus::shell::kLongPressMs + 250);
    finger_up(e.f);
    CHECK(cirrus_it::wait_until([&] { return e.badge_shown(e.g.icon(0)) && e.badge_shown(e.g.icon(2)); }));
    // Nothing was launched by the long press.
    CHECK(e.f.compositor.request({{"cmd", "apps"}})["apps"].empty());

    e.f.tap(centre_x(e.g.icon(10)), centre_y(e.g.icon(10)));  // an empty cell
    CHECK(cirrus_it::wait_until([&] { return !e.badge_shown(e.g.icon(0)); }));
}

TEST_CASE("a dragged icon lands in another cell and the registry keeps it") {
    Edit e;
    REQUIRE(position_of(e.f.registry, "red") == 0);
    long_press_drag(e.f, centre_x(e.g.icon(0)), centre_y(e.g.icon(0)), centre_x(e.g.icon(6)), centre_y(e.g.icon(6)));
    CHECK(cirrus_it::wait_until([&] { return position_of(e.f.registry, "red") == 6; }));
    // An empty cell takes it and the others stay (free placement: the
    // registry makes room only when the cell is taken).
    CHECK(position_of(e.f.registry, "green") == 1);
    CHECK(position_of(e.f.registry, "blue") == 2);
    e.f.wait_pixel(centre_x(e.g.icon(6)), centre_y(e.g.icon(6)), kRed);

    SUBCASE("dropped on a taken cell, it takes the cell and the others make room") {
        long_press_drag(e.f, centre_x(e.g.icon(2)), centre_y(e.g.icon(2)), centre_x(e.g.icon(1)),
                        centre_y(e.g.icon(1)));
        CHECK(cirrus_it::wait_until([&] { return position_of(e.f.registry, "blue") == 1; }));
        CHECK(position_of(e.f.registry, "green") == 2);
        e.f.wait_pixel(centre_x(e.g.icon(2)), centre_y(e.g.icon(2)), kGreen);
    }
}

TEST_CASE("a dragged icon goes into the dock") {
    Edit e;
    const Box dock = e.g.dock_icon(0, 1);
    long_press_drag(e.f, centre_x(e.g.icon(2)), centre_y(e.g.icon(2)), centre_x(dock), centre_y(dock));
    CHECK(cirrus_it::wait_until([&] { return position_of(e.f.registry, "blue") == kDockFirstPosition; }));
    e.f.wait_pixel(centre_x(dock), centre_y(dock), kBlue);
}

TEST_CASE("the remove badge asks first; Cancel keeps the app, Remove uninstalls it") {
    Edit e;
    finger_down(e.f, centre_x(e.g.icon(1)), centre_y(e.g.icon(1)));
    hold(cirrus::shell::kLongPressMs + 250);
    finger_up(e.f);
    REQUIRE(cirrus_it::wait_until([&] { return e.badge_shown(e.g.icon(1)); }));
    const Box badge = remove_badge(e.g.icon(1));
    const auto confirm = cirrus::shell::confirm_layout(e.g);

    e.f.tap(centre_x(badge), centre_y(badge));
    // The question dims the screen: the red icon darkens.
    CHECK(cirrus_it::wait_until([&] {
        const auto p = e.f.screenshot().at(centre_x(e.g.icon(0)), centre_y(e.g.icon(0)));
        return p.r < 0xd0 - 40;
    }));
    e.f.tap(centre_x(confirm.cancel), centre_y(confirm.cancel));
    e.f.wait_pixel(centre_x(e.g.icon(0)), centre_y(e.g.icon(0)), kRed);
    CHECK(installed(e.f.registry, "green"));

    e.f.tap(centre_x(badge), centre_y(badge));
    hold(200);
    e.f.tap(centre_x(confirm.remove), centre_y(confirm.remove));
    CHECK(cirrus_it::wait_until([&] { return !installed(e.f.registry, "green"); }, 15));
    CHECK(installed(e.f.registry, "red"));
    // The home screen follows the registry: green's cell is empty.
    CHECK(cirrus_it::wait_until([&] {
        const Image shot = e.f.screenshot();
        return !cirrus_it::same_rgb(shot.at(centre_x(e.g.icon(1)), centre_y(e.g.icon(1))), kGreen, 30);
    }));
    e.f.wait_pixel(centre_x(e.g.icon(2)), centre_y(e.g.icon(2)), kBlue);
}
