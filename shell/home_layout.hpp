// Home-screen geometry as plain C++: where the grid cells, icons, labels,
// page dots and the dock go for a surface size, which app sits in which
// slot, and what a point hits. Everything here is in logical pixels (surface
// coordinates); the drawing code multiplies by the buffer scale, so the
// layout depends on the size alone and is the same at every scale.
//
// Positions are the registry's home_position (common/registry.hpp): a
// linear slot number. Grid position p is cell p % per_page of raw page
// p / per_page, so the order survives a change of grid (rotation, another
// screen) and reflows instead of losing apps. The dock is a separate range
// of positions far above any grid slot, so that the registry's "first free
// position" for a newly installed app is always a grid slot.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace cirrus::shell {

// Logical height of the status bar; the home screen starts its grid below
// it (the home surface itself extends under the bar, for the wallpaper).
inline constexpr int kStatusBarHeight = 24;

inline constexpr std::int64_t kDockFirstPosition = 1'000'000;
inline constexpr int kDockCapacity = 4;

// An integer rectangle in logical pixels.
struct Box {
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;

    bool empty() const { return width <= 0 || height <= 0; }
    bool contains(double px, double py) const { return px >= x && py >= y && px < x + width && py < y + height; }
    bool intersects(const Box& o) const {
        return !empty() && !o.empty() && x < o.x + o.width && o.x < x + width && y < o.y + o.height && o.y < y + height;
    }
    Box translated(int dx, int dy) const { return {x + dx, y + dy, width, height}; }
    bool operator==(const Box&) const = default;
};

// The geometry of one page and of the fixed parts (dots, dock) for a size.
struct HomeGeometry {
    int width = 0;
    int height = 0;
    int columns = 0;
    int rows = 0;
    Box grid;  // the cells of one page (the page at offset 0)
    double cell_width = 0;
    double cell_height = 0;
    int icon_size = 0;  // icons are square
    int label_height = 0;
    int label_font_px = 0;
    int label_width = 0;
    Box dots;        // the row of page dots
    Box dock;        // the dock band at the bottom
    Box dock_panel;  // its rounded background, inset in the band

    int per_page() const { return columns * rows; }
    Box cell(int index) const;  // index in [0, per_page)
    Box icon(int index) const;
    Box label(int index) const;
    // What a tap on the cell hits: the icon and its label.
    Box target(int index) const;
    // The dock holds `count` icons, centred as a group.
    Box dock_icon(int slot, int count) const;
    // Centre of page dot `page` of `pages`, and its radius.
    double dot_x(int page, int pages) const;
    double dot_y() const { return dots.y + dots.height / 2.0; }
    double dot_radius() const;
};

// Layout for a logical surface size (e.g. 480x800: 4 columns by 5 rows).
HomeGeometry compute_geometry(int width, int height);

// Where one app is, on screen.
struct Slot {
    enum class Area { grid, dock };
    Area area = Area::grid;
    int page = 0;   // displayed page (grid only): empty pages are skipped
    int index = 0;  // cell on the page, or dock slot
    bool operator==(const Slot&) const = default;
};

struct Placement {
    std::vector<Slot> slots;  // one per app, same order as the input
    int pages = 1;            // displayed grid pages, at least one
    int dock_count = 0;
    // Apps that had no position and were given one: (app index, position),
    // for the caller to write back to the registry.
    std::vector<std::pair<std::size_t, std::int64_t>> assigned;
};

// Places apps by their positions (unique, as the registry keeps them).
// Apps without one take the first free grid position, in input order.
// Raw grid pages that hold no app are not shown: the displayed pages are the
// non-empty raw pages in order. Dock apps are numbered left to right in
// position order.
Placement place_apps(std::span<const std::optional<std::int64_t>> positions, int per_page);

// The app (index into the placement) whose target contains the point, with
// the grid showing displayed page `page` at no offset.
std::optional<std::size_t> hit_test(const HomeGeometry& geometry, const Placement& placement, int page, double x,
                                    double y);

}  // namespace cirrus::shell
