// The edge gesture recognizer. One system touch at a time; all other
// touches are only counted, so that a finger already on an app keeps the edge
// from starting a gesture (only the first finger down can be a gesture).
#include "gesture_recognizer.hpp"

#include <algorithm>
#include <cmath>

namespace cirrus {
namespace {

double distance(TouchPoint a, TouchPoint b) { return std::hypot(a.x - b.x, a.y - b.y); }

}  // namespace

bool GestureRecognizer::in_edge_zone(TouchPoint point, Rect output) const {
    if (output.empty()) return false;
    // Inclusive of the far edges: a touch at the very last row maps to
    // exactly output.y + height.
    const double bottom = output.y + output.height;
    return point.x >= output.x && point.x <= output.x + output.width && point.y >= bottom - config_.edge_px &&
           point.y <= bottom;
}

bool GestureRecognizer::in_top_zone(TouchPoint point, Rect output) const {
    if (output.empty()) return false;
    return point.x >= output.x && point.x <= output.x + output.width && point.y >= output.y &&
           point.y <= output.y + config_.edge_px;
}

TouchResult GestureRecognizer::touch_down(std::int32_t id, TouchPoint point, Rect output, std::uint32_t time) {
    if (phase_ != Phase::idle || !client_touches_.empty()) {
        // Not the first finger: it belongs to the app, and a second finger
        // means the first one was not a system swipe after all.
        TouchResult result{TouchRoute::client, {}};
        if (phase_ == Phase::candidate) result.decided = decide(Gesture::none);
        client_touches_.push_back(id);
        return result;
    }
    if (in_edge_zone(point, output)) {
        edge_ = Edge::bottom;
    } else if (top_edge_enabled_ && in_top_zone(point, output)) {
        edge_ = Edge::top;
    } else {
        client_touches_.push_back(id);
        return {TouchRoute::client, {}};
    }
    phase_ = Phase::candidate;
    system_id_ = id;
    output_ = output;
    start_ = last_ = point;
    reached_travel_ = false;
    hold_anchor_.reset();
    samples_.start(time, point.y);
    return {TouchRoute::system, {}};
}

TouchResult GestureRecognizer::touch_motion(std::int32_t id, TouchPoint point, std::uint32_t time) {
    if (phase_ == Phase::idle || id != system_id_) return {TouchRoute::client, {}};
    if (phase_ == Phase::decided) return {TouchRoute::system, {}};

    last_ = point;
    samples_.add(time, point.y);
    if (edge_ == Edge::top) return top_edge_motion(point);

    // The direction is judged until the swipe has come far enough: after
    // that the intent is clear and a drift sideways is forgiven.
    if (!reached_travel_) {
        const double dx = point.x - start_.x;
        const double up = upward_travel();
        if (distance(point, start_) >= config_.direction_slop_px && std::abs(dx) > up * config_.max_sideways_ratio)
            return {TouchRoute::system, decide(Gesture::none)};
    }

    if (!armed()) {
        hold_anchor_.reset();
        return {TouchRoute::system, {}};
    }
    reached_travel_ = true;
    if (!hold_anchor_ || distance(point, *hold_anchor_) > config_.hold_radius_px) {
        // Moving (or just armed): the hold starts over from here.
        hold_anchor_ = point;
        hold_since_ = time;
    } else if (hold_complete(time)) {
        return {TouchRoute::system, decide(Gesture::switcher)};
    }
    return {TouchRoute::system, {}};
}

TouchResult GestureRecognizer::top_edge_motion(TouchPoint point) {
    const double down = point.y - start_.y;
    const double dx = point.x - start_.x;
    // Sideways first (within the slop it is not judged yet): not a pull down.
    if (distance(point, start_) >= config_.direction_slop_px && std::abs(dx) > down * config_.max_sideways_ratio)
        return {TouchRoute::system, decide(Gesture::none)};
    if (down >= config_.reveal_travel_px) return {TouchRoute::system, decide(Gesture::reveal_status_bar)};
    return {TouchRoute::system, {}};
}

TouchResult GestureRecognizer::touch_up(std::int32_t id, std::uint32_t time) {
    if (phase_ == Phase::idle || id != system_id_) {
        std::erase(client_touches_, id);
        return {TouchRoute::client, {}};
    }
    TouchResult result{TouchRoute::system, {}};
    if (phase_ == Phase::candidate) {
        // A hold whose timer has not run yet still counts: the user held.
        // A top-edge candidate still undecided did not come far enough.
        if (edge_ == Edge::top) {
            result.decided = Gesture::none;
        } else {
            result.decided = hold_complete(time) ? Gesture::switcher : release_gesture(time);
        }
    }
    forget_system_touch();
    return result;
}

TouchResult GestureRecognizer::touch_cancel(std::int32_t id) {
    if (phase_ == Phase::idle || id != system_id_) {
        std::erase(client_touches_, id);
        return {TouchRoute::client, {}};
    }
    TouchResult result{TouchRoute::system, {}};
    if (phase_ == Phase::candidate) result.decided = Gesture::none;
    forget_system_touch();
    return result;
}

std::optional<Gesture> GestureRecognizer::tick(std::uint32_t now) {
    if (hold_complete(now)) return decide(Gesture::switcher);
    return std::nullopt;
}

std::optional<std::uint32_t> GestureRecognizer::next_deadline() const {
    if (phase_ != Phase::candidate || !hold_anchor_ || !armed()) return std::nullopt;
    return hold_since_ + config_.hold_ms;
}

std::optional<std::uint32_t> GestureRecognizer::ms_until_deadline(std::uint32_t now) const {
    const std::optional<std::uint32_t> deadline = next_deadline();
    if (!deadline) return std::nullopt;
    return static_cast<std::uint32_t>(std::max(1, ms_between(now, *deadline)));
}

std::optional<double> GestureRecognizer::progress() const {
    if (phase_ != Phase::candidate || edge_ != Edge::bottom) return std::nullopt;
    const double span = output_.height * config_.progress_span;
    if (span <= 0) return 1.0;
    return std::clamp(upward_travel() / span, 0.0, 1.0);
}

bool GestureRecognizer::hold_complete(std::uint32_t now) const {
    return phase_ == Phase::candidate && hold_anchor_ && armed() &&
           ms_between(hold_since_, now) >= static_cast<std::int32_t>(config_.hold_ms);
}

Gesture GestureRecognizer::release_gesture(std::uint32_t now) const {
    const double velocity = upward_velocity(now);
    if (velocity <= -config_.flick_velocity_px_s)
        return Gesture::none;  // flicked back down: the user changed their mind
    if (upward_travel() >= config_.min_travel_px) return Gesture::home;
    if (velocity >= config_.flick_velocity_px_s && upward_travel() >= config_.flick_min_travel_px) return Gesture::home;
    return Gesture::none;
}

double GestureRecognizer::upward_velocity(std::uint32_t now) const {
    return -samples_.velocity(now);  // layout y grows downwards; up is positive here
}

std::optional<Gesture> GestureRecognizer::decide(Gesture gesture) {
    phase_ = Phase::decided;
    hold_anchor_.reset();
    return gesture;
}

void GestureRecognizer::forget_system_touch() {
    phase_ = Phase::idle;
    hold_anchor_.reset();
    samples_.clear();
    reached_travel_ = false;
}

}  // namespace cirrus
