// The app switcher as plain C++ (no Cairo, no Wayland), so that unit tests
// drive it with made-up touches and times: which apps have cards and in what
// order, where each card is, what a point hits, and what a touch means (a
// horizontal swipe scrolls, a tap switches to the app or dismisses the
// switcher, a card flicked up closes its app). The shell's Switcher draws
// what this says and asks for frame callbacks only while is_animating().
//
// Layout: one row of cards, each the app's last frame with its icon and name
// above it, most recent first, older apps to the left (as on iOS: a swipe to
// the right goes back in time). Card 0 rests centred. Coordinates are the
// switcher surface's logical px; time is the input event's timestamp in ms
// (uint32, may wrap; only differences are compared), never read from a clock.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/velocity_tracker.hpp"

#include "home_layout.hpp"

namespace cirrus::shell {

// Behind the cards (solid: a frame of the switcher is only copies and fills).
inline constexpr std::uint32_t kSwitcherBackgroundRgb = 0x0e1a24;
// A card whose app has no frame to show (still launching): its icon on this.
inline constexpr std::uint32_t kSwitcherCardRgb = 0xf2f2f2;

// The running apps, most recently in front first, from the compositor's
// front_app reports (cirrus_shell_v1 sends no order of its own).
class RecentApps {
public:
    // After each batch of compositor state: `front` (empty while the home
    // screen, the switcher or the lock screen covers the apps: no change)
    // becomes the most recent; apps no longer in `running` leave; running
    // apps never seen in front (started before this shell, or still
    // launching) go last, in the order given.
    void update(const std::string& front, const std::vector<std::string>& running);
    const std::vector<std::string>& order() const { return order_; }

private:
    std::vector<std::string> order_;
};

struct SwitcherGeometry {
    int width = 0;
    int height = 0;
    int card_width = 0;  // the app's frame, with the work area's shape
    int card_height = 0;
    int card_y = 0;         // top of the frame
    int header_height = 0;  // the icon and name above the frame
    int icon_size = 0;
    int name_font_px = 0;
    int pitch = 0;  // from one card's left edge to the next one's
    int corner_radius = 0;

    // Card 0's left edge at rest (centred).
    int centre_x() const { return (width - card_width) / 2; }
    // A card dragged down gives this much at most (nothing is down there).
    static constexpr int kMaxSink = 24;
    // What moving cards repaint: every row from the top (a card flies out
    // there) to just below the lowest a frame goes.
    Box band() const { return {0, 0, width, std::min(height, card_y + card_height + kMaxSink + 2)}; }
};

// For a switcher surface of width x height logical px (the whole output);
// the cards have the shape of an app window (the output less the status bar).
SwitcherGeometry compute_switcher_geometry(int width, int height);

struct SwitcherConfig {
    double tap_slop_px = 8;            // a touch that moves less is a tap
    double close_travel_ratio = 0.25;  // a card let go this far up (of its height) closes
    double close_velocity_px_s = 700;  // ... or flicked up this fast
    double close_flick_min_px = 20;    // ... but not a tap that twitched
    double down_resistance = 0.25;     // a card dragged down moves this much of the finger
    std::uint32_t velocity_window_ms = 100;
    std::uint32_t fly_ms = 180;         // a closed card leaves through the top
    std::uint32_t return_ms = 220;      // a card let go (or not closed) comes back
    std::uint32_t shift_ms = 220;       // the cards close the gap of a closed one
    std::uint32_t min_settle_ms = 120;  // a scroll comes to rest on a card in this
    std::uint32_t max_settle_ms = 350;  // ... range of times
    double momentum_s = 0.15;           // a flick scrolls as far as its speed lasting this long
    double rubber_band = 0.55;          // resistance past the first and last card
};

struct SwitcherAction {
    enum class Kind { none, activate, close, dismiss };
    Kind kind = Kind::none;
    std::string app;  // for activate and close
    bool operator==(const SwitcherAction&) const = default;
};

class SwitcherModel {
public:
    explicit SwitcherModel(SwitcherConfig config = {}) : config_(config) {}

    void set_geometry(const SwitcherGeometry& geometry);
    const SwitcherGeometry& geometry() const { return geometry_; }

    // Opens on these apps, most recent first, card 0 centred, nothing moving.
    void open(std::vector<std::string> apps);
    // The app is gone (its app_state closed): its card leaves at once and
    // the older cards slide over to close the gap.
    void remove(const std::string& app, std::uint32_t now);
    std::size_t size() const { return cards_.size(); }
    const std::string& app(std::size_t index) const { return cards_[index].app; }
    std::optional<std::size_t> index_of(const std::string& app) const;

    // One touch (the glue ignores other fingers).
    void press(double x, double y, std::uint32_t time);
    void move(double x, double y, std::uint32_t time);
    SwitcherAction release(std::uint32_t time);
    void cancel(std::uint32_t time);

    // Cards flicked away at least `timeout_ms` ago whose apps are still
    // running (they ignored the close) come back; true if any did.
    bool restore_unclosed(std::uint32_t now, std::uint32_t timeout_ms);

    // Where card `index` is drawn at `now`: its frame (the header goes above).
    struct CardView {
        Box frame;
        bool visible = true;  // false once a closed card has flown out
    };
    CardView card(std::size_t index, std::uint32_t now) const;
    // The card whose frame or header is at (x, y), among cards at rest.
    std::optional<std::size_t> hit(double x, double y, std::uint32_t now) const;
    // The scroll position: 0 with card 0 centred, one pitch per card to the left.
    double scroll(std::uint32_t now) const;
    // Something moves with time alone (frames are needed).
    bool is_animating(std::uint32_t now) const;

private:
    // A value that eases from `from` to `to` over `ms` from `start`.
    struct Tween {
        double from = 0;
        double to = 0;
        std::uint32_t start = 0;
        std::uint32_t ms = 0;
        double at(std::uint32_t now) const;
        bool running(std::uint32_t now) const;
    };
    enum class CardState { resting, lifted, returning, flying };
    struct Card {
        std::string app;
        CardState state = CardState::resting;
        double lift = 0;   // px, negative is up (lifted)
        Tween lift_tween;  // returning, flying
        Tween shift;       // x offset while closing a gap
        std::uint32_t closed_at = 0;
    };
    enum class Touch { none, pressed, scrolling, lifting };
    double max_scroll() const;
    double rubber_banded(double raw) const;
    double unrubber_banded(double shown) const;
    void settle_to(double target, double velocity, std::uint32_t now, double from);
    double lift_of(const Card& card, std::uint32_t now) const;
    double fly_out_lift() const;

    SwitcherConfig config_;
    SwitcherGeometry geometry_;
    std::vector<Card> cards_;

    double scroll_ = 0;  // at rest, or the settle's target
    bool settling_ = false;
    Tween settle_;
    double raw_scroll_ = 0;  // while scrolling, before the rubber band
    double origin_scroll_ = 0;
    double origin_x_ = 0;

    Touch touch_ = Touch::none;
    double down_x_ = 0;
    double down_y_ = 0;
    bool stopped_motion_ = false;         // the touch caught moving cards: never a tap
    std::optional<std::size_t> touched_;  // the card it went down on
    // The finger's x and y, for the scroll and the flick up.
    VelocityTracker finger_x_{config_.velocity_window_ms};
    VelocityTracker finger_y_{config_.velocity_window_ms};
};

}  // namespace cirrus::shell
