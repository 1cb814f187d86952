// Notification banners: an overlay-layer band just under the status bar
// where a card with the app's icon and name, the title and the body slides
// down, stays about five seconds, and slides up again (BannerQueue decides
// when). A tap opens the app (activate_notification) and takes the card
// away; a swipe up dismisses it (dismiss_notification). One card at a time;
// the others wait, newest first.
//
// The surface exists only while a card is up, frames are drawn only while
// one moves, and a timerfd wakes the shell when a resting card must go.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "app_list.hpp"
#include "banner_queue.hpp"
#include "home_drawing.hpp"
#include "layer_surface.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"
#include "timer.hpp"

namespace cirrus::shell {

class Banners : public SurfaceContent, public ShellPart {
public:
    Banners(WaylandClient& client, ShellProtocol& protocol, AppList& apps);
    ~Banners() override;

    void push(Notice notice);
    // notification_closed: its card slides up, or it stops waiting.
    void remove(std::uint32_t id);
    // The phone locked: every card, shown and waiting, goes to the lock
    // screen's list (newest first); the band goes at once.
    std::vector<Notice> take_all();

    // The timer that wakes the loop when a resting card's time is up.
    std::vector<FdWatch> fds() override;
    // The loop's per-batch hook: takes the band down when no card is left,
    // and draws pending damage.
    void before_wait() override;
    void outputs_changed() override;
    LayerSurface* surface() { return surface_.get(); }
    const BannerQueue& queue() const { return queue_; }

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void frame(std::uint32_t time) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    // After any change of the queue: the band up or down, the timer, a redraw.
    void sync(std::uint32_t now);
    void render_card();
    double card_offset(std::uint32_t now) const;  // the card's y shift from rest (<= 0)
    // The shown notification was tapped, swiped away or closed: the
    // compositor knows, so its end needs no dismiss_notification.
    void settle(std::uint32_t id);
    // Notices that leave the screen untouched are dismissed (the compositor
    // can forget them: nothing can tap them any more).
    void track_current();
    void timer_expired();

    WaylandClient& client_;
    ShellProtocol& protocol_;
    AppList& apps_;
    BannerQueue queue_;
    Timer timer_;
    std::unique_ptr<LayerSurface> surface_;
    bool remove_ = false;  // destroy at the next flush (never inside a callback)

    BannerGeometry geometry_;
    int scale_ = 1;
    bool laid_out_ = false;
    SurfacePtr card_;  // the current card at rest, the band's size at the buffer scale
    std::uint32_t card_id_ = 0;
    std::uint32_t now_ = 0;
    double drawn_offset_ = 1;  // never a real offset: the first frame draws

    std::optional<std::uint32_t> tracked_;  // the notice on screen
    bool tracked_settled_ = false;

    std::optional<int> touch_id_;
    double touch_x_ = 0;
    double touch_y_ = 0;
    bool moved_ = false;
    double drag_up_ = 0;
    double last_y_ = 0;
    std::uint32_t last_time_ = 0;
    double velocity_up_ = 0;  // px/s, of the last moves
};

}  // namespace cirrus::shell
