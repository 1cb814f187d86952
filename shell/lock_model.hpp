// The lock screen's plain-C++ model: where its parts go, and the swipe up
// that unlocks it. No Cairo, no Wayland: unit tests drive the swipe with
// made-up positions and times, and integration tests compute where to look
// from the same geometry the shell draws with.
//
// Times are input-event / frame-callback timestamps in ms (uint32 that may
// wrap around: only differences are compared), never read from a clock.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>

#include "home_layout.hpp"

namespace cirrus::shell {

// Logical pixels of a lock screen of width x height (it covers the output).
struct LockGeometry {
    int width = 0;
    int height = 0;
    int time_font_px = 0;
    int date_font_px = 0;
    Box time;  // the large clock, centred
    Box date;  // the date below it
    Box list;  // the notifications, newest on top
    Box hint;  // "Swipe up to unlock"
    int row_height = 0;
    int row_gap = 0;
    // The i-th notification row (0 is the top one); empty past what fits.
    Box row(int index) const;
    int rows_that_fit() const;
};

LockGeometry compute_lock_geometry(int width, int height);

// Black at this alpha over the wallpaper: the lock screen's background.
inline constexpr double kLockDimAlpha = 0.45;

struct LockSwipeConfig {
    double tap_slop_px = 10;           // a touch that moves less is a tap
    double unlock_fraction = 0.25;     // of the height: a slow drag this far unlocks
    double flick_velocity_px_s = 600;  // an upward release at least this fast unlocks...
    double flick_min_px = 30;          // ...once it has moved the screen this far
    std::uint32_t velocity_window_ms = 100;
    std::uint32_t slide_ms = 220;  // the rest of the way up, or back down
};

// One finger (or the mouse) on the lock screen. The screen follows the
// finger up (never down); on release it slides the rest of the way up
// (unlock) or back down, easing out over slide_ms.
class LockSwipe {
public:
    enum class Outcome { tap, unlock, stay };

    explicit LockSwipe(double height = 0, LockSwipeConfig config = {});
    void set_height(double height) { height_ = height; }
    double height() const { return height_; }

    // A touch during a slide catches the screen where it is.
    void begin(double x, double y, std::uint32_t time);
    void move(double x, double y, std::uint32_t time);
    // Released where the last move was: a tap (it never left the slop), an
    // unlock (far or fast enough: the screen slides away), or back down.
    Outcome end(std::uint32_t time);
    // The touch was taken away: back down, never an unlock.
    void cancel(std::uint32_t time);
    // Unlocks without a swipe (a tap on a notification): the screen slides
    // up from where it is.
    void slide_away(std::uint32_t now);
    // Back to rest at once (the lock came back, or a new lock).
    void reset();

    // How far up the screen is, 0 (at rest) .. height (gone).
    double offset(std::uint32_t now) const;
    bool is_touching() const { return touching_; }
    // The offset changes with time alone (a slide is running).
    bool is_animating(std::uint32_t now) const;
    // The unlock slide has run to its end.
    bool gone(std::uint32_t now) const;
    bool unlocking() const { return unlocking_; }
    // The last release's upward speed, px/s (for tests and tuning).
    double release_velocity() const { return release_velocity_; }

private:
    struct Sample {
        std::uint32_t time;
        double y;
    };
    void start_slide(double target, std::uint32_t time);
    double upward_velocity(std::uint32_t now) const;

    LockSwipeConfig config_;
    double height_;
    bool touching_ = false;
    bool moved_ = false;  // left the tap slop
    double start_x_ = 0;
    double start_y_ = 0;
    double start_offset_ = 0;  // where the screen was when the finger came down
    double drag_offset_ = 0;
    std::deque<Sample> samples_;
    // A slide from `from` to `to`, starting at slide_start_.
    bool sliding_ = false;
    double from_ = 0;
    double to_ = 0;
    std::uint32_t slide_start_ = 0;
    bool unlocking_ = false;
    double release_velocity_ = 0;
};

// An ease-out curve (cubic) for t in 0..1.
double ease_out(double t);

}  // namespace cirrus::shell
