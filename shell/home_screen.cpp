#include "home_screen.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <utility>

#include "common/file_text.hpp"
#include "edit_drawing.hpp"
#include "home_edit.hpp"
#include "protocols.hpp"

namespace cirrus::shell {

namespace {

// A pressed icon whose launch got no answer is released after this long.
constexpr int kPressTimeoutMs = 1500;
// In the dock (which does not page), a touch that moves this far is no tap.
constexpr double kDockTapSlop = 8;
// Coalesces a burst of registry writes (an install writes several times).
constexpr int kReloadDelayMs = 50;

}  // namespace

std::uint32_t monotonic_ms() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(now.tv_sec) * 1000u +
                                      static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000u);
}

HomeScreen::HomeScreen(WaylandClient& client, AppList& apps, ShellProtocol& protocol)
    : client_(client),
      apps_(apps),
      protocol_(protocol),
      registry_watch_(apps.path()),
      pager_(1, 0),
      home_in_front_since_(monotonic_ms()) {
    LayerSurface::Config config;
    config.layer = ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND;
    config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                    ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    // -1: under the status bar too, so the wallpaper fills the screen; the
    // grid starts below the bar by itself (home_layout).
    config.exclusive_zone = -1;
    config.name_space = "cirrus-home";
    surface_ = std::make_unique<LayerSurface>(client_, config, *this);
    reload();
}

HomeScreen::~HomeScreen() = default;

std::vector<FdWatch> HomeScreen::fds() {
    return {
        {registry_watch_.fd(),
         [this] {
             if (registry_watch_.changed() && !reload_timer_.armed()) reload_timer_.arm(kReloadDelayMs);
         }},
        {reload_timer_.fd(),
         [this] {
             if (!reload_timer_.consume()) return;
             reload();
             if (on_registry_reloaded) on_registry_reloaded();
         }},
        {press_timer_.fd(),
         [this] {
             if (press_timer_.consume()) release_pressed();
         }},
        {edit_timer_.fd(),
         [this] {
             if (edit_timer_.consume()) edit_timer_fired();
         }},
    };
}

void HomeScreen::before_wait() { surface_->flush(); }

void HomeScreen::outputs_changed() { surface_->update_scale(); }

void HomeScreen::reload() {
    std::vector<HomeApp> loaded;
    try {
        loaded = apps_.load();
    } catch (const std::exception& e) {
        // A busy or damaged registry: keep showing what we had.
        std::fprintf(stderr, "cirrus-shell: cannot read the app registry %s: %s\n", apps_.path().c_str(), e.what());
        return;
    }
    // An install's tile stands for its app until the registry has it.
    for (const auto& [id, tile] : installs_) {
        const bool listed = std::any_of(loaded.begin(), loaded.end(), [&](const HomeApp& a) { return a.id == id; });
        if (!listed) loaded.push_back(HomeApp{id, tile.failure ? *tile.failure : tile.name, std::nullopt, -1});
    }
    const bool same =
        loaded.size() == items_.size() && std::equal(loaded.begin(), loaded.end(), items_.begin(),
                                                     [](const HomeApp& a, const Item& b) { return a == b.app; });
    if (same) return;

    // Keep what is already rendered for apps whose label and icon did not change.
    std::map<std::string, Item> old;
    for (Item& item : items_) old.emplace(item.app.id, std::move(item));
    items_.clear();
    for (HomeApp& app : loaded) {
        Item item;
        const auto it = old.find(app.id);
        if (it != old.end() && it->second.app.updated_at == app.updated_at) {
            item.icon = std::move(it->second.icon);
            if (it->second.app.label == app.label) item.label = std::move(it->second.label);
        }
        item.pending = app.updated_at == -1;
        item.app = std::move(app);
        items_.push_back(std::move(item));
    }
    pressed_.reset();  // indexes changed
    launching_.clear();
    dragging_.reset();
    confirming_.reset();
    arrange(false);
}

void HomeScreen::layout(int width, int height, int scale) {
    const HomeGeometry geometry = compute_geometry(width, height);
    // Icons and labels are rendered at their pixel size: again only if that changed.
    const bool rerender = !laid_out_ || scale != scale_ || geometry.icon_size != geometry_.icon_size ||
                          geometry.label_width != geometry_.label_width ||
                          geometry.label_font_px != geometry_.label_font_px;
    geometry_ = geometry;
    scale_ = scale;
    laid_out_ = true;
    arrange(rerender);
}

void HomeScreen::arrange(bool rerender) {
    if (!laid_out_) return;
    std::vector<std::optional<std::int64_t>> positions;
    for (const Item& item : items_) positions.push_back(item.app.position);
    placement_ = place_apps(positions, geometry_.per_page());

    if (!placement_.assigned.empty()) {
        std::vector<std::pair<std::string, std::int64_t>> chosen;
        for (const auto& [index, position] : placement_.assigned) {
            items_[index].app.position = position;
            if (!items_[index].pending) chosen.emplace_back(items_[index].app.id, position);
        }
        try {
            apps_.store_positions(chosen);
        } catch (const std::exception& e) {
            // Shown anyway; the next start places them again.
            std::fprintf(stderr, "cirrus-shell: cannot store home positions in %s: %s\n", apps_.path().c_str(),
                         e.what());
        }
    }

    if (pager_.page_count() != placement_.pages || pager_.page_width() != geometry_.width) {
        pager_.set_layout(placement_.pages, geometry_.width);
    }
    const int icon_pixels = geometry_.icon_size * scale_;
    for (Item& item : items_) {
        if (rerender || !item.icon) {
            item.icon.reset();
            if (auto png = apps_.icon_png(item.app.id, icon_pixels)) item.icon = make_icon(*png, icon_pixels);
            if (const auto tile = installs_.find(item.app.id);
                !item.icon && tile != installs_.end() && !tile->second.icon.empty()) {
                const std::string bytes = read_file_text(tile->second.icon, kIconFileLimit).value_or(std::string());
                const std::vector<std::uint8_t> png(bytes.begin(), bytes.end());
                if (!png.empty()) item.icon = make_icon(png, icon_pixels);
            }
            if (!item.icon) item.icon = make_placeholder_icon(item.app.label, icon_pixels);
        }
        if (rerender || !item.label) item.label = make_label(item.app.label, geometry_, scale_);
    }
    now_ = monotonic_ms();
    surface_->damage_all();
}

Box HomeScreen::moving_band() const {
    return {0, geometry_.grid.y, geometry_.width, geometry_.dots.y + geometry_.dots.height - geometry_.grid.y};
}

Box HomeScreen::item_box(std::size_t index) const {
    const Slot& s = placement_.slots[index];
    if (s.area == Slot::Area::dock) return geometry_.dock_icon(s.index, placement_.dock_count);
    // Pressable only at rest, so the page is at its place.
    const int dx = static_cast<int>(std::lround(s.page * geometry_.width - pager_.offset(now_)));
    return geometry_.target(s.index).translated(dx, 0);
}

void HomeScreen::draw(cairo_t* cr) {
    const double offset = pager_.offset(now_);
    drawn_offset_ = offset;
    drawn_page_ = pager_.target_page();
    paint_wallpaper(cr, geometry_.width, geometry_.height);

    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
    const Box clip{static_cast<int>(std::floor(x1)), static_cast<int>(std::floor(y1)),
                   static_cast<int>(std::ceil(x2 - x1)) + 1, static_cast<int>(std::ceil(y2 - y1)) + 1};
    // Pages move by whole device pixels: icons stay sharp and are copied.
    const double shown = std::round(offset * scale_) / scale_;

    if (geometry_.dock_panel.intersects(clip) && placement_.dock_count > 0) {
        paint_dock_panel(cr, geometry_.dock_panel);
    }
    for (std::size_t i = 0; i < items_.size(); ++i) {
        const Slot& s = placement_.slots[i];
        const Item& item = items_[i];
        Box icon;
        Box label;
        bool has_label = true;
        if (s.area == Slot::Area::dock) {
            icon = geometry_.dock_icon(s.index, placement_.dock_count);
            has_label = false;
        } else {
            const double page_x = s.page * geometry_.width - shown;
            if (page_x <= -geometry_.width || page_x >= geometry_.width) continue;  // off screen
            const int dx = static_cast<int>(std::lround(page_x));
            icon = geometry_.icon(s.index).translated(dx, 0);
            label = geometry_.label(s.index).translated(dx, 0);
        }
        if (dragging_ == i) continue;  // drawn last, under the finger
        if (icon.intersects(clip)) {
            paint_at(cr, item.icon.get(), icon.x, icon.y, scale_);
            if (pressed_ == i) paint_pressed(cr, item.icon.get(), icon.x, icon.y, scale_);
        }
        if (const auto tile = installs_.find(item.app.id); tile != installs_.end() && icon.intersects(clip)) {
            paint_install(cr, tile->second, icon);
        }
        if (has_label && label.intersects(clip)) paint_at(cr, item.label.get(), label.x, label.y, scale_);
        if (editing_) paint_remove_badge(cr, remove_badge(icon));
    }
    if (geometry_.dots.intersects(clip)) paint_page_dots(cr, geometry_, placement_.pages, drawn_page_);
    if (dragging_ && *dragging_ < items_.size()) {
        const int size = geometry_.icon_size;
        paint_at(cr, items_[*dragging_].icon.get(), std::round(drag_x_ - size / 2.0), std::round(drag_y_ - size / 2.0),
                 scale_);
    }
    if (confirming_ && *confirming_ < items_.size()) {
        paint_confirm_remove(cr, geometry_, confirm_layout(geometry_), items_[*confirming_].app.label);
    }
}

void HomeScreen::frame(std::uint32_t time) {
    now_ = time;
    if (pager_.is_animating(time) || pager_.offset(time) != drawn_offset_ || pager_.target_page() != drawn_page_) {
        surface_->damage(moving_band());
    }
}

void HomeScreen::set_pressed(std::optional<std::size_t> index) {
    if (index == pressed_) return;
    if (pressed_ && *pressed_ < items_.size()) surface_->damage(item_box(*pressed_));
    pressed_ = index;
    if (pressed_) surface_->damage(item_box(*pressed_));
}

void HomeScreen::press(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ || !laid_out_) return;  // one finger moves the pages; others are ignored
    touch_id_ = id;
    touch_x_ = x;
    touch_y_ = y;
    now_ = time;
    if (confirming_) {
        press_confirm(x, y);
        return;
    }
    if (editing_ && press_in_edit_mode(x, y, time)) return;
    const bool in_dock = y >= geometry_.dock.y;
    if (!in_dock) pager_.drag_begin(x, time);
    // A touch that stops moving pages is not a tap (the pager says so).
    if (!in_dock && pager_.is_drag()) return;
    if (launching_.empty()) {
        if (auto hit = hit_test(geometry_, placement_, pager_.target_page(), x, y)) {
            set_pressed(hit);
            surface_->draw_now();  // the finger sees it in this dispatch
            if (!editing_) {
                edit_wait_ = EditWait::long_press;
                edit_timer_.arm(kLongPressMs);
            }
        }
    }
}

void HomeScreen::move(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ != id) return;
    now_ = time;
    if (dragging_) {
        drag_x_ = x;
        drag_y_ = y;
        const int edge = drag_edge(geometry_, x);
        if (edge != drag_edge_) {
            drag_edge_ = edge;
            if (edge != 0) {
                edit_wait_ = EditWait::edge;
                edit_timer_.arm(kEdgeTurnMs);
            } else if (edit_wait_ == EditWait::edge) {
                edit_wait_ = EditWait::none;
                edit_timer_.disarm();
            }
        }
        surface_->damage_all();  // the icon may cross the whole screen
        return;
    }
    // A long press is a finger held still.
    if (edit_wait_ == EditWait::long_press && std::hypot(x - touch_x_, y - touch_y_) > kDockTapSlop) {
        edit_wait_ = EditWait::none;
        edit_timer_.disarm();
    }
    if (pager_.is_touching()) {
        pager_.drag_move(x, time);
        if (pager_.is_drag() && pressed_ && launching_.empty()) set_pressed(std::nullopt);
        if (pager_.offset(time) != drawn_offset_ || pager_.target_page() != drawn_page_) {
            surface_->damage(moving_band());
        }
    } else if (std::hypot(x - touch_x_, y - touch_y_) > kDockTapSlop && launching_.empty()) {
        set_pressed(std::nullopt);
    }
}

void HomeScreen::release(int id, std::uint32_t time) {
    if (touch_id_ != id) return;
    touch_id_.reset();
    now_ = time;
    if (edit_wait_ == EditWait::long_press) {
        edit_wait_ = EditWait::none;
        edit_timer_.disarm();
    }
    if (dragging_) {
        drop(time);
        return;
    }
    const bool paging = pager_.is_touching();
    if (paging) pager_.drag_end(time);
    const bool swiped = paging && pager_.is_drag();
    const bool tap = pressed_ && launching_.empty() && !swiped;
    if (paging) surface_->damage(moving_band());  // the settle starts from here
    if (editing_) {
        // In edit mode a tap launches nothing; a tap on no icon ends it.
        set_pressed(std::nullopt);
        if (!tap && !swiped) leave_edit_mode();
        return;
    }
    if (tap) launch(*pressed_);
}

void HomeScreen::cancel() {
    if (!touch_id_) return;
    touch_id_.reset();
    now_ = monotonic_ms();
    edit_wait_ = EditWait::none;
    edit_timer_.disarm();
    if (dragging_) {
        dragging_.reset();  // back where it was
        surface_->damage_all();
    }
    if (pager_.is_touching()) pager_.drag_cancel(now_);
    if (launching_.empty()) set_pressed(std::nullopt);
    surface_->damage(moving_band());
}

std::optional<std::size_t> HomeScreen::index_of(const std::string& app) const {
    for (std::size_t i = 0; i < items_.size(); ++i) {
        if (items_[i].app.id == app) return i;
    }
    return std::nullopt;
}

void HomeScreen::install_progress(const std::string& app, const std::string& name, const std::string& icon,
                                  std::uint32_t done, std::uint32_t total) {
    const bool is_new = !installs_.count(app);
    InstallTile& tile = installs_[app];
    const bool was_failed = tile.failure.has_value();
    tile = InstallTile{name, icon, done, total, std::nullopt};
    if (is_new || was_failed) {
        std::fprintf(stderr, "cirrus-shell: installing %s: its tile is on the home screen\n", app.c_str());
        if (const auto index = index_of(app); index && was_failed) items_[*index].label.reset();
        items_.erase(std::remove_if(items_.begin(), items_.end(),
                                    [&](const Item& item) { return item.pending && item.app.id == app; }),
                     items_.end());
        reload();
        arrange(false);
    } else if (const auto index = index_of(app); index && laid_out_) {
        surface_->damage(item_box(*index));
    }
}

void HomeScreen::install_finished(const std::string& app) {
    if (!installs_.erase(app)) return;
    std::fprintf(stderr, "cirrus-shell: installed %s: its icon opens it\n", app.c_str());
    reload();
    if (const auto index = index_of(app)) {
        items_[*index].icon.reset();  // the registry's icon now
        arrange(false);
    }
}

void HomeScreen::install_failed(const std::string& app, const std::string& reason) {
    InstallTile& tile = installs_[app];
    tile.failure = reason;
    std::fprintf(stderr, "cirrus-shell: installing %s failed: %s\n", app.c_str(), reason.c_str());
    items_.erase(std::remove_if(items_.begin(), items_.end(),
                                [&](const Item& item) { return item.pending && item.app.id == app; }),
                 items_.end());
    reload();
    if (const auto index = index_of(app); index && laid_out_) {
        // The label says why.
        items_[*index].label = make_label(reason, geometry_, scale_);
        surface_->damage_all();
    }
}

void HomeScreen::paint_install(cairo_t* cr, const InstallTile& tile, const Box& icon) const {
    const double cx = icon.x + icon.width / 2.0;
    const double cy = icon.y + icon.height / 2.0;
    const double r = icon.width * 0.28;
    cairo_save(cr);
    if (tile.failure) {
        // A red badge with "!" at the top right: it failed; a tap retries.
        const double br = icon.width * 0.16;
        const double bx = icon.x + icon.width - br * 0.6;
        const double by = icon.y + br * 0.6;
        cairo_arc(cr, bx, by, br, 0, 2 * M_PI);
        cairo_set_source_rgb(cr, 0.85, 0.15, 0.12);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_rectangle(cr, bx - br * 0.12, by - br * 0.6, br * 0.24, br * 0.75);
        cairo_rectangle(cr, bx - br * 0.12, by + br * 0.3, br * 0.24, br * 0.24);
        cairo_fill(cr);
        cairo_restore(cr);
        return;
    }
    // As iOS draws an app download: the icon dimmed, a ring filling clockwise.
    cairo_rectangle(cr, icon.x, icon.y, icon.width, icon.height);
    cairo_set_source_rgba(cr, 0, 0, 0, 0.45);
    cairo_fill(cr);
    const double fraction = tile.total > 0 ? std::min(1.0, double(tile.done) / tile.total) : 0.0;
    cairo_set_line_width(cr, std::max(2.0, icon.width * 0.06));
    cairo_set_source_rgba(cr, 1, 1, 1, 0.35);
    cairo_arc(cr, cx, cy, r, 0, 2 * M_PI);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_move_to(cr, cx, cy);
    cairo_arc(cr, cx, cy, r * 0.8, -M_PI / 2, -M_PI / 2 + 2 * M_PI * std::max(fraction, 0.02));
    cairo_close_path(cr);
    cairo_fill(cr);
    cairo_restore(cr);
}

void HomeScreen::launch(std::size_t index) {
    // The pressed icon (drawn at touch down) reaches the screen first if it
    // has not yet; then the compositor shows the app's splash over it.
    surface_->draw_now();
    const std::string& id = items_[index].app.id;
    if (const auto tile = installs_.find(id); tile != installs_.end()) {
        // Installing: nothing to open yet; failed: the tap retries.
        set_pressed(std::nullopt);
        if (tile->second.failure) {
            std::fprintf(stderr, "cirrus-shell: retrying the install of %s\n", id.c_str());
            protocol_.retry_install(id);
        }
        return;
    }
    if (!protocol_.launch(id)) {
        set_pressed(std::nullopt);
        return;
    }
    launching_ = id;
    press_timer_.arm(kPressTimeoutMs);
}

void HomeScreen::release_pressed() {
    press_timer_.disarm();
    launching_.clear();
    set_pressed(std::nullopt);
}

void HomeScreen::compositor_state(const CompositorState& state) {
    const bool home_in_front = state.front_app.empty();
    if (home_in_front && !home_in_front_) home_in_front_since_ = monotonic_ms();
    home_in_front_ = home_in_front;
    if (launching_.empty()) return;
    // The launch answered: the app is starting or in front (its splash or
    // window covers us), so the icon can go back to normal.
    if (state.apps.count(launching_) || state.front_app == launching_) release_pressed();
}

void HomeScreen::go_home(const CompositorState& state) {
    if (editing_) {
        leave_edit_mode();  // the home gesture ends edit mode, as on iOS
        return;
    }
    if (!state.front_app.empty()) {
        protocol_.show_home();
        return;
    }
    // The compositor reports home in front just before the gesture that
    // brought it there: only a gesture on a home screen that was already in
    // front (for longer than that takes) turns back to the first page.
    constexpr std::uint32_t same_gesture_ms = 250;
    now_ = monotonic_ms();
    if (now_ - home_in_front_since_ < same_gesture_ms) return;
    pager_.go_to_page(0, now_);
    surface_->damage(moving_band());
}

// --- edit mode ----------------------------------------------------------

void HomeScreen::enter_edit_mode(std::size_t picked) {
    editing_ = true;
    pressed_.reset();
    dragging_ = picked;
    drag_x_ = touch_x_;
    drag_y_ = touch_y_;
    drag_edge_ = 0;
    // The pager stops following this finger: the icon does now.
    if (pager_.is_touching()) pager_.drag_cancel(now_);
    surface_->damage_all();
    surface_->draw_now();
}

void HomeScreen::leave_edit_mode() {
    if (!editing_) return;
    editing_ = false;
    dragging_.reset();
    confirming_.reset();
    edit_wait_ = EditWait::none;
    edit_timer_.disarm();
    surface_->damage_all();
}

void HomeScreen::edit_timer_fired() {
    const EditWait wait = std::exchange(edit_wait_, EditWait::none);
    now_ = monotonic_ms();
    if (wait == EditWait::long_press && pressed_ && touch_id_ && launching_.empty()) {
        enter_edit_mode(*pressed_);
    } else if (wait == EditWait::edge && dragging_ && drag_edge_ != 0) {
        const int page = std::clamp(pager_.target_page() + drag_edge_, 0, placement_.pages);
        // One page past the last is where a new page starts.
        if (page >= pager_.page_count()) pager_.set_layout(page + 1, geometry_.width);
        pager_.go_to_page(page, now_);
        surface_->damage_all();
        edit_wait_ = EditWait::edge;  // held there: keep turning
        edit_timer_.arm(kEdgeTurnMs);
    }
}

std::optional<std::size_t> HomeScreen::badge_hit(double x, double y) const {
    for (std::size_t i = 0; i < items_.size(); ++i) {
        const Slot& s = placement_.slots[i];
        Box icon;
        if (s.area == Slot::Area::dock) {
            icon = geometry_.dock_icon(s.index, placement_.dock_count);
        } else {
            if (s.page != pager_.target_page()) continue;
            icon = geometry_.icon(s.index);
        }
        if (remove_badge(icon).contains(x, y)) return i;
    }
    return std::nullopt;
}

bool HomeScreen::press_in_edit_mode(double x, double y, std::uint32_t time) {
    if (auto badge = badge_hit(x, y)) {
        confirming_ = badge;
        surface_->damage_all();
        touch_id_.reset();  // the question takes the next touch
        return true;
    }
    if (auto hit = hit_test(geometry_, placement_, pager_.target_page(), x, y)) {
        // In edit mode an icon moves at once, without a long press.
        now_ = time;
        enter_edit_mode(*hit);
        return true;
    }
    return false;
}

void HomeScreen::press_confirm(double x, double y) {
    touch_id_.reset();
    const ConfirmLayout layout = confirm_layout(geometry_);
    const std::size_t index = *confirming_;
    if (layout.remove.contains(x, y) && index < items_.size()) {
        const std::string id = items_[index].app.id;
        confirming_.reset();
        // The app goes first (its window closes), then its files and data;
        // the registry change brings the home screen up to date.
        protocol_.close_app(id);
        if (on_remove) on_remove(id);
    } else if (layout.cancel.contains(x, y) || !layout.panel.contains(x, y)) {
        confirming_.reset();
    }
    surface_->damage_all();
}

void HomeScreen::drop(std::uint32_t time) {
    const std::size_t index = *dragging_;
    dragging_.reset();
    edit_wait_ = EditWait::none;
    edit_timer_.disarm();
    drag_edge_ = 0;
    std::vector<std::optional<std::int64_t>> positions;
    for (const Item& item : items_) positions.push_back(item.app.position);
    const auto position = drop_position(geometry_, positions, index, pager_.target_page(), drag_x_, drag_y_);
    now_ = time;
    if (position && position != items_[index].app.position) {
        try {
            apps_.move_app(items_[index].app.id, *position);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cirrus-shell: cannot move %s in %s: %s\n", items_[index].app.id.c_str(),
                         apps_.path().c_str(), e.what());
        }
        reload();  // the registry made room: every position may have moved
    }
    surface_->damage_all();
}

}  // namespace cirrus::shell
