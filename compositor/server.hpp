// The compositor's root object: it owns the display, the backend, the scene
// and every subsystem, and tears them down in one place, in reverse order.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <sys/types.h>

#include "config.hpp"
#include "launch_outcome.hpp"
#include "listener.hpp"
#include "link_monitor.hpp"
#include "shell_link.hpp"
#include "window_policy.hpp"
#include "wlr.hpp"

namespace cirrus {

class Output;
class XdgView;
class LayerSurface;
class Seat;
class Trust;
class WaylandSocket;
class ControlServer;
class Supervisor;
class Splash;
class ShellLink;
class AppLink;
class AppInstall;
class LifecycleGlue;
class TextInputRelay;
class ChildSlot;

// Scene trees from bottom to top. Apps sit between the bottom and top layers,
// as layer-shell prescribes.
enum class SceneLayer { background, bottom, apps, top, overlay, count };

class Server {
public:
    explicit Server(Config config);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Starts the backend and spawns the trusted clients; false on failure
    // (the reason is logged).
    bool start();
    int run();  // the event loop; returns the exit status
    void terminate();

    // Re-arranges layer surfaces on every output, then app windows.
    void arrange();
    // Applies the window policy: visibility, position, size, stacking, focus.
    void apply_window_policy();
    void focus_view(XdgView* view);

    // App-level actions, as the shell, the control socket and gestures ask
    // (app_actions.cpp). A launch shows the app's splash at once.
    using LaunchOutcome = cirrus::LaunchOutcome;
    LaunchOutcome launch_app(const std::string& app);
    // A launch that opens the app at `url` (a web URL already checked for
    // form): refused unless the app's scope holds it, or the app is the
    // system browser (any web page).
    LaunchOutcome launch_app_at(const std::string& app, const std::string& url);
    void show_home();
    bool activate_app(const std::string& app);
    bool close_app(const std::string& app);
    void set_locked(bool locked);
    bool locked() const { return locked_; }
    void set_switcher_open(bool open);
    struct FrontApp {
        std::string app;               // empty: home is in front
        std::uint32_t theme_argb = 0;  // alpha 0: none
        bool operator==(const FrontApp&) const = default;
    };
    FrontApp front_app() const;
    // Tells the shell when the front app or its theme colour changed.
    void update_front_app();
    void view_title_changed(const XdgView& view);
    // A system gesture or hardware key, recognised by the seat.
    void system_gesture(ShellGesture gesture);
    // A swipe down from the top edge: the status bar shows over the
    // fullscreen app in front for kStatusBarRevealMs (status_bar_reveal.cpp).
    void reveal_status_bar();
    // Hides the bars a fullscreen app in front covers, shows them otherwise.
    void update_bars();
    void power_key();
    bool blanked() const { return blanked_; }

    // Called from the objects' destroy handlers.
    void remove_output(Output* output);
    void remove_view(XdgView* view);
    void remove_layer_surface(LayerSurface* layer);

    Output* primary_output() const;
    std::size_t client_count() const;
    XdgView* view_by_id(ViewId id) const;
    XdgView* view_for_surface(wlr_surface* surface) const;
    ViewId next_id() { return next_id_++; }
    wlr_scene_tree* scene_layer(SceneLayer layer) const { return layers_[static_cast<int>(layer)]; }
    std::uint64_t uptime_ms() const;

    const Config config;
    wl_display* display = nullptr;
    wl_event_loop* loop = nullptr;
    std::string socket_name;
    // The desktop's X display when nested on X11 (DISPLAY, which clients
    // do not inherit): the nested window's size hints are set there.
    std::string parent_x_display;
    wlr_backend* backend = nullptr;
    wlr_backend* synthetic_input_backend = nullptr;  // keyboard/touch for injected input
    wlr_renderer* renderer = nullptr;
    wlr_allocator* allocator = nullptr;
    wlr_compositor* compositor = nullptr;
    wlr_output_layout* output_layout = nullptr;
    wlr_scene* scene = nullptr;
    wlr_xdg_shell* xdg_shell = nullptr;
    wlr_layer_shell_v1* layer_shell = nullptr;
    wlr_presentation* presentation = nullptr;
    wlr_foreign_toplevel_manager_v1* foreign_toplevels = nullptr;
    wlr_screencopy_manager_v1* screencopy = nullptr;
    wlr_xdg_output_manager_v1* xdg_output = nullptr;
    wlr_idle* idle = nullptr;
    wlr_idle_inhibit_manager_v1* idle_inhibit = nullptr;
    wlr_output_power_manager_v1* output_power = nullptr;
    wlr_xdg_decoration_manager_v1* xdg_decoration = nullptr;
    wlr_server_decoration_manager* server_decoration = nullptr;
    wlr_virtual_keyboard_manager_v1* virtual_keyboard = nullptr;
    wlr_virtual_pointer_manager_v1* virtual_pointer = nullptr;

    std::unique_ptr<Trust> trust;
    std::unique_ptr<WaylandSocket> wayland_socket;
    std::unique_ptr<Seat> seat;
    std::unique_ptr<ControlServer> control;
    std::unique_ptr<Supervisor> supervisor;
    std::unique_ptr<Splash> splash;
    std::unique_ptr<ShellLink> shell;
    std::unique_ptr<AppLink> app_link;
    std::unique_ptr<AppInstall> app_install;   // "Add to Home Screen" (issue 20)
    std::unique_ptr<LifecycleGlue> lifecycle;  // freezes and discards background apps
    std::unique_ptr<LinkMonitor> link_monitor;
    std::unique_ptr<TextInputRelay> text_input;  // text-input-v3 <-> input-method-v2
    std::unique_ptr<ChildSlot> keyboard;         // the on-screen keyboard process
    std::unique_ptr<ChildSlot> sync;             // cirrus-sync, the user's own cloud
    std::list<std::unique_ptr<Output>> outputs;
    std::list<std::unique_ptr<XdgView>> views;
    std::list<std::unique_ptr<LayerSurface>> layer_surfaces;
    WindowPolicy policy;
    std::uint64_t frames_committed = 0;  // output commits that carried a buffer
    int exit_status = 0;
    bool shutting_down = false;  // teardown: objects go, nothing is re-arranged

private:
    bool create_globals();
    void handle_new_output(wlr_output* output);
    void handle_new_xdg_surface(wlr_xdg_surface* surface);
    void handle_new_layer_surface(wlr_layer_surface_v1* surface);
    void handle_new_decoration(wlr_xdg_toplevel_decoration_v1* decoration);
    void handle_output_power_set_mode(wlr_output_power_v1_set_mode_event* event);
    void handle_new_input(wlr_input_device* device);
    void handle_new_inhibitor(wlr_idle_inhibitor_v1* inhibitor);
    static int handle_signal(int signal, void* data);
    void reap_children();
    void handle_app_change(const std::string& app, int change);

    wlr_scene_tree* layers_[static_cast<int>(SceneLayer::count)] = {};
    ViewId next_id_ = 1;
    bool locked_ = false;
    bool blanked_ = false;
    wlr_scene_rect* blank_ = nullptr;  // black over everything while blanked
    bool switcher_open_ = false;
    FrontApp reported_front_;
    std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
    wl_event_source* sigterm_ = nullptr;
    wl_event_source* sigint_ = nullptr;
    wl_event_source* sigchld_ = nullptr;
    wl_event_source* reveal_timer_ = nullptr;  // ends a status bar reveal
    static int handle_reveal_timer(void* data);

    Listener new_output_;
    Listener new_xdg_surface_;
    Listener new_layer_surface_;
    Listener new_decoration_;
    Listener output_power_set_mode_;
    Listener new_input_;
    Listener new_inhibitor_;
    struct Decoration;
    struct Inhibitor;
    std::list<std::unique_ptr<Decoration>> decorations_;
    std::list<std::unique_ptr<Inhibitor>> inhibitors_;
};

}  // namespace cirrus
