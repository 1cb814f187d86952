#include "banners.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "home_screen.hpp"  // monotonic_ms
#include "overlay_cards.hpp"
#include "overlay_drawing.hpp"
#include "protocols.hpp"

namespace cirrus::shell {

namespace {

constexpr double kTapSlopPx = 10;
constexpr double kDismissDragPx = 24;        // a drag up this far dismisses...
constexpr double kDismissVelocityPxS = 500;  // ...and so does a flick up this fast

}  // namespace

Banners::Banners(WaylandClient& client, ShellProtocol& protocol, AppList& apps)
    : client_(client), protocol_(protocol), apps_(apps) {}

Banners::~Banners() = default;

// --- the queue ----------------------------------------------------------------

void Banners::push(Notice notice) {
    const std::uint32_t now = monotonic_ms();
    // Too many waiting: the oldest will never be a banner; the compositor
    // can forget them.
    for (std::uint32_t id : queue_.push(std::move(notice), now)) protocol_.dismiss_notification(id);
    sync(now);
}

void Banners::remove(std::uint32_t id) {
    settle(id);  // the compositor closed it: nothing to tell it
    if (queue_.remove(id, monotonic_ms())) sync(monotonic_ms());
}

std::vector<Notice> Banners::take_all() {
    // The lock screen answers for them from now on.
    tracked_.reset();
    std::vector<Notice> all = queue_.take_all();
    sync(monotonic_ms());
    return all;
}

void Banners::timer_expired() {
    if (timer_.consume()) sync(monotonic_ms());
}

void Banners::settle(std::uint32_t id) {
    if (tracked_ == id) tracked_settled_ = true;
}

void Banners::track_current() {
    const Notice* n = queue_.current();
    if (tracked_ && (!n || n->id != *tracked_)) {
        // Its banner ran its course untouched: no one can tap it any more,
        // so the compositor need not keep it.
        if (!tracked_settled_) protocol_.dismiss_notification(*tracked_);
        tracked_.reset();
    }
    if (n && !tracked_) {
        tracked_ = n->id;
        tracked_settled_ = false;
    }
}

void Banners::sync(std::uint32_t now) {
    now_ = now;
    queue_.advance(now);
    track_current();
    const Notice* n = queue_.current();
    if (!n) {
        timer_.disarm();
        if (surface_) remove_ = true;
        return;
    }
    if (!surface_) {
        LayerSurface::Config config;
        config.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
        config.anchor =
            ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
        config.height = compute_banner_geometry(0).surface_height;
        config.exclusive_zone = 0;  // placed below the status bar, which stays readable
        config.name_space = "cirrus-banner";
        config.opaque = false;  // the card's corners and the clear band around it
        laid_out_ = false;
        card_.reset();
        surface_ = std::make_unique<LayerSurface>(client_, config, *this);
    }
    remove_ = false;
    if (card_id_ != n->id) card_.reset();
    if (const auto ms = queue_.ms_until_leave(now)) timer_.arm(static_cast<int>(std::max<std::uint32_t>(*ms, 1)));
    else timer_.disarm();
    if (laid_out_) surface_->damage_all();
}

void Banners::before_wait() {
    if (remove_) {
        // Here, outside every callback of the surface, it can go.
        surface_.reset();
        remove_ = false;
        card_.reset();
        laid_out_ = false;
        touch_id_.reset();
        drag_up_ = 0;
        return;
    }
    if (surface_) surface_->flush();
}

void Banners::outputs_changed() {
    if (surface_) surface_->update_scale();
}

std::vector<FdWatch> Banners::fds() {
    return {{timer_.fd(), [this] { timer_expired(); }}};
}

// --- drawing ------------------------------------------------------------------

void Banners::layout(int width, int, int scale) {
    geometry_ = compute_banner_geometry(width);
    scale_ = scale;
    laid_out_ = true;
    card_.reset();
    // The clear band around the card must not take taps from the app below.
    surface_->set_input_region(geometry_.card);
}

double Banners::card_offset(std::uint32_t now) const {
    const double span = geometry_.card.y + geometry_.card.height;
    return -(1 - queue_.visible_fraction(now)) * span - drag_up_;
}

void Banners::render_card() {
    const Notice* n = queue_.current();
    card_.reset();
    if (!n) return;
    card_id_ = n->id;
    card_ = new_logical_surface(geometry_.width, geometry_.surface_height, scale_);
    if (!card_) return;
    cairo_t* cr = cairo_create(card_.get());
    cairo_scale(cr, scale_, scale_);
    const std::string name = app_display_name(apps_, n->app);
    const int icon_pixels = geometry_.icon.width * scale_;
    SurfacePtr icon;
    try {
        if (auto png = apps_.icon_png(n->app, icon_pixels)) icon = make_icon(*png, icon_pixels);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: cannot read %s's icon: %s\n", n->app.c_str(), e.what());
    }
    if (!icon) icon = make_placeholder_icon(name, icon_pixels);
    draw_banner_card(cr, geometry_, scale_, *n, name, icon.get());
    cairo_destroy(cr);
}

void Banners::draw(cairo_t* cr) {
    const Notice* n = queue_.current();
    if (n && (!card_ || card_id_ != n->id)) render_card();
    cairo_save(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    cairo_set_source_rgba(cr, 0, 0, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    const double offset = card_offset(now_);
    drawn_offset_ = offset;
    if (n) paint_at(cr, card_.get(), 0, std::round(offset * scale_) / scale_, scale_);
}

void Banners::frame(std::uint32_t time) {
    now_ = time;
    queue_.advance(time);
    track_current();
    const Notice* n = queue_.current();
    if (!n) {
        if (surface_) remove_ = true;  // its slide up has ended
        timer_.disarm();
        return;
    }
    if (card_id_ != n->id) card_.reset();
    if (card_offset(time) != drawn_offset_ || queue_.is_animating(time) || !card_) surface_->damage_all();
    if (!timer_.armed()) {
        if (const auto ms = queue_.ms_until_leave(time)) timer_.arm(static_cast<int>(std::max<std::uint32_t>(*ms, 1)));
    }
}

// --- input --------------------------------------------------------------------

void Banners::press(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ || !queue_.current() || queue_.phase() == BannerQueue::Phase::leaving) return;
    if (!geometry_.card.contains(x, y)) return;
    touch_id_ = id;
    touch_x_ = x;
    touch_y_ = y;
    moved_ = false;
    drag_up_ = 0;
    last_y_ = y;
    last_time_ = time;
    velocity_up_ = 0;
    now_ = time;
    queue_.hold(true, time);  // it stays while a finger is on it
}

void Banners::move(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ != id) return;
    now_ = time;
    if (!moved_ && std::hypot(x - touch_x_, y - touch_y_) > kTapSlopPx) moved_ = true;
    drag_up_ = std::max(0.0, touch_y_ - y);  // up only: a banner does not pull down
    if (time != last_time_) velocity_up_ = (last_y_ - y) * 1000.0 / static_cast<std::int32_t>(time - last_time_);
    last_y_ = y;
    last_time_ = time;
    if (card_offset(time) != drawn_offset_) surface_->damage_all();
}

void Banners::release(int id, std::uint32_t time) {
    if (touch_id_ != id) return;
    touch_id_.reset();
    now_ = time;
    queue_.hold(false, time);
    const Notice* n = queue_.current();
    if (n && !moved_) {
        // A tap: the app comes forward (the compositor focuses it and tells
        // it), and the banner is gone at once.
        const std::uint32_t tapped = n->id;
        settle(tapped);
        queue_.take_current(time);
        protocol_.activate_notification(tapped);
    } else if (n && (drag_up_ >= kDismissDragPx || velocity_up_ >= kDismissVelocityPxS)) {
        const double span = geometry_.card.y + geometry_.card.height;
        const double from = queue_.visible_fraction(time) - drag_up_ / span;
        if (const auto dismissed = queue_.dismiss_current(time, from)) {
            settle(*dismissed);
            protocol_.dismiss_notification(*dismissed);
        }
    }
    drag_up_ = 0;  // a short drag falls back to rest
    sync(time);
}

void Banners::cancel() {
    if (!touch_id_) return;
    touch_id_.reset();
    const std::uint32_t now = monotonic_ms();
    queue_.hold(false, now);
    drag_up_ = 0;
    sync(now);
}

}  // namespace cirrus::shell
