#include "compositor_link.hpp"

#include <algorithm>

#include <cstring>
#include <gdk/gdkwayland.h>

#include "cirrus-app-unstable-v1-client-protocol.h"
#include "common/protocol_text.hpp"

namespace cirrus::webapp {
CompositorLink::CompositorLink() {
    GdkDisplay* gdk = gdk_display_get_default();
    if (!gdk || !GDK_IS_WAYLAND_DISPLAY(gdk)) return;
    display_ = gdk_wayland_display_get_wl_display(gdk);
    // Discovery runs on a queue of our own, so that the round trip dispatches
    // none of GDK's events behind its back; the bound object then moves to
    // the default queue, which GDK's event source dispatches.
    wl_event_queue* queue = wl_display_create_queue(display_);
    auto* wrapped = static_cast<wl_display*>(wl_proxy_create_wrapper(display_));
    wl_proxy_set_queue(reinterpret_cast<wl_proxy*>(wrapped), queue);
    wl_registry* registry = wl_display_get_registry(wrapped);
    static const wl_registry_listener listener = {&CompositorLink::handle_global,
                                                  &CompositorLink::handle_global_remove};
    wl_registry_add_listener(registry, &listener, this);
    wl_display_roundtrip_queue(display_, queue);
    wl_registry_destroy(registry);
    wl_proxy_wrapper_destroy(wrapped);
    if (app_) {
        static const cirrus_app_v1_listener app_listener = {
            .url_opened = &CompositorLink::handle_url_opened,
            .open_url = &CompositorLink::handle_open_url,
            .link_state = &CompositorLink::handle_link_state,
            .browser_role = &CompositorLink::handle_browser_role,
            .notification_activated = &CompositorLink::handle_notification_activated,
            .permission_answered = &CompositorLink::handle_permission_answered,
            .freeze = &CompositorLink::handle_freeze,
            .resume = &CompositorLink::handle_resume,
            .discard = &CompositorLink::handle_discard,
            .install_answered = &CompositorLink::handle_install_answered,
            .catalogue_role = &CompositorLink::handle_catalogue_role,
            .settings_role = &CompositorLink::handle_settings_role,
        };
        cirrus_app_v1_add_listener(app_, &app_listener, this);
        // What the compositor says on bind (the role, a launch's URL) is
        // read here, on our queue, before the host builds on it.
        wl_display_roundtrip_queue(display_, queue);
        wl_proxy_set_queue(reinterpret_cast<wl_proxy*>(app_), nullptr);
    }
    wl_event_queue_destroy(queue);
}

CompositorLink::~CompositorLink() {
    if (app_) {
        cirrus_app_v1_destroy(app_);
        flush();
    }
}

void CompositorLink::handle_global(void* data, wl_registry* registry, std::uint32_t name, const char* interface,
                                   std::uint32_t version) {
    auto* self = static_cast<CompositorLink*>(data);
    if (std::strcmp(interface, cirrus_app_v1_interface.name) == 0 && !self->app_) {
        // Version 2 adds the lifecycle; an older compositor gets version 1.
        const std::uint32_t bound = std::min<std::uint32_t>(version, 4);  // 3: install_app, 4: settings_role
        self->app_ = static_cast<cirrus_app_v1*>(wl_registry_bind(registry, name, &cirrus_app_v1_interface, bound));
    }
}

void CompositorLink::handle_freeze(void* data, cirrus_app_v1*) {
    auto* self = static_cast<CompositorLink*>(data);
    if (self->on_freeze) self->on_freeze();
}

void CompositorLink::handle_resume(void* data, cirrus_app_v1*) {
    auto* self = static_cast<CompositorLink*>(data);
    if (self->on_resume) self->on_resume();
}

void CompositorLink::handle_discard(void* data, cirrus_app_v1*) {
    auto* self = static_cast<CompositorLink*>(data);
    if (self->on_discard) self->on_discard();
}

void CompositorLink::replaying(bool active) {
    if (!app_ || cirrus_app_v1_get_version(app_) < CIRRUS_APP_V1_REPLAYING_SINCE_VERSION) return;
    cirrus_app_v1_replaying(app_, active ? 1 : 0);
    flush();
}

void CompositorLink::handle_global_remove(void*, wl_registry*, std::uint32_t) {}

void CompositorLink::handle_notification_activated(void* data, cirrus_app_v1*, std::uint32_t tag) {
    auto* self = static_cast<CompositorLink*>(data);
    auto it = self->notifications_.find(tag);
    if (it == self->notifications_.end()) return;
    Activated activated = std::move(it->second);
    self->notifications_.erase(it);
    if (activated) activated();
}

void CompositorLink::handle_permission_answered(void* data, cirrus_app_v1*, std::uint32_t serial,
                                                std::uint32_t answer) {
    auto* self = static_cast<CompositorLink*>(data);
    auto it = self->questions_.find(serial);
    if (it == self->questions_.end()) return;
    Answered answered = std::move(it->second);
    self->questions_.erase(it);
    if (!answered) return;
    switch (answer) {
    case CIRRUS_APP_V1_ANSWER_GRANTED:
        answered(Answer::granted);
        break;
    case CIRRUS_APP_V1_ANSWER_UNASKED:
        answered(Answer::unasked);
        break;
    default:
        answered(Answer::denied);
        break;
    }
}

void CompositorLink::handle_url_opened(void* data, cirrus_app_v1*, std::uint32_t serial, std::uint32_t opened) {
    auto* self = static_cast<CompositorLink*>(data);
    auto it = self->links_.find(serial);
    if (it == self->links_.end()) return;
    Opened callback = std::move(it->second);
    self->links_.erase(it);
    if (callback) callback(opened != 0);
}

void CompositorLink::handle_open_url(void* data, cirrus_app_v1*, const char* url) {
    auto* self = static_cast<CompositorLink*>(data);
    if (self->on_open_url) {
        self->on_open_url(url);
    } else {
        self->pending_url_ = url;
    }
}

void CompositorLink::handle_catalogue_role(void* data, cirrus_app_v1*, const char* url) {
    static_cast<CompositorLink*>(data)->catalogue_role_ = CatalogueRole{url ? url : ""};
}

void CompositorLink::handle_settings_role(void* data, cirrus_app_v1*) {
    static_cast<CompositorLink*>(data)->settings_role_ = true;
}

void CompositorLink::handle_browser_role(void* data, cirrus_app_v1*) {
    static_cast<CompositorLink*>(data)->browser_role_ = true;
}

void CompositorLink::handle_link_state(void* data, cirrus_app_v1*, std::uint32_t link, std::uint32_t rtt_ms,
                                       std::uint32_t kbit_per_s) {
    auto* self = static_cast<CompositorLink*>(data);
    LinkState state;
    switch (link) {
    case CIRRUS_APP_V1_LINK_OFFLINE:
        state.link = LinkState::Class::offline;
        break;
    case CIRRUS_APP_V1_LINK_SLOW_2G:
        state.link = LinkState::Class::slow_2g;
        break;
    case CIRRUS_APP_V1_LINK_GOOD:
        state.link = LinkState::Class::good;
        break;
    default:
        state.link = LinkState::Class::cellular_3g;
        break;
    }
    state.rtt_ms = rtt_ms;
    state.kbit_per_s = kbit_per_s;
    self->link_state_ = state;
    if (self->on_link_state) self->on_link_state(state);
}

void CompositorLink::link_sample(std::uint32_t bytes, std::uint32_t time_to_headers_ms, std::uint32_t total_ms,
                                 bool failed) {
    if (!app_) return;
    cirrus_app_v1_link_sample(app_, bytes, time_to_headers_ms, total_ms, failed ? 1 : 0);
    flush();
}

void CompositorLink::open_url(const std::string& url, Opened opened) {
    if (!app_) return;
    if (url.size() > protocol_text::kMaxUrlBytes) {  // a cut URL would name another page
        opened(false);
        return;
    }
    const std::uint32_t serial = next_serial_++;
    links_[serial] = std::move(opened);
    cirrus_app_v1_open_url(app_, serial, url.c_str());
    flush();
}

void CompositorLink::install_app(const std::string& url, InstallAnswered answered) {
    if (!app_ || cirrus_app_v1_get_version(app_) < CIRRUS_APP_V1_INSTALL_APP_SINCE_VERSION ||
        url.size() > protocol_text::kMaxUrlBytes) {
        answered({InstallAnswer::Result::refused, "", "the compositor cannot install apps for this app"});
        return;
    }
    const std::uint32_t serial = next_serial_++;
    installs_[serial] = std::move(answered);
    cirrus_app_v1_install_app(app_, serial, url.c_str());
    flush();
}

void CompositorLink::handle_install_answered(void* data, cirrus_app_v1*, std::uint32_t serial, std::uint32_t result,
                                             const char* app_id, const char* message) {
    auto* self = static_cast<CompositorLink*>(data);
    auto it = self->installs_.find(serial);
    if (it == self->installs_.end()) return;
    InstallAnswered callback = std::move(it->second);
    self->installs_.erase(it);
    const auto kind = result <= CIRRUS_APP_V1_INSTALL_RESULT_REFUSED ? static_cast<InstallAnswer::Result>(result)
                                                                     : InstallAnswer::Result::refused;
    if (callback) callback({kind, app_id, message});
}

void CompositorLink::flush() {
    // GDK flushes before it sleeps; a request sent from a timer or a WebKit
    // signal must not wait for the next GDK event to leave.
    if (display_) wl_display_flush(display_);
}

void CompositorLink::first_frame(wl_surface* surface) {
    if (!app_ || !surface) return;
    cirrus_app_v1_first_frame(app_, surface);
    flush();
}

void CompositorLink::set_theme_color(std::uint32_t argb) {
    if (!app_) return;
    cirrus_app_v1_set_theme_color(app_, argb);
    flush();
}

void CompositorLink::notify(std::uint32_t tag, const std::string& title, const std::string& body, Activated activated) {
    if (!app_) return;
    notifications_[tag] = std::move(activated);
    // The page chose these: a message over libwayland's limit would cut this
    // host's connection.
    cirrus_app_v1_notify(app_, tag, protocol_text::bounded(title, protocol_text::kMaxNotificationTitleBytes).c_str(),
                         protocol_text::bounded(body, protocol_text::kMaxNotificationBodyBytes).c_str());
    flush();
}

void CompositorLink::withdraw_notification(std::uint32_t tag) {
    if (!app_) return;
    notifications_.erase(tag);
    cirrus_app_v1_withdraw_notification(app_, tag);
    flush();
}

void CompositorLink::request_permission(const std::string& permission, Answered answered) {
    if (!app_) return;
    const std::uint32_t serial = next_serial_++;
    questions_[serial] = std::move(answered);
    cirrus_app_v1_request_permission(app_, serial, permission.c_str());
    flush();
}

}  // namespace cirrus::webapp
