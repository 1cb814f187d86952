// The app switcher: an overlay-layer surface over the whole output with one
// card per running app (its last frame, icon and name), most recent first,
// the front app's card centred. A swipe sideways scrolls, a tap on a card
// switches to its app, a card flicked up closes its app, a tap beside the
// cards goes home. SwitcherModel decides all of that; this draws it.
//
// The compositor recognises the gesture (swipe up from the bottom edge and
// hold), hides the apps and says gesture(switcher); the shell then asks it
// for each app's last frame (cirrus_shell_v1.capture_app) into card-sized
// wl_shm buffers, before even creating the surface, so the pictures are
// there for the first frame. They are dropped when the switcher goes.
//
// Frames are drawn only while something moves (a swipe, a settle, a card
// flying away or the others closing its gap); at rest nothing is drawn.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app_list.hpp"
#include "home_drawing.hpp"
#include "layer_surface.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"
#include "switcher_model.hpp"
#include "timer.hpp"

namespace cirrus::shell {

class Switcher : public SurfaceContent, public ShellPart {
public:
    // A card flicked away whose app is still running after this long (it
    // ignored the close) comes back.
    static constexpr int kRestoreAfterMs = 2500;

    Switcher(WaylandClient& client, ShellProtocol& protocol, AppList& apps);
    ~Switcher() override;

    // Opens on the running apps (most recent first) over an output of
    // width x height logical px at `scale` (the home screen's surface says).
    // False, and nothing shown, when there is no app or no cirrus_shell_v1.
    bool open(int width, int height, int scale);
    // Takes it down (at the next flush: this may run inside its own input
    // handler). The compositor is not told: callers say what comes next.
    void close();
    bool is_open() const { return surface_ != nullptr && !remove_; }

    // After each batch: the order of the running apps follows the front
    // app (the compositor says which, the shell keeps the order); closed
    // apps' cards go; an app that came forward by other means, or the lock,
    // ends the switcher.
    void compositor_state(const CompositorState& state) override;
    // The timer that brings back a card whose app ignored its close.
    std::vector<FdWatch> fds() override;
    // The loop's per-batch hook: takes a closed surface down, draws damage.
    void before_wait() override;
    void outputs_changed() override;

    // What the cards show, for tests of the drawing: the apps in order.
    const SwitcherModel& model() const { return model_; }

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void frame(std::uint32_t time) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    struct Card {
        std::string name;
        std::unique_ptr<ShmBuffer> picture;   // the compositor renders into it
        std::unique_ptr<AppCapture> capture;  // while it does
        bool ready = false;
        int picture_width = 0;  // device px the frame covers
        int picture_height = 0;
        SurfacePtr icon;    // header icon, at the buffer scale
        SurfacePtr label;   // header name, at the buffer scale
        int art_scale = 0;  // the scale icon and label were made at
    };

    void capture_all();
    void render_art(const std::string& app, Card& card);
    std::string name_of(const std::string& app) const;
    void switch_to(const std::string& app);
    void leave_to_home();
    void damage_band();
    void restore_timer_fired();

    WaylandClient& client_;
    ShellProtocol& protocol_;
    AppList& apps_;
    std::unique_ptr<LayerSurface> surface_;
    bool remove_ = false;  // destroy at the next flush (never inside a callback)
    SwitcherModel model_;
    RecentApps recent_;
    std::map<std::string, Card> cards_;
    CompositorState state_;
    int scale_ = 1;
    std::uint32_t now_ = 0;
    bool was_animating_ = false;
    std::optional<int> touch_id_;
    Timer restore_timer_;
};

}  // namespace cirrus::shell
