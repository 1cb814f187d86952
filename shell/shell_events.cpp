#include "shell_events.hpp"

#include <cstdio>
#include <utility>

#include "common/protocol_text.hpp"

namespace cirrus::shell {

namespace {

namespace text = protocol_text;

// Every string as the compositor should have bounded it (the same rule,
// protocol_text::bounded): it does, but the shell does not count on that.
// A string the compositor let through unbounded (invalid UTF-8, control
// characters, kilobytes) would otherwise reach Pango, stderr and the lock
// screen as it came. Bounded text passes unchanged.
std::string bound(const std::string& value, std::size_t max_bytes) { return text::bounded(value, max_bytes); }

}  // namespace

ShellEvents::ShellEvents(Guard guard) : guard_(std::move(guard)) {}

void ShellEvents::app_state(const std::string& raw_app_id, AppState state) {
    guard_("cirrus_shell_v1.app_state", [&] {
        const std::string app_id = bound(raw_app_id, text::kMaxTitleBytes);
        if (state == AppState::closed) {
            pending_.apps.erase(app_id);
            pending_.titles.erase(app_id);
        } else {
            pending_.apps[app_id] = state;
        }
    });
}

void ShellEvents::app_title(const std::string& app_id, const std::string& title) {
    guard_("cirrus_shell_v1.app_title",
           [&] { pending_.titles[bound(app_id, text::kMaxTitleBytes)] = bound(title, text::kMaxTitleBytes); });
}

void ShellEvents::launch_failed(const std::string& raw_app_id, const std::string& raw_reason) {
    const std::string app_id = bound(raw_app_id, text::kMaxTitleBytes);
    const std::string reason = bound(raw_reason, text::kMaxReasonBytes);
    std::fprintf(stderr, "cirrus-shell: %s did not start: %s\n", app_id.c_str(), reason.c_str());
    if (on_launch_failed) guard_("launch_failed", [&] { on_launch_failed(app_id, reason); });
}

void ShellEvents::front_app(const std::string& app_id, std::uint32_t theme_color) {
    guard_("cirrus_shell_v1.front_app", [&] {
        pending_.front_app = bound(app_id, text::kMaxTitleBytes);
        pending_.front_theme = theme_color;
    });
}

void ShellEvents::gesture(std::uint32_t gesture) {
    if (on_gesture) guard_("cirrus_shell_v1.gesture", [&] { on_gesture(gesture); });
}

void ShellEvents::locked(bool locked) { pending_.locked = locked; }

void ShellEvents::link_state(std::uint32_t link) {
    last_link_ = link;
    if (on_link_state) on_link_state(link);
}

void ShellEvents::link_kind(std::uint32_t kind) {
    last_link_kind_ = kind;
    if (on_link_kind) on_link_kind(kind);
}

void ShellEvents::notification(std::uint32_t id, const std::string& raw_app_id, const std::string& raw_title,
                               const std::string& raw_body) {
    const std::string app_id = bound(raw_app_id, text::kMaxTitleBytes);
    const std::string title = bound(raw_title, text::kMaxNotificationTitleBytes);
    const std::string body = bound(raw_body, text::kMaxNotificationBodyBytes);
    if (holding_) {
        held_notices_.push_back({id, app_id, title, body});
    } else if (on_notification) {
        guard_("cirrus_shell_v1.notification", [&] { on_notification(id, app_id, title, body); });
    }
}

void ShellEvents::notification_closed(std::uint32_t id) {
    if (on_notification_closed) guard_("cirrus_shell_v1.notification_closed", [&] { on_notification_closed(id); });
}

void ShellEvents::permission_request(std::uint32_t request_id, const std::string& raw_app_id,
                                     const std::string& raw_permission) {
    const std::string app_id = bound(raw_app_id, text::kMaxTitleBytes);
    const std::string permission = bound(raw_permission, text::kMaxTitleBytes);
    if (holding_) {
        held_questions_.push_back({request_id, app_id, permission});
    } else if (on_permission_request) {
        guard_("cirrus_shell_v1.permission_request", [&] { on_permission_request(request_id, app_id, permission); });
    } else {
        answer_not_asked(request_id, app_id, permission);
    }
}

void ShellEvents::done() {
    guard_("cirrus_shell_v1.done", [&] {
        state_ = pending_;
        if (on_state) on_state(state_);
    });
}

void ShellEvents::deliver_held() {
    holding_ = false;
    for (const HeldNotice& n : std::exchange(held_notices_, {})) {
        if (on_notification) {
            guard_("cirrus_shell_v1.notification", [&] { on_notification(n.id, n.app_id, n.title, n.body); });
        }
    }
    for (const HeldQuestion& q : std::exchange(held_questions_, {})) {
        if (on_permission_request) {
            guard_("cirrus_shell_v1.permission_request",
                   [&] { on_permission_request(q.request_id, q.app_id, q.permission); });
        } else {
            answer_not_asked(q.request_id, q.app_id, q.permission);
        }
    }
}

}  // namespace cirrus::shell
