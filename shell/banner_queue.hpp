// Notification banners as plain C++: which notification is shown, for how
// long, where it is in its slide down or up, and which wait their turn; and
// where a banner's parts go. No Cairo, no Wayland: unit tests drive it with
// made-up times.
//
// One banner is shown at a time. It slides down, stays show_ms (longer
// while a finger holds it), and slides up; then the newest waiting one
// comes. A tap takes it away at once; a swipe up sends it up from where the
// finger left it. Times are ms on the clock of input events and frame
// callbacks (CLOCK_MONOTONIC, uint32 that may wrap: only differences count).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "home_layout.hpp"

namespace cirrus::shell {

// A notification as cirrus_shell_v1 delivers it (id is the compositor's).
struct Notice {
    std::uint32_t id = 0;
    std::string app;
    std::string title;
    std::string body;
    bool operator==(const Notice&) const = default;
};

struct BannerTiming {
    std::uint32_t show_ms = 5000;         // fully down, untouched
    std::uint32_t slide_ms = 200;         // down, and up again
    std::uint32_t after_touch_ms = 2000;  // at least this long after a finger lets go
    std::size_t max_waiting = 16;         // older ones beyond this are dropped (not shown as banners)
};

class BannerQueue {
public:
    enum class Phase { hidden, entering, showing, leaving };

    explicit BannerQueue(BannerTiming timing = {}) : timing_(timing) {}

    // A new notification: shown now if nothing is, else it waits (newest
    // first). Returns the ids dropped because too many wait.
    std::vector<std::uint32_t> push(Notice notice, std::uint32_t now);
    // notification_closed: the shown one slides up, a waiting one goes.
    // False if the id is not here.
    bool remove(std::uint32_t id, std::uint32_t now);
    // A tap: the shown one goes at once (the next one slides in). Null if none.
    std::optional<Notice> take_current(std::uint32_t now);
    // A swipe up: the shown one slides up from `from_fraction` (how much of
    // it was still down when the finger let go). Its id, if one was shown.
    std::optional<std::uint32_t> dismiss_current(std::uint32_t now, double from_fraction);
    // A finger on the banner keeps it down; letting go gives it at least
    // after_touch_ms more.
    void hold(bool held, std::uint32_t now);
    // Everything, shown and waiting, newest first; the queue is empty after.
    std::vector<Notice> take_all();

    // Moves through the phases that have run out by `now`.
    void advance(std::uint32_t now);

    Phase phase() const { return phase_; }
    const Notice* current() const { return current_ ? &*current_ : nullptr; }
    std::size_t waiting() const { return waiting_.size(); }
    bool empty() const { return !current_ && waiting_.empty(); }
    // How much of the shown banner is down: 0 (up, hidden) .. 1.
    double visible_fraction(std::uint32_t now) const;
    // Entering or leaving: the banner moves with time alone.
    bool is_animating(std::uint32_t now) const;
    // While it is fully down and not held: ms until it starts to leave.
    std::optional<std::uint32_t> ms_until_leave(std::uint32_t now) const;

private:
    void show_next(std::uint32_t now);
    void leave(std::uint32_t now, double from_fraction);

    BannerTiming timing_;
    std::optional<Notice> current_;
    std::deque<Notice> waiting_;  // newest first
    Phase phase_ = Phase::hidden;
    std::uint32_t phase_start_ = 0;
    std::uint32_t show_until_ = 0;  // showing: when it starts to leave
    double leave_from_ = 1;         // leaving: the fraction it started at
    bool held_ = false;
};

// Logical pixels of the banner surface of `width`: a band under the status
// bar with the card inside it, and the card's parts.
struct BannerGeometry {
    int width = 0;
    int surface_height = 0;  // the layer surface: the card and its margins
    Box card;
    Box icon;
    Box app;    // the app's name, small
    Box title;  // bold
    Box body;   // one line, ellipsised
};

inline constexpr int kBannerCardHeight = 72;
// The card's colour (opaque): tests look for it.
inline constexpr std::uint32_t kBannerCardRgb = 0xf4f5f7;

BannerGeometry compute_banner_geometry(int width);

}  // namespace cirrus::shell
