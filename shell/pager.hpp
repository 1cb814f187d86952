// The home screen's horizontal paging: the pages follow the finger, resist
// past the first and last page (rubber band), and on release glide to one
// page, chosen by a flick or by how far the finger went. Plain C++ (no Cairo,
// no Wayland) so that tests drive it with made-up drags and times; the shell
// draws the pages at offset(now) and asks for frame callbacks only while
// is_animating(now).
//
// Offsets are the scroll position of the strip of pages, in px: page p at
// rest is at exactly p * page_width; dragging the finger to the left moves
// the offset up. Time is the input event's timestamp in ms (uint32, may wrap
// around; only differences are compared), never read from a clock.
#pragma once

#include <cstdint>
#include <vector>

#include "common/velocity_tracker.hpp"

namespace cirrus::shell {

struct PagerConfig {
    double tap_slop_px = 8;                  // a touch that moves less is a tap, not a drag
    double flick_velocity_px_s = 300;        // a release this fast turns one page its way
    std::uint32_t velocity_window_ms = 100;  // release velocity: samples this recent
    // A settle is an ease-out whose duration is chosen so that it starts at the
    // finger's speed, within these bounds (the upper one keeps the home screen
    // responsive: a page never takes longer than this to come to rest).
    std::uint32_t min_settle_ms = 120;
    std::uint32_t max_settle_ms = 300;
    double rubber_band = 0.55;  // resistance past the ends (UIScrollView's constant)
};

class Pager {
public:
    Pager(int page_count, double page_width, PagerConfig config = {});

    // A new page count or width (rotation, an app added or removed): jumps
    // to the page it was on or going to (clamped), without animation.
    void set_layout(int page_count, double page_width);

    // One touch on the pages, x in surface px. A touch during a settle stops
    // the pages where they are.
    void drag_begin(double x, std::uint32_t time);
    void drag_move(double x, std::uint32_t time);
    void drag_end(std::uint32_t time);  // released where the last move was
    // The touch was taken away (cancel): glide to the nearest page, no flick.
    void drag_cancel(std::uint32_t time);

    // For the page dots: glide to `page` (clamped). Ignored while a finger is down.
    void go_to_page(int page, std::uint32_t time);

    double offset(std::uint32_t now) const;
    // The page it rests on or is gliding to; while dragging, the page it
    // would settle on by position alone (for the page dots).
    int target_page() const;
    // The offset changes with time alone (a settle is running). While a finger
    // is down the offset changes only with input, so this is false.
    bool is_animating(std::uint32_t now) const;
    bool is_touching() const { return phase_ == Phase::pressed || phase_ == Phase::dragging; }
    // The current (or last) touch moved past the tap slop, or stopped a
    // moving page: not a tap, whatever it ends on. Stays true after
    // drag_end() until the next drag_begin(), so that the shell can ask on
    // touch up.
    bool is_drag() const { return drag_; }

    int page_count() const { return page_count_; }
    double page_width() const { return page_width_; }

private:
    enum class Phase { resting, pressed, dragging, settling };
    double max_offset() const { return (page_count_ - 1) * page_width_; }
    int nearest_page_of(double offset) const;
    int clamp_page(int page) const;
    double rubber_banded(double raw) const;
    double unrubber_banded(double shown) const;
    int release_page(double offset_velocity) const;
    void settle_to(int page, double offset_velocity, std::uint32_t now);
    double settle_offset(std::uint32_t now) const;

    PagerConfig config_;
    int page_count_ = 1;
    double page_width_ = 0;
    Phase phase_ = Phase::resting;
    bool drag_ = false;
    int page_ = 0;  // resting page, or the settle's target

    // The drag, in raw (not rubber-banded) offsets, so that the content under
    // the finger does not jump when a drag starts or stops in the band.
    double touch_x_ = 0;   // where the finger went down
    double origin_x_ = 0;  // the finger x that maps to raw_origin_
    double raw_origin_ = 0;
    double raw_offset_ = 0;
    int origin_page_ = 0;                                  // a drag turns at most one page from here
    VelocityTracker samples_{config_.velocity_window_ms};  // the finger's x

    double settle_from_ = 0;
    std::uint32_t settle_start_ = 0;
    std::uint32_t settle_ms_ = 0;
};

}  // namespace cirrus::shell
