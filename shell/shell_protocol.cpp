#include "shell_protocol.hpp"

#include <cstdio>

#include "protocols.hpp"

namespace cirrus::shell {

struct ShellProtocolListener {
    static ShellProtocol& self(void* data) { return *static_cast<ShellProtocol*>(data); }

    static void app_state(void* data, cirrus_shell_v1*, const char* app_id, uint32_t state) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.app_state", [&] {
            switch (state) {
            case CIRRUS_SHELL_V1_APP_STATE_LAUNCHING: s.pending_.apps[app_id] = AppState::launching; break;
            case CIRRUS_SHELL_V1_APP_STATE_RUNNING: s.pending_.apps[app_id] = AppState::running; break;
            default: s.pending_.apps.erase(app_id); break;
            }
        });
    }
    static void app_title(void*, cirrus_shell_v1*, const char*, const char*) {
        // For the switcher's cards, which come with their own issue.
    }
    static void launch_failed(void* data, cirrus_shell_v1*, const char* app_id, const char* reason) {
        auto& s = self(data);
        std::fprintf(stderr, "cirrus-shell: %s did not start: %s\n", app_id, reason);
        if (s.on_launch_failed) s.client_.guard("launch_failed", [&] { s.on_launch_failed(app_id, reason); });
    }
    static void front_app(void* data, cirrus_shell_v1*, const char* app_id, uint32_t theme_color) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.front_app", [&] {
            s.pending_.front_app = app_id;
            s.pending_.front_theme = theme_color;
        });
    }
    static void gesture(void* data, cirrus_shell_v1*, uint32_t gesture) {
        auto& s = self(data);
        if (s.on_gesture) s.client_.guard("cirrus_shell_v1.gesture", [&] { s.on_gesture(gesture); });
    }
    static void locked(void* data, cirrus_shell_v1*, uint32_t locked) { self(data).pending_.locked = locked != 0; }
    static void notification(void* data, cirrus_shell_v1*, uint32_t id, const char* app_id, const char* title,
                             const char* body) {
        auto& s = self(data);
        if (s.on_notification) {
            s.client_.guard("cirrus_shell_v1.notification", [&] { s.on_notification(id, app_id, title, body); });
        }
    }
    static void notification_closed(void* data, cirrus_shell_v1*, uint32_t id) {
        auto& s = self(data);
        if (s.on_notification_closed) {
            s.client_.guard("cirrus_shell_v1.notification_closed", [&] { s.on_notification_closed(id); });
        }
    }
    static void permission_request(void* data, cirrus_shell_v1* shell, uint32_t request_id, const char* app_id,
                                   const char* permission) {
        auto& s = self(data);
        if (s.on_permission_request) {
            s.client_.guard("cirrus_shell_v1.permission_request",
                            [&] { s.on_permission_request(request_id, app_id, permission); });
            return;
        }
        // No prompt: "not asked" lets the app's default (denied) stand
        // without storing a decision the user never made, and the page is
        // not left waiting.
        std::fprintf(stderr, "cirrus-shell: %s asks for %s: no prompt, not asked (denied by default)\n", app_id,
                     permission);
        cirrus_shell_v1_answer_permission(shell, request_id, CIRRUS_SHELL_V1_PERMISSION_ANSWER_NOT_ASKED);
    }
    static void done(void* data, cirrus_shell_v1*) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.done", [&] {
            s.state_ = s.pending_;
            if (s.on_state) s.on_state(s.state_);
        });
    }
};

namespace {

const cirrus_shell_v1_listener shell_listener = {
    .app_state = ShellProtocolListener::app_state,
    .app_title = ShellProtocolListener::app_title,
    .launch_failed = ShellProtocolListener::launch_failed,
    .front_app = ShellProtocolListener::front_app,
    .gesture = ShellProtocolListener::gesture,
    .locked = ShellProtocolListener::locked,
    .notification = ShellProtocolListener::notification,
    .notification_closed = ShellProtocolListener::notification_closed,
    .permission_request = ShellProtocolListener::permission_request,
    .done = ShellProtocolListener::done,
};

}  // namespace

ShellProtocol::ShellProtocol(WaylandClient& client) : client_(client) {
    client_.shell_bound = [this](cirrus_shell_v1* proxy) {
        cirrus_shell_v1_add_listener(proxy, &shell_listener, this);
    };
    if (cirrus_shell_v1* proxy = client_.shell_protocol()) cirrus_shell_v1_add_listener(proxy, &shell_listener, this);
}

bool ShellProtocol::available() const { return client_.shell_protocol() != nullptr; }

bool ShellProtocol::launch(const std::string& app_id) {
    if (!available()) {
        std::fprintf(stderr,
                     "cirrus-shell: cannot launch %s: the compositor does not offer cirrus_shell_v1 to this client\n",
                     app_id.c_str());
        return false;
    }
    cirrus_shell_v1_launch(client_.shell_protocol(), app_id.c_str());
    return true;
}

bool ShellProtocol::show_home() {
    if (!available()) return false;
    cirrus_shell_v1_show_home(client_.shell_protocol());
    return true;
}

bool ShellProtocol::set_switcher(bool open) {
    if (!available()) return false;
    cirrus_shell_v1_set_switcher(client_.shell_protocol(), open ? 1 : 0);
    return true;
}

bool ShellProtocol::set_locked(bool locked) {
    if (!available()) return false;
    cirrus_shell_v1_set_locked(client_.shell_protocol(), locked ? 1 : 0);
    return true;
}

bool ShellProtocol::activate_notification(std::uint32_t id) {
    if (!available()) return false;
    cirrus_shell_v1_activate_notification(client_.shell_protocol(), id);
    return true;
}

bool ShellProtocol::dismiss_notification(std::uint32_t id) {
    if (!available()) return false;
    cirrus_shell_v1_dismiss_notification(client_.shell_protocol(), id);
    return true;
}

bool ShellProtocol::answer_permission(std::uint32_t request_id, std::uint32_t answer) {
    if (!available()) return false;
    cirrus_shell_v1_answer_permission(client_.shell_protocol(), request_id, answer);
    return true;
}

}  // namespace cirrus::shell
