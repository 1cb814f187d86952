// The lock screen: an overlay-layer surface over the whole output (the
// status bar too) with the keyboard to itself, showing the time, the date,
// the notifications that came while locked, and "Swipe up to unlock".
//
// The compositor locks on the power key (and hides the apps); the shell can
// lock by itself at start (--locked). A swipe up (touch or mouse drag, far
// or fast enough: LockSwipe) unlocks: the shell tells the compositor at
// once, so the apps come back beneath, and the screen slides away over
// them. A tap on a listed notification unlocks and opens its app.
//
// Its content is rendered once per change (the minute, a notification)
// into an image that a swipe's frames only copy, at an offset. While it
// rests nothing is drawn until the next minute.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app_list.hpp"
#include "banner_queue.hpp"
#include "home_drawing.hpp"
#include "layer_surface.hpp"
#include "lock_model.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"

namespace cirrus::shell {

class LockScreen : public SurfaceContent, public ShellPart {
public:
    LockScreen(WaylandClient& client, ShellProtocol& protocol, AppList& apps);
    ~LockScreen() override;

    // The compositor's locked state, after each batch. A set_locked of ours
    // still on its way wins over a state from before it.
    void compositor_locked(bool locked);
    // The shell locks by itself (--locked): up at once, and the compositor
    // is told (it hides the apps).
    void lock();
    // Up and not on its way out: notifications belong here, not in banners.
    bool locked() const;
    // The surface exists (also while it slides away).
    bool shown() const { return surface_ != nullptr && !remove_; }

    void set_time(std::time_t now);
    // Listed newest (highest id) first.
    void add_notification(Notice notice);
    void remove_notification(std::uint32_t id);
    const std::vector<Notice>& notifications() const { return notices_; }

    // It went up (the shell moves banners here, hides prompts) and it went
    // away after an unlock (the prompts may come back).
    std::function<void()> on_locked;
    std::function<void()> on_unlocked;

    // The loop's per-batch hook: takes a surface that slid away down, and
    // draws pending damage.
    void before_wait() override;
    void outputs_changed() override;
    // compositor_locked() with the state's lock.
    void compositor_state(const CompositorState& state) override;
    void minute(std::time_t now) override;
    LayerSurface* surface() { return surface_.get(); }

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void frame(std::uint32_t time) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    void show();
    // The user unlocked (a swipe, or a tap on notification `open`).
    void unlock(std::uint32_t now, std::optional<std::uint32_t> open);
    // The compositor unlocked without us: gone at once.
    void hide_now();
    void request_locked(bool locked);
    void render();
    void content_changed(const Box& area);

    WaylandClient& client_;
    ShellProtocol& protocol_;
    AppList& apps_;
    std::unique_ptr<LayerSurface> surface_;
    bool remove_ = false;            // destroy at the next flush (never inside a callback)
    bool unlocked_pending_ = false;  // call on_unlocked at that flush
    std::optional<bool> awaiting_;   // our set_locked, until the compositor's state agrees

    LockGeometry geometry_;
    int scale_ = 1;
    bool laid_out_ = false;
    LockSwipe swipe_;
    std::uint32_t now_ = 0;
    double drawn_offset_ = 0;
    std::optional<int> touch_id_;
    double press_x_ = 0;
    double press_y_ = 0;

    std::time_t time_ = 0;
    std::string time_text_;
    std::string date_text_;
    std::vector<Notice> notices_;
    SurfacePtr content_;  // everything at rest, at the buffer scale
    bool content_stale_ = true;
};

}  // namespace cirrus::shell
