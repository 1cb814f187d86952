// System gestures from raw touch input, as on a phone without buttons: swipe
// up from the bottom edge and let go to go home; swipe up and hold to open the
// app switcher; while a fullscreen app hides the status bar (and only then),
// swipe down from the top edge to show it for a moment. Plain C++ (no wlroots) so that unit tests drive it with
// made-up touch streams; the seat glue feeds it every touch event and obeys
// the route it returns.
//
// Who gets the touches of the bottom edge: the strip belongs to the system.
// A touch that goes down inside it is consumed from down to up, whatever it
// turns out to be; it is never replayed to the app underneath. Why:
//  - Replaying withheld events would deliver a touch to the app late (after
//    the recognizer gave up, perhaps 100+ ms and several motions later), as a
//    burst with stale timestamps: apps see a janky drag or a tap that fires
//    after the finger already moved on. A phone would rather be predictable.
//  - iOS does the same with its home indicator: the strip is the system's and
//    apps are told (safe area) to keep controls out of it. The shell can
//    reserve the strip with an exclusive zone so that no app content sits
//    under it; it is only edge_px (16 logical px) tall.
//  - It keeps the recognizer and the glue simple: no event queue, and no
//    touch stream that changes owner half-way.
// The top strip (edge_px as well) is the system's in the same way, but only
// while the glue enables it (set_top_edge: a fullscreen app in front with the
// status bar hidden); otherwise it is the status bar's or the app's as before.
// Touches that go down outside the strips, or while another finger is already
// down, go to clients untouched and cost nothing.
//
// Coordinates are layout px (logical px: scale already applied), and the
// output box is the output's box in the layout. The layout is already rotated,
// so "bottom" is the box's bottom (largest y) for any output transform.
//
// Time is the event's timestamp in ms (wlroots' uint32 time_msec); it may wrap
// around, so only differences of times are ever compared. The recognizer never
// reads a clock: a hold fires from tick(now), which the glue calls from a
// timer armed at next_deadline().
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "geometry.hpp"
#include "common/velocity_tracker.hpp"

namespace cirrus {

struct GestureConfig {
    double edge_px = 16;                     // height of the bottom strip that starts a gesture
    double direction_slop_px = 10;           // travel before the direction of a swipe is judged
    double max_sideways_ratio = 1.0;         // |dx| / upward dy allowed (1.0: within 45 degrees of up)
    double min_travel_px = 60;               // upward travel that makes a release go home
    double flick_velocity_px_s = 600;        // an upward release this fast goes home when shorter
    double flick_min_travel_px = 20;         // ... but not a tap that happened to twitch
    std::uint32_t hold_ms = 250;             // still this long, after min_travel_px: switcher
    double hold_radius_px = 12;              // "still": within this distance of where it stopped
    std::uint32_t velocity_window_ms = 100;  // release velocity: samples this recent
    double progress_span = 0.4;              // fraction of the output height at which progress() is 1
    // Downward travel from the top strip that shows the status bar; decided
    // as soon as the finger has come this far (the bar shows while the
    // finger is still down, as pulling it into view should feel).
    double reveal_travel_px = 30;
};

enum class Gesture { none, home, switcher, reveal_status_bar };

// Where the glue sends a touch event.
enum class TouchRoute { client, system };

struct TouchResult {
    TouchRoute route = TouchRoute::client;
    // Set on the one event that ends a gesture candidate: home or switcher when
    // recognised, none when the candidate was given up (so that the glue can
    // undo a follow-the-finger animation). Empty on every other event.
    std::optional<Gesture> decided;
};

struct TouchPoint {
    double x = 0;
    double y = 0;
};

class GestureRecognizer {
public:
    explicit GestureRecognizer(GestureConfig config = {}) : config_(config) {}

    // Whether a touch going down in the top strip starts a swipe that can
    // show the status bar; read at touch down (a swipe under way is kept).
    void set_top_edge(bool enabled) { top_edge_enabled_ = enabled; }

    // Every touch event of the seat goes through these, in order.
    TouchResult touch_down(std::int32_t id, TouchPoint point, Rect output, std::uint32_t time);
    TouchResult touch_motion(std::int32_t id, TouchPoint point, std::uint32_t time);
    // wlroots' touch up carries no position: the last motion is where it ended.
    TouchResult touch_up(std::int32_t id, std::uint32_t time);
    TouchResult touch_cancel(std::int32_t id);

    // Fires a hold that has lasted hold_ms: returns Gesture::switcher once.
    std::optional<Gesture> tick(std::uint32_t now);
    // When tick() must be called next; empty when no hold is pending.
    std::optional<std::uint32_t> next_deadline() const;
    // The same as a delay for wl_event_source_timer_update(): at least 1 ms,
    // since 0 would disarm the timer instead of firing it at once.
    std::optional<std::uint32_t> ms_until_deadline(std::uint32_t now) const;

    // While a bottom-edge swipe is undecided: how far up it has come, 0..1 of
    // progress_span of the output height, for a follow-the-finger animation.
    std::optional<double> progress() const;

private:
    enum class Phase {
        idle,       // no system touch
        candidate,  // a system touch, gesture undecided
        decided,    // a system touch, gesture decided; consumed until it lifts
    };
    enum class Edge { bottom, top };
    bool in_edge_zone(TouchPoint point, Rect output) const;
    bool in_top_zone(TouchPoint point, Rect output) const;
    TouchResult top_edge_motion(TouchPoint point);
    double upward_travel() const { return start_.y - last_.y; }
    bool armed() const { return edge_ == Edge::bottom && upward_travel() >= config_.min_travel_px; }
    bool hold_complete(std::uint32_t now) const;
    double upward_velocity(std::uint32_t now) const;
    Gesture release_gesture(std::uint32_t now) const;
    std::optional<Gesture> decide(Gesture gesture);
    void forget_system_touch();

    GestureConfig config_;
    std::vector<std::int32_t> client_touches_;
    Phase phase_ = Phase::idle;
    std::int32_t system_id_ = 0;
    Edge edge_ = Edge::bottom;  // where the system touch went down
    bool top_edge_enabled_ = false;
    Rect output_;
    TouchPoint start_;
    TouchPoint last_;
    bool reached_travel_ = false;  // has been armed once: the direction is settled
    // Where and when the finger last came to rest (armed candidates only).
    std::optional<TouchPoint> hold_anchor_;
    std::uint32_t hold_since_ = 0;
    VelocityTracker samples_{config_.velocity_window_ms};  // the finger's y
};

}  // namespace cirrus
