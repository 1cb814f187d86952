#include "server.hpp"

#include "lifecycle.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

#include "app_install.hpp"
#include "app_link.hpp"
#include "common/control_socket.hpp"
#include "common/link_file.hpp"
#include "control.hpp"
#include "layer_surface.hpp"
#include "output.hpp"
#include "seat.hpp"
#include "shell_link.hpp"
#include "splash.hpp"
#include "supervisor.hpp"
#include "trust.hpp"
#include "wayland_socket.hpp"
#include "child_slot.hpp"
#include "text_input.hpp"
#include "xdg_view.hpp"

namespace cirrus {

void log_listener_exception(const char* what) {
    wlr_log(WLR_ERROR, "an event handler failed: %s (the compositor goes on)", what);
}

// Every decoration request is answered "server side", and the server then
// draws none: a phone window has no title bar.
struct Server::Decoration {
    wlr_xdg_toplevel_decoration_v1* wlr = nullptr;
    Listener request_mode;
    Listener destroy;
};

struct Server::Inhibitor {
    Listener destroy;
};

Server::Server(Config cfg) : config(std::move(cfg)) {}

bool Server::start() {
    display = wl_display_create();
    if (!display) {
        wlr_log(WLR_ERROR, "cannot create the Wayland display");
        return false;
    }
    loop = wl_display_get_event_loop(display);
    sigterm_ = wl_event_loop_add_signal(loop, SIGTERM, &Server::handle_signal, this);
    sigint_ = wl_event_loop_add_signal(loop, SIGINT, &Server::handle_signal, this);
    sigchld_ = wl_event_loop_add_signal(loop, SIGCHLD, &Server::handle_signal, this);
    signal(SIGPIPE, SIG_IGN);

    // Picks DRM + libinput through libseat on a device, a nested window under
    // WAYLAND_DISPLAY or DISPLAY, or headless (WLR_BACKENDS overrides).
    backend = wlr_backend_autocreate(display);
    if (!backend) {
        wlr_log(WLR_ERROR,
                "no backend could start: on a device check the seat (seatd or logind) and /dev/dri; "
                "for a test run set WLR_BACKENDS=headless WLR_RENDERER=pixman");
        return false;
    }
    // Injected touch and keys travel through devices of their own, so they
    // take exactly the path real input takes.
    synthetic_input_backend = wlr_headless_backend_create(display);
    if (!synthetic_input_backend || !wlr_multi_backend_add(backend, synthetic_input_backend)) {
        wlr_log(WLR_ERROR, "cannot create the synthetic input backend");
        return false;
    }
    renderer = wlr_renderer_autocreate(backend);
    if (!renderer) {
        wlr_log(WLR_ERROR, "no renderer: set WLR_RENDERER=pixman where there is no GPU");
        return false;
    }
    if (!wlr_renderer_init_wl_display(renderer, display)) return false;
    allocator = wlr_allocator_autocreate(backend, renderer);
    if (!allocator) {
        wlr_log(WLR_ERROR, "cannot create a buffer allocator");
        return false;
    }
    if (!create_globals()) return false;

    // The compositor's own listener, not wl_display_add_socket: it caps
    // plain clients and keeps going when out of fds (wayland_socket.hpp).
    wayland_socket =
        std::make_unique<WaylandSocket>(display, [this](pid_t pid) { return supervisor->is_host_process(pid); });
    if (!wayland_socket->listen(config.socket_name)) {
        if (config.socket_name.empty()) {
            wlr_log(WLR_ERROR, "cannot open a Wayland socket in $XDG_RUNTIME_DIR");
        } else {
            wlr_log(WLR_ERROR, "cannot open the Wayland socket '%s' (is another compositor using it?)",
                    config.socket_name.c_str());
        }
        return false;
    }
    socket_name = wayland_socket->name();

    if (!wlr_backend_start(backend)) {
        wlr_log(WLR_ERROR, "the backend did not start (on a device: is this a seat with a DRM device?)");
        return false;
    }
    wlr_headless_add_input_device(synthetic_input_backend, WLR_INPUT_DEVICE_KEYBOARD);
    wlr_headless_add_input_device(synthetic_input_backend, WLR_INPUT_DEVICE_TOUCH);

    // Beside the Wayland socket: libwayland has just made that in
    // $XDG_RUNTIME_DIR (it refuses to without one).
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime_dir || !*runtime_dir) {
        wlr_log(WLR_ERROR, "XDG_RUNTIME_DIR is not set: set it to a private folder (mode 0700)");
        return false;
    }
    if (!trust->listen(cirrus::control::trusted_socket_path(runtime_dir, socket_name))) return false;
    control = std::make_unique<ControlServer>(*this);
    if (!control->listen(cirrus::control::control_socket_path(runtime_dir, socket_name))) return false;

    setenv("WAYLAND_DISPLAY", socket_name.c_str(), 1);
    if (const char* x_display = std::getenv("DISPLAY")) parent_x_display = x_display;
    unsetenv("DISPLAY");  // our clients belong here, not to a parent X server
    if (config.install_bundled_apps) supervisor->install_bundled_apps();
    shell->start();
    keyboard->start(config.keyboard.command);
    sync->start(config.sync_command);
    for (const std::string& command : config.trusted_commands) {
        trust->spawn({"/bin/sh", "-c", command}, true);
    }
    std::fprintf(stderr, "cirrus-compositor: WAYLAND_DISPLAY=%s control=%s\n", socket_name.c_str(),
                 control->path().c_str());
    return true;
}

bool Server::create_globals() {
    compositor = wlr_compositor_create(display, renderer);
    if (!compositor || !wlr_data_device_manager_create(display) ||
        !wlr_primary_selection_v1_device_manager_create(display) || !wlr_viewporter_create(display)) {
        wlr_log(WLR_ERROR, "cannot create the core globals");
        return false;
    }
    output_layout = wlr_output_layout_create();
    scene = wlr_scene_create();
    if (!output_layout || !scene || !wlr_scene_attach_output_layout(scene, output_layout)) return false;
    for (auto& tree : layers_) {
        tree = wlr_scene_tree_create(&scene->node);
        if (!tree) return false;
    }

    xdg_shell = wlr_xdg_shell_create(display);
    layer_shell = wlr_layer_shell_v1_create(display);
    presentation = wlr_presentation_create(display, backend);
    foreign_toplevels = wlr_foreign_toplevel_manager_v1_create(display);
    screencopy = wlr_screencopy_manager_v1_create(display);
    xdg_output = wlr_xdg_output_manager_v1_create(display, output_layout);
    idle = wlr_idle_create(display);
    idle_inhibit = wlr_idle_inhibit_v1_create(display);
    output_power = wlr_output_power_manager_v1_create(display);
    xdg_decoration = wlr_xdg_decoration_manager_v1_create(display);
    server_decoration = wlr_server_decoration_manager_create(display);
    virtual_keyboard = wlr_virtual_keyboard_manager_v1_create(display);
    virtual_pointer = wlr_virtual_pointer_manager_v1_create(display);
    if (!xdg_shell || !layer_shell || !presentation || !foreign_toplevels || !screencopy || !xdg_output || !idle ||
        !idle_inhibit || !output_power || !xdg_decoration || !server_decoration || !virtual_keyboard ||
        !virtual_pointer) {
        wlr_log(WLR_ERROR, "cannot create the protocol globals");
        return false;
    }
    wlr_scene_set_presentation(scene, presentation);
    // GTK3 asks through the KDE protocol: tell it the server decorates.
    wlr_server_decoration_manager_set_default_mode(server_decoration, WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);

    trust = std::make_unique<Trust>(display);
    for (wl_global* global : {layer_shell->global, foreign_toplevels->global, screencopy->global,
                              virtual_keyboard->global, virtual_pointer->global, output_power->global}) {
        trust->add_privileged(global);
    }
    seat = std::make_unique<Seat>(*this);
    // Apps' text fields and the on-screen keyboard (text_input.hpp); the
    // keyboard's protocols are for trusted clients.
    text_input = std::make_unique<TextInputRelay>(*this);
    trust->add_privileged(text_input->input_method_global());
    keyboard = std::make_unique<ChildSlot>(
        *this, ChildRole{"on-screen keyboard", "[keyboard] command", "keyboard", /*trusted=*/true});
    // Not a Wayland client: it hears the link estimate through the link file.
    sync = std::make_unique<ChildSlot>(*this, ChildRole{"sync service", "[sync] command", "sync", /*trusted=*/false});
    supervisor = std::make_unique<Supervisor>(*this);
    supervisor->on_change = [this](const std::string& app, Supervisor::Change change) {
        handle_app_change(app, static_cast<int>(change));
    };
    splash = std::make_unique<Splash>(*this);
    shell = std::make_unique<ShellLink>(*this);
    app_link = std::make_unique<AppLink>(*this);
    app_install = std::make_unique<AppInstall>(*this);
    lifecycle = std::make_unique<LifecycleGlue>(*this);
    link_monitor = std::make_unique<LinkMonitor>(loop);
    link_monitor->on_change = [this](const LinkEstimate& estimate) {
        if (shell) shell->link_state(estimate.link_class);
        if (app_link) app_link->link_state(estimate);
    };
    if (const auto path = link_file::default_path()) link_monitor->publish_to(*path);
    link_monitor->on_kind_change = [this](LinkKind kind) {
        if (shell) shell->link_kind(kind);
    };
    if (!shell->global() || !app_link->global()) {
        wlr_log(WLR_ERROR, "cannot create the cirrus_shell_v1 and cirrus_app_v1 globals");
        return false;
    }
    trust->add_privileged(shell->global());
    // Hosts are told apart by pid: the supervisor knows which it started.
    trust->add_host_only(app_link->global(), [this](pid_t pid) { return supervisor->is_host(pid); });

    new_output_.connect(&backend->events.new_output,
                        [this](void* data) { handle_new_output(static_cast<wlr_output*>(data)); });
    new_input_.connect(&backend->events.new_input,
                       [this](void* data) { handle_new_input(static_cast<wlr_input_device*>(data)); });
    new_xdg_surface_.connect(&xdg_shell->events.new_surface,
                             [this](void* data) { handle_new_xdg_surface(static_cast<wlr_xdg_surface*>(data)); });
    new_layer_surface_.connect(&layer_shell->events.new_surface, [this](void* data) {
        handle_new_layer_surface(static_cast<wlr_layer_surface_v1*>(data));
    });
    new_decoration_.connect(&xdg_decoration->events.new_toplevel_decoration, [this](void* data) {
        handle_new_decoration(static_cast<wlr_xdg_toplevel_decoration_v1*>(data));
    });
    output_power_set_mode_.connect(&output_power->events.set_mode, [this](void* data) {
        handle_output_power_set_mode(static_cast<wlr_output_power_v1_set_mode_event*>(data));
    });
    new_inhibitor_.connect(&idle_inhibit->events.new_inhibitor,
                           [this](void* data) { handle_new_inhibitor(static_cast<wlr_idle_inhibitor_v1*>(data)); });
    return true;
}

Server::~Server() {
    // One cleanup path, in reverse order of creation. Clients go first so that
    // every view and layer surface is destroyed through its own handlers while
    // the rest still exists; our listeners go before the wlroots objects they
    // listen to.
    shutting_down = true;
    lifecycle.reset();  // stopped hosts run again, to see their connection end
    control.reset();
    wayland_socket.reset();  // no new clients while the others go
    if (display) wl_display_destroy_clients(display);
    link_monitor.reset();  // its netlink source is on the display's loop
    app_install.reset();
    app_link.reset();
    keyboard.reset();
    sync.reset();
    shell.reset();
    splash.reset();
    decorations_.clear();
    inhibitors_.clear();
    new_output_.disconnect();
    new_input_.disconnect();
    new_xdg_surface_.disconnect();
    new_layer_surface_.disconnect();
    new_decoration_.disconnect();
    output_power_set_mode_.disconnect();
    new_inhibitor_.disconnect();
    text_input.reset();
    seat.reset();
    trust.reset();
    if (backend) wlr_backend_destroy(backend);  // its outputs remove themselves
    outputs.clear();
    // The scene listens to the layout: the layout goes first and tells it.
    if (output_layout) wlr_output_layout_destroy(output_layout);
    if (scene) wlr_scene_node_destroy(&scene->node);
    if (allocator) wlr_allocator_destroy(allocator);
    if (renderer) wlr_renderer_destroy(renderer);
    for (wl_event_source* source : {sigterm_, sigint_, sigchld_, reveal_timer_}) {
        if (source) wl_event_source_remove(source);
    }
    if (display) wl_display_destroy(display);
}

int Server::run() {
    wl_display_run(display);
    return exit_status;
}

void Server::terminate() {
    if (display) wl_display_terminate(display);
}

int Server::handle_signal(int signal, void* data) {
    auto* self = static_cast<Server*>(data);
    if (signal == SIGCHLD) {
        self->reap_children();
    } else {
        wlr_log(WLR_INFO, "signal %d: shutting down", signal);
        self->terminate();
    }
    return 0;
}

void Server::reap_children() {
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        if (shell && shell->child_exited(pid)) continue;
        if (keyboard && keyboard->child_exited(pid)) continue;
        if (sync && sync->child_exited(pid)) continue;
        if (app_install && app_install->child_exited(pid)) continue;
        if (supervisor) supervisor->child_exited(pid, status);
    }
}

std::uint64_t Server::uptime_ms() const {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_).count());
}

std::size_t Server::client_count() const {
    std::size_t count = 0;
    wl_client* client;
    wl_client_for_each(client, wl_display_get_client_list(display))++ count;
    return count;
}

void Server::handle_new_output(wlr_output* output) {
    if (!wlr_output_init_render(output, allocator, renderer)) {
        wlr_log(WLR_ERROR, "output %s: cannot render to it; ignoring it", output->name);
        return;
    }
    outputs.push_back(std::make_unique<Output>(*this, output));
    arrange();
}

void Server::remove_output(Output* output) {
    for (auto& layer : layer_surfaces) {
        if (layer->output() == output) layer->forget_output();
    }
    outputs.remove_if([output](const std::unique_ptr<Output>& o) { return o.get() == output; });
    arrange();
}

void Server::handle_new_input(wlr_input_device* device) { seat->add_device(device); }

void Server::handle_new_xdg_surface(wlr_xdg_surface* surface) {
    if (surface->role == WLR_XDG_SURFACE_ROLE_POPUP) {
        attach_xdg_popup(*this, surface->popup);
        return;
    }
    if (surface->role != WLR_XDG_SURFACE_ROLE_TOPLEVEL) return;
    views.push_back(std::make_unique<XdgView>(*this, surface));
}

void Server::remove_view(XdgView* view) {
    if (policy.contains(view->id)) {
        policy.unmap(view->id);
    }
    views.remove_if([view](const std::unique_ptr<XdgView>& v) { return v.get() == view; });
    apply_window_policy();
}

void Server::handle_new_layer_surface(wlr_layer_surface_v1* surface) {
    Output* output = surface->output ? static_cast<Output*>(surface->output->data) : primary_output();
    if (!output) {
        wlr_log(WLR_ERROR, "a layer surface (%s) arrived with no output to show it on; closing it",
                surface->namespace_ ? surface->namespace_ : "");
        wlr_layer_surface_v1_destroy(surface);
        return;
    }
    surface->output = output->wlr;
    layer_surfaces.push_back(std::make_unique<LayerSurface>(*this, surface, output));
}

void Server::remove_layer_surface(LayerSurface* layer) {
    if (seat) seat->forget_layer(layer);
    layer_surfaces.remove_if([layer](const std::unique_ptr<LayerSurface>& l) { return l.get() == layer; });
    arrange();
    if (!shutting_down) seat->update_keyboard_focus();
}

void Server::handle_new_decoration(wlr_xdg_toplevel_decoration_v1* decoration) {
    auto owned = std::make_unique<Decoration>();
    Decoration* d = owned.get();
    d->wlr = decoration;
    d->request_mode.connect(&decoration->events.request_mode, [d](void*) {
        wlr_xdg_toplevel_decoration_v1_set_mode(d->wlr, WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
    });
    d->destroy.connect(&decoration->events.destroy, [this, d](void*) {
        decorations_.remove_if([d](const std::unique_ptr<Decoration>& x) { return x.get() == d; });
    });
    wlr_xdg_toplevel_decoration_v1_set_mode(decoration, WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE);
    decorations_.push_back(std::move(owned));
}

void Server::handle_output_power_set_mode(wlr_output_power_v1_set_mode_event* event) {
    if (auto* output = static_cast<Output*>(event->output->data)) {
        output->set_power(event->mode == ZWLR_OUTPUT_POWER_V1_MODE_ON);
    }
}

void Server::handle_new_inhibitor(wlr_idle_inhibitor_v1* inhibitor) {
    auto owned = std::make_unique<Inhibitor>();
    Inhibitor* i = owned.get();
    i->destroy.connect(&inhibitor->events.destroy, [this, i](void*) {
        inhibitors_.remove_if([i](const std::unique_ptr<Inhibitor>& x) { return x.get() == i; });
        wlr_idle_set_enabled(idle, seat->wlr, inhibitors_.empty());
    });
    inhibitors_.push_back(std::move(owned));
    wlr_idle_set_enabled(idle, seat->wlr, false);
}

Output* Server::primary_output() const { return outputs.empty() ? nullptr : outputs.front().get(); }

XdgView* Server::view_by_id(ViewId id) const {
    for (const auto& view : views) {
        if (view->id == id) return view.get();
    }
    return nullptr;
}

XdgView* Server::view_for_surface(wlr_surface* surface) const {
    for (const auto& view : views) {
        if (view->surface() == surface) return view.get();
    }
    return nullptr;
}

void Server::arrange() {
    if (shutting_down) return;
    bool changed = false;
    for (auto& output : outputs) changed = output->arrange_layers() || changed;
    Output* primary = primary_output();
    const Rect area = primary ? primary->work_area() : Rect{};
    const Rect fullscreen = primary ? primary->fullscreen_area() : Rect{};
    if (changed || area != policy.work_area() || fullscreen != policy.fullscreen_area()) {
        policy.set_work_area(area);
        policy.set_fullscreen_area(fullscreen);
        apply_window_policy();
    } else {
        update_bars();  // a new or changed layer surface may be one to hide
    }
}

void Server::apply_window_policy() {
    if (shutting_down) return;
    for (const ViewPlacement& placement : policy.placements()) {
        if (XdgView* view = view_by_id(placement.id)) view->apply(placement);
    }
    const auto focused = policy.focused();
    for (auto& view : views) view->set_focused(focused == view->id);
    seat->update_keyboard_focus();
    splash->restack();
    update_bars();
    update_front_app();
}

void Server::focus_view(XdgView* view) {
    if (!view || !policy.contains(view->id)) return;
    policy.activate(view->id);
    apply_window_policy();
}

}  // namespace cirrus
