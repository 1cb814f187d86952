// What the shell does with each cirrus_shell_v1 event, without Wayland: the
// state batched until `done`, the notifications and questions held until
// the shell's handlers are set. ShellProtocol's listeners only translate
// the wire arguments and call these; the shell-events fuzzer
// (tests/fuzz/fuzz_shell_events.cpp) calls the same functions with hostile
// strings, so what it tries is what a compositor could send.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <map>
#include <string>
#include <vector>

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

class ShellEvents {
public:
    // Runs a handler: the shell's turns an exception into a clean exit
    // (WaylandClient::guard), since none may cross libwayland's callbacks.
    using Guard = std::function<void(const char* where, const std::function<void()>& body)>;

    explicit ShellEvents(Guard guard);
    virtual ~ShellEvents() = default;
    ShellEvents(const ShellEvents&) = delete;
    ShellEvents& operator=(const ShellEvents&) = delete;

    const CompositorState& state() const { return state_; }

    // After each done, with the new state.
    std::function<void(const CompositorState&)> on_state;
    // A launch that failed (after its app_state closed).
    std::function<void(const std::string& app_id, const std::string& reason)> on_launch_failed;
    // home, switcher, home_key, power_key (cirrus_shell_v1.gesture values).
    std::function<void(std::uint32_t gesture)> on_gesture;
    // The compositor's link estimate: CIRRUS_SHELL_V1_LINK_* (offline, 2g,
    // 3g, good), the same class every app's navigator.onLine follows.
    std::function<void(std::uint32_t link)> on_link_state;
    // The last link estimate, kept: it comes right after binding, before
    // the status bar exists. None before the first.
    std::optional<std::uint32_t> last_link_state() const { return last_link_; }
    // cirrus_shell_v1.link_kind (version 4): CIRRUS_SHELL_V1_LINK_KIND_*,
    // kept like the link state.
    std::function<void(std::uint32_t kind)> on_link_kind;
    std::optional<std::uint32_t> last_link_kind() const { return last_link_kind_; }
    // Notifications and permission questions, as they arrive (not batched:
    // each stands alone). Those that come before the handlers are set (a
    // restarted shell is sent the open ones as it binds) are held until
    // deliver_held(); a question with no handler then is answered not_asked.
    std::function<void(std::uint32_t id, const std::string& app_id, const std::string& title, const std::string& body)>
        on_notification;
    std::function<void(std::uint32_t id)> on_notification_closed;
    std::function<void(std::uint32_t request_id, const std::string& app_id, const std::string& permission)>
        on_permission_request;

    // Call once the handlers above are set.
    void deliver_held();

    // One per cirrus_shell_v1 event, with its arguments as received. Every
    // string is bounded on arrival (protocol_text::bounded, the compositor's
    // own rule: valid UTF-8, no control characters, cut with an ellipsis);
    // text the compositor bounded already passes unchanged.
    void app_state(const std::string& app_id, AppState state);
    void app_title(const std::string& app_id, const std::string& title);
    void launch_failed(const std::string& app_id, const std::string& reason);
    void front_app(const std::string& app_id, std::uint32_t theme_color);
    void gesture(std::uint32_t gesture);
    void locked(bool locked);
    void link_state(std::uint32_t link);
    void link_kind(std::uint32_t kind);
    void notification(std::uint32_t id, const std::string& app_id, const std::string& title, const std::string& body);
    void notification_closed(std::uint32_t id);
    void permission_request(std::uint32_t request_id, const std::string& app_id, const std::string& permission);
    void done();

protected:
    // A question nobody can show: "not asked" (ShellProtocol sends it).
    virtual void answer_not_asked(std::uint32_t request_id, const std::string& app_id,
                                  const std::string& permission) = 0;

private:
    std::optional<std::uint32_t> last_link_;
    std::optional<std::uint32_t> last_link_kind_;
    struct HeldNotice {
        std::uint32_t id;
        std::string app_id, title, body;
    };
    struct HeldQuestion {
        std::uint32_t request_id;
        std::string app_id, permission;
    };
    Guard guard_;
    CompositorState state_;
    CompositorState pending_;
    bool holding_ = true;
    std::vector<HeldNotice> held_notices_;
    std::vector<HeldQuestion> held_questions_;
};

}  // namespace cirrus::shell
