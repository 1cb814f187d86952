// The home screen pager's physics. A settle is an ease-out cubic rather than a
// spring: it ends at an exact time (so the shell stops drawing at a known
// frame) and exactly on the page, with no overshoot into the next page.
#include "pager.hpp"

#include <algorithm>
#include <cmath>

namespace cirrus::shell {
namespace {}  // namespace

Pager::Pager(int page_count, double page_width, PagerConfig config) : config_(config) {
    set_layout(page_count, page_width);
}

void Pager::set_layout(int page_count, double page_width) {
    const int page = target_page();
    page_count_ = std::max(1, page_count);
    page_width_ = std::max(0.0, page_width);
    page_ = clamp_page(page);
    phase_ = Phase::resting;  // a touch in progress is dropped: its x means nothing now
    samples_.clear();
}

void Pager::drag_begin(double x, std::uint32_t time) {
    const double shown = offset(time);
    // Stopping a moving page is a gesture of its own, never a tap on an icon.
    drag_ = is_animating(time);
    phase_ = drag_ ? Phase::dragging : Phase::pressed;
    touch_x_ = origin_x_ = x;
    raw_origin_ = raw_offset_ = unrubber_banded(shown);
    origin_page_ = nearest_page_of(shown);
    samples_.start(time, x);
}

void Pager::drag_move(double x, std::uint32_t time) {
    if (!is_touching()) return;
    samples_.add(time, x);
    if (phase_ == Phase::pressed) {
        const double moved = x - touch_x_;
        if (std::abs(moved) < config_.tap_slop_px) return;
        phase_ = Phase::dragging;
        drag_ = true;
        // Start following from the slop's edge, so the page does not jump by
        // the slop when the drag is recognised.
        origin_x_ = touch_x_ + std::copysign(config_.tap_slop_px, moved);
    }
    raw_offset_ = raw_origin_ - (x - origin_x_);
}

void Pager::drag_end(std::uint32_t time) {
    if (phase_ == Phase::pressed) {
        phase_ = Phase::resting;
    } else if (phase_ == Phase::dragging) {
        const double offset_velocity = -samples_.velocity(time);
        settle_to(release_page(offset_velocity), offset_velocity, time);
    }
}

void Pager::drag_cancel(std::uint32_t time) {
    if (phase_ == Phase::pressed) phase_ = Phase::resting;
    else if (phase_ == Phase::dragging) settle_to(release_page(0), 0, time);
}

void Pager::go_to_page(int page, std::uint32_t time) {
    page = clamp_page(page);
    if (is_touching() || (phase_ == Phase::settling && page == page_)) return;
    settle_to(page, 0, time);
}

double Pager::offset(std::uint32_t now) const {
    switch (phase_) {
    case Phase::resting:
        return page_ * page_width_;
    case Phase::pressed:
    case Phase::dragging:
        return rubber_banded(raw_offset_);
    case Phase::settling:
        return settle_offset(now);
    }
    return page_ * page_width_;
}

int Pager::target_page() const { return is_touching() ? release_page(0) : page_; }

bool Pager::is_animating(std::uint32_t now) const {
    return phase_ == Phase::settling && ms_between(settle_start_, now) < static_cast<std::int32_t>(settle_ms_);
}

int Pager::nearest_page_of(double offset) const {
    if (page_width_ <= 0) return page_;
    return clamp_page(static_cast<int>(std::lround(offset / page_width_)));
}

int Pager::clamp_page(int page) const { return std::clamp(page, 0, page_count_ - 1); }

// UIScrollView's rubber band: the further past the end, the less each px of
// finger moves the page, approaching but never reaching one page width.
double Pager::rubber_banded(double raw) const {
    const auto band = [&](double over) {
        if (page_width_ <= 0) return 0.0;
        return (1 - 1 / (over * config_.rubber_band / page_width_ + 1)) * page_width_;
    };
    if (raw < 0) return -band(-raw);
    if (raw > max_offset()) return max_offset() + band(raw - max_offset());
    return raw;
}

double Pager::unrubber_banded(double shown) const {
    const auto unband = [&](double over) {
        if (page_width_ <= 0 || config_.rubber_band <= 0) return 0.0;
        const double fraction = std::min(over / page_width_, 0.999);
        return (1 / (1 - fraction) - 1) * page_width_ / config_.rubber_band;
    };
    if (shown < 0) return -unband(-shown);
    if (shown > max_offset()) return max_offset() + unband(shown - max_offset());
    return shown;
}

// A flick turns to the next page boundary in its direction; a slow release
// goes to the nearest page. Either way at most one page from where the drag
// began, since a flick is one page on a phone, however hard.
int Pager::release_page(double offset_velocity) const {
    if (page_width_ <= 0) return page_;
    const double position = raw_offset_ / page_width_;
    int page = static_cast<int>(std::lround(position));
    if (offset_velocity >= config_.flick_velocity_px_s) page = static_cast<int>(std::floor(position)) + 1;
    else if (offset_velocity <= -config_.flick_velocity_px_s) page = static_cast<int>(std::ceil(position)) - 1;
    page = std::clamp(page, origin_page_ - 1, origin_page_ + 1);
    return clamp_page(page);
}

void Pager::settle_to(int page, double offset_velocity, std::uint32_t now) {
    const double from = offset(now);
    page_ = page;
    const double distance = page_ * page_width_ - from;
    if (std::abs(distance) < 1e-6) {
        phase_ = Phase::resting;
        return;
    }
    // An ease-out cubic starts at 3 * distance / duration: pick the duration
    // that makes that the finger's speed, so the page carries on smoothly.
    const double speed_towards = offset_velocity * (distance > 0 ? 1 : -1);
    double duration_ms = config_.max_settle_ms;
    if (speed_towards > 0)
        duration_ms =
            std::clamp(3 * std::abs(distance) / speed_towards * 1000.0, static_cast<double>(config_.min_settle_ms),
                       static_cast<double>(config_.max_settle_ms));
    phase_ = Phase::settling;
    settle_from_ = from;
    settle_start_ = now;
    settle_ms_ = static_cast<std::uint32_t>(std::lround(duration_ms));
}

double Pager::settle_offset(std::uint32_t now) const {
    const double target = page_ * page_width_;
    const std::int32_t elapsed = ms_between(settle_start_, now);
    if (elapsed <= 0) return settle_from_;
    if (elapsed >= static_cast<std::int32_t>(settle_ms_)) return target;  // exactly, not whatever the curve rounds to
    const double u = static_cast<double>(elapsed) / settle_ms_;
    const double eased = 1 - std::pow(1 - u, 3);
    return settle_from_ + (target - settle_from_) * eased;
}

}  // namespace cirrus::shell
