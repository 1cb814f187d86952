// The shell's side of cirrus_shell_v1 (protocols/cirrus/): requests to the
// compositor, and the state it reports, applied in batches that end with
// `done` so that the shell redraws once per batch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wayland_client.hpp"

struct cirrus_app_capture_v1;

namespace cirrus::shell {

enum class AppState { launching, running, closed };

// What the compositor has told us, as of the last done.
struct CompositorState {
    std::map<std::string, AppState> apps;  // running or launching apps
    std::string front_app;                 // empty: the home screen is in front
    std::uint32_t front_theme = 0;         // 0xAARRGGBB; alpha 0: none
    bool locked = false;
    std::map<std::string, std::string> titles;  // running apps' document titles (switcher cards)
    bool operator==(const CompositorState&) const = default;
};

// One cirrus_app_capture_v1: an app's last frame, being rendered by the
// compositor into a wl_shm buffer of ours (the switcher's cards). Destroying
// it cancels it: its callback then never runs.
class AppCapture {
public:
    // ok: the buffer holds the frame, in its top-left width x height pixels.
    using Done = std::function<void(bool ok, int width, int height)>;
    AppCapture(WaylandClient& client, cirrus_app_capture_v1* proxy, Done done);
    ~AppCapture();
    AppCapture(const AppCapture&) = delete;
    AppCapture& operator=(const AppCapture&) = delete;
    bool finished() const { return !done_; }

private:
    friend struct AppCaptureListener;
    void finish(bool ok, int width, int height);
    WaylandClient& client_;
    cirrus_app_capture_v1* proxy_;
    Done done_;
};

class ShellProtocol {
public:
    // Listens on the client's cirrus_shell_v1 once it is bound (create this
    // before WaylandClient::bind_globals()), if the compositor offers one.
    explicit ShellProtocol(WaylandClient& client);
    ShellProtocol(const ShellProtocol&) = delete;
    ShellProtocol& operator=(const ShellProtocol&) = delete;

    bool available() const;
    // Each false (with a message on stderr) when the protocol is missing.
    bool launch(const std::string& app_id);
    bool show_home();
    // Brings a running app to the front (the switcher's tap on a card).
    bool activate(const std::string& app_id);
    // Asks a running app to close (its window gets xdg_toplevel.close).
    bool close_app(const std::string& app_id);
    bool set_switcher(bool open);
    bool set_locked(bool locked);
    bool activate_notification(std::uint32_t id);
    bool dismiss_notification(std::uint32_t id);
    // answer: cirrus_shell_v1.permission_answer (denied, granted, not_asked).
    bool answer_permission(std::uint32_t request_id, std::uint32_t answer);
    // Asks the compositor for the app's last frame in `buffer` (not attached
    // anywhere meanwhile); `done` runs once, unless the capture is destroyed
    // first. Null (and `done` never runs) when the protocol is missing.
    std::unique_ptr<AppCapture> capture_app(const std::string& app_id, wl_buffer* buffer, AppCapture::Done done);

    const CompositorState& state() const { return state_; }
    // The last link estimate (CIRRUS_SHELL_V1_LINK_*), kept: it comes right
    // after binding, before the status bar exists. None before the first.
    std::optional<std::uint32_t> link_state() const { return link_; }

    // After each done, with the new state.
    std::function<void(const CompositorState&)> on_state;
    // A launch that failed (after its app_state closed).
    std::function<void(const std::string& app_id, const std::string& reason)> on_launch_failed;
    // home, switcher, home_key, power_key (cirrus_shell_v1.gesture values).
    std::function<void(std::uint32_t gesture)> on_gesture;
    // The compositor's link estimate: CIRRUS_SHELL_V1_LINK_* (offline, 2g,
    // 3g, good), the same class every app's navigator.onLine follows.
    std::function<void(std::uint32_t link)> on_link_state;
    // Notifications and permission questions, as they arrive (not batched:
    // each stands alone). Those that come before the handlers are set (a
    // restarted shell is sent the open ones as it binds) are held until
    // deliver_held(); a question with no handler then is answered not_asked.
    std::function<void(std::uint32_t id, const std::string& app_id, const std::string& title,
                       const std::string& body)>
        on_notification;
    std::function<void(std::uint32_t id)> on_notification_closed;
    std::function<void(std::uint32_t request_id, const std::string& app_id, const std::string& permission)>
        on_permission_request;

    // Call once the handlers above are set.
    void deliver_held();

private:
    friend struct ShellProtocolListener;
    void answer_not_asked(std::uint32_t request_id, const std::string& app_id, const std::string& permission);

    struct HeldNotice {
        std::uint32_t id;
        std::string app_id, title, body;
    };
    struct HeldQuestion {
        std::uint32_t request_id;
        std::string app_id, permission;
    };
    WaylandClient& client_;
    CompositorState state_;
    CompositorState pending_;
    std::optional<std::uint32_t> link_;
    bool holding_ = true;
    std::vector<HeldNotice> held_notices_;
    std::vector<HeldQuestion> held_questions_;
};

}  // namespace cirrus::shell
