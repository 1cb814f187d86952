// WindowPolicy: the phone's stacking, focus, visibility and placement rules.
#include <doctest/doctest.h>

#include <vector>

#include "geometry_support.hpp"
#include "window_policy.hpp"

using namespace cirrus;
using Ids = std::vector<ViewId>;

namespace {

// A 480x800 phone with a 30px status bar.
const Rect kWork{0, 30, 480, 770};

WindowPolicy phone_policy() {
    WindowPolicy policy;
    policy.set_work_area(kWork);
    return policy;
}

void map_app(WindowPolicy& policy, ViewId id) { policy.map(id, std::nullopt, {}); }

void map_dialog(WindowPolicy& policy, ViewId id, ViewId parent, Size size = {200, 100}) {
    policy.map(id, parent, size);
}

Ids visible_views(const WindowPolicy& policy) {
    Ids ids;
    for (const ViewPlacement& p : policy.placements()) {
        if (p.visible) ids.push_back(p.id);
    }
    return ids;
}

}  // namespace

TEST_CASE("an empty policy has no focus and no front app") {
    const WindowPolicy policy = phone_policy();
    CHECK_FALSE(policy.focused());
    CHECK_FALSE(policy.front_app());
    CHECK(policy.stacking().empty());
    CHECK(policy.placements().empty());
}

TEST_CASE("a mapped app goes to the front, takes focus and fills the work area") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_app(policy, 2);
    CHECK(policy.stacking() == Ids{1, 2});
    CHECK(policy.focused() == ViewId{2});
    CHECK(policy.front_app() == ViewId{2});

    const auto placement = policy.placement(2);
    REQUIRE(placement);
    CHECK(placement->box == kWork);
    CHECK(placement->resize);
    CHECK(placement->visible);
    CHECK(visible_views(policy) == Ids{2});  // only the front app is shown
}

TEST_CASE("a dialog of the front app goes above its family and takes focus") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_app(policy, 2);
    map_dialog(policy, 20, 2);
    CHECK(policy.stacking() == Ids{1, 2, 20});
    CHECK(policy.focused() == ViewId{20});
    CHECK(policy.app_of(20) == 2);
    CHECK(visible_views(policy) == Ids{2, 20});

    map_dialog(policy, 21, 2);  // above its parent's other dialog
    CHECK(policy.stacking() == Ids{1, 2, 20, 21});
    CHECK(policy.focused() == ViewId{21});
}

TEST_CASE("a dialog of a background app does not steal focus or show") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_app(policy, 2);
    map_dialog(policy, 10, 1);
    // Above its own app, but below the front app.
    CHECK(policy.stacking() == Ids{1, 10, 2});
    CHECK(policy.focused() == ViewId{2});
    CHECK(policy.front_app() == ViewId{2});
    CHECK_FALSE(policy.placement(10)->visible);

    SUBCASE("activating the background app brings its dialog and focuses it") {
        policy.activate(1);
        CHECK(policy.stacking() == Ids{2, 1, 10});
        CHECK(policy.focused() == ViewId{10});
        CHECK(visible_views(policy) == Ids{1, 10});
    }
}

TEST_CASE("a nested dialog goes above all of its app's windows") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_dialog(policy, 11, 1);
    map_dialog(policy, 100, 10);  // a dialog of the first dialog
    CHECK(policy.stacking() == Ids{1, 10, 11, 100});
    CHECK(policy.app_of(100) == 1);
    CHECK(policy.focused() == ViewId{100});
}

TEST_CASE("unmapping the front app focuses the topmost view of the next app") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_app(policy, 2);
    policy.unmap(2);
    CHECK(policy.stacking() == Ids{1, 10});
    CHECK(policy.front_app() == ViewId{1});
    CHECK(policy.focused() == ViewId{10});
    CHECK(visible_views(policy) == Ids{1, 10});
}

TEST_CASE("closing a dialog returns focus to its app") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    policy.unmap(10);
    CHECK(policy.stacking() == Ids{1});
    CHECK(policy.focused() == ViewId{1});
}

TEST_CASE("unmapping a background view leaves focus alone") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_app(policy, 2);
    map_dialog(policy, 20, 2);
    map_dialog(policy, 21, 2);
    policy.activate(20);
    REQUIRE(policy.focused() == ViewId{20});
    policy.unmap(10);
    CHECK(policy.focused() == ViewId{20});
    policy.unmap(1);
    CHECK(policy.focused() == ViewId{20});
    CHECK(policy.stacking() == Ids{2, 20, 21});
}

TEST_CASE("unmapping the last view clears focus") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    policy.unmap(1);
    CHECK_FALSE(policy.focused());
    CHECK_FALSE(policy.front_app());
    CHECK_FALSE(policy.contains(1));
}

TEST_CASE("the dialogs of an unmapped dialog are re-parented to its parent") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_dialog(policy, 100, 10, {100, 50});
    policy.unmap(10);
    CHECK(policy.app_of(100) == 1);
    CHECK(policy.focused() == ViewId{100});
    // Now centred over the app itself.
    CHECK(policy.placement(100)->box == Rect{190, 390, 100, 50});
}

TEST_CASE("the dialogs of an unmapped app become apps") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_app(policy, 2);
    policy.activate(1);
    REQUIRE(policy.stacking() == Ids{2, 1, 10});
    policy.unmap(1);
    CHECK(policy.app_of(10) == 10);
    CHECK(policy.front_app() == ViewId{10});
    CHECK(policy.focused() == ViewId{10});
    const auto placement = policy.placement(10);
    CHECK(placement->box == kWork);  // now fills the work area like any app
    CHECK(placement->resize);
}

TEST_CASE("activate raises the whole family in its own order") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_dialog(policy, 11, 1);
    map_app(policy, 2);
    map_app(policy, 3);
    REQUIRE(policy.stacking() == Ids{1, 10, 11, 2, 3});

    SUBCASE("activating the app focuses its topmost dialog (dialogs are modal)") {
        policy.activate(1);
        CHECK(policy.stacking() == Ids{2, 3, 1, 10, 11});
        CHECK(policy.focused() == ViewId{11});
        CHECK(policy.front_app() == ViewId{1});
        CHECK(visible_views(policy) == Ids{1, 10, 11});
    }
    SUBCASE("activating a dialog without dialogs of its own focuses that dialog") {
        policy.activate(10);
        CHECK(policy.stacking() == Ids{2, 3, 1, 10, 11});
        CHECK(policy.focused() == ViewId{10});
    }
    SUBCASE("activating an app in the middle keeps the others' order") {
        policy.activate(2);
        CHECK(policy.stacking() == Ids{1, 10, 11, 3, 2});
        CHECK(policy.focused() == ViewId{2});
    }
    SUBCASE("activating the front app changes nothing") {
        policy.activate(3);
        CHECK(policy.stacking() == Ids{1, 10, 11, 2, 3});
        CHECK(policy.focused() == ViewId{3});
    }
}

TEST_CASE("unknown ids are ignored") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    policy.unmap(42);
    policy.activate(42);
    policy.set_preferred_size(42, {10, 10});
    CHECK_FALSE(policy.contains(42));
    CHECK_FALSE(policy.placement(42));
    CHECK(policy.app_of(42) == 42);
    CHECK(policy.stacking() == Ids{1});
    CHECK(policy.focused() == ViewId{1});

    SUBCASE("a dialog with an unknown parent is an app") {
        map_dialog(policy, 5, 99);
        CHECK(policy.app_of(5) == 5);
        CHECK(policy.front_app() == ViewId{5});
        CHECK(policy.placement(5)->box == kWork);
    }
    SUBCASE("mapping a view twice keeps the first mapping") {
        map_app(policy, 2);
        map_dialog(policy, 1, 2);
        CHECK(policy.stacking() == Ids{1, 2});
        CHECK(policy.app_of(1) == 1);
    }
}

TEST_CASE("a dialog is centred over its parent at its preferred size") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1, {200, 100});
    const auto placement = policy.placement(10);
    REQUIRE(placement);
    // Work area {0,30,480,770}: centre (240, 415).
    CHECK(placement->box == Rect{140, 365, 200, 100});
    CHECK_FALSE(placement->resize);  // the client keeps its own size
    CHECK(placement->visible);

    SUBCASE("a nested dialog is centred over its parent dialog") {
        map_dialog(policy, 100, 10, {100, 40});
        CHECK(policy.placement(100)->box == Rect{190, 395, 100, 40});
    }
    SUBCASE("the client's new size re-centres it") {
        policy.set_preferred_size(10, {300, 200});
        CHECK(policy.placement(10)->box == Rect{90, 315, 300, 200});
    }
}

TEST_CASE("a dialog larger than the work area is clamped and resized") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);

    SUBCASE("too wide") {
        map_dialog(policy, 10, 1, {600, 100});
        const auto placement = policy.placement(10);
        CHECK(placement->box == Rect{0, 365, 480, 100});
        CHECK(placement->resize);
    }
    SUBCASE("too tall and too wide") {
        map_dialog(policy, 10, 1, {1000, 1000});
        const auto placement = policy.placement(10);
        CHECK(placement->box == kWork);
        CHECK(placement->resize);
    }
    SUBCASE("exactly the work area needs no resize") {
        map_dialog(policy, 10, 1, {480, 770});
        CHECK_FALSE(policy.placement(10)->resize);
    }
}

TEST_CASE("a dialog centred over a small parent dialog stays inside the work area") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1, {100, 100});
    map_dialog(policy, 100, 10, {470, 760});
    const Rect box = policy.placement(100)->box;
    CHECK(box.width == 470);
    CHECK(box.height == 760);
    CHECK(box.x >= kWork.x);
    CHECK(box.y >= kWork.y);
    CHECK(box.x + box.width <= kWork.x + kWork.width);
    CHECK(box.y + box.height <= kWork.y + kWork.height);
}

TEST_CASE("a dialog whose size is not known yet gets a 0x0 box at its parent's centre") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1, {});
    const auto placement = policy.placement(10);
    CHECK(placement->box == Rect{240, 415, 0, 0});
    CHECK_FALSE(placement->resize);
}

TEST_CASE("without a work area dialogs keep their preferred size") {
    WindowPolicy policy;
    map_app(policy, 1);
    map_dialog(policy, 10, 1, {200, 100});
    const auto placement = policy.placement(10);
    CHECK(placement->box.size() == Size{200, 100});
    CHECK_FALSE(placement->resize);
}

TEST_CASE("a new work area resizes apps and re-centres dialogs") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1, {200, 100});
    map_app(policy, 2);

    const Rect landscape{0, 30, 800, 450};
    policy.set_work_area(landscape);
    CHECK(policy.work_area() == landscape);
    CHECK(policy.placement(1)->box == landscape);
    CHECK(policy.placement(2)->box == landscape);
    CHECK(policy.placement(10)->box == Rect{300, 205, 200, 100});

    policy.set_work_area({0, 0, 150, 80});
    const auto clamped = policy.placement(10);
    CHECK(clamped->box == Rect{0, 0, 150, 80});
    CHECK(clamped->resize);
}

TEST_CASE("placements come in stacking order") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_dialog(policy, 10, 1);
    map_app(policy, 2);
    Ids order;
    for (const ViewPlacement& p : policy.placements()) order.push_back(p.id);
    CHECK(order == policy.stacking());
    CHECK(order == Ids{1, 10, 2});
}

TEST_CASE("popup constraint box is the output in the toplevel's coordinates") {
    CHECK(popup_constraint_box({0, 0, 480, 800}, {0, 30, 480, 770}) == Rect{0, -30, 480, 800});
    CHECK(popup_constraint_box({0, 0, 480, 800}, {140, 365, 200, 100}) == Rect{-140, -365, 480, 800});
    CHECK(popup_constraint_box({1920, 0, 480, 800}, {2000, 100, 10, 10}) == Rect{-80, -100, 480, 800});
}

TEST_CASE("home in front hides every window and takes focus away until an app comes back") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_app(policy, 2);
    map_dialog(policy, 3, 2);
    policy.show_home();
    CHECK(policy.home_in_front());
    CHECK(visible_views(policy).empty());
    CHECK_FALSE(policy.focused());
    CHECK_FALSE(policy.front_app());

    SUBCASE("activating an app returns it with its dialog, focused on the dialog") {
        policy.activate(2);
        CHECK_FALSE(policy.home_in_front());
        CHECK(visible_views(policy) == Ids{2, 3});
        CHECK(policy.focused() == 3u);
    }
    SUBCASE("activating a background app brings that one forward") {
        policy.activate(1);
        CHECK(visible_views(policy) == Ids{1});
        CHECK(policy.front_app() == 1u);
    }
    SUBCASE("a new app mapping comes to the front over home") {
        map_app(policy, 4);
        CHECK(visible_views(policy) == Ids{4});
        CHECK(policy.focused() == 4u);
    }
    SUBCASE("a dialog of a background app maps hidden and unfocused while home is in front") {
        map_dialog(policy, 5, 1);
        CHECK(visible_views(policy).empty());
        CHECK_FALSE(policy.focused());
        policy.activate(1);
        CHECK(policy.focused() == 5u);
    }
    SUBCASE("the front app closing while home is in front leaves home in front") {
        policy.unmap(3);
        policy.unmap(2);
        CHECK(visible_views(policy).empty());
        CHECK_FALSE(policy.focused());
    }
}

TEST_CASE("covering the apps (lock screen, switcher) hides them and uncovering returns the same app") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    map_app(policy, 2);
    policy.set_covered(true);
    CHECK(visible_views(policy).empty());
    CHECK_FALSE(policy.focused());
    CHECK(policy.front_app() == 2u);
    policy.set_covered(false);
    CHECK(visible_views(policy) == Ids{2});
    CHECK(policy.focused() == 2u);
}

// display: fullscreen. The phone: a 24px status bar; the fullscreen area is
// the whole screen (less the keyboard's zone while it is up).
namespace {

const Rect kBarWork{0, 24, 480, 776};
const Rect kWhole{0, 0, 480, 800};

WindowPolicy fullscreen_phone() {
    WindowPolicy policy;
    policy.set_work_area(kBarWork);
    policy.set_fullscreen_area(kWhole);
    return policy;
}

}  // namespace

TEST_CASE("a fullscreen app fills the output, a standalone app the work area below the bar") {
    WindowPolicy policy = fullscreen_phone();
    map_app(policy, 1);
    map_app(policy, 2);
    policy.set_fullscreen(2, true);
    CHECK(policy.placement(2)->box == kWhole);
    CHECK(policy.placement(2)->fullscreen);
    CHECK(policy.placement(2)->resize);
    CHECK(policy.placement(1)->box == kBarWork);
    CHECK_FALSE(policy.placement(1)->fullscreen);

    SUBCASE("and back when it leaves fullscreen") {
        policy.set_fullscreen(2, false);
        CHECK(policy.placement(2)->box == kBarWork);
        CHECK_FALSE(policy.placement(2)->fullscreen);
        CHECK_FALSE(policy.status_bar_hidden());
    }
}

TEST_CASE("the keyboard's zone shrinks a fullscreen app from the bottom") {
    WindowPolicy policy = fullscreen_phone();
    map_app(policy, 1);
    policy.set_fullscreen(1, true);
    policy.set_fullscreen_area({0, 0, 480, 540});  // a 260px keyboard came up
    CHECK(policy.placement(1)->box == Rect{0, 0, 480, 540});
}

TEST_CASE("with no fullscreen area yet a fullscreen app has the work area") {
    WindowPolicy policy = phone_policy();
    map_app(policy, 1);
    policy.set_fullscreen(1, true);
    CHECK(policy.placement(1)->box == kWork);
}

TEST_CASE("a fullscreen app's dialog is centred over it, inside the whole output, and is not fullscreen") {
    WindowPolicy policy = fullscreen_phone();
    map_app(policy, 1);
    policy.set_fullscreen(1, true);
    map_dialog(policy, 2, 1, {200, 100});
    CHECK(policy.placement(2)->box == Rect{140, 350, 200, 100});
    CHECK_FALSE(policy.placement(2)->fullscreen);
    CHECK(policy.fullscreen(2));  // it belongs to a fullscreen app
    map_dialog(policy, 3, 1, {600, 900});
    CHECK(policy.placement(3)->box == kWhole);  // clamped to the output, not the work area
}

TEST_CASE("a dialog's own fullscreen wish does not count while it is a dialog") {
    WindowPolicy policy = fullscreen_phone();
    map_app(policy, 1);
    map_dialog(policy, 2, 1, {200, 100});
    policy.set_fullscreen(2, true);
    CHECK_FALSE(policy.placement(2)->fullscreen);
    CHECK_FALSE(policy.fullscreen_in_front());
    SUBCASE("it counts once the dialog becomes an app") {
        policy.unmap(1);
        CHECK(policy.placement(2)->fullscreen);
        CHECK(policy.placement(2)->box == kWhole);
    }
}

TEST_CASE("the status bar is hidden only while a fullscreen app is in front and shown") {
    WindowPolicy policy = fullscreen_phone();
    CHECK_FALSE(policy.status_bar_hidden());
    map_app(policy, 1);
    CHECK_FALSE(policy.status_bar_hidden());  // standalone
    map_app(policy, 2);
    policy.set_fullscreen(2, true);
    CHECK(policy.status_bar_hidden());

    policy.activate(1);
    CHECK_FALSE(policy.status_bar_hidden());  // the standalone app in front
    policy.activate(2);
    CHECK(policy.status_bar_hidden());

    policy.show_home();
    CHECK_FALSE(policy.status_bar_hidden());  // the home screen has its bar
    policy.activate(2);
    policy.set_covered(true);  // lock screen or switcher
    CHECK_FALSE(policy.status_bar_hidden());
    policy.set_covered(false);
    CHECK(policy.status_bar_hidden());
    policy.unmap(2);
    CHECK_FALSE(policy.status_bar_hidden());
}

TEST_CASE("a reveal shows the bar over a fullscreen app without resizing it, until it ends") {
    WindowPolicy policy = fullscreen_phone();
    CHECK_FALSE(policy.reveal_status_bar());  // nothing to reveal over
    map_app(policy, 1);
    CHECK_FALSE(policy.reveal_status_bar());  // a standalone app: the bar is there
    policy.set_fullscreen(1, true);
    REQUIRE(policy.reveal_status_bar());
    CHECK(policy.status_bar_revealed());
    CHECK_FALSE(policy.status_bar_hidden());
    CHECK(policy.placement(1)->box == kWhole);  // the bar goes over it
    policy.end_status_bar_reveal();
    CHECK(policy.status_bar_hidden());
    CHECK_FALSE(policy.status_bar_revealed());
}
