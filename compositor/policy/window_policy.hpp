// The phone window policy: one app in front at a time, filling the work area
// (a fullscreen app: the fullscreen area, status bar included); dialogs
// (toplevels with a parent) centred over their parent. Plain C++ so that
// unit tests reach it without a display; the xdg-shell glue applies the result.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "geometry.hpp"

namespace cirrus {

using ViewId = std::uint64_t;

// How long a swipe down from the top edge shows the status bar over a
// fullscreen app. Long enough to read the clock, battery and signal after the
// finger has lifted (a glance or two), short enough that the app's top row is
// soon its own again; Android's transient bars in immersive mode hide after a
// few seconds likewise. The bar is drawn over the app, which keeps its size:
// resizing it twice would make the page re-lay out under the user's eyes.
inline constexpr int kStatusBarRevealMs = 3000;

struct ViewPlacement {
    ViewId id = 0;
    Rect box;              // layout coordinates (output-local on a phone)
    bool visible = false;  // only the front app and its dialogs are shown
    bool resize = false;  // true for apps: the glue configures box.size(); dialogs choose their own size unless clamped
    bool fullscreen = false;  // an app covering the output: the glue tells the client (xdg fullscreen state)
};

class WindowPolicy {
public:
    void set_work_area(Rect area);
    Rect work_area() const { return work_area_; }
    // Where a fullscreen app goes: the output less the zones of what stays
    // above it (the keyboard), see yields_to_fullscreen in layer_layout.hpp.
    void set_fullscreen_area(Rect area) { fullscreen_area_ = area; }
    Rect fullscreen_area() const { return fullscreen_area_; }

    // A view enters the policy when its surface maps. An app (no parent) goes
    // to the front and takes focus. A dialog goes above its parent; it takes
    // focus only if its app is the front app. An unknown parent is treated as
    // no parent.
    void map(ViewId id, std::optional<ViewId> parent, Size preferred);
    // Leaves the stack; focus moves to the topmost view of the front app. The
    // dialogs of an unmapped view are re-parented to its parent (or become apps).
    void unmap(ViewId id);
    // Brings the view's app with all its dialogs to the front and focuses the
    // view, or its topmost dialog when it has one (a dialog is modal).
    void activate(ViewId id);
    // The size a dialog's client chose (its xdg geometry).
    void set_preferred_size(ViewId id, Size preferred);
    // An app asks to cover the whole output (xdg_toplevel.set_fullscreen: a
    // web app whose manifest says display: fullscreen) or to stop. Granted
    // to apps; a dialog goes with its app and its own wish is kept for when
    // it becomes an app.
    void set_fullscreen(ViewId id, bool fullscreen);
    // Whether the view covers the output: an app that asked, or a dialog of one.
    bool fullscreen(ViewId id) const;

    // The status bar's place while a fullscreen app is in front: hidden,
    // except for kStatusBarRevealMs after a swipe down from the top edge
    // (reveal, then end_reveal from the glue's timer). Home, the lock
    // screen and the switcher always have it.
    bool fullscreen_in_front() const;
    bool status_bar_hidden() const { return fullscreen_in_front() && !revealing_; }
    // False (and nothing changes) when no fullscreen app is in front.
    bool reveal_status_bar();
    void end_status_bar_reveal() { revealing_ = false; }
    bool status_bar_revealed() const { return fullscreen_in_front() && revealing_; }

    // The home screen comes to the front: every window is hidden and nothing
    // has focus, until an app is activated or a new app maps.
    void show_home();
    bool home_in_front() const { return home_; }
    // The shell covers the apps (lock screen, switcher): every window is
    // hidden and unfocused, but the front app stays the front app, so that
    // uncovering returns to it.
    void set_covered(bool covered) { covered_ = covered; }
    bool covered() const { return covered_; }

    bool contains(ViewId id) const;
    std::optional<ViewId> focused() const { return home_ || covered_ ? std::nullopt : focused_; }
    // The app in front of the home screen; none when home is in front.
    std::optional<ViewId> front_app() const;
    ViewId app_of(ViewId id) const;                 // the root of its parent chain
    std::vector<ViewId> stacking() const;           // bottom to top
    std::vector<ViewPlacement> placements() const;  // in stacking order
    std::optional<ViewPlacement> placement(ViewId id) const;

private:
    struct Entry {
        ViewId id;
        std::optional<ViewId> parent;
        Size preferred;
        bool fullscreen = false;  // what the client asked for
    };
    struct Geometry {
        Rect box;
        bool resize = false;
    };
    const Entry* find(ViewId id) const;
    Entry* find(ViewId id);
    void raise_family(ViewId app);
    std::optional<ViewId> topmost_of_app(ViewId app) const;
    bool is_descendant_of(ViewId id, ViewId ancestor) const;
    std::optional<ViewId> topmost_descendant(ViewId id) const;
    void focus_front_app();
    Geometry geometry_of(const Entry& entry) const;
    Rect area_of_app(ViewId app) const;

    std::optional<ViewId> top_app() const;  // of the stack, home or not

    std::vector<Entry> stack_;  // bottom to top
    std::optional<ViewId> focused_;
    bool home_ = false;
    bool covered_ = false;
    bool revealing_ = false;
    Rect work_area_;
    Rect fullscreen_area_;
};

// The box, relative to a toplevel's origin, that its popups must stay inside.
Rect popup_constraint_box(Rect output, Rect toplevel);

}  // namespace cirrus
