// Edit mode's rules: where a dragged icon lands, the remove badge, the edges
// that turn pages.
#include <doctest/doctest.h>

#include <optional>
#include <vector>

#include "home_edit.hpp"

using namespace cirrus::shell;

namespace {

using Positions = std::vector<std::optional<std::int64_t>>;

const HomeGeometry kG = compute_geometry(480, 800);  // 4 x 5

double cx(const Box& b) { return b.x + b.width / 2.0; }
double cy(const Box& b) { return b.y + b.height / 2.0; }

}  // namespace

TEST_CASE("a drop on a grid cell is that cell's position on the shown page") {
    const Positions p = {0, 1, 2, 3};
    CHECK(drop_position(kG, p, 0, 0, cx(kG.cell(2)), cy(kG.cell(2))) == 2);
    CHECK(drop_position(kG, p, 3, 0, cx(kG.cell(0)), cy(kG.cell(0))) == 0);
    CHECK(drop_position(kG, p, 1, 0, cx(kG.cell(19)), cy(kG.cell(19))) == 19);
}

TEST_CASE("a drop between cells or past the grid's edge takes the nearest cell") {
    const Positions p = {0, 1};
    CHECK(drop_position(kG, p, 0, 0, 1, cy(kG.cell(4))) == 4);              // left edge of row 1
    CHECK(drop_position(kG, p, 0, 0, kG.width - 1, cy(kG.cell(4))) == 7);   // right edge of row 1
    CHECK(drop_position(kG, p, 0, 0, cx(kG.cell(1)), kG.grid.y - 5) == 1);  // above the grid
}

TEST_CASE("pages are the non-empty raw pages in order; past the last is a new page") {
    // Raw pages 0 and 3 hold apps: displayed pages 0 and 1.
    const Positions p = {0, 60, 61};
    CHECK(drop_position(kG, p, 0, 1, cx(kG.cell(5)), cy(kG.cell(5))) == 60 + 5);
    CHECK(drop_position(kG, p, 0, 2, cx(kG.cell(0)), cy(kG.cell(0))) == 80);  // a new page after raw 3
    // The dragged app alone on its page: its page is still the one shown.
    const Positions alone = {0, 20};
    CHECK(drop_position(kG, alone, 1, 1, cx(kG.cell(3)), cy(kG.cell(3))) == 23);
    CHECK(drop_position(kG, alone, 1, 0, cx(kG.cell(3)), cy(kG.cell(3))) == 3);
}

TEST_CASE("a drop in the dock is a dock slot; a full dock takes no other app") {
    const Positions two_in_dock = {0, kDockFirstPosition, kDockFirstPosition + 1};
    // Three icons once it lands: left, middle, right.
    const Box left = kG.dock_icon(0, 3);
    const Box right = kG.dock_icon(2, 3);
    CHECK(drop_position(kG, two_in_dock, 0, 0, cx(left), cy(left)) == kDockFirstPosition);
    CHECK(drop_position(kG, two_in_dock, 0, 0, cx(right), cy(right)) == kDockFirstPosition + 2);
    const Positions full = {0, kDockFirstPosition, kDockFirstPosition + 1, kDockFirstPosition + 2,
                            kDockFirstPosition + 3};
    CHECK_FALSE(drop_position(kG, full, 0, 0, cx(left), cy(left)).has_value());
    // An app already in the full dock moves within it.
    const Box third = kG.dock_icon(2, 4);
    CHECK(drop_position(kG, full, 1, 0, cx(third), cy(third)) == kDockFirstPosition + 2);
}

TEST_CASE("the remove badge sits over the icon's top-left corner and is big enough to hit") {
    const Box icon = kG.icon(0);
    const Box badge = remove_badge(icon);
    CHECK(badge.contains(icon.x, icon.y));
    CHECK(badge.width >= 16);
    CHECK(badge.x < icon.x);
    CHECK(badge.y < icon.y);
}

TEST_CASE("the edges that turn pages while dragging") {
    CHECK(drag_edge(kG, 3) == -1);
    CHECK(drag_edge(kG, kG.width - 3) == 1);
    CHECK(drag_edge(kG, kG.width / 2.0) == 0);
}

TEST_CASE("the remove question's buttons split its bottom, inside the panel, at every size") {
    for (const auto& [w, h] : std::vector<std::pair<int, int>>{{480, 800}, {320, 480}, {800, 480}}) {
        const HomeGeometry geometry = compute_geometry(w, h);
        const ConfirmLayout c = confirm_layout(geometry);
        CHECK(c.panel.x >= 0);
        CHECK(c.panel.x + c.panel.width <= w);
        CHECK(c.cancel.width + c.remove.width == c.panel.width);
        CHECK(c.cancel.y + c.cancel.height == c.panel.y + c.panel.height);
        CHECK_FALSE(c.cancel.intersects(c.remove));
    }
}
