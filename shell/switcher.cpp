#include "switcher.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "home_screen.hpp"
#include "overlay_cards.hpp"
#include "overlay_drawing.hpp"
#include "protocols.hpp"
#include "theme.hpp"

namespace cirrus::shell {

namespace {

constexpr int kHeaderGap = 8;  // between the header's icon and name

// The clip of `cr` as a box, rounded outwards (what must be repainted).
Box clip_box(cairo_t* cr) {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    cairo_clip_extents(cr, &x1, &y1, &x2, &y2);
    return {static_cast<int>(std::floor(x1)), static_cast<int>(std::floor(y1)),
            static_cast<int>(std::ceil(x2 - x1)) + 1, static_cast<int>(std::ceil(y2 - y1)) + 1};
}

}  // namespace

Switcher::Switcher(WaylandClient& client, ShellProtocol& protocol, AppList& apps)
    : client_(client), protocol_(protocol), apps_(apps) {}

Switcher::~Switcher() = default;

bool Switcher::open(int width, int height, int scale) {
    const std::vector<std::string>& apps = recent_.order();
    if (apps.empty() || !protocol_.available() || width <= 0 || height <= 0) return false;
    // One still going away: replaced now (this runs from a compositor event,
    // never from the old surface's own handlers).
    surface_.reset();
    remove_ = false;
    cards_.clear();
    restore_timer_.disarm();
    touch_id_.reset();
    was_animating_ = false;
    now_ = monotonic_ms();
    scale_ = std::max(scale, 1);
    model_.open(apps);
    model_.set_geometry(compute_switcher_geometry(width, height));
    for (const std::string& app : apps) cards_[app].name = name_of(app);
    // Asked before the surface exists: the compositor answers them before
    // the surface's first configure, so the first frame has the pictures.
    capture_all();

    LayerSurface::Config config;
    config.layer = ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
    config.anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM |
                    ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT | ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    config.exclusive_zone = -1;  // over the status bar too: the cards have the screen
    config.name_space = "cirrus-switcher";
    surface_ = std::make_unique<LayerSurface>(client_, config, *this);
    return true;
}

void Switcher::close() {
    if (!surface_ || remove_) return;
    remove_ = true;
    touch_id_.reset();
    restore_timer_.disarm();
}

void Switcher::before_wait() {
    if (remove_) {
        surface_.reset();
        remove_ = false;
        cards_.clear();  // the pictures (and any capture still on its way) go with it
        model_.open({});
        return;
    }
    if (surface_) surface_->flush();
}

void Switcher::outputs_changed() {
    if (surface_ && !remove_) surface_->update_scale();
}

std::vector<FdWatch> Switcher::fds() {
    return {{restore_timer_.fd(), [this] { restore_timer_fired(); }}};
}

std::string Switcher::name_of(const std::string& app) const {
    // The document title names the card (a web app's title says which note
    // or page it shows; the icon says which app); the home-screen name when
    // the page has none yet.
    if (const auto t = state_.titles.find(app); t != state_.titles.end() && !t->second.empty()) return t->second;
    try {
        if (auto label = apps_.label(app)) return *label;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: cannot read %s's name from the registry: %s\n", app.c_str(), e.what());
    }
    return app;
}

void Switcher::capture_all() {
    const SwitcherGeometry& g = model_.geometry();
    const int width = g.card_width * scale_;
    const int height = g.card_height * scale_;
    for (std::size_t i = 0; i < model_.size(); ++i) {
        const std::string app = model_.app(i);
        Card& card = cards_[app];
        card.capture.reset();
        card.ready = false;
        if (!card.picture || card.picture->width() != width || card.picture->height() != height) {
            card.picture = ShmBuffer::create(client_.shm(), width, height, false);
        }
        if (!card.picture) continue;  // drawn with its icon instead
        card.capture = protocol_.capture_app(app, card.picture->buffer(), [this, app](bool ok, int w, int h) {
            const auto it = cards_.find(app);
            if (it == cards_.end()) return;
            it->second.ready = ok;
            it->second.picture_width = w;
            it->second.picture_height = h;
            it->second.capture.reset();
            damage_band();
        });
    }
}

void Switcher::render_art(const std::string& app, Card& card) {
    if (card.art_scale == scale_ && card.icon && card.label) return;
    const SwitcherGeometry& g = model_.geometry();
    const int pixels = g.icon_size * scale_;
    card.icon.reset();
    try {
        if (auto png = apps_.icon_png(app, pixels)) card.icon = make_icon(*png, pixels);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: cannot read %s's icon: %s\n", app.c_str(), e.what());
    }
    if (!card.icon) card.icon = make_placeholder_icon(card.name, pixels);

    const int label_width = std::max(1, g.card_width - g.icon_size - kHeaderGap);
    card.label = new_logical_surface(label_width, g.header_height, scale_);
    if (card.label) {
        cairo_t* cr = cairo_create(card.label.get());
        cairo_scale(cr, scale_, scale_);
        draw_switcher_card_name(cr, card.name, label_width, g.header_height, g.name_font_px);
        cairo_destroy(cr);
    }
    card.art_scale = scale_;
}

void Switcher::damage_band() {
    if (surface_ && !remove_) surface_->damage(model_.geometry().band());
}

void Switcher::layout(int width, int height, int scale) {
    const SwitcherGeometry& old = model_.geometry();
    const bool changed = width != old.width || height != old.height || scale != scale_;
    scale_ = std::max(scale, 1);
    if (changed) {
        // Turned, or another scale: new card sizes, so new pictures.
        model_.set_geometry(compute_switcher_geometry(width, height));
        for (auto& [app, card] : cards_) card.art_scale = 0;
        capture_all();
    }
    now_ = monotonic_ms();
}

void Switcher::draw(cairo_t* cr) {
    const SwitcherGeometry& g = model_.geometry();
    const Box clip = clip_box(cr);
    set_colour(cr, rgb(kSwitcherBackgroundRgb));
    cairo_paint(cr);

    for (std::size_t i = 0; i < model_.size(); ++i) {
        const SwitcherModel::CardView view = model_.card(i, now_);
        const Box& f = view.frame;
        if (!view.visible || !Box{f.x, f.y - g.header_height, f.width, f.height + g.header_height}.intersects(clip)) {
            continue;
        }
        const std::string& app = model_.app(i);
        Card& card = cards_[app];
        render_art(app, card);

        // The header: icon and name above the frame, moving with it.
        const int header_y = f.y - g.header_height;
        if (card.icon) paint_at(cr, card.icon.get(), f.x, header_y + (g.header_height - g.icon_size) / 2, scale_);
        if (card.label) paint_at(cr, card.label.get(), f.x + g.icon_size + kHeaderGap, header_y, scale_);

        // The frame, with rounded corners.
        cairo_save(cr);
        rounded_rect(cr, f.x, f.y, f.width, f.height, g.corner_radius);
        cairo_clip(cr);
        set_colour(cr, rgb(kSwitcherCardRgb));
        cairo_paint(cr);
        if (card.ready && card.picture) {
            // Device pixels 1:1: the compositor rendered it at this size.
            cairo_save(cr);
            cairo_translate(cr, f.x, f.y);
            cairo_scale(cr, 1.0 / scale_, 1.0 / scale_);
            cairo_set_source_surface(cr, card.picture->surface(), 0, 0);
            cairo_rectangle(cr, 0, 0, card.picture_width, card.picture_height);
            cairo_fill(cr);
            cairo_restore(cr);
        } else if (card.icon) {
            // No frame yet (a launch in progress): its icon, as its splash has.
            paint_at(cr, card.icon.get(), f.x + (f.width - g.icon_size) / 2.0, f.y + (f.height - g.icon_size) / 2.0,
                     scale_);
        }
        cairo_restore(cr);
    }
}

void Switcher::frame(std::uint32_t time) {
    now_ = time;
    // One more frame after the motion ends, at the exact resting place.
    const bool animating = model_.is_animating(time);
    if (animating || was_animating_) damage_band();
    was_animating_ = animating;
}

void Switcher::press(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ || remove_) return;  // one finger drives the cards
    touch_id_ = id;
    now_ = time;
    model_.press(x, y, time);
    damage_band();  // a touch stops gliding cards where they are
}

void Switcher::move(int id, double x, double y, std::uint32_t time) {
    if (touch_id_ != id || remove_) return;
    now_ = time;
    model_.move(x, y, time);
    damage_band();
}

void Switcher::release(int id, std::uint32_t time) {
    if (touch_id_ != id || remove_) return;
    touch_id_.reset();
    now_ = time;
    const SwitcherAction action = model_.release(time);
    damage_band();
    was_animating_ = true;  // whatever was set going is drawn from here
    switch (action.kind) {
    case SwitcherAction::Kind::none:
        break;
    case SwitcherAction::Kind::activate:
        switch_to(action.app);
        break;
    case SwitcherAction::Kind::close:
        // The card flies out now; it is removed when the compositor says the
        // app closed, and comes back if that does not happen.
        protocol_.close_app(action.app);
        restore_timer_.arm(kRestoreAfterMs);
        break;
    case SwitcherAction::Kind::dismiss:
        leave_to_home();
        break;
    }
}

void Switcher::cancel() {
    if (!touch_id_) return;
    touch_id_.reset();
    now_ = monotonic_ms();
    model_.cancel(now_);
    damage_band();
}

void Switcher::switch_to(const std::string& app) {
    // A card of an app still launching has no window to activate: the
    // launch brings it (and its splash) forward.
    const auto it = state_.apps.find(app);
    if (it != state_.apps.end() && it->second == AppState::launching) protocol_.launch(app);
    else protocol_.activate(app);
    protocol_.set_switcher(false);
    close();
}

void Switcher::leave_to_home() {
    // Home first: set_switcher(0) alone would show the last app for a frame.
    protocol_.show_home();
    protocol_.set_switcher(false);
    close();
}

void Switcher::restore_timer_fired() {
    if (!restore_timer_.consume() || !is_open()) return;
    if (model_.restore_unclosed(monotonic_ms(), kRestoreAfterMs)) {
        was_animating_ = true;
        damage_band();
    }
}

void Switcher::compositor_state(const CompositorState& state) {
    std::vector<std::string> running;
    for (const auto& [app, app_state] : state.apps) running.push_back(app);
    recent_.update(state.front_app, running);
    state_ = state;
    if (!is_open()) return;
    if (state.locked) {
        // The lock screen covers everything; unlocking must not come back to
        // a switcher (the compositor would keep the apps hidden for it).
        protocol_.set_switcher(false);
        close();
        return;
    }
    if (!state.front_app.empty()) {
        close();  // an app came forward without us (a banner, a launch)
        return;
    }
    const std::uint32_t now = monotonic_ms();
    std::vector<std::string> gone;
    for (std::size_t i = 0; i < model_.size(); ++i) {
        if (!state.apps.count(model_.app(i))) gone.push_back(model_.app(i));
    }
    for (const std::string& app : gone) {
        model_.remove(app, now);
        cards_.erase(app);
    }
    if (!gone.empty()) {
        now_ = now;
        was_animating_ = true;
        damage_band();
    }
    // The last app closed: nothing to switch to, home it is.
    if (model_.size() == 0) leave_to_home();
}

}  // namespace cirrus::shell
