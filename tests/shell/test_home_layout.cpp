// Home-screen geometry: the grid adapts to the size, slots map to rects,
// apps to slots (pages, dock, first free slot), points to apps.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <vector>

#include "home_layout.hpp"

using namespace cirrus::shell;

namespace {

std::vector<std::optional<std::int64_t>> positions(std::initializer_list<std::optional<std::int64_t>> list) {
    return list;
}

bool inside(const Box& inner, const Box& outer) {
    return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width &&
           inner.y + inner.height <= outer.y + outer.height;
}

}  // namespace

TEST_CASE("480x800 has 4 columns by 5 rows of 72 px icons, below the status bar, above the dots and dock") {
    const HomeGeometry g = compute_geometry(480, 800);
    CHECK(g.columns == 4);
    CHECK(g.rows == 5);
    CHECK(g.per_page() == 20);
    CHECK(g.icon_size == 72);
    CHECK(g.grid.y >= kStatusBarHeight);
    CHECK(g.dots.y >= g.grid.y + g.grid.height);
    CHECK(g.dock.y >= g.dots.y + g.dots.height);
    CHECK(g.dock.y + g.dock.height == 800);
    CHECK(inside(g.dock_panel, g.dock));
}

TEST_CASE("other sizes get other grids, never smaller than 3 columns") {
    const HomeGeometry small = compute_geometry(320, 480);
    CHECK(small.columns == 4);
    CHECK(small.rows == 4);
    CHECK(small.icon_size == 48);  // a stored raster size at scale 1
    const HomeGeometry landscape = compute_geometry(800, 480);
    CHECK(landscape.columns > 4);
    CHECK(landscape.rows == 2);
    const HomeGeometry tall = compute_geometry(360, 720);  // 720x1440 at scale 2
    CHECK(tall.columns == 4);
    CHECK(tall.rows == 6);
    const HomeGeometry tiny = compute_geometry(240, 400);
    CHECK(tiny.columns == 3);
    CHECK(tiny.rows >= 1);
    const HomeGeometry degenerate = compute_geometry(0, 0);
    CHECK(degenerate.per_page() >= 3);
}

TEST_CASE("cells tile the grid; icons and labels sit inside their cell, centred") {
    for (auto [w, h] : {std::pair{480, 800}, std::pair{320, 480}, std::pair{800, 480}, std::pair{360, 720}}) {
        CAPTURE(w);
        CAPTURE(h);
        const HomeGeometry g = compute_geometry(w, h);
        int area = 0;
        for (int i = 0; i < g.per_page(); ++i) {
            const Box cell = g.cell(i);
            area += cell.width * cell.height;
            CHECK(inside(cell, g.grid));
            CHECK(inside(g.icon(i), cell));
            CHECK(inside(g.label(i), cell));
            CHECK(g.label(i).y >= g.icon(i).y + g.icon(i).height);
            CHECK(std::abs((g.icon(i).x + g.icon(i).width / 2) - (cell.x + cell.width / 2)) <= 1);
            for (int j = 0; j < i; ++j) CHECK_FALSE(g.cell(i).intersects(g.cell(j)));
        }
        CHECK(area == g.grid.width * g.grid.height);
        // Row-major: slot 1 is right of slot 0, slot `columns` below it.
        CHECK(g.cell(1).x > g.cell(0).x);
        CHECK(g.cell(g.columns).y > g.cell(0).y);
        CHECK(g.cell(g.columns).x == g.cell(0).x);
    }
}

TEST_CASE("dock icons are centred as a group and fit the dock") {
    const HomeGeometry g = compute_geometry(480, 800);
    const Box one = g.dock_icon(0, 1);
    CHECK(one.x + one.width / 2 == 240);
    for (int count = 1; count <= kDockCapacity; ++count) {
        for (int i = 0; i < count; ++i) {
            CHECK(inside(g.dock_icon(i, count), g.dock_panel));
            if (i > 0) CHECK(g.dock_icon(i, count).x > g.dock_icon(i - 1, count).x + g.icon_size);
        }
    }
}

TEST_CASE("apps go to their positions: page, cell and dock") {
    const Placement p = place_apps(positions({0, 5, 21, kDockFirstPosition + 2, kDockFirstPosition}), 20);
    CHECK(p.slots[0] == Slot{Slot::Area::grid, 0, 0});
    CHECK(p.slots[1] == Slot{Slot::Area::grid, 0, 5});
    CHECK(p.slots[2] == Slot{Slot::Area::grid, 1, 1});
    // The dock shows its apps left to right in position order, packed.
    CHECK(p.slots[3] == Slot{Slot::Area::dock, 0, 1});
    CHECK(p.slots[4] == Slot{Slot::Area::dock, 0, 0});
    CHECK(p.dock_count == 2);
    CHECK(p.pages == 2);
    CHECK(p.assigned.empty());
}

TEST_CASE("empty pages are not shown, and no apps is one empty page") {
    const Placement p = place_apps(positions({3, 65}), 20);  // raw pages 0 and 3
    CHECK(p.pages == 2);
    CHECK(p.slots[1] == Slot{Slot::Area::grid, 1, 5});
    const Placement none = place_apps(positions({}), 20);
    CHECK(none.pages == 1);
    CHECK(none.slots.empty());
    const Placement only_dock = place_apps(positions({kDockFirstPosition}), 20);
    CHECK(only_dock.pages == 1);
}

TEST_CASE("apps without a position take the first free grid slots, in order, to be stored") {
    const Placement p = place_apps(positions({0, std::nullopt, 2, std::nullopt, kDockFirstPosition}), 20);
    CHECK(p.slots[1] == Slot{Slot::Area::grid, 0, 1});
    CHECK(p.slots[3] == Slot{Slot::Area::grid, 0, 3});
    REQUIRE(p.assigned.size() == 2);
    CHECK(p.assigned[0] == std::pair<std::size_t, std::int64_t>{1, 1});
    CHECK(p.assigned[1] == std::pair<std::size_t, std::int64_t>{3, 3});
}

TEST_CASE("positions reflow with the grid: the order is kept") {
    const auto ps = positions({0, 7, 13});
    const Placement portrait = place_apps(ps, 20);
    CHECK(portrait.pages == 1);
    const Placement small = place_apps(ps, 6);  // e.g. 3 by 2
    CHECK(small.slots[1] == Slot{Slot::Area::grid, 1, 1});
    CHECK(small.slots[2] == Slot{Slot::Area::grid, 2, 1});
    CHECK(small.pages == 3);
}

TEST_CASE("a point hits the app whose icon or label is under it, on the page shown") {
    const HomeGeometry g = compute_geometry(480, 800);
    const Placement p = place_apps(positions({0, 6, 20, kDockFirstPosition}), g.per_page());
    const Box icon0 = g.icon(0);
    CHECK(hit_test(g, p, 0, icon0.x + 1, icon0.y + 1) == 0u);
    const Box label6 = g.label(6);
    CHECK(hit_test(g, p, 0, label6.x + label6.width / 2, label6.y + label6.height / 2) == 1u);
    // Slot 0 of page 2 is app 2, not app 0.
    CHECK(hit_test(g, p, 1, icon0.x + 1, icon0.y + 1) == 2u);
    // Empty cells, gaps between icons and the status bar hit nothing.
    const Box icon3 = g.icon(3);
    CHECK_FALSE(hit_test(g, p, 0, icon3.x + 5, icon3.y + 5).has_value());
    CHECK_FALSE(hit_test(g, p, 0, 2, icon0.y + 5).has_value());                // the grid's margin
    CHECK_FALSE(hit_test(g, p, 0, icon0.x + 5, g.cell(0).y + 1).has_value());  // above the icon
    CHECK_FALSE(hit_test(g, p, 0, 10, 5).has_value());
    // The dock is on every page.
    const Box dock = g.dock_icon(0, 1);
    CHECK(hit_test(g, p, 0, dock.x + 3, dock.y + 3) == 3u);
    CHECK(hit_test(g, p, 1, dock.x + 3, dock.y + 3) == 3u);
}
