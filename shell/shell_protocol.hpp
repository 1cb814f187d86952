// The shell's side of cirrus_shell_v1 (protocols/cirrus/): requests to the
// compositor, and the state it reports, applied in batches that end with
// `done` so that the shell redraws once per batch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shell_events.hpp"
#include "wayland_client.hpp"

struct cirrus_app_capture_v1;

namespace cirrus::shell {

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

// The events arrive through ShellEvents (their handlers, state() and
// deliver_held() are its own); this adds the requests.
class ShellProtocol : public ShellEvents {
public:
    // Listens on the client's cirrus_shell_v1 once it is bound (create this
    // before WaylandClient::bind_globals()), if the compositor offers one.
    explicit ShellProtocol(WaylandClient& client);

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
    // Installing apps (version 2): the sheet's answer
    // (cirrus_shell_v1.install_answer), and a failed install's retry.
    bool answer_install(std::uint32_t request_id, std::uint32_t answer);
    bool retry_install(const std::string& app_id);

    // What the compositor says of installs, as it comes (a restarted shell
    // hears the open sheet and tiles as it binds: held until a handler is set
    // and deliver_install_held() runs).
    struct InstallOffer {
        std::uint32_t request_id = 0;
        std::string app_id, name, origin, icon;
        std::uint32_t offline_bytes = 0, offline_files = 0;
        bool installed = false;
        std::string reason;
        // Version 3, cirrus_shell_v1.update_offer: an installed app's new
        // name (`name`) or icon; Add takes it, Cancel keeps the app as it is.
        bool update = false;
        std::string old_name;
        bool name_changed = false, icon_changed = false;
    };
    std::function<void(const InstallOffer&)> on_install_offer;
    std::function<void(const std::string& app, const std::string& name, const std::string& icon, std::uint32_t done,
                       std::uint32_t total)>
        on_install_progress;
    std::function<void(const std::string& app)> on_install_finished;
    std::function<void(const std::string& app, const std::string& reason)> on_install_failed;
    void deliver_install_held();
    std::vector<std::function<void()>> install_held;  // events that came before their handler
    // Asks the compositor for the app's last frame in `buffer` (not attached
    // anywhere meanwhile); `done` runs once, unless the capture is destroyed
    // first. Null (and `done` never runs) when the protocol is missing.
    std::unique_ptr<AppCapture> capture_app(const std::string& app_id, wl_buffer* buffer, AppCapture::Done done);

private:
    friend struct ShellProtocolListener;
    void answer_not_asked(std::uint32_t request_id, const std::string& app_id, const std::string& permission) override;

    WaylandClient& client_;
};

}  // namespace cirrus::shell
