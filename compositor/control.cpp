#include "control.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "app_install.hpp"
#include "layer_surface.hpp"
#include "output.hpp"
#include "screenshot.hpp"
#include "seat.hpp"
#include "server.hpp"
#include "app_link.hpp"
#include "lifecycle.hpp"
#include "link_monitor.hpp"
#include "common/control_commands.hpp"
#include "control_request.hpp"
#include "shell_link.hpp"
#include "splash.hpp"
#include "supervisor.hpp"
#include "trust.hpp"
#include "unix_socket.hpp"
#include "child_slot.hpp"
#include "text_input.hpp"
#include "xdg_view.hpp"

using nlohmann::json;

namespace cirrus {

namespace {

// Per-connection limits, so that no client of the control socket can grow
// the compositor's memory or take its fds (issue 14):
// - a request line holds at most kMaxControlRequestLine bytes
//   (policy/control_request.hpp), else it is refused and the connection closed;
// - answers the client has not read pile up to kMaxUnsentBytes, then the
//   compositor stops reading that connection's requests until the client has
//   read them (the rest waits in the kernel's socket buffers, and the
//   client's writes block);
// - one wake-up reads at most kReadBudget bytes, so one busy connection
//   cannot hold up the event loop;
// - at most kMaxConnections are open: one more closes the one idle longest.
constexpr std::size_t kMaxUnsentBytes = 256 * 1024;
constexpr std::size_t kReadBudget = 64 * 1024;
constexpr std::size_t kMaxConnections = 64;

json rect_json(Rect r) { return {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}}; }

const char* layer_name(uint32_t layer) {
    switch (layer) {
    case ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND:
        return "background";
    case ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM:
        return "bottom";
    case ZWLR_LAYER_SHELL_V1_LAYER_TOP:
        return "top";
    case ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY:
        return "overlay";
    }
    return "unknown";
}

const char* keyboard_name(uint32_t interactivity) {
    switch (interactivity) {
    case ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE:
        return "none";
    case ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE:
        return "exclusive";
    case ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_ON_DEMAND:
        return "on_demand";
    }
    return "unknown";
}

// A request that cannot be carried out: the message goes back as ok:false.
struct RequestError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

json ok(json body = json::object()) {
    body["ok"] = true;
    return body;
}

}  // namespace

struct ControlServer::Connection {
    ControlServer* owner = nullptr;
    int fd = -1;
    wl_event_source* source = nullptr;
    std::string in;            // what came after the last whole line processed
    std::string out;           // answers the client has not read yet
    bool waiting = false;      // a request is answered later (swipe): hold the next ones
    bool input_ended = false;  // the client shut its side: answer what came, then close
    bool closed = false;
    uint64_t last_activity = 0;  // ControlServer::activity_ when it last read or wrote

    // Whether to read (and carry out) more requests now.
    bool ready_for_input() const { return !waiting && out.size() < kMaxUnsentBytes; }
    bool idle() const { return in.empty() && out.empty() && !waiting; }
};

struct ControlServer::Swipe {
    ControlServer* owner = nullptr;
    wl_event_source* timer = nullptr;
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    int steps = 10;
    int step = 0;
    int interval_ms = 20;
    int32_t touch_id = 0;
    Reply reply;
};

ControlServer::ControlServer(Server& server) : server_(server) {}

ControlServer::~ControlServer() {
    for (auto& swipe : swipes_) {
        if (swipe->timer) wl_event_source_remove(swipe->timer);
    }
    for (auto& conn : connections_) {
        if (conn->source) wl_event_source_remove(conn->source);
        if (conn->fd >= 0) close(conn->fd);
    }
    if (sweep_) wl_event_source_remove(sweep_);
    if (accept_source_) wl_event_source_remove(accept_source_);
    if (listen_fd_ >= 0) {
        close(listen_fd_);
        unlink(path_.c_str());
    }
}

bool ControlServer::listen(const std::string& path) {
    listen_fd_ = listen_unix_socket(path, "control socket");
    if (listen_fd_ < 0) return false;
    path_ = path;
    accept_source_ =
        wl_event_loop_add_fd(server_.loop, listen_fd_, WL_EVENT_READABLE, &ControlServer::handle_accept, this);
    return accept_source_ != nullptr;
}

int ControlServer::handle_accept(int fd, uint32_t, void* data) {
    auto* self = static_cast<ControlServer*>(data);
    for (;;) {
        // Out of fds (EMFILE/ENFILE) the connection is closed at once rather
        // than left to keep the listening fd readable (unix_socket.hpp).
        const int conn_fd = accept_connection(fd, SOCK_CLOEXEC | SOCK_NONBLOCK, "control socket");
        if (conn_fd < 0) break;
        self->make_room_for_connection();
        auto conn = std::make_shared<Connection>();
        conn->owner = self;
        conn->fd = conn_fd;
        conn->last_activity = ++self->activity_;
        conn->source =
            wl_event_loop_add_fd(self->server_.loop, conn_fd, WL_EVENT_READABLE, &ControlServer::handle_io, conn.get());
        if (!conn->source) {
            close(conn_fd);
            continue;
        }
        self->connections_.push_back(std::move(conn));
    }
    return 0;
}

void ControlServer::make_room_for_connection() {
    std::size_t open = 0;
    Connection* oldest_idle = nullptr;
    Connection* oldest = nullptr;
    for (const auto& c : connections_) {
        if (c->closed) continue;
        ++open;
        if (!oldest || c->last_activity < oldest->last_activity) oldest = c.get();
        if (c->idle() && (!oldest_idle || c->last_activity < oldest_idle->last_activity)) oldest_idle = c.get();
    }
    if (open < kMaxConnections) return;
    // The one idle longest goes; when none is idle (all busy or stalled on
    // answers not read), the one quiet longest: a new client always gets in.
    Connection* victim = oldest_idle ? oldest_idle : oldest;
    wlr_log(WLR_INFO, "control: %zu connections open; closing the one %s longest", open,
            oldest_idle ? "idle" : "quiet");
    close_connection(*victim);
}

int ControlServer::handle_io(int, uint32_t mask, void* data) {
    auto* raw = static_cast<Connection*>(data);
    ControlServer* self = raw->owner;
    std::shared_ptr<Connection> conn;
    for (auto& c : self->connections_) {
        if (c.get() == raw) conn = c;
    }
    if (!conn || conn->closed) return 0;
    try {
        if (mask & WL_EVENT_WRITABLE) {
            self->flush(*conn);
            self->process(conn);  // requests held while answers were not read
        }
        if (mask & WL_EVENT_READABLE) self->read_from(conn);
        // A client that wrote and went: its requests are read (and carried
        // out) to the end, over as many wake-ups as the read budget takes.
        const bool more_to_read = (mask & WL_EVENT_READABLE) && !conn->input_ended;
        if ((mask & WL_EVENT_ERROR) || ((mask & WL_EVENT_HANGUP) && !more_to_read)) {
            self->close_connection(*conn);
        }
        self->settle(*conn);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "control: %s; closing that connection", e.what());
        self->close_connection(*conn);
    }
    return 0;
}

void ControlServer::handle_sweep(void* data) {
    auto* self = static_cast<ControlServer*>(data);
    self->sweep_ = nullptr;
    self->connections_.remove_if([](const std::shared_ptr<Connection>& c) { return c->closed; });
}

void ControlServer::read_from(const std::shared_ptr<Connection>& conn) {
    char buffer[4096];
    std::size_t budget = kReadBudget;
    // Read only while the requests read so far are answered and the answers
    // read by the client: what is not read waits in the kernel, not here.
    while (!conn->closed && !conn->input_ended && conn->ready_for_input() && budget > 0) {
        const ssize_t n = read(conn->fd, buffer, std::min(sizeof(buffer), budget));
        if (n > 0) {
            conn->last_activity = ++activity_;
            budget -= static_cast<std::size_t>(n);
            conn->in.append(buffer, static_cast<std::size_t>(n));
            const auto last_newline = conn->in.rfind('\n');
            const std::size_t partial =
                last_newline == std::string::npos ? conn->in.size() : conn->in.size() - last_newline - 1;
            if (partial > kMaxControlRequestLine) {
                wlr_log(WLR_ERROR, "control: a request line over %zu bytes; closing that connection",
                        kMaxControlRequestLine);
                conn->in.clear();
                send(*conn, {{"ok", false},
                             {"error", "a request line is at most " + std::to_string(kMaxControlRequestLine) +
                                           " bytes; closing the connection"}});
                close_connection(*conn);
                return;
            }
            process(conn);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        // End of input or an error: answer what came, then close (settle).
        conn->input_ended = true;
        process(conn);
    }
}

void ControlServer::process(const std::shared_ptr<Connection>& conn) {
    while (!conn->closed && conn->ready_for_input()) {
        const auto newline = conn->in.find('\n');
        if (newline == std::string::npos) return;
        const std::string line = conn->in.substr(0, newline);
        conn->in.erase(0, newline + 1);
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;

        ParsedControlRequest parsed = parse_control_request(line);
        if (!parsed.request) {
            send(*conn, {{"ok", false}, {"error", parsed.error}});
            continue;
        }
        std::weak_ptr<Connection> weak = conn;
        auto later = [this, weak](json response) {
            auto c = weak.lock();
            if (!c || c->closed) return;
            c->waiting = false;
            send(*c, response);
            process(c);
            settle(*c);
        };
        std::optional<json> response;
        try {
            response = dispatch(*parsed.request, later);
        } catch (const std::exception& e) {
            response = json{{"ok", false}, {"error", e.what()}};
        }
        if (!response) {
            conn->waiting = true;
            return;
        }
        send(*conn, *response);
    }
}

void ControlServer::send(Connection& conn, const json& response) {
    if (conn.closed) return;
    conn.out += response.dump(-1, ' ', false, json::error_handler_t::replace);
    conn.out += '\n';
    flush(conn);
}

void ControlServer::flush(Connection& conn) {
    while (!conn.out.empty() && !conn.closed) {
        const ssize_t n = ::send(conn.fd, conn.out.data(), conn.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            conn.out.erase(0, static_cast<std::size_t>(n));
            conn.last_activity = ++activity_;
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        close_connection(conn);
        return;
    }
    if (conn.out.empty()) conn.out.shrink_to_fit();  // a drained backlog gives its memory back
}

void ControlServer::settle(Connection& conn) {
    if (conn.closed) return;
    const bool whole_line_held = conn.in.find('\n') != std::string::npos;
    if (conn.input_ended && conn.out.empty() && !conn.waiting && !whole_line_held) {
        close_connection(conn);
        return;
    }
    uint32_t mask = 0;
    if (!conn.input_ended && conn.ready_for_input()) mask |= WL_EVENT_READABLE;
    if (!conn.out.empty()) mask |= WL_EVENT_WRITABLE;
    wl_event_source_fd_update(conn.source, mask);
}

void ControlServer::close_connection(Connection& conn) {
    if (conn.closed) return;
    conn.closed = true;
    wl_event_source_remove(conn.source);  // safe from inside its own callback
    conn.source = nullptr;
    close(conn.fd);
    conn.fd = -1;
    // Callers up the stack still hold the connection: free it once idle.
    if (!sweep_) sweep_ = wl_event_loop_add_idle(server_.loop, &ControlServer::handle_sweep, this);
}

json ControlServer::outputs() const {
    json list = json::array();
    for (const auto& output : server_.outputs) {
        const Rect box = output->box();
        list.push_back({
            {"name", output->wlr->name},
            {"x", box.x},
            {"y", box.y},
            {"width", box.width},
            {"height", box.height},
            {"physical_width", output->wlr->width},
            {"physical_height", output->wlr->height},
            {"scale", output->wlr->scale},
            {"transform", static_cast<int>(output->wlr->transform)},
            {"refresh_mhz", output->wlr->refresh},
            {"enabled", output->wlr->enabled},
            {"blanked", server_.blanked()},
            {"work_area", rect_json(output->work_area())},
        });
    }
    return list;
}

json ControlServer::windows() const {
    json list = json::array();
    const auto focused = server_.policy.focused();
    for (ViewId id : server_.policy.stacking()) {
        const XdgView* view = server_.view_by_id(id);
        if (!view) continue;
        const Rect box = view->box();
        const XdgView* parent = view->parent();
        const auto app = server_.supervisor->app_for_pid(view->pid);
        list.push_back({
            {"id", view->id},
            {"app_id", view->app_id()},
            {"title", view->title()},
            {"pid", view->pid},
            {"x", box.x},
            {"y", box.y},
            {"width", box.width},
            {"height", box.height},
            {"content", {{"width", view->geometry_size().width}, {"height", view->geometry_size().height}}},
            {"focused", focused == id},
            {"visible", view->visible()},
            {"fullscreen", server_.policy.placement(id) && server_.policy.placement(id)->fullscreen},
            {"parent", parent ? json(parent->id) : json(nullptr)},
            {"app", app ? json(*app) : json(nullptr)},
            {"trusted", server_.trust->is_trusted(wl_resource_get_client(view->xdg->resource))},
        });
    }
    return list;
}

json ControlServer::layers() const {
    json list = json::array();
    for (const auto& layer : server_.layer_surfaces) {
        const Rect box = layer->box();
        const auto& state = layer->wlr->current;
        list.push_back({
            {"id", layer->id},
            {"namespace", layer->wlr->namespace_ ? layer->wlr->namespace_ : ""},
            {"layer", layer_name(state.layer)},
            {"pid", layer->pid},
            {"x", box.x},
            {"y", box.y},
            {"width", box.width},
            {"height", box.height},
            {"exclusive_zone", state.exclusive_zone},
            {"keyboard_interactive", keyboard_name(state.keyboard_interactive)},
            {"mapped", layer->mapped()},
            {"hidden", layer->hidden()},
        });
    }
    return list;
}

json ControlServer::touch(const std::vector<ControlTouchEvent>& events) {
    using Type = ControlTouchEvent::Type;
    Seat& seat = *server_.seat;
    for (const ControlTouchEvent& event : events) {
        bool delivered = false;
        switch (event.type) {
        case Type::down:
            delivered = seat.inject_touch_down(event.id, event.x, event.y);
            break;
        case Type::motion:
            delivered = seat.inject_touch_motion(event.id, event.x, event.y);
            break;
        case Type::up:
            delivered = seat.inject_touch_up(event.id);
            break;
        case Type::cancel:
            delivered = seat.inject_touch_cancel(event.id);
            break;
        case Type::frame:
            delivered = seat.inject_touch_frame();
            break;
        }
        if (!delivered) throw RequestError("no touch device or no output to touch");
    }
    return ok();
}

void ControlServer::start_swipe(const control_arguments::Swipe& arguments, Reply reply) {
    auto swipe = std::make_unique<Swipe>();
    swipe->owner = this;
    swipe->x1 = arguments.x1;
    swipe->y1 = arguments.y1;
    swipe->x2 = arguments.x2;
    swipe->y2 = arguments.y2;
    swipe->steps = arguments.steps;
    swipe->interval_ms = std::max(1, static_cast<int>(arguments.ms / swipe->steps));
    swipe->touch_id = 0;
    swipe->reply = std::move(reply);
    Seat& seat = *server_.seat;
    if (!seat.inject_touch_down(swipe->touch_id, swipe->x1, swipe->y1)) {
        throw RequestError("no touch device or no output to touch");
    }
    seat.inject_touch_frame();
    swipe->timer = wl_event_loop_add_timer(server_.loop, &ControlServer::handle_swipe_step, swipe.get());
    if (!swipe->timer) throw RequestError("cannot create a timer");
    wl_event_source_timer_update(swipe->timer, swipe->interval_ms);
    swipes_.push_back(std::move(swipe));
}

int ControlServer::handle_swipe_step(void* data) {
    auto* swipe = static_cast<Swipe*>(data);
    ControlServer* self = swipe->owner;
    Seat& seat = *self->server_.seat;
    ++swipe->step;
    const double t = static_cast<double>(swipe->step) / swipe->steps;
    seat.inject_touch_motion(swipe->touch_id, swipe->x1 + (swipe->x2 - swipe->x1) * t,
                             swipe->y1 + (swipe->y2 - swipe->y1) * t);
    seat.inject_touch_frame();
    if (swipe->step < swipe->steps) {
        wl_event_source_timer_update(swipe->timer, swipe->interval_ms);
    } else {
        self->finish_swipe(swipe);
    }
    return 0;
}

void ControlServer::finish_swipe(Swipe* swipe) {
    Seat& seat = *server_.seat;
    seat.inject_touch_up(swipe->touch_id);
    seat.inject_touch_frame();
    Reply reply = std::move(swipe->reply);
    wl_event_source_remove(swipe->timer);  // safe from its own callback
    swipes_.remove_if([swipe](const std::unique_ptr<Swipe>& s) { return s.get() == swipe; });
    reply(ok());
}

// One handler per command of common/control_commands.hpp, in its order;
// lambdas so that they reach this class's private members. Each gets the
// arguments policy/control_request.cpp read and checked for its command.
struct ControlServer::Handler {
    std::string_view name;
    std::optional<json> (*run)(ControlServer& self, const ControlArguments& arguments, Reply& later);
};

std::span<const ControlServer::Handler> ControlServer::handlers() {
    using Self = ControlServer;
    using Answer = std::optional<json>;
    using Args = ControlArguments;
    namespace args = control_arguments;
    static constexpr Handler table[] = {
        {"outputs",
         [](Self& self, const Args&, Reply&) -> Answer {
             return ok({{"outputs", self.outputs()}});
         }},
        {"windows",
         [](Self& self, const Args&, Reply&) -> Answer {
             return ok({{"windows", self.windows()}});
         }},
        {"layers",
         [](Self& self, const Args&, Reply&) -> Answer {
             return ok({{"layers", self.layers()}});
         }},
        {"stats",
         [](Self& self, const Args&, Reply&) -> Answer {
             const Server& server = self.server_;
             return ok({{"frames", server.frames_committed},
                        {"clients", server.client_count()},
                        {"uptime_ms", server.uptime_ms()},
                        {"shell",
                         {{"pid", server.shell->shell_pid()},
                          {"restarts", server.shell->restarts()},
                          {"bound", server.shell->bound()}}},
                        {"sync",
                         {{"pid", server.sync->pid()},
                          {"restarts", server.sync->restarts()},
                          {"command", server.sync->command()}}}});
         }},
        {"focus",
         [](Self& self, const Args& a, Reply&) -> Answer {
             self.server_.focus_view(&self.mapped_view(std::get<args::Window>(a).id));
             return ok();
         }},
        {"close",
         [](Self& self, const Args& a, Reply&) -> Answer {
             self.mapped_view(std::get<args::Window>(a).id).close();
             return ok();
         }},
        {"tap",
         [](Self& self, const Args& a, Reply&) -> Answer { return self.touch(std::get<args::Touch>(a).events); }},
        {"swipe",
         [](Self& self, const Args& a, Reply& later) -> Answer {
             self.start_swipe(std::get<args::Swipe>(a), std::move(later));
             return std::nullopt;  // answered when the swipe has ended
         }},
        {"touch",
         [](Self& self, const Args& a, Reply&) -> Answer { return self.touch(std::get<args::Touch>(a).events); }},
        {"key",
         [](Self& self, const Args& a, Reply&) -> Answer {
             const auto& key = std::get<args::Key>(a);
             if (!self.server_.seat->inject_key(key.keycode, key.pressed)) throw RequestError("no keyboard");
             return ok();
         }},
        {"screenshot",
         [](Self& self, const Args& a, Reply&) -> Answer {
             const std::string& path = std::get<args::Screenshot>(a).path;
             Output* output = self.server_.primary_output();
             if (!output) throw RequestError("no output to capture");
             const ScreenshotResult shot = write_screenshot(self.server_, *output, path);
             if (!shot.error.empty()) throw RequestError(shot.error);
             return ok({{"path", path}, {"width", shot.width}, {"height", shot.height}});
         }},
        {"spawn",
         [](Self& self, const Args& a, Reply&) -> Answer {
             const auto& spawn = std::get<args::Spawn>(a);
             const pid_t pid = self.server_.trust->spawn(spawn.argv, spawn.trusted);
             if (pid < 0) throw RequestError("cannot start " + spawn.argv[0]);
             return ok({{"pid", pid}});
         }},
        {"launch",
         [](Self& self, const Args& a, Reply&) -> Answer {
             const auto& [app, url] = std::get<args::Launch>(a);
             const Server::LaunchOutcome launched =
                 url ? self.server_.launch_app_at(app, *url) : self.server_.launch_app(app);
             if (!launched.error.empty()) throw RequestError(launched.error);
             return ok({{"app", app},
                        {"pid", launched.pid},
                        {"action", launched.action},
                        {"splash", self.server_.splash->showing(app)}});
         }},
        {"home",
         [](Self& self, const Args&, Reply&) -> Answer {
             self.server_.show_home();
             return ok();
         }},
        {"apps", [](Self& self, const Args&, Reply&) -> Answer { return ok(self.apps()); }},
        {"text_input", [](Self& self, const Args&, Reply&) -> Answer { return ok(self.text_input()); }},
        {"keyboard_device",
         [](Self& self, const Args& a, Reply&) -> Answer {
             Seat& seat = *self.server_.seat;
             const bool done =
                 std::get<args::KeyboardDevice>(a).attach ? seat.attach_test_keyboard() : seat.detach_test_keyboard();
             if (!done) throw RequestError("no test keyboard to detach, or none can be attached");
             return ok({{"hardware_keyboards", seat.hardware_keyboards()}});
         }},
        {"memory_pressure",
         [](Self& self, const Args& a, Reply&) -> Answer {
             using Level = args::MemoryPressure::Level;
             const Level level = std::get<args::MemoryPressure>(a).level;
             const auto discarded = self.server_.lifecycle->simulate_pressure(
                 level == Level::none       ? LifecycleGlue::SimulatedPressure::none
                 : level == Level::moderate ? LifecycleGlue::SimulatedPressure::moderate
                                            : LifecycleGlue::SimulatedPressure::critical);
             return ok({{"discarding", discarded ? json(*discarded) : json(nullptr)}});
         }},
        {"freeze",
         [](Self& self, const Args& a, Reply&) -> Answer {
             const std::string& app = std::get<args::Freeze>(a).app;
             using FreezeNow = AppLifecycle::FreezeNow;
             switch (self.server_.lifecycle->freeze_now(app)) {
             case FreezeNow::freezing:
                 return ok({{"app", app}, {"frozen", false}});
             case FreezeNow::already_frozen:
                 return ok({{"app", app}, {"frozen", true}});
             case FreezeNow::in_front:
                 throw RequestError(app + " is in front: only an app in the background is frozen (home first)");
             case FreezeNow::launching:
                 throw RequestError(app + " is still launching: it can be frozen once its window is up");
             case FreezeNow::discarded:
                 throw RequestError(app + " is discarded (or being discarded): it has no processes to freeze");
             case FreezeNow::unknown:
                 break;
             }
             throw RequestError(app + " is not running");
         }},
        {"check_updates",
         [](Self& self, const Args&, Reply&) -> Answer {
             const bool started = self.server_.app_install && self.server_.app_install->check_updates_now();
             return ok({{"started", started}});
         }},
        {"link",
         [](Self& self, const Args& a, Reply&) -> Answer {
             if (!self.server_.link_monitor) throw RequestError("no link monitor");
             const auto& link = std::get<args::LinkOverride>(a);
             self.server_.link_monitor->set_override(link.link_class, link.kind);
             const LinkEstimate now = self.server_.link_monitor->estimate();
             return ok({{"link", std::string(to_string(now.link_class))},
                        {"kind", std::string(to_string(self.server_.link_monitor->kind()))},
                        {"override", self.server_.link_monitor->override_class().has_value()}});
         }},
        {"quit",
         [](Self& self, const Args&, Reply&) -> Answer {
             self.server_.terminate();
             return ok();
         }},
    };
    static_assert(control::follows_control_commands(table),
                  "one handler per command of common/control_commands.hpp, in its order");
    return table;
}

XdgView& ControlServer::mapped_view(ViewId id) const {
    XdgView* view = server_.view_by_id(id);
    if (!view || !view->mapped()) throw RequestError("no window with id " + std::to_string(id));
    return *view;
}

json ControlServer::apps() const {
    json list = json::array();
    const LifecycleGlue& lifecycle = *server_.lifecycle;
    for (const AppProcess& p : server_.supervisor->table().processes()) {
        const auto life = lifecycle.policy().state(p.app);
        json entry = {{"app", p.app},
                      {"pid", p.pid},
                      {"state", p.state != AppState::running ? "launching"
                                : life                       ? lifecycle_name(*life)
                                                             : "background"},
                      {"memory_bytes", lifecycle.app_memory_bytes(p.app)},
                      {"started_ms", p.started_ms},
                      {"splash", server_.splash->showing(p.app)},
                      {"prestarted", p.from_standby}};
        if (const auto ms = server_.app_link->first_frame_ms(p.app)) entry["first_frame_ms"] = *ms;
        if (const auto ms = lifecycle.thaw_to_frame_ms(p.app)) entry["thaw_to_frame_ms"] = *ms;
        list.push_back(std::move(entry));
    }
    // Discarded apps have no process: listed with their saved state, so that
    // a launch restores them.
    for (const LifecycleEntry& e : lifecycle.policy().entries()) {
        if (e.state != Lifecycle::discarded) continue;
        list.push_back({{"app", e.app}, {"pid", nullptr}, {"state", "discarded"}, {"memory_bytes", 0}});
    }
    // Standby hosts run no app: listed apart, never as apps.
    json standby = json::array();
    for (const StandbyHost& h : server_.supervisor->table().standby()) {
        standby.push_back({{"pid", h.pid}, {"ready", h.ready}, {"started_ms", h.started_ms}});
    }
    return {{"apps", list}, {"standby", standby}};
}

json ControlServer::text_input() const {
    const TextInputRelay::Report r = server_.text_input->report();
    auto rect = [](const Rect& b) { return json{{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}}; };
    json focused = nullptr;
    if (r.focused) {
        focused = {{"enabled", r.enabled},
                   {"purpose", text_input_purpose_name(r.purpose)},
                   {"hints", text_input_hint_names(r.hints)},
                   {"surrounding_text", r.surrounding_text},
                   {"cursor", r.cursor},
                   {"anchor", r.anchor},
                   {"cursor_rectangle", rect(r.cursor_rectangle)},
                   {"cursor_rectangle_layout", rect(r.cursor_rectangle_layout)}};
    }
    json popup = nullptr;
    if (r.popup_mapped) popup = rect(r.popup);
    return {{"text_input", focused},
            {"input_method",
             {{"connected", r.input_method},
              {"pid", r.input_method_pid},
              {"active", r.active},
              {"popup", popup},
              {"commits_dropped", r.commits_dropped}}},
            {"keyboard",
             {{"pid", server_.keyboard->pid()},
              {"restarts", server_.keyboard->restarts()},
              {"command", server_.keyboard->command()},
              {"show", server_.config.keyboard.show == KeyboardShow::never ? "never" : "auto"},
              {"hardware_keyboards", server_.seat->hardware_keyboards()}}}};
}

std::optional<json> ControlServer::dispatch(const ControlRequest& request, Reply later) {
    for (const Handler& handler : handlers()) {
        if (handler.name != request.command) continue;
        try {
            return handler.run(*this, request.arguments, later);
        } catch (const RequestError& e) {
            return json{{"ok", false}, {"error", e.what()}};
        }
    }
    // parse_control_request names only commands of the table.
    return json{{"ok", false}, {"error", "unknown cmd '" + std::string(request.command) + "'"}};
}

}  // namespace cirrus
