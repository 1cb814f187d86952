// The home screen: a background-layer surface over the whole output with
// the wallpaper, pages of app icons with labels, page dots and the dock.
// Pages follow the finger (Pager); a tap on an icon draws it pressed,
// commits, and then asks the compositor to launch the app. A long press
// enters edit mode: icons get remove badges and can be dragged to another
// cell, page or the dock (home_edit.hpp has the rules); a badge asks before
// the app is uninstalled. It follows the registry: an install, a removal
// or a move by another program shows without a restart.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app_list.hpp"
#include "home_drawing.hpp"
#include "home_layout.hpp"
#include "layer_surface.hpp"
#include "pager.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"
#include "timer.hpp"

namespace cirrus::shell {

class HomeScreen : public SurfaceContent, public ShellPart {
public:
    HomeScreen(WaylandClient& client, AppList& apps, ShellProtocol& protocol);
    ~HomeScreen() override;

    // Re-reads the registry; redraws if the apps or their places changed.
    void reload();
    // The compositor's state changed (after a cirrus_shell_v1 done).
    void compositor_state(const CompositorState& state) override;
    // The home gesture or key: to the front (the compositor has already
    // done that by itself), or to the first page if home already was.
    void go_home(const CompositorState& state);
    // A press that has waited long enough for its launch to show.
    void release_pressed();

    // Apps being installed from the phone (cirrus_shell_v1 version 2): a
    // tile at once (before the registry has the app: its name and the
    // sheet's icon), the offline copy's progress drawn on the icon, and a
    // failure as a badge, its reason as the label; a tap on it retries.
    void install_progress(const std::string& app, const std::string& name, const std::string& icon, std::uint32_t done,
                          std::uint32_t total);
    void install_finished(const std::string& app);
    void install_failed(const std::string& app, const std::string& reason);

    bool editing() const { return editing_; }
    void leave_edit_mode();
    // Uninstalls an app (the shell runs `cirrus remove`); set by main.
    std::function<void(const std::string& app_id)> on_remove;
    // After the registry changed on disk and the icons were read again.
    std::function<void()> on_registry_reloaded;

    LayerSurface& surface() { return *surface_; }
    int page() const { return pager_.target_page(); }
    int pages() const { return placement_.pages; }

    // The registry's watch and the timers (a press waiting for its launch,
    // edit mode's long press and edge hold).
    std::vector<FdWatch> fds() override;
    void before_wait() override;
    void outputs_changed() override;

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void frame(std::uint32_t time) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    struct Item {
        HomeApp app;
        SurfacePtr icon;
        SurfacePtr label;
        bool pending = false;  // an install's tile: not in the registry yet
    };
    struct InstallTile {
        std::string name;
        std::string icon;  // a PNG path, for the tile before the registry has the app
        std::uint32_t done = 0;
        std::uint32_t total = 0;
        std::optional<std::string> failure;
    };
    // The tile's icon, its ring of progress or its failure badge.
    void paint_install(cairo_t* cr, const InstallTile& tile, const Box& icon) const;
    std::optional<std::size_t> index_of(const std::string& app) const;

    // Places the apps for the current geometry (writing back positions the
    // registry lacked) and renders icons and labels that are missing.
    void arrange(bool rerender);
    Box moving_band() const;                // what a page swipe repaints: the pages and the dots
    Box item_box(std::size_t index) const;  // icon and label, at rest
    void set_pressed(std::optional<std::size_t> index);
    void launch(std::size_t index);
    // Edit mode.
    void enter_edit_mode(std::size_t picked);
    // Its timer fired: a long press, or a dragged icon held at an edge.
    void edit_timer_fired();
    void drop(std::uint32_t time);
    std::optional<std::size_t> badge_hit(double x, double y) const;
    void press_confirm(double x, double y);
    bool press_in_edit_mode(double x, double y, std::uint32_t time);

    WaylandClient& client_;
    AppList& apps_;
    ShellProtocol& protocol_;
    RegistryWatch registry_watch_;
    Timer reload_timer_;  // coalesces a burst of registry writes
    std::unique_ptr<LayerSurface> surface_;
    Timer press_timer_;

    std::vector<Item> items_;
    std::map<std::string, InstallTile> installs_;
    Placement placement_;
    HomeGeometry geometry_;
    Pager pager_;
    int scale_ = 1;
    bool laid_out_ = false;

    std::uint32_t now_ = 0;        // the time frames are drawn at (ms)
    double drawn_offset_ = 0;      // the pager offset of the last frame drawn
    int drawn_page_ = 0;           // the page the dots showed
    std::optional<int> touch_id_;  // the one touch (or the mouse) the pages follow
    double touch_x_ = 0;
    double touch_y_ = 0;
    std::optional<std::size_t> pressed_;
    std::string launching_;  // the app a tap launched, until it shows
    bool home_in_front_ = true;
    Timer edit_timer_;
    enum class EditWait { none, long_press, edge } edit_wait_ = EditWait::none;
    bool editing_ = false;
    std::optional<std::size_t> dragging_;  // the icon under the finger
    double drag_x_ = 0;
    double drag_y_ = 0;
    int drag_edge_ = 0;                      // -1 / 1 while held at an edge
    std::optional<std::size_t> confirming_;  // "Remove <app>?" is up
    std::uint32_t home_in_front_since_ = 0;  // ms
};

// CLOCK_MONOTONIC in ms, wrapping: the clock of input events and frame
// callbacks, for work that no event times (a registry reload).
std::uint32_t monotonic_ms();

}  // namespace cirrus::shell
