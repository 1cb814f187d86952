// The host's side of cirrus_app_v1: how it tells the compositor that the
// app's first frame is on screen (ending the splash), what its theme colour
// is, and shows Web Notifications and permission questions through the shell.
// Bound on GDK's own Wayland connection; under another compositor (or X11)
// the link is simply absent and every call is a no-op that says so.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

struct wl_display;
struct wl_registry;
struct wl_surface;
struct cirrus_app_v1;

namespace cirrus::webapp {

class CompositorLink {
public:
    // Looks for the global on GDK's connection; no display: absent.
    CompositorLink();
    ~CompositorLink();
    CompositorLink(const CompositorLink&) = delete;
    CompositorLink& operator=(const CompositorLink&) = delete;

    bool present() const { return app_ != nullptr; }

    void first_frame(wl_surface* surface);
    void set_theme_color(std::uint32_t argb);

    // Activated is called when the user taps the banner.
    using Activated = std::function<void()>;
    void notify(std::uint32_t tag, const std::string& title, const std::string& body, Activated activated);
    void withdraw_notification(std::uint32_t tag);

    // The answer arrives later, through `answered` (never called when the
    // link is absent: check present() first). Unasked: no shell could ask
    // the user, so the app's default (denied) stands and nothing is stored.
    enum class Answer { denied, granted, unasked };
    using Answered = std::function<void(Answer answer)>;
    void request_permission(const std::string& permission, Answered answered);

    // Hands a link this app may not show to the compositor; `opened` says
    // whether another app (or the system browser) took it.
    using Opened = std::function<void(bool opened)>;
    void open_url(const std::string& url, Opened opened);

    // "Add to Home Screen" (cirrus_app_v1 version 3; the browser and the
    // catalogue only): the compositor has the shell ask the user and the
    // installer do the work. `answered` gets the result (added, opened,
    // cancelled, failed, refused), the app's id and why; refused at once
    // under a compositor without version 3.
    struct InstallAnswer {
        enum class Result { added, opened, cancelled, failed, refused };
        Result result = Result::refused;
        std::string app_id;
        std::string message;
    };
    using InstallAnswered = std::function<void(const InstallAnswer&)>;
    void install_app(const std::string& url, InstallAnswered answered);

    // The phone's link as the compositor estimates it (sent on bind and on
    // every change); none under another compositor.
    struct LinkState {
        enum class Class { offline, slow_2g, cellular_3g, good };
        Class link = Class::cellular_3g;
        std::uint32_t rtt_ms = 0;      // 0: not measured
        std::uint32_t kbit_per_s = 0;  // 0: not measured
    };
    const std::optional<LinkState>& link_state() const { return link_state_; }
    std::function<void(const LinkState&)> on_link_state;
    // One real transfer of the offline cache, for that estimate.
    void link_sample(std::uint32_t bytes, std::uint32_t time_to_headers_ms, std::uint32_t total_ms, bool failed);

    // The app lifecycle (cirrus_app_v1 version 2): the host is about to be
    // stopped, runs again, or must save its page and exit. Never called
    // under a compositor without version 2.
    std::function<void()> on_freeze;
    std::function<void()> on_resume;
    std::function<void()> on_discard;
    // The host replays a queued offline write (it is then never discarded).
    void replaying(bool active);

    // Set by the host: a URL the compositor asks it to show (a launch for a
    // link, or a link handed over while running), and the browser role.
    std::function<void(const std::string& url)> on_open_url;
    bool browser_role() const { return browser_role_; }
    // The apps catalogue (said on bind): the document it lists, "" for its
    // bundled sample.
    struct CatalogueRole {
        std::string url;
    };
    const std::optional<CatalogueRole>& catalogue_role() const { return catalogue_role_; }
    // The Settings app (said on bind): its page gets the account and sync
    // calls (settings_bridge.hpp).
    bool settings_role() const { return settings_role_; }
    // The URL the compositor gave as this host bound (a launch for a link),
    // once; empty when the app opens at its start_url.
    std::string take_launch_url() { return std::exchange(pending_url_, {}); }

private:
    static void handle_global(void* data, wl_registry* registry, std::uint32_t name, const char* interface,
                              std::uint32_t version);
    static void handle_global_remove(void* data, wl_registry* registry, std::uint32_t name);
    static void handle_notification_activated(void* data, cirrus_app_v1* app, std::uint32_t tag);
    static void handle_permission_answered(void* data, cirrus_app_v1* app, std::uint32_t serial, std::uint32_t answer);
    static void handle_url_opened(void* data, cirrus_app_v1* app, std::uint32_t serial, std::uint32_t opened);
    static void handle_open_url(void* data, cirrus_app_v1* app, const char* url);
    static void handle_browser_role(void* data, cirrus_app_v1* app);
    static void handle_catalogue_role(void* data, cirrus_app_v1* app, const char* url);
    static void handle_settings_role(void* data, cirrus_app_v1* app);
    static void handle_link_state(void* data, cirrus_app_v1* app, std::uint32_t link, std::uint32_t rtt_ms,
                                  std::uint32_t kbit_per_s);
    static void handle_freeze(void* data, cirrus_app_v1* app);
    static void handle_resume(void* data, cirrus_app_v1* app);
    static void handle_discard(void* data, cirrus_app_v1* app);
    static void handle_install_answered(void* data, cirrus_app_v1* app, std::uint32_t serial, std::uint32_t result,
                                        const char* app_id, const char* message);
    void flush();

    wl_display* display_ = nullptr;
    cirrus_app_v1* app_ = nullptr;
    std::map<std::uint32_t, Activated> notifications_;
    std::map<std::uint32_t, Answered> questions_;
    std::map<std::uint32_t, Opened> links_;
    std::map<std::uint32_t, InstallAnswered> installs_;
    bool browser_role_ = false;
    std::optional<CatalogueRole> catalogue_role_;
    bool settings_role_ = false;
    std::optional<LinkState> link_state_;
    std::string pending_url_;  // arrived before the host set on_open_url
    std::uint32_t next_serial_ = 1;
};

}  // namespace cirrus::webapp
