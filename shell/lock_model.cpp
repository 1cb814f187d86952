#include "lock_model.hpp"

#include <algorithm>
#include <cmath>

namespace cirrus::shell {

double ease_out(double t) {
    t = std::clamp(t, 0.0, 1.0);
    const double u = 1 - t;
    return 1 - u * u * u;
}

// --- geometry -----------------------------------------------------------------

LockGeometry compute_lock_geometry(int width, int height) {
    LockGeometry g;
    g.width = width;
    g.height = height;
    // The clock is sized by the short side, so that landscape does not make
    // it taller than the screen can spare.
    const int short_side = std::min(width, height);
    g.time_font_px = std::clamp(short_side * 22 / 100, 40, 140);
    g.date_font_px = std::clamp(short_side * 45 / 1000, 13, 28);
    const int top = std::max(kStatusBarHeight + 8, height / 10);
    g.time = {0, top, width, g.time_font_px * 5 / 4};
    g.date = {0, g.time.y + g.time.height, width, g.date_font_px * 8 / 5};
    g.hint = {0, height - std::max(48, height / 12), width, std::max(24, g.date_font_px * 2)};
    const int margin = std::clamp(width / 30, 8, 24);
    const int list_top = g.date.y + g.date.height + std::max(12, height / 40);
    const int list_bottom = g.hint.y - 8;
    g.list = {margin, list_top, width - 2 * margin, std::max(0, list_bottom - list_top)};
    g.row_height = 52;
    g.row_gap = 8;
    return g;
}

int LockGeometry::rows_that_fit() const {
    if (list.height < row_height) return 0;
    return (list.height + row_gap) / (row_height + row_gap);
}

Box LockGeometry::row(int index) const {
    if (index < 0 || index >= rows_that_fit()) return {};
    return {list.x, list.y + index * (row_height + row_gap), list.width, row_height};
}

// --- swipe --------------------------------------------------------------------

LockSwipe::LockSwipe(double height, LockSwipeConfig config) : config_(config), height_(height) {}

void LockSwipe::reset() {
    touching_ = false;
    moved_ = false;
    sliding_ = false;
    unlocking_ = false;
    drag_offset_ = 0;
    from_ = to_ = 0;
    samples_.clear();
}

double LockSwipe::offset(std::uint32_t now) const {
    if (touching_) return drag_offset_;
    if (!sliding_) return to_;
    const std::uint32_t elapsed = now - slide_start_;
    if (config_.slide_ms == 0 || elapsed >= config_.slide_ms) return to_;
    return from_ + (to_ - from_) * ease_out(static_cast<double>(elapsed) / config_.slide_ms);
}

bool LockSwipe::is_animating(std::uint32_t now) const {
    return !touching_ && sliding_ && now - slide_start_ < config_.slide_ms;
}

bool LockSwipe::gone(std::uint32_t now) const { return unlocking_ && !is_animating(now); }

void LockSwipe::begin(double x, double y, std::uint32_t time) {
    if (unlocking_) return;  // on its way out: nothing to catch
    start_offset_ = offset(time);
    sliding_ = false;
    touching_ = true;
    moved_ = start_offset_ > 0;  // catching a moving screen is not a tap
    start_x_ = x;
    start_y_ = y;
    drag_offset_ = start_offset_;
    samples_.clear();
    samples_.push_back({time, y});
}

void LockSwipe::move(double x, double y, std::uint32_t time) {
    if (!touching_) return;
    if (!moved_ && std::hypot(x - start_x_, y - start_y_) > config_.tap_slop_px) moved_ = true;
    // Up only: pulling down from rest leaves the screen where it is.
    drag_offset_ = std::clamp(start_offset_ + (start_y_ - y), 0.0, height_);
    samples_.push_back({time, y});
    while (samples_.size() > 2 && time - samples_.front().time > config_.velocity_window_ms) samples_.pop_front();
}

double LockSwipe::upward_velocity(std::uint32_t now) const {
    // Over the recent samples only: a finger that stopped before lifting
    // has no speed left, however fast it went before.
    const Sample* first = nullptr;
    for (const Sample& s : samples_) {
        if (now - s.time <= config_.velocity_window_ms) {
            first = &s;
            break;
        }
    }
    if (!first || samples_.empty()) return 0;
    const Sample& last = samples_.back();
    const std::uint32_t dt = last.time - first->time;
    if (dt == 0) return 0;
    return (first->y - last.y) * 1000.0 / dt;
}

void LockSwipe::start_slide(double target, std::uint32_t time) {
    from_ = drag_offset_;
    to_ = target;
    slide_start_ = time;
    sliding_ = from_ != to_;
}

LockSwipe::Outcome LockSwipe::end(std::uint32_t time) {
    if (!touching_) return Outcome::stay;
    touching_ = false;
    release_velocity_ = upward_velocity(time);
    if (!moved_) {
        start_slide(0, time);
        return Outcome::tap;
    }
    const bool far = drag_offset_ >= config_.unlock_fraction * height_;
    const bool flick = release_velocity_ >= config_.flick_velocity_px_s && drag_offset_ >= config_.flick_min_px;
    if (far || flick) {
        unlocking_ = true;
        start_slide(height_, time);
        return Outcome::unlock;
    }
    start_slide(0, time);
    return Outcome::stay;
}

void LockSwipe::slide_away(std::uint32_t now) {
    if (unlocking_) return;
    drag_offset_ = offset(now);
    touching_ = false;
    unlocking_ = true;
    start_slide(height_, now);
}

void LockSwipe::cancel(std::uint32_t time) {
    if (!touching_) return;
    touching_ = false;
    release_velocity_ = 0;
    start_slide(0, time);
}

}  // namespace cirrus::shell
