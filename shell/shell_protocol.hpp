// The shell's side of cirrus_shell_v1 (protocols/cirrus/): requests to the
// compositor, and the state it reports, applied in batches that end with
// `done` so that the shell redraws once per batch.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "wayland_client.hpp"

namespace cirrus::shell {

enum class AppState { launching, running, closed };

// What the compositor has told us, as of the last done.
struct CompositorState {
    std::map<std::string, AppState> apps;  // running or launching apps
    std::string front_app;                 // empty: the home screen is in front
    std::uint32_t front_theme = 0;         // 0xAARRGGBB; alpha 0: none
    bool locked = false;
    bool operator==(const CompositorState&) const = default;
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
    bool set_switcher(bool open);
    bool set_locked(bool locked);
    bool activate_notification(std::uint32_t id);
    bool dismiss_notification(std::uint32_t id);
    // answer: cirrus_shell_v1.permission_answer (denied, granted, not_asked).
    bool answer_permission(std::uint32_t request_id, std::uint32_t answer);

    const CompositorState& state() const { return state_; }

    // After each done, with the new state.
    std::function<void(const CompositorState&)> on_state;
    // A launch that failed (after its app_state closed).
    std::function<void(const std::string& app_id, const std::string& reason)> on_launch_failed;
    // home, switcher, home_key, power_key (cirrus_shell_v1.gesture values).
    std::function<void(std::uint32_t gesture)> on_gesture;
    // Notifications and permission questions, as they arrive (not batched:
    // each stands alone). A question with no handler is answered not_asked.
    std::function<void(std::uint32_t id, const std::string& app_id, const std::string& title,
                       const std::string& body)>
        on_notification;
    std::function<void(std::uint32_t id)> on_notification_closed;
    std::function<void(std::uint32_t request_id, const std::string& app_id, const std::string& permission)>
        on_permission_request;

private:
    friend struct ShellProtocolListener;
    WaylandClient& client_;
    CompositorState state_;
    CompositorState pending_;
};

}  // namespace cirrus::shell
