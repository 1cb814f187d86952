// The phone window policy. The stack is a plain vector (bottom to top): a phone
// has a handful of windows, so linear scans are cheaper than any index.
//
// Invariant kept by every operation: the focused view, if any, belongs to the
// front app (the app of the topmost view).
#include "window_policy.hpp"

#include <algorithm>
#include <utility>

namespace cirrus {
namespace {

// Centre of `outer` for something of `size`; may be negative when it is larger.
Rect centred_over(Rect outer, Size size) {
    return {outer.x + (outer.width - size.width) / 2, outer.y + (outer.height - size.height) / 2, size.width,
            size.height};
}

// Moves `box` (no larger than `area`) so that it lies inside `area`.
Rect moved_inside(Rect box, Rect area) {
    box.x = std::clamp(box.x, area.x, std::max(area.x, area.x + area.width - box.width));
    box.y = std::clamp(box.y, area.y, std::max(area.y, area.y + area.height - box.height));
    return box;
}

}  // namespace

void WindowPolicy::set_work_area(Rect area) { work_area_ = area; }

const WindowPolicy::Entry* WindowPolicy::find(ViewId id) const {
    auto it = std::find_if(stack_.begin(), stack_.end(), [id](const Entry& e) { return e.id == id; });
    return it == stack_.end() ? nullptr : &*it;
}

WindowPolicy::Entry* WindowPolicy::find(ViewId id) { return const_cast<Entry*>(std::as_const(*this).find(id)); }

bool WindowPolicy::contains(ViewId id) const { return find(id) != nullptr; }

ViewId WindowPolicy::app_of(ViewId id) const {
    // Parents are always views mapped earlier, so chains cannot loop; the
    // bound is only a guard against a future bug turning into a hang.
    ViewId current = id;
    for (std::size_t steps = 0; steps <= stack_.size(); ++steps) {
        const Entry* entry = find(current);
        if (entry == nullptr || !entry->parent) return current;
        current = *entry->parent;
    }
    return current;
}

bool WindowPolicy::is_descendant_of(ViewId id, ViewId ancestor) const {
    const Entry* entry = find(id);
    for (std::size_t steps = 0; entry && entry->parent && steps <= stack_.size(); ++steps) {
        if (*entry->parent == ancestor) return true;
        entry = find(*entry->parent);
    }
    return false;
}

std::optional<ViewId> WindowPolicy::top_app() const {
    if (stack_.empty()) return std::nullopt;
    return app_of(stack_.back().id);
}

std::optional<ViewId> WindowPolicy::front_app() const { return home_ ? std::nullopt : top_app(); }

void WindowPolicy::show_home() { home_ = true; }

std::optional<ViewId> WindowPolicy::topmost_of_app(ViewId app) const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
        if (app_of(it->id) == app) return it->id;
    }
    return std::nullopt;
}

std::optional<ViewId> WindowPolicy::topmost_descendant(ViewId id) const {
    for (auto it = stack_.rbegin(); it != stack_.rend(); ++it) {
        if (is_descendant_of(it->id, id)) return it->id;
    }
    return std::nullopt;
}

void WindowPolicy::raise_family(ViewId app) {
    // stable_partition keeps the relative order on both sides, so the family
    // keeps its internal stacking and everything else keeps its own.
    std::stable_partition(stack_.begin(), stack_.end(), [this, app](const Entry& e) { return app_of(e.id) != app; });
}

void WindowPolicy::focus_front_app() {
    const std::optional<ViewId> front = top_app();
    focused_ = front ? topmost_of_app(*front) : std::nullopt;
}

void WindowPolicy::map(ViewId id, std::optional<ViewId> parent, Size preferred) {
    if (contains(id)) return;  // already mapped: the glue maps once per surface map
    if (parent && (*parent == id || !contains(*parent))) parent.reset();

    if (!parent) {
        stack_.push_back({id, std::nullopt, preferred});
        focused_ = id;
        home_ = false;  // a new app comes to the front, as it does from a launch
        return;
    }

    // A new dialog goes on top of its whole family (above its parent and its
    // parent's other dialogs) but never above other apps' windows.
    const ViewId app = app_of(*parent);
    auto last_of_family =
        std::find_if(stack_.rbegin(), stack_.rend(), [this, app](const Entry& e) { return app_of(e.id) == app; });
    stack_.insert(last_of_family.base(), {id, parent, preferred});
    if (top_app() == app) focused_ = id;
}

void WindowPolicy::unmap(ViewId id) {
    auto it = std::find_if(stack_.begin(), stack_.end(), [id](const Entry& e) { return e.id == id; });
    if (it == stack_.end()) return;
    const std::optional<ViewId> grandparent = it->parent;
    stack_.erase(it);

    for (Entry& entry : stack_) {
        if (entry.parent == id) entry.parent = grandparent;
    }

    // Keep focus where it is unless it was on the unmapped view or the front
    // app changed (e.g. the unmapped app's dialogs became apps of their own).
    const std::optional<ViewId> front = top_app();
    if (!focused_ || !contains(*focused_) || !front || app_of(*focused_) != *front) focus_front_app();
}

void WindowPolicy::activate(ViewId id) {
    if (!contains(id)) return;
    raise_family(app_of(id));
    home_ = false;
    // Dialogs are modal: activating a window that has dialogs focuses its
    // topmost dialog instead.
    focused_ = topmost_descendant(id).value_or(id);
}

void WindowPolicy::set_preferred_size(ViewId id, Size preferred) {
    if (Entry* entry = find(id)) entry->preferred = preferred;
}

void WindowPolicy::set_fullscreen(ViewId id, bool fullscreen) {
    if (Entry* entry = find(id)) entry->fullscreen = fullscreen;
}

bool WindowPolicy::fullscreen(ViewId id) const {
    const Entry* app = find(app_of(id));
    return app != nullptr && app->fullscreen;
}

bool WindowPolicy::fullscreen_in_front() const {
    if (home_ || covered_) return false;
    const std::optional<ViewId> front = top_app();
    return front && fullscreen(*front);
}

bool WindowPolicy::reveal_status_bar() {
    if (!fullscreen_in_front()) return false;
    revealing_ = true;
    return true;
}

Rect WindowPolicy::area_of_app(ViewId app) const {
    // Before the first arrangement with a fullscreen area (no output yet) a
    // fullscreen app has the work area, as everything else does.
    return fullscreen(app) && !fullscreen_area_.empty() ? fullscreen_area_ : work_area_;
}

std::vector<ViewId> WindowPolicy::stacking() const {
    std::vector<ViewId> ids;
    ids.reserve(stack_.size());
    for (const Entry& entry : stack_) ids.push_back(entry.id);
    return ids;
}

WindowPolicy::Geometry WindowPolicy::geometry_of(const Entry& entry) const {
    const Rect area = area_of_app(app_of(entry.id));
    if (!entry.parent) return {area, true};  // apps fill their area

    const Entry* parent = find(*entry.parent);
    const Rect parent_box = parent ? geometry_of(*parent).box : area;
    const Size preferred = entry.preferred;
    if (preferred.empty()) {
        // Size not known yet (before the client's first commit): a 0x0 box at
        // the parent's centre, and the client chooses its own size.
        return {centred_over(parent_box, {0, 0}), false};
    }
    if (area.empty()) return {centred_over(parent_box, preferred), false};  // no output yet: nothing to clamp to

    // Never larger than its app's area, and moved back inside it when
    // centring over a smaller parent dialog would push it off screen.
    const Size clamped{std::min(preferred.width, area.width), std::min(preferred.height, area.height)};
    return {moved_inside(centred_over(parent_box, clamped), area), clamped != preferred};
}

std::optional<ViewPlacement> WindowPolicy::placement(ViewId id) const {
    const Entry* entry = find(id);
    if (entry == nullptr) return std::nullopt;
    ViewPlacement result;
    result.id = id;
    const Geometry geometry = geometry_of(*entry);
    result.box = geometry.box;
    result.resize = geometry.resize;
    result.fullscreen = !entry->parent && entry->fullscreen;
    result.visible = !home_ && !covered_ && top_app() == app_of(id);
    return result;
}

std::vector<ViewPlacement> WindowPolicy::placements() const {
    std::vector<ViewPlacement> result;
    result.reserve(stack_.size());
    for (const Entry& entry : stack_) result.push_back(*placement(entry.id));
    return result;
}

Rect popup_constraint_box(Rect output, Rect toplevel) {
    return {output.x - toplevel.x, output.y - toplevel.y, output.width, output.height};
}

}  // namespace cirrus
