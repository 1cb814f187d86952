#include "shell_protocol.hpp"

#include <cstdio>
#include <utility>

#include "protocols.hpp"

namespace cirrus::shell {

// The wire arguments as ShellEvents takes them; nothing else happens here.
struct ShellProtocolListener {
    static ShellProtocol& self(void* data) { return *static_cast<ShellProtocol*>(data); }

    static void app_state(void* data, cirrus_shell_v1*, const char* app_id, uint32_t state) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.app_state", [&] {
            s.app_state(app_id, state == CIRRUS_SHELL_V1_APP_STATE_LAUNCHING ? AppState::launching
                                : state == CIRRUS_SHELL_V1_APP_STATE_RUNNING ? AppState::running
                                                                             : AppState::closed);
        });
    }
    static void app_title(void* data, cirrus_shell_v1*, const char* app_id, const char* title) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.app_title", [&] { s.app_title(app_id, title); });
    }
    static void launch_failed(void* data, cirrus_shell_v1*, const char* app_id, const char* reason) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.launch_failed", [&] { s.launch_failed(app_id, reason); });
    }
    static void front_app(void* data, cirrus_shell_v1*, const char* app_id, uint32_t theme_color) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.front_app", [&] { s.front_app(app_id, theme_color); });
    }
    static void gesture(void* data, cirrus_shell_v1*, uint32_t gesture) { self(data).gesture(gesture); }
    static void locked(void* data, cirrus_shell_v1*, uint32_t locked) { self(data).locked(locked != 0); }
    static void link_state(void* data, cirrus_shell_v1*, uint32_t link) { self(data).link_state(link); }
    static void link_kind(void* data, cirrus_shell_v1*, uint32_t kind) { self(data).link_kind(kind); }
    static void notification(void* data, cirrus_shell_v1*, uint32_t id, const char* app_id, const char* title,
                             const char* body) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.notification", [&] { s.notification(id, app_id, title, body); });
    }
    static void notification_closed(void* data, cirrus_shell_v1*, uint32_t id) { self(data).notification_closed(id); }
    static void permission_request(void* data, cirrus_shell_v1*, uint32_t request_id, const char* app_id,
                                   const char* permission) {
        auto& s = self(data);
        s.client_.guard("cirrus_shell_v1.permission_request",
                        [&] { s.permission_request(request_id, app_id, permission); });
    }
    static void done(void* data, cirrus_shell_v1*) { self(data).done(); }

    // Installs: delivered at once when handled, else held (a shell binding).
    static void deliver(ShellProtocol& s, const char* where, std::function<void()> event) {
        s.client_.guard(where, [&] {
            if (s.on_install_offer) event();
            else s.install_held.push_back(std::move(event));
        });
    }
    // An install's and an update's sheet: what both events say.
    static ShellProtocol::InstallOffer offer_of(uint32_t request_id, const char* app_id, const char* name,
                                                const char* origin, const char* icon) {
        ShellProtocol::InstallOffer offer;
        offer.request_id = request_id;
        offer.app_id = app_id;
        offer.name = name;
        offer.origin = origin;
        offer.icon = icon;
        return offer;
    }
    static void deliver_offer(ShellProtocol& s, const char* event, ShellProtocol::InstallOffer offer) {
        deliver(s, event, [&s, offer = std::move(offer)] {
            if (s.on_install_offer) s.on_install_offer(offer);
        });
    }
    static void install_offer(void* data, cirrus_shell_v1*, uint32_t request_id, const char* app_id, const char* name,
                              const char* origin, const char* icon, uint32_t bytes, uint32_t files, uint32_t installed,
                              const char* reason) {
        ShellProtocol::InstallOffer offer = offer_of(request_id, app_id, name, origin, icon);
        offer.offline_bytes = bytes;
        offer.offline_files = files;
        offer.installed = installed != 0;
        offer.reason = reason;
        deliver_offer(self(data), "cirrus_shell_v1.install_offer", std::move(offer));
    }
    static void update_offer(void* data, cirrus_shell_v1*, uint32_t request_id, const char* app_id,
                             const char* old_name, const char* name, const char* origin, const char* icon,
                             uint32_t name_changed, uint32_t icon_changed) {
        ShellProtocol::InstallOffer offer = offer_of(request_id, app_id, name, origin, icon);
        offer.update = true;
        offer.old_name = old_name;
        offer.name_changed = name_changed != 0;
        offer.icon_changed = icon_changed != 0;
        deliver_offer(self(data), "cirrus_shell_v1.update_offer", std::move(offer));
    }
    static void install_progress(void* data, cirrus_shell_v1*, const char* app_id, const char* name, const char* icon,
                                 uint32_t done, uint32_t total) {
        auto& s = self(data);
        deliver(s, "cirrus_shell_v1.install_progress",
                [&s, app = std::string(app_id), n = std::string(name), i = std::string(icon), done, total] {
                    if (s.on_install_progress) s.on_install_progress(app, n, i, done, total);
                });
    }
    static void install_finished(void* data, cirrus_shell_v1*, const char* app_id) {
        auto& s = self(data);
        deliver(s, "cirrus_shell_v1.install_finished", [&s, app = std::string(app_id)] {
            if (s.on_install_finished) s.on_install_finished(app);
        });
    }
    static void install_failed(void* data, cirrus_shell_v1*, const char* app_id, const char* reason) {
        auto& s = self(data);
        deliver(s, "cirrus_shell_v1.install_failed", [&s, app = std::string(app_id), r = std::string(reason)] {
            if (s.on_install_failed) s.on_install_failed(app, r);
        });
    }
};

namespace {

const cirrus_shell_v1_listener kShellListener = {
    .app_state = ShellProtocolListener::app_state,
    .app_title = ShellProtocolListener::app_title,
    .launch_failed = ShellProtocolListener::launch_failed,
    .front_app = ShellProtocolListener::front_app,
    .gesture = ShellProtocolListener::gesture,
    .link_state = ShellProtocolListener::link_state,
    .locked = ShellProtocolListener::locked,
    .notification = ShellProtocolListener::notification,
    .notification_closed = ShellProtocolListener::notification_closed,
    .permission_request = ShellProtocolListener::permission_request,
    .done = ShellProtocolListener::done,
    .install_offer = ShellProtocolListener::install_offer,
    .install_progress = ShellProtocolListener::install_progress,
    .install_finished = ShellProtocolListener::install_finished,
    .install_failed = ShellProtocolListener::install_failed,
    .update_offer = ShellProtocolListener::update_offer,
    .link_kind = ShellProtocolListener::link_kind,
};

}  // namespace

ShellProtocol::ShellProtocol(WaylandClient& client)
    : ShellEvents([&client](const char* where, const std::function<void()>& body) { client.guard(where, body); }),
      client_(client) {
    client_.shell_bound = [this](cirrus_shell_v1* proxy) {
        cirrus_shell_v1_add_listener(proxy, &kShellListener, this);
    };
    if (cirrus_shell_v1* proxy = client_.shell_protocol()) cirrus_shell_v1_add_listener(proxy, &kShellListener, this);
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

bool ShellProtocol::activate(const std::string& app_id) {
    if (!available()) return false;
    cirrus_shell_v1_activate(client_.shell_protocol(), app_id.c_str());
    return true;
}

bool ShellProtocol::close_app(const std::string& app_id) {
    if (!available()) return false;
    cirrus_shell_v1_close(client_.shell_protocol(), app_id.c_str());
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

void ShellProtocol::answer_not_asked(std::uint32_t request_id, const std::string& app_id,
                                     const std::string& permission) {
    // No prompt: "not asked" lets the app's default (denied) stand without
    // storing a decision the user never made, and the page is not left
    // waiting.
    std::fprintf(stderr, "cirrus-shell: %s asks for %s: no prompt, not asked (denied by default)\n", app_id.c_str(),
                 permission.c_str());
    answer_permission(request_id, CIRRUS_SHELL_V1_PERMISSION_ANSWER_NOT_ASKED);
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

bool ShellProtocol::answer_install(std::uint32_t request_id, std::uint32_t answer) {
    if (!available()) return false;
    cirrus_shell_v1_answer_install(client_.shell_protocol(), request_id, answer);
    return true;
}

bool ShellProtocol::retry_install(const std::string& app_id) {
    if (!available()) return false;
    cirrus_shell_v1_retry_install(client_.shell_protocol(), app_id.c_str());
    return true;
}

void ShellProtocol::deliver_install_held() {
    std::vector<std::function<void()>> held = std::move(install_held);
    install_held.clear();
    for (auto& event : held) client_.guard("cirrus_shell_v1 (held install event)", [&] { event(); });
}

}  // namespace cirrus::shell

namespace cirrus::shell {

struct AppCaptureListener {
    static void ready(void* data, cirrus_app_capture_v1*, uint32_t width, uint32_t height) {
        static_cast<AppCapture*>(data)->finish(true, static_cast<int>(width), static_cast<int>(height));
    }
    static void failed(void* data, cirrus_app_capture_v1*, uint32_t, const char* message) {
        std::fprintf(stderr, "cirrus-shell: no switcher card picture: %s\n", message);
        static_cast<AppCapture*>(data)->finish(false, 0, 0);
    }
};

namespace {
const cirrus_app_capture_v1_listener kCaptureListener = {
    .ready = AppCaptureListener::ready,
    .failed = AppCaptureListener::failed,
};
}  // namespace

AppCapture::AppCapture(WaylandClient& client, cirrus_app_capture_v1* proxy, Done done)
    : client_(client), proxy_(proxy), done_(std::move(done)) {
    cirrus_app_capture_v1_add_listener(proxy_, &kCaptureListener, this);
}

AppCapture::~AppCapture() { cirrus_app_capture_v1_destroy(proxy_); }

void AppCapture::finish(bool ok, int width, int height) {
    // The callback may destroy this capture: it runs from a local copy, and
    // nothing here touches `this` after it.
    Done done = std::move(done_);
    done_ = nullptr;
    if (done) client_.guard("cirrus_app_capture_v1", [&] { done(ok, width, height); });
}

std::unique_ptr<AppCapture> ShellProtocol::capture_app(const std::string& app_id, wl_buffer* buffer,
                                                       AppCapture::Done done) {
    if (!available() || !buffer) return nullptr;
    cirrus_app_capture_v1* proxy = cirrus_shell_v1_capture_app(client_.shell_protocol(), app_id.c_str(), buffer);
    if (!proxy) return nullptr;
    return std::make_unique<AppCapture>(client_, proxy, std::move(done));
}

}  // namespace cirrus::shell
