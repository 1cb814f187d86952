// The switcher's model. Motion is eased (ease-out cubic), never a spring:
// every animation ends at a known time, exactly where it should, so the
// shell draws a known number of frames and then stops asking for them.
#include "switcher_model.hpp"

#include <algorithm>
#include <cmath>

namespace cirrus::shell {
namespace {

int round_to_int(double v) { return static_cast<int>(std::lround(v)); }

}  // namespace

// --- RecentApps ------------------------------------------------------------------

void RecentApps::update(const std::string& front, const std::vector<std::string>& running) {
    std::erase_if(order_, [&](const std::string& app) {
        return std::find(running.begin(), running.end(), app) == running.end();
    });
    if (!front.empty()) {
        std::erase(order_, front);
        order_.insert(order_.begin(), front);
    }
    for (const std::string& app : running) {
        if (std::find(order_.begin(), order_.end(), app) == order_.end()) order_.push_back(app);
    }
}

// --- geometry --------------------------------------------------------------------

SwitcherGeometry compute_switcher_geometry(int width, int height) {
    SwitcherGeometry g;
    g.width = std::max(width, 1);
    g.height = std::max(height, 1);
    // Sizes grow with the short side, from a 480 px wide phone.
    const double u = std::min(g.width, g.height) / 480.0;
    g.header_height = std::max(28, round_to_int(44 * u));
    g.icon_size = std::max(20, round_to_int(28 * u));
    g.name_font_px = std::max(11, round_to_int(15 * u));
    g.corner_radius = std::max(4, round_to_int(10 * u));

    // An app window fills the output below the status bar: a card has its
    // shape, so the app's frame fills the card. Wide enough to read, narrow
    // enough that the older app's card peeks in from the left.
    const double work_height = std::max(1, g.height - kStatusBarHeight);
    double card_width = g.width * 0.62;
    double card_height = card_width * work_height / g.width;
    const double max_height = g.height * 0.8 - g.header_height;
    if (card_height > max_height) {  // landscape: the height limits
        card_height = std::max(1.0, max_height);
        card_width = card_height * g.width / work_height;
    }
    g.card_width = std::max(1, round_to_int(card_width));
    g.card_height = std::max(1, round_to_int(card_height));
    g.card_y = (g.height - (g.header_height + g.card_height)) / 2 + g.header_height;
    g.pitch = g.card_width + std::max(12, round_to_int(g.width * 0.05));
    return g;
}

// --- tweens ----------------------------------------------------------------------

double SwitcherModel::Tween::at(std::uint32_t now) const {
    const std::int32_t elapsed = ms_between(start, now);
    if (elapsed >= static_cast<std::int32_t>(ms)) return to;  // exactly, not what the curve rounds to
    if (elapsed <= 0) return from;
    const double u = static_cast<double>(elapsed) / ms;
    return from + (to - from) * (1 - std::pow(1 - u, 3));
}

bool SwitcherModel::Tween::running(std::uint32_t now) const {
    return ms > 0 && ms_between(start, now) < static_cast<std::int32_t>(ms);
}

// --- cards -----------------------------------------------------------------------

void SwitcherModel::set_geometry(const SwitcherGeometry& geometry) {
    // Keep the card that was centred centred.
    const double card = geometry_.pitch > 0 ? scroll_ / geometry_.pitch : 0;
    geometry_ = geometry;
    scroll_ = std::clamp(std::round(card), 0.0, static_cast<double>(std::max<std::size_t>(cards_.size(), 1) - 1)) *
              geometry_.pitch;
    settling_ = false;
    touch_ = Touch::none;  // a touch in progress means nothing in the new layout
    for (Card& c : cards_) {
        if (c.state == CardState::lifted) c.state = CardState::resting;
        c.shift = {};
        if (c.state == CardState::flying) c.lift_tween.from = c.lift_tween.to = fly_out_lift();
        if (c.state == CardState::returning) c.lift_tween = {};
        c.lift = 0;
    }
}

void SwitcherModel::open(std::vector<std::string> apps) {
    cards_.clear();
    for (std::string& app : apps) {
        Card card;
        card.app = std::move(app);
        cards_.push_back(std::move(card));
    }
    scroll_ = 0;
    settling_ = false;
    touch_ = Touch::none;
    touched_.reset();
}

std::optional<std::size_t> SwitcherModel::index_of(const std::string& app) const {
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        if (cards_[i].app == app) return i;
    }
    return std::nullopt;
}

void SwitcherModel::remove(const std::string& app, std::uint32_t now) {
    const auto found = index_of(app);
    if (!found) return;
    const std::size_t k = *found;
    const double before = scroll(now);
    // Older cards move one place to the right: they start where they were
    // and slide over.
    for (std::size_t j = k + 1; j < cards_.size(); ++j) {
        Card& c = cards_[j];
        c.shift = Tween{c.shift.at(now) - geometry_.pitch, 0, now, config_.shift_ms};
    }
    cards_.erase(cards_.begin() + static_cast<std::ptrdiff_t>(k));
    if (touched_) {
        if (*touched_ == k) {
            touched_.reset();
            stopped_motion_ = true;  // the finger's card is gone: its release does nothing
            if (touch_ == Touch::lifting) touch_ = Touch::none;
        } else if (*touched_ > k) {
            --*touched_;
        }
    }
    // Past the new last card (the oldest was centred and went): glide back.
    if (touch_ != Touch::scrolling && before > max_scroll()) settle_to(max_scroll(), 0, now, before);
}

double SwitcherModel::fly_out_lift() const { return -(geometry_.card_y + geometry_.card_height + 4.0); }

double SwitcherModel::lift_of(const Card& card, std::uint32_t now) const {
    switch (card.state) {
    case CardState::resting:
        return 0;
    case CardState::lifted:
        return card.lift;
    case CardState::returning:
    case CardState::flying:
        return card.lift_tween.at(now);
    }
    return 0;
}

SwitcherModel::CardView SwitcherModel::card(std::size_t index, std::uint32_t now) const {
    const Card& c = cards_.at(index);
    CardView v;
    const double x =
        geometry_.centre_x() + scroll(now) - static_cast<double>(index) * geometry_.pitch + c.shift.at(now);
    v.frame = {round_to_int(x), geometry_.card_y + round_to_int(lift_of(c, now)), geometry_.card_width,
               geometry_.card_height};
    v.visible = !(c.state == CardState::flying && !c.lift_tween.running(now));
    return v;
}

std::optional<std::size_t> SwitcherModel::hit(double x, double y, std::uint32_t now) const {
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        const Card& c = cards_[i];
        const bool at_rest =
            c.state == CardState::resting || (c.state == CardState::returning && !c.lift_tween.running(now));
        if (!at_rest) continue;
        const Box frame = card(i, now).frame;
        const Box with_header{frame.x, frame.y - geometry_.header_height, frame.width,
                              frame.height + geometry_.header_height};
        if (with_header.contains(x, y)) return i;
    }
    return std::nullopt;
}

bool SwitcherModel::restore_unclosed(std::uint32_t now, std::uint32_t timeout_ms) {
    bool any = false;
    for (Card& c : cards_) {
        if (c.state != CardState::flying || ms_between(c.closed_at, now) < static_cast<std::int32_t>(timeout_ms)) {
            continue;
        }
        c.state = CardState::returning;
        c.lift_tween = Tween{c.lift_tween.at(now), 0, now, config_.return_ms};
        any = true;
    }
    return any;
}

// --- scrolling -------------------------------------------------------------------

double SwitcherModel::max_scroll() const {
    return cards_.empty() ? 0 : static_cast<double>(cards_.size() - 1) * geometry_.pitch;
}

// UIScrollView's rubber band (as the home pager): past an end, each px of
// finger moves the cards less, approaching but never reaching one pitch.
double SwitcherModel::rubber_banded(double raw) const {
    const double unit = geometry_.pitch;
    const auto band = [&](double over) {
        return unit <= 0 ? 0.0 : (1 - 1 / (over * config_.rubber_band / unit + 1)) * unit;
    };
    if (raw < 0) return -band(-raw);
    if (raw > max_scroll()) return max_scroll() + band(raw - max_scroll());
    return raw;
}

double SwitcherModel::unrubber_banded(double shown) const {
    const double unit = geometry_.pitch;
    const auto unband = [&](double over) {
        if (unit <= 0 || config_.rubber_band <= 0) return 0.0;
        const double fraction = std::min(over / unit, 0.999);
        return (1 / (1 - fraction) - 1) * unit / config_.rubber_band;
    };
    if (shown < 0) return -unband(-shown);
    if (shown > max_scroll()) return max_scroll() + unband(shown - max_scroll());
    return shown;
}

double SwitcherModel::scroll(std::uint32_t now) const {
    if (touch_ == Touch::scrolling) return rubber_banded(raw_scroll_);
    if (settling_) return settle_.at(now);
    return scroll_;
}

void SwitcherModel::settle_to(double target, double velocity, std::uint32_t now, double from) {
    scroll_ = target;
    const double distance = target - from;
    if (std::abs(distance) < 1e-6) {
        settling_ = false;
        return;
    }
    // An ease-out cubic starts at 3 * distance / duration: match the finger's
    // speed so the cards carry on smoothly.
    const double towards = velocity * (distance > 0 ? 1 : -1);
    double ms = config_.max_settle_ms;
    if (towards > 0) {
        ms = std::clamp(3 * std::abs(distance) / towards * 1000.0, static_cast<double>(config_.min_settle_ms),
                        static_cast<double>(config_.max_settle_ms));
    }
    settling_ = true;
    settle_ = Tween{from, target, now, static_cast<std::uint32_t>(std::lround(ms))};
}

bool SwitcherModel::is_animating(std::uint32_t now) const {
    if (touch_ != Touch::scrolling && settling_ && settle_.running(now)) return true;
    for (const Card& c : cards_) {
        if (c.shift.running(now)) return true;
        if ((c.state == CardState::flying || c.state == CardState::returning) && c.lift_tween.running(now)) {
            return true;
        }
    }
    return false;
}

// --- touch -----------------------------------------------------------------------

void SwitcherModel::press(double x, double y, std::uint32_t time) {
    // A touch on gliding cards stops them where they are; it is never a tap
    // (the user caught the cards, not chose one). Cards in the last few px
    // of a glide look still: a tap on them is a tap, and they glide on.
    stopped_motion_ = false;
    if (settling_ && std::abs(settle_.at(time) - settle_.to) >= config_.tap_slop_px) {
        stopped_motion_ = settle_.running(time);
        scroll_ = settle_.at(time);
        settling_ = false;
    }
    touch_ = Touch::pressed;
    down_x_ = x;
    down_y_ = y;
    touched_ = hit(x, y, time);
    finger_x_.start(time, x);
    finger_y_.start(time, y);
}

void SwitcherModel::move(double x, double y, std::uint32_t time) {
    if (touch_ == Touch::none) return;
    finger_x_.add(time, x);
    finger_y_.add(time, y);
    const double dx = x - down_x_;
    const double dy = y - down_y_;
    if (touch_ == Touch::pressed) {
        if (std::hypot(dx, dy) < config_.tap_slop_px) return;
        if (touched_ && std::abs(dy) > std::abs(dx)) {
            touch_ = Touch::lifting;
            cards_[*touched_].state = CardState::lifted;
        } else {
            // Follow from here (a glide still ending stops where it is), so
            // the cards do not jump by the slop.
            const double current = scroll(time);
            settling_ = false;
            scroll_ = current;
            touch_ = Touch::scrolling;
            origin_scroll_ = raw_scroll_ = unrubber_banded(current);
            origin_x_ = x;
        }
    }
    if (touch_ == Touch::lifting && touched_) {
        // Up follows the finger; down only gives a little (nothing is there).
        const double slop = config_.tap_slop_px;
        cards_[*touched_].lift =
            dy < 0 ? std::min(0.0, dy + slop)
                   : std::min<double>(SwitcherGeometry::kMaxSink, std::max(0.0, dy - slop) * config_.down_resistance);
    } else if (touch_ == Touch::scrolling) {
        raw_scroll_ = origin_scroll_ + (x - origin_x_);
    }
}

SwitcherAction SwitcherModel::release(std::uint32_t time) {
    const Touch touch = touch_;
    SwitcherAction action;
    if (touch == Touch::pressed) {
        touch_ = Touch::none;
        if (stopped_motion_) return action;
        if (touched_) {
            action.kind = SwitcherAction::Kind::activate;
            action.app = cards_[*touched_].app;
        } else {
            action.kind = SwitcherAction::Kind::dismiss;
        }
    } else if (touch == Touch::lifting && touched_) {
        touch_ = Touch::none;
        Card& c = cards_[*touched_];
        const double v = finger_y_.velocity(time);
        const bool far = c.lift <= -config_.close_travel_ratio * geometry_.card_height;
        const bool flick = v <= -config_.close_velocity_px_s && c.lift <= -config_.close_flick_min_px;
        if (far || flick) {
            // Out through the top, at least as fast as the finger went.
            const double distance = c.lift - fly_out_lift();
            double ms = config_.fly_ms;
            if (v < 0) ms = std::clamp(3 * distance / -v * 1000.0, 60.0, static_cast<double>(config_.fly_ms));
            c.state = CardState::flying;
            c.lift_tween = Tween{c.lift, fly_out_lift(), time, static_cast<std::uint32_t>(std::lround(ms))};
            c.closed_at = time;
            action.kind = SwitcherAction::Kind::close;
            action.app = c.app;
        } else {
            c.state = CardState::returning;
            c.lift_tween = Tween{c.lift, 0, time, config_.return_ms};
        }
    } else if (touch == Touch::scrolling) {
        const double from = scroll(time);
        const double v = finger_x_.velocity(time);
        touch_ = Touch::none;
        // Momentum: as far as the flick's speed for a moment, then the
        // nearest card rests centred.
        const double projected = from + v * config_.momentum_s;
        const double index = std::clamp(std::round(projected / std::max(1, geometry_.pitch)), 0.0,
                                        static_cast<double>(std::max<std::size_t>(cards_.size(), 1) - 1));
        settle_to(index * geometry_.pitch, v, time, from);
    }
    touch_ = Touch::none;
    touched_.reset();
    return action;
}

void SwitcherModel::cancel(std::uint32_t time) {
    if (touch_ == Touch::lifting && touched_) {
        Card& c = cards_[*touched_];
        c.state = CardState::returning;
        c.lift_tween = Tween{c.lift, 0, time, config_.return_ms};
    } else if (touch_ == Touch::scrolling) {
        const double from = scroll(time);
        touch_ = Touch::none;
        const double index = std::clamp(std::round(from / std::max(1, geometry_.pitch)), 0.0,
                                        static_cast<double>(std::max<std::size_t>(cards_.size(), 1) - 1));
        settle_to(index * geometry_.pitch, 0, time, from);
    }
    touch_ = Touch::none;
    touched_.reset();
}

}  // namespace cirrus::shell
