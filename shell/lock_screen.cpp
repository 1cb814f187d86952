#include "lock_screen.hpp"

#include <algorithm>
#include <clocale>
#include <cmath>

#include "clock.hpp"
#include "home_screen.hpp"  // monotonic_ms
#include "overlay_cards.hpp"
#include "overlay_drawing.hpp"
#include "protocols.hpp"

namespace cirrus::shell {

namespace {

Box united(const Box& a, const Box& b) {
    const int x = std::min(a.x, b.x), y = std::min(a.y, b.y);
    return {x, y, std::max(a.x + a.width, b.x + b.width) - x, std::max(a.y + a.height, b.y + b.height) - y};
}

}  // namespace

LockScreen::LockScreen(WaylandClient& client, ShellProtocol& protocol, AppList& apps)
    : client_(client), protocol_(protocol), apps_(apps) {}

LockScreen::~LockScreen() = default;

bool LockScreen::locked() const { return shown() && !swipe_.unlocking(); }

// --- state --------------------------------------------------------------------

void LockScreen::request_locked(bool locked) {
    // What the compositor will have once what we already asked arrives.
    const bool known = awaiting_ ? *awaiting_ : protocol_.state().locked;
    if (known == locked) return;
    if (protocol_.set_locked(locked)) awaiting_ = locked;
}

void LockScreen::compositor_locked(bool locked) {
    if (awaiting_) {
        // A batch sent before our set_locked arrived says the old state.
        if (locked != *awaiting_) return;
        awaiting_.reset();
    }
    if (locked) {
        if (!this->locked()) show();
    } else if (shown() && !swipe_.unlocking()) {
        hide_now();
    }
}

void LockScreen::lock() {
    show();
    request_locked(true);
}

void LockScreen::show() {
    set_time(std::time(nullptr));
    if (surface_ && (remove_ || swipe_.unlocking())) {
        // Locked again while it slid away: back down, all of it.
        remove_ = false;
        unlocked_pending_ = false;
        swipe_.reset();
        touch_id_.reset();
        content_stale_ = true;
        surface_->damage_all();
    } else if (!surface_) {
        LayerSurface::Config config;
        config.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
        config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                        ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
        config.exclusive_zone = -1;  // over the status bar too
        config.name_space = "cirrus-lock";
        // Clear where a swipe has moved it up: what it uncovers shows through.
        config.opaque = false;
        config.keyboard_interactivity = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE;
        swipe_.reset();
        touch_id_.reset();
        laid_out_ = false;
        content_stale_ = true;
        surface_ = std::make_unique<LayerSurface>(client_, config, *this);
    } else {
        return;  // up already
    }
    if (on_locked) on_locked();
}

void LockScreen::unlock(std::uint32_t now, std::optional<std::uint32_t> open) {
    swipe_.slide_away(now);
    // The compositor first, so that the apps come back beneath the screen
    // as it slides, and so that the app a notification opens can come forward.
    request_locked(false);
    for (const Notice& n : notices_) {
        // Seen on the lock screen: the compositor can forget them.
        if (open && n.id == *open) protocol_.activate_notification(n.id);
        else protocol_.dismiss_notification(n.id);
    }
    // The rendered content still lists them while it slides away.
    notices_.clear();
    if (surface_) surface_->damage_all();
}

void LockScreen::hide_now() {
    if (!surface_) return;
    remove_ = true;
    unlocked_pending_ = true;
    notices_.clear();
    content_stale_ = true;
}

void LockScreen::before_wait() {
    if (remove_) {
        // Here, outside every callback of the surface, it can go.
        surface_.reset();
        remove_ = false;
        touch_id_.reset();
        swipe_.reset();
        content_.reset();
        if (unlocked_pending_) {
            unlocked_pending_ = false;
            if (on_unlocked) on_unlocked();
        }
        return;
    }
    if (surface_) surface_->flush();
}

void LockScreen::outputs_changed() {
    if (surface_) surface_->update_scale();
}

void LockScreen::compositor_state(const CompositorState& state) { compositor_locked(state.locked); }

void LockScreen::minute(std::time_t now) { set_time(now); }

// --- content ------------------------------------------------------------------

void LockScreen::content_changed(const Box& area) {
    content_stale_ = true;
    if (surface_ && laid_out_) surface_->damage(area);
}

void LockScreen::set_time(std::time_t now) {
    time_ = now;
    const char* locale = std::setlocale(LC_TIME, nullptr);
    std::string time_text = clock_text(now);
    std::string date_text = long_date_text(now, locale ? locale : "C");
    if (time_text == time_text_ && date_text == date_text_) return;
    time_text_ = std::move(time_text);
    date_text_ = std::move(date_text);
    content_changed(united(geometry_.time, geometry_.date));
}

void LockScreen::add_notification(Notice notice) {
    for (const Notice& n : notices_) {
        if (n.id == notice.id) return;
    }
    // Newest on top: the compositor numbers them in the order they came.
    const auto at = std::find_if(notices_.begin(), notices_.end(), [&](const Notice& n) { return n.id < notice.id; });
    notices_.insert(at, std::move(notice));
    content_changed(geometry_.list);
}

void LockScreen::remove_notification(std::uint32_t id) {
    if (std::erase_if(notices_, [id](const Notice& n) { return n.id == id; }) > 0) content_changed(geometry_.list);
}

void LockScreen::layout(int width, int height, int scale) {
    geometry_ = compute_lock_geometry(width, height);
    scale_ = scale;
    swipe_.set_height(height);
    laid_out_ = true;
    content_stale_ = true;
}

void LockScreen::render() {
    content_stale_ = false;
    content_ = new_logical_surface(geometry_.width, geometry_.height, scale_);
    if (!content_) return;
    cairo_t* cr = cairo_create(content_.get());
    cairo_scale(cr, scale_, scale_);
    // The wallpaper, dimmed: white text reads on it, and it is plainly not
    // the home screen.
    paint_wallpaper(cr, geometry_.width, geometry_.height);
    cairo_set_source_rgba(cr, 0, 0, 0, kLockDimAlpha);
    cairo_paint(cr);

    TextStyle time_style;
    time_style.px = geometry_.time_font_px;
    time_style.light = true;
    time_style.align = 0;
    time_style.colour = kWhite;
    draw_text(cr, time_text_, geometry_.time, time_style);
    TextStyle date_style;
    date_style.px = geometry_.date_font_px;
    date_style.align = 0;
    date_style.colour = {1, 1, 1, 0.9};
    draw_text(cr, date_text_, geometry_.date, date_style);

    const int rows = std::min<int>(static_cast<int>(notices_.size()), geometry_.rows_that_fit());
    for (int i = 0; i < rows; ++i) {
        const Box row = geometry_.row(i);
        const Notice& n = notices_[static_cast<std::size_t>(i)];
        draw_lock_notification_row(cr, row, app_display_name(apps_, n.app), n);
    }

    TextStyle hint_style;
    hint_style.px = std::max(13, geometry_.date_font_px * 4 / 5);
    hint_style.align = 0;
    hint_style.colour = {1, 1, 1, 0.8};
    const Box& hint = geometry_.hint;
    draw_text(cr, "Swipe up to unlock", {hint.x, hint.y, hint.width, hint.height - 8}, hint_style);
    // The home indicator's bar, where the finger starts.
    rounded_rect(cr, (geometry_.width - 120) / 2.0, hint.y + hint.height - 5, 120, 5, 2.5);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_fill(cr);
    cairo_destroy(cr);
}

void LockScreen::draw(cairo_t* cr) {
    if (content_stale_) render();
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_rgba(cr, 0, 0, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    const double offset = swipe_.offset(now_);
    drawn_offset_ = offset;
    // Whole device pixels: the content is copied, never resampled.
    paint_at(cr, content_.get(), 0, -std::round(offset * scale_) / scale_, scale_);
}

void LockScreen::frame(std::uint32_t time) {
    now_ = time;
    if (!surface_) return;
    if (swipe_.offset(time) != drawn_offset_ || swipe_.is_animating(time)) surface_->damage_all();
    if (swipe_.gone(time) && !remove_ && swipe_.offset(time) == drawn_offset_) {
        remove_ = true;
        unlocked_pending_ = true;
    }
}

// --- input --------------------------------------------------------------------

void LockScreen::press(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ || swipe_.unlocking() || !laid_out_) return;
    touch_id_ = id;
    press_x_ = x;
    press_y_ = y;
    now_ = time;
    swipe_.begin(x, y, time);
}

void LockScreen::move(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ != id) return;
    now_ = time;
    swipe_.move(x, y, time);
    if (swipe_.offset(time) != drawn_offset_) surface_->damage_all();
}

void LockScreen::release(int id, std::uint32_t time) {
    if (touch_id_ != id) return;
    touch_id_.reset();
    now_ = time;
    switch (swipe_.end(time)) {
    case LockSwipe::Outcome::unlock:
        unlock(time, std::nullopt);
        break;
    case LockSwipe::Outcome::tap: {
        const int rows = std::min<int>(static_cast<int>(notices_.size()), geometry_.rows_that_fit());
        for (int i = 0; i < rows; ++i) {
            if (geometry_.row(i).contains(press_x_, press_y_)) {
                unlock(time, notices_[static_cast<std::size_t>(i)].id);
                break;
            }
        }
        break;
    }
    case LockSwipe::Outcome::stay:
        break;
    }
    surface_->damage_all();
}

void LockScreen::cancel() {
    if (!touch_id_) return;
    touch_id_.reset();
    now_ = monotonic_ms();
    swipe_.cancel(now_);
    surface_->damage_all();
}

}  // namespace cirrus::shell
