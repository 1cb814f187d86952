// The permission prompt: when an app asks for a permission its policy
// leaves to the user, a dialog centred on a dimmed screen (overlay layer)
// asks "<App> would like to use your location" with "Don't Allow" and
// "Allow" (touch or mouse). The answer goes to the compositor, which stores
// it in the registry and tells the app. Questions queue, one dialog at a
// time, in the order they came.
//
// While the phone is locked the questions wait, hidden: the lock screen is
// no place to grant an app the camera, and answering "not asked" instead
// would deny the page for a question the user never saw (a page usually
// does not ask again). The page waits; the dialog is the first thing the
// user sees after unlocking, as on other phones.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "app_list.hpp"
#include "layer_surface.hpp"
#include "permission_model.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"

namespace cirrus::shell {

class PermissionPrompt : public SurfaceContent, public ShellPart {
public:
    PermissionPrompt(WaylandClient& client, ShellProtocol& protocol, AppList& apps);
    ~PermissionPrompt() override;

    void ask(PermissionQuestion question);
    // Locked: the dialog goes (its questions wait); unlocked: it comes back.
    void set_suspended(bool suspended);
    const PermissionQueue& queue() const { return queue_; }

    // The loop's per-batch hook: takes the dialog down when no question is
    // left, and draws pending damage.
    void before_wait() override;
    void outputs_changed() override;
    LayerSurface* surface() { return surface_.get(); }

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    enum class Button { none, deny, allow };
    Button hit(double x, double y) const;
    void set_pressed(Button button);
    void answer(std::uint32_t answer);
    // After any change: the dialog up (with the first question) or down.
    void sync();

    WaylandClient& client_;
    ShellProtocol& protocol_;
    AppList& apps_;
    PermissionQueue queue_;
    std::unique_ptr<LayerSurface> surface_;
    bool remove_ = false;  // destroy at the next flush (never inside a callback)
    bool suspended_ = false;

    PromptGeometry geometry_;
    bool laid_out_ = false;
    std::optional<std::uint32_t> shown_;  // the request id the dialog shows
    std::string sentence_;

    std::optional<int> touch_id_;
    Button armed_ = Button::none;    // where the finger went down
    Button pressed_ = Button::none;  // drawn pressed (armed and still over it)
};

}  // namespace cirrus::shell
