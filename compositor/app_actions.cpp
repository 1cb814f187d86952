// The Server's app-level actions: what a launch, "go home", the lock screen
// and the switcher do to windows, splashes and the shell's view of the apps.
#include <cmath>

#include "app_link.hpp"
#include "common/app_id.hpp"
#include "common/css_colour.hpp"
#include "output.hpp"
#include "common/registry.hpp"
#include "common/url.hpp"
#include "lifecycle.hpp"
#include "server.hpp"
#include "shell_link.hpp"
#include "splash.hpp"
#include "supervisor.hpp"
#include "xdg_view.hpp"

namespace cirrus {
namespace {

constexpr int kSplashIconLogicalPx = 96;

std::optional<std::uint32_t> argb_of(const std::optional<std::string>& css) {
    if (!css) return std::nullopt;
    const auto rgba = launcher::parse_css_colour(*css);
    if (!rgba) return std::nullopt;
    return (std::uint32_t{rgba->a} << 24) | (std::uint32_t{rgba->r} << 16) | (std::uint32_t{rgba->g} << 8) | rgba->b;
}

// The smallest stored icon at least `pixels` wide, else the largest there is.
std::optional<std::vector<std::uint8_t>> splash_icon(const launcher::Registry& registry, const std::string& app,
                                                     int pixels) {
    std::optional<std::vector<std::uint8_t>> best;
    for (int size : launcher::kShellIconSizes) {
        for (auto purpose : {launcher::IconPurpose::any, launcher::IconPurpose::maskable}) {
            if (auto png = registry.icon(app, size, purpose)) {
                best = std::move(png);
                break;
            }
        }
        if (best && size >= pixels) break;
    }
    return best;
}

// Counts a launch in the registry (`registry` if the launch opened it
// already): launch_count and the last launch, as the home screen and
// `cirrus info` show them.
void record_launch(std::optional<launcher::Registry>& registry, const std::string& app) {
    try {
        if (!registry) registry.emplace(launcher::Registry::open(launcher::default_registry_path()));
        registry->record_launch(app);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "launch of %s: cannot count it in the registry: %s", app.c_str(), e.what());
    }
}

XdgView* app_window(Server& server, pid_t pid) {
    for (const auto& view : server.views) {
        if (view->pid == pid && view->mapped() && !view->parent()) return view.get();
    }
    return nullptr;
}

}  // namespace

Server::LaunchOutcome Server::launch_app(const std::string& app) {
    LaunchOutcome outcome;
    const auto refuse = [&](std::string error) {
        outcome.error = std::move(error);
        if (shell) {
            shell->launch_failed(app, outcome.error);
            shell->done();
        }
        return outcome;
    };
    // Every launch (control socket, shell, a link) comes through here: what
    // is launched is checked here, once, before anything is spawned or a
    // standby host is used up. (The host checks the id again: it names folders.)
    if (!valid_app_id(app)) return refuse("'" + app + "' is not an app id (lowercase letters, digits, '.', '_', '-')");
    const LaunchAction expected = supervisor->table().on_launch_request(app);
    std::optional<std::uint32_t> theme;
    std::optional<launcher::Registry> registry;  // opened once: the splash reads it, the count writes it
    if (expected == LaunchAction::spawn) {
        // The splash goes up before the host is even forked: what the user
        // sees must not wait for a process start.
        try {
            registry.emplace(launcher::Registry::open(launcher::default_registry_path()));
            if (const auto record = registry->get(app)) {
                const double scale = primary_output() ? primary_output()->wlr->scale : 1.0;
                SplashContent content;
                content.name = record->short_name.value_or(record->name);
                content.background = record->background_color;
                content.icon_png =
                    splash_icon(*registry, app, static_cast<int>(std::ceil(kSplashIconLogicalPx * scale)));
                content.fullscreen = record->display == "fullscreen";
                theme = argb_of(record->theme_color);
                splash->show(app, content);
            } else {
                return refuse("no app '" + app + "' is installed (see cirrus list)");
            }
        } catch (const std::exception& e) {
            wlr_log(WLR_ERROR, "launch of %s: cannot read the registry: %s", app.c_str(), e.what());
            return refuse("cannot read the registry to launch '" + app + "': " + e.what());
        }
    }
    // A launch from the switcher (or anywhere) ends it: the app comes forward.
    if (switcher_open_) set_switcher_open(false);
    const Supervisor::LaunchResult launched = supervisor->launch(app);
    outcome.action = launch_action_name(launched.action);
    outcome.pid = launched.pid;
    if (!launched.error.empty()) {
        splash->remove(app);
        return refuse(launched.error);
    }
    if (launched.action == LaunchAction::spawn) app_link->app_launched(app, theme);
    // Every launch passes here -- `cirrus launch` and cirrusctl (control.cpp),
    // a tap on the home screen (shell_link.cpp), a link handed to the app
    // that holds it (app_link.cpp) -- so here it is counted: one that starts
    // the app or brings it to the front, i.e. the user opened it. A repeat
    // while the app is still starting (wait) is the same opening, and a
    // launch that failed opened nothing.
    if (launched.action != LaunchAction::wait) record_launch(registry, app);
    return outcome;
}

Server::LaunchOutcome Server::launch_app_at(const std::string& app, const std::string& url) {
    std::optional<launcher::AppRecord> record;
    try {
        if (valid_app_id(app)) record = launcher::Registry::open(launcher::default_registry_path()).get(app);
    } catch (const std::exception&) {
        // launch_app below reads the registry again and says why it cannot.
    }
    // An unknown app or id: launch_app refuses it with its own message.
    if (!record) return launch_app(app);
    if (app != config.browser_app && !launcher::is_within_scope(url, record->scope)) {
        LaunchOutcome outcome;
        outcome.error = "'" + url + "' is outside the scope of '" + app + "' (" + record->scope + ")";
        if (!config.browser_app.empty()) outcome.error += ": open it in '" + config.browser_app + "'";
        return outcome;
    }
    return app_link->launch_at(app, url);
}

void Server::show_home() {
    policy.show_home();
    policy.set_covered(false);
    switcher_open_ = false;
    // A splash belongs to the app in front: going home takes it down; the
    // app keeps starting and comes forward when its window maps.
    splash->remove_all();
    apply_window_policy();
}

bool Server::activate_app(const std::string& app) {
    const auto pid = supervisor->table().pid_for_app(app);
    XdgView* view = pid ? app_window(*this, *pid) : nullptr;
    if (!view && !pid && lifecycle && lifecycle->policy().state(app) == Lifecycle::discarded) {
        // A discarded app's card: a new host restores its saved state.
        return launch_app(app).error.empty();
    }
    if (!view) return false;
    if (switcher_open_) {
        switcher_open_ = false;
        policy.set_covered(locked_);
    }
    focus_view(view);
    return true;
}

bool Server::close_app(const std::string& app) {
    const auto pid = supervisor->table().pid_for_app(app);
    if (!pid && lifecycle && lifecycle->close_discarded(app)) {
        if (shell) {
            shell->app_state(app, ShellAppState::closed);
            shell->done();
        }
        return true;
    }
    if (!pid) return false;
    // A frozen host must run to hear that its window closes.
    if (lifecycle) lifecycle->continue_app(app);
    bool asked = false;
    for (const auto& view : views) {
        if (view->pid == *pid && view->mapped() && !view->parent()) {
            view->close();
            asked = true;
        }
    }
    return asked;
}

void Server::set_locked(bool locked) {
    if (locked == locked_) return;
    locked_ = locked;
    policy.set_covered(locked_ || switcher_open_);
    apply_window_policy();
    if (shell) {
        shell->locked(locked_);
        shell->done();
    }
}

void Server::set_switcher_open(bool open) {
    switcher_open_ = open;
    policy.set_covered(locked_ || switcher_open_);
    apply_window_policy();
}

Server::FrontApp Server::front_app() const {
    FrontApp front;
    const auto id = policy.front_app();
    if (!id || policy.covered()) return front;
    const XdgView* view = view_by_id(*id);
    if (!view) return front;
    if (const auto app = supervisor->app_for_pid(view->pid)) {
        front.app = *app;
        front.theme_argb = app_link->theme_color(*app).value_or(0);
    }
    return front;
}

void Server::update_front_app() {
    if (shutting_down) return;
    const FrontApp front = front_app();
    // Before this frame shows it: a frozen app coming forward runs again.
    if (lifecycle) lifecycle->front_changed(front.app.empty() ? std::nullopt : std::optional(front.app));
    if (!shell) return;
    if (front == reported_front_) return;
    reported_front_ = front;
    shell->front_app(front.app, front.theme_argb);
    shell->done();
}

void Server::view_title_changed(const XdgView& view) {
    if (!shell || view.parent()) return;
    if (const auto app = supervisor->app_for_pid(view.pid)) {
        shell->app_title(*app, view.title());
        shell->done();
    }
}

void Server::system_gesture(ShellGesture gesture) {
    switch (gesture) {
    case ShellGesture::home:
    case ShellGesture::home_key:
        if (!locked_) show_home();
        break;
    case ShellGesture::switcher:
        // The switcher is the shell's to draw: without one, going home is
        // the most useful thing the gesture can still do.
        if (shell && shell->bound()) {
            set_switcher_open(true);
        } else {
            show_home();
        }
        break;
    case ShellGesture::power_key:
        break;
    }
    if (shell) {
        shell->gesture(gesture);
        shell->done();
    }
}

void Server::power_key() {
    // Power locks and blanks; pressed again it lights the lock screen up.
    blanked_ = !blanked_;
    // Only a shell can draw the lock screen (and unlock): without one, the
    // key just blanks and lights the screen.
    if (blanked_ && shell && shell->bound()) set_locked(true);
    // Power off where the backend can; black on top everywhere, so the
    // screen is dark even where it cannot (a nested window, headless).
    for (auto& output : outputs) output->set_power(!blanked_);
    if (!blank_ && blanked_) {
        static constexpr float black[4] = {0, 0, 0, 1};
        blank_ = wlr_scene_rect_create(&scene->node, 0, 0, black);
    }
    if (blank_) {
        const Output* output = primary_output();
        const Rect box = output ? output->box() : Rect{};
        wlr_scene_node_set_position(&blank_->node, box.x, box.y);
        wlr_scene_rect_set_size(blank_, box.width, box.height);
        wlr_scene_node_raise_to_top(&blank_->node);
        wlr_scene_node_set_enabled(&blank_->node, blanked_);
    }
    if (shell) {
        shell->gesture(ShellGesture::power_key);
        shell->done();
    }
}

void Server::handle_app_change(const std::string& app, int change) {
    switch (static_cast<Supervisor::Change>(change)) {
    case Supervisor::Change::launching:
        if (lifecycle) lifecycle->app_launched(app);
        if (shell) shell->app_state(app, ShellAppState::launching);
        break;
    case Supervisor::Change::running: {
        // A client that does not speak cirrus_app_v1 (not our host) cannot
        // report its first frame: its window's map is the best we know.
        const auto pid = supervisor->table().pid_for_app(app);
        if (pid && !app_link->bound_by(*pid)) splash->remove(app);
        if (lifecycle) lifecycle->app_mapped(app);
        if (shell) shell->app_state(app, ShellAppState::running);
        if (pid) {
            if (XdgView* view = app_window(*this, *pid); view && shell) shell->app_title(app, view->title());
        }
        break;
    }
    case Supervisor::Change::closed:
        splash->remove(app);
        app_link->app_closed(app);
        // A discarded app keeps its card: the shell still sees it running,
        // and its tap (activate) restores it.
        if (lifecycle && lifecycle->host_exited(app)) break;
        if (shell) shell->app_state(app, ShellAppState::closed);
        break;
    }
    if (shell) shell->done();
    update_front_app();
}

}  // namespace cirrus
