// The control socket ($XDG_RUNTIME_DIR/cirrus-<display>.sock): JSON lines
// through which cirrusctl, tests and benchmarks query and drive the
// compositor. The protocol is described in CONTROL.md.
#pragma once

#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include <nlohmann/json.hpp>

#include "control_request.hpp"
#include "window_policy.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;
class XdgView;

class ControlServer {
public:
    explicit ControlServer(Server& server);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    bool listen(const std::string& path);
    const std::string& path() const { return path_; }

private:
    struct Connection;
    struct Swipe;
    struct Handler;
    using Reply = std::function<void(nlohmann::json)>;

    static int handle_accept(int fd, uint32_t mask, void* data);
    static int handle_io(int fd, uint32_t mask, void* data);
    static int handle_swipe_step(void* data);
    static void handle_sweep(void* data);
    void read_from(const std::shared_ptr<Connection>& conn);
    void process(const std::shared_ptr<Connection>& conn);
    void send(Connection& conn, const nlohmann::json& response);
    void flush(Connection& conn);
    // After a connection's reads and writes: closes it when its client has
    // shut its side and everything is answered; else watches for what it
    // can do next (read only while answers are not piling up).
    void settle(Connection& conn);
    void close_connection(Connection& conn);
    // Before one more connection: closes the idle-longest one at the cap.
    void make_room_for_connection();

    // The response, or nothing when it comes later through `later` (a swipe
    // answers when it has ended).
    std::optional<nlohmann::json> dispatch(const ControlRequest& request, Reply later);
    // One per command of common/control_commands.hpp, in its order.
    static std::span<const Handler> handlers();
    nlohmann::json outputs() const;
    nlohmann::json windows() const;
    nlohmann::json layers() const;
    nlohmann::json apps() const;
    nlohmann::json text_input() const;
    // The mapped window of that id (focus, close).
    XdgView& mapped_view(ViewId id) const;
    nlohmann::json touch(const std::vector<ControlTouchEvent>& events);
    void start_swipe(const control_arguments::Swipe& arguments, Reply reply);
    void finish_swipe(Swipe* swipe);

    Server& server_;
    int listen_fd_ = -1;
    std::string path_;
    wl_event_source* accept_source_ = nullptr;
    std::list<std::shared_ptr<Connection>> connections_;
    uint64_t activity_ = 0;             // counts reads and writes: which connection was quiet longest
    wl_event_source* sweep_ = nullptr;  // frees closed connections outside their callbacks
    std::list<std::unique_ptr<Swipe>> swipes_;
};

}  // namespace cirrus
