// cirrus-weak-link: plays a phone's weak link (docs/ARCHITECTURE.md,
// "Weak-link profiles") on loopback, as a TCP forwarder in front of an
// origin. Tests and benchmarks run it between a client (the web-app host, a
// test) and an HTTP origin they started on 127.0.0.1.
//
// Usage:
//   cirrus-weak-link --upstream 127.0.0.1:PORT [--listen 127.0.0.1:0]
//                    [--profile NAME] [--handshake] [--seed N] [--verbose]
//   cirrus-weak-link --proxy [--listen 127.0.0.1:0] [--profile NAME] ...
//   cirrus-weak-link --list-profiles
//
//   --upstream ADDR   the origin, IPv4 HOST:PORT (or just PORT: 127.0.0.1)
//   --proxy           instead of one origin: an HTTP proxy, each connection
//                     going where its first request head says (CONNECT
//                     host:port for a tunnel, or an absolute http:// URL,
//                     passed on in origin form with Connection: close; see
//                     proxy_request.hpp). The head itself crosses the link as
//                     the request would; the host name is looked up (IPv4)
//                     in the loop, which is fine for the one developer's app
//                     `cirrus dev --network` puts behind it
//   --listen ADDR     where clients connect (default 127.0.0.1:0, any port)
//   --profile NAME    the starting profile (default none)
//   --handshake       a new connection's first bytes also wait one added
//                     round trip (TCP's SYN / SYN-ACK over the radio); off by
//                     default, so that a request on any connection costs
//                     exactly one added round trip
//   --seed N          seed for the loss draws (default 1: runs repeat)
//   --verbose         one line per connection event on stderr
//
// When it listens it prints one line, `listening 127.0.0.1:NNNN`, on stdout.
// Then it reads commands on stdin, one per line, and answers each with one
// line on stdout:
//   profile NAME   switch the profile live       -> ok profile NAME
//   stats          counters                      -> stats profile=NAME up=BYTES
//                  down=BYTES open=N accepted=N refused=N cut=N lost=N
//   help           the commands                  -> ok commands: ...
// (a bad command answers `error ...`). EOF on stdin, SIGTERM or SIGINT end
// it cleanly (exit status 0). A stdin that cannot be polled (/dev/null, a
// file) is ignored: then only a signal ends it.
//
// Profiles:
//   none       no shaping: bytes cross at loopback speed (the online case)
//   3g         1600 kbit/s down, 750 up, +300 ms round trip
//   3g-slow    400/400 kbit/s, +2000 ms round trip
//   2g         50/20 kbit/s, +650 ms round trip, 1% of segments lost
//   offline    no coverage, the phone knows it: a new connection is accepted
//              and reset at once (RST), and switching to offline resets every
//              open connection; a client sees "connection reset" at once
//   blackhole  a dead zone: connections are accepted and what the client
//              sends is taken, but nothing crosses the link, so requests
//              hang until the client gives up; switching back to another
//              profile resumes them where they stopped (TCP survives a short
//              outage), and connections accepted meanwhile reach the origin
//
// The model (link_model.hpp) is one phone link, not a pipe per connection:
// each direction is one serial line shared by all connections, taken a
// segment (1460 bytes) at a time in round robin between the connections that
// have data, so parallel downloads share the bandwidth as TCP flows do. A
// segment starts when the line is free (never earlier than its data arrived:
// an idle line saves no credit), takes size / bandwidth, and arrives half the
// added round trip later. Loopback TCP cannot lose, so loss is played as TCP
// would recover from it: a lost segment arrives a retransmission timeout,
// max(round trip, 200 ms), late, and everything after it on that connection
// waits for it (in-order delivery). A FIN (half-close) crosses with the same
// delay after the connection's last data, so HTTP/1.1 keep-alive,
// Connection: close and half-closed sockets behave as over a real link.
// What the link does not model: the retransmission's own airtime, TCP slow
// start, and (unless --handshake) the connection handshake. An origin that
// refuses or resets shows up as a reset of the client's connection, at once.
//
// One thread, one epoll loop, one timerfd for the link's next event; no busy
// waiting. Reads from a side stop while that side's bytes ahead of the link
// exceed a limit, and a direction stops taking the link while too many of its
// bytes wait for a slow reader, so a peer that does not read never blocks the
// loop and memory stays bounded.
#include "link_model.hpp"
#include "proxy_request.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdarg>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

namespace cirrus::weak_link {
namespace {

// Bytes read from one side ahead of the link, per connection and direction.
// The kernel's socket buffers hold more behind it.
constexpr std::size_t kPendingLimit = 128 * 1024;
// Bytes on the line or waiting for a destination that reads slowly, per
// connection and direction; above this the direction stops taking the link.
constexpr std::size_t kDeliveryLimit = 256 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;

// epoll tags of the fixed descriptors; a connection's socket is id * 2 + side.
constexpr std::uint64_t kListenTag = ~std::uint64_t{0};
constexpr std::uint64_t kStdinTag = kListenTag - 1;
constexpr std::uint64_t kSignalTag = kListenTag - 2;
constexpr std::uint64_t kTimerTag = kListenTag - 3;

enum Direction { up = 0, down = 1 };  // up: client -> origin
enum Side { client_side = 0, upstream_side = 1 };

const char* errno_text() { return std::strerror(errno); }

// A FIFO of bytes: appended at the back, consumed from the front.
class ByteQueue {
public:
    std::size_t size() const { return bytes_.size() - head_; }
    bool empty() const { return size() == 0; }
    const char* front() const { return bytes_.data() + head_; }
    void append(const char* data, std::size_t count) { bytes_.insert(bytes_.end(), data, data + count); }
    void consume(std::size_t count) {
        head_ += count;
        if (head_ == bytes_.size()) {
            bytes_.clear();
            head_ = 0;
        } else if (head_ >= 64 * 1024 && head_ * 2 >= bytes_.size()) {
            // Compact now and then, so the vector does not grow forever.
            bytes_.erase(bytes_.begin(), bytes_.begin() + static_cast<std::ptrdiff_t>(head_));
            head_ = 0;
        }
    }
    void clear() {
        bytes_.clear();
        head_ = 0;
    }

private:
    std::vector<char> bytes_;
    std::size_t head_ = 0;
};

// A segment on the line (or a FIN), handed to the destination at `arrival`.
struct Segment {
    TimePoint arrival;
    std::string bytes;
    bool fin = false;
};

// One direction of one connection: source socket -> link -> destination socket.
struct Flow {
    ByteQueue pending;          // read from the source, not yet on the line
    TimePoint ready_since{};    // since when pending has been ready to go
    bool held = false;          // not taking the line: too much waits for the destination
    bool source_ended = false;  // read EOF: the source half-closed
    TimePoint source_ended_at{};
    bool fin_sent = false;  // the FIN is on the line
    std::deque<Segment> in_flight;
    std::size_t in_flight_bytes = 0;
    InOrderArrivals order;
    ByteQueue outbox;          // arrived, not yet taken by the destination socket
    bool fin_arrived = false;  // shut the destination's write side once outbox is empty
    bool destination_shut = false;

    std::size_t awaiting_delivery() const { return in_flight_bytes + outbox.size(); }
    bool reading() const { return !source_ended && pending.size() < kPendingLimit; }
};

enum class UpstreamState { waiting_for_link, connecting, connected };

struct Connection {
    std::uint64_t id = 0;
    int client = -1;
    int upstream = -1;
    UpstreamState upstream_state = UpstreamState::waiting_for_link;
    sockaddr_in target{};        // the origin; in --proxy mode, once the head has said it
    bool awaiting_head = false;  // --proxy: the first request head is being read
    std::string head;
    // Nothing crosses before this (the handshake, with --handshake).
    TimePoint link_ready_at{};
    Flow flows[2];                    // [up], [down]
    std::uint32_t client_events = 0;  // registered with epoll; 0 = not registered
    std::uint32_t upstream_events = 0;
    bool closed = false;

    Flow& flow(Direction direction) { return flows[direction]; }
    bool upstream_connected() const { return upstream_state == UpstreamState::connected; }
    // Where a direction's bytes go, once it can take them (-1: not yet).
    int destination(Direction direction) const {
        if (direction == down) return client;
        return upstream_connected() ? upstream : -1;
    }
};

struct Options {
    sockaddr_in listen{};
    sockaddr_in upstream{};
    const Profile* profile = nullptr;
    std::uint64_t seed = 1;
    bool handshake = false;
    bool verbose = false;
    bool proxy = false;
};

std::string address_text(const sockaddr_in& address) {
    char host[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &address.sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(address.sin_port));
}

// "HOST:PORT" or "PORT" (127.0.0.1), HOST an IPv4 address or "localhost".
std::optional<sockaddr_in> parse_address(std::string_view text) {
    std::string host = "127.0.0.1";
    std::string port_text(text);
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
        host = std::string(text.substr(0, colon));
        port_text = std::string(text.substr(colon + 1));
    }
    if (host == "localhost") host = "127.0.0.1";
    if (port_text.empty() || port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5)
        return std::nullopt;
    const int port = std::stoi(port_text);
    if (port > 65535) return std::nullopt;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host.c_str(), &address.sin_addr) != 1) return std::nullopt;
    return address;
}

void set_no_delay(int fd) {
    // We write segment by segment; Nagle's algorithm would hold small ones
    // back for an ACK and add delays that are not the profile's.
    int on = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

// Closes with a RST instead of a FIN: what a peer sees when the link is gone.
void reset_and_close(int fd) {
    if (fd < 0) return;
    linger abort_on_close{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof(abort_on_close));
    close(fd);
}

class Forwarder {
public:
    explicit Forwarder(const Options& options)
        : options_(options),
          profile_(options.profile),
          links_{LinkDirection(options.seed), LinkDirection(options.seed + 1)} {}

    ~Forwarder() {
        for (auto& [id, connection] : connections_) close_sockets(*connection);
        for (int fd : {listen_fd_, signal_fd_, timer_fd_, epoll_fd_})
            if (fd >= 0) close(fd);
    }

    Forwarder(const Forwarder&) = delete;
    Forwarder& operator=(const Forwarder&) = delete;

    bool open();
    int run();

private:
    void log(const char* format, ...) __attribute__((format(printf, 2, 3)));
    bool watch(int fd, std::uint64_t tag, std::uint32_t events);

    void dispatch(const epoll_event& event, TimePoint now);
    void accept_clients(TimePoint now);
    void start_upstream(Connection& connection, TimePoint now);
    void finish_connect(Connection& connection);
    void on_socket(Connection& connection, Side side, std::uint32_t events, TimePoint now);
    void read_source(Connection& connection, Direction direction, TimePoint now);
    void read_proxy_head(Connection& connection, TimePoint now);
    void write_destination(Connection& connection, Direction direction);
    void abort_connection(Connection& connection, const char* why);
    void close_sockets(Connection& connection);

    void read_commands();
    void run_command(std::string_view line, TimePoint now);
    void set_profile(const Profile& profile, TimePoint now);
    void resume_after_blackhole(TimePoint now);
    void configure_links();
    void print_line(const std::string& line);

    void pump(TimePoint now);
    Connection* next_sender(Direction direction, TimePoint now);
    void send_segments(Direction direction, TimePoint now);
    void send_fins();
    void deliver(TimePoint now);
    void reap_and_watch();
    void update_interest(Connection& connection);
    void set_interest(int fd, std::uint32_t& registered, std::uint32_t wanted, std::uint64_t tag);
    std::optional<TimePoint> next_deadline() const;
    void arm_timer(std::optional<TimePoint> deadline);

    Options options_;
    const Profile* profile_;
    LinkDirection links_[2];
    bool paused_ = false;  // in a blackhole since paused_since_
    TimePoint paused_since_{};

    int epoll_fd_ = -1;
    int listen_fd_ = -1;
    int signal_fd_ = -1;
    int timer_fd_ = -1;
    bool stdin_open_ = false;
    std::string command_buffer_;
    std::optional<TimePoint> armed_deadline_;
    bool running_ = true;
    TimePoint started_ = Clock::now();

    std::map<std::uint64_t, std::unique_ptr<Connection>> connections_;
    std::uint64_t next_id_ = 1;
    std::uint64_t round_robin_[2] = {0, 0};  // id of the connection served last
    std::vector<char> read_buffer_ = std::vector<char>(kReadChunk);

    std::uint64_t bytes_[2] = {0, 0};  // delivered to the destination, per direction
    std::uint64_t accepted_ = 0;
    std::uint64_t refused_ = 0;
    std::uint64_t cut_ = 0;
    std::uint64_t lost_ = 0;
};

void Forwarder::log(const char* format, ...) {
    if (!options_.verbose) return;
    const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    std::fprintf(stderr, "cirrus-weak-link %8.3f ", seconds);
    va_list arguments;
    va_start(arguments, format);
    std::vfprintf(stderr, format, arguments);
    va_end(arguments);
    std::fputc('\n', stderr);
}

bool Forwarder::watch(int fd, std::uint64_t tag, std::uint32_t events) {
    epoll_event event{};
    event.events = events;
    event.data.u64 = tag;
    return epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) == 0;
}

bool Forwarder::open() {
    configure_links();
    if (profile_->kind == LinkKind::blackhole) {
        paused_ = true;
        paused_since_ = Clock::now();
    }
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (epoll_fd_ < 0 || timer_fd_ < 0) {
        std::fprintf(stderr, "cirrus-weak-link: epoll/timerfd: %s\n", errno_text());
        return false;
    }

    // SIGTERM and SIGINT arrive through the loop; a peer that goes away must
    // not kill us with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t ending;
    sigemptyset(&ending);
    sigaddset(&ending, SIGTERM);
    sigaddset(&ending, SIGINT);
    sigprocmask(SIG_BLOCK, &ending, nullptr);
    signal_fd_ = signalfd(-1, &ending, SFD_NONBLOCK | SFD_CLOEXEC);

    listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int on = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
    if (listen_fd_ < 0 ||
        bind(listen_fd_, reinterpret_cast<const sockaddr*>(&options_.listen), sizeof(options_.listen)) < 0 ||
        listen(listen_fd_, SOMAXCONN) < 0) {
        std::fprintf(stderr, "cirrus-weak-link: cannot listen on %s: %s\n", address_text(options_.listen).c_str(),
                     errno_text());
        return false;
    }
    sockaddr_in bound{};
    socklen_t length = sizeof(bound);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);

    if (signal_fd_ < 0 || !watch(listen_fd_, kListenTag, EPOLLIN) || !watch(signal_fd_, kSignalTag, EPOLLIN) ||
        !watch(timer_fd_, kTimerTag, EPOLLIN)) {
        std::fprintf(stderr, "cirrus-weak-link: epoll: %s\n", errno_text());
        return false;
    }
    stdin_open_ = watch(STDIN_FILENO, kStdinTag, EPOLLIN);
    if (!stdin_open_)
        std::fprintf(stderr, "cirrus-weak-link: stdin cannot be polled (%s): no commands, stop with SIGTERM\n",
                     errno_text());

    print_line("listening " + address_text(bound));
    log("forwarding to %s, profile %s",
        options_.proxy ? "where each request says (proxy)" : address_text(options_.upstream).c_str(),
        std::string(profile_->name).c_str());
    return true;
}

int Forwarder::run() {
    std::array<epoll_event, 64> events;
    while (running_) {
        const int count = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), -1);
        if (count < 0) {
            if (errno == EINTR) continue;
            std::fprintf(stderr, "cirrus-weak-link: epoll_wait: %s\n", errno_text());
            return 1;
        }
        const TimePoint now = Clock::now();
        for (int i = 0; i < count && running_; ++i) dispatch(events[static_cast<std::size_t>(i)], now);
        if (!running_) break;
        pump(Clock::now());
        reap_and_watch();
        arm_timer(next_deadline());
    }
    log("stopping");
    return 0;
}

void Forwarder::dispatch(const epoll_event& event, TimePoint now) {
    switch (event.data.u64) {
    case kListenTag:
        accept_clients(now);
        return;
    case kStdinTag:
        read_commands();
        return;
    case kSignalTag: {
        signalfd_siginfo info;
        if (read(signal_fd_, &info, sizeof(info)) > 0) log("signal %u", info.ssi_signo);
        running_ = false;
        return;
    }
    case kTimerTag: {
        std::uint64_t expirations;
        [[maybe_unused]] auto ignored = read(timer_fd_, &expirations, sizeof(expirations));
        armed_deadline_.reset();
        return;  // the pump after the events does the work
    }
    default:
        break;
    }
    const auto found = connections_.find(event.data.u64 / 2);
    if (found == connections_.end() || found->second->closed) return;  // closed earlier in this batch
    on_socket(*found->second, static_cast<Side>(event.data.u64 % 2), event.events, now);
}

void Forwarder::accept_clients(TimePoint now) {
    for (;;) {
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) log("accept: %s", errno_text());
            return;
        }
        if (profile_->kind == LinkKind::offline) {
            reset_and_close(fd);
            ++refused_;
            log("refused a connection (offline)");
            continue;
        }
        set_no_delay(fd);
        auto connection = std::make_unique<Connection>();
        connection->id = next_id_++;
        connection->client = fd;
        connection->target = options_.upstream;
        connection->awaiting_head = options_.proxy;
        ++accepted_;
        log("connection %llu accepted", static_cast<unsigned long long>(connection->id));
        Connection& added = *connection;
        connections_.emplace(added.id, std::move(connection));
        // In a dead zone the origin is reached only when the link is back.
        if (!paused_ && !added.awaiting_head) start_upstream(added, now);
    }
}

void Forwarder::start_upstream(Connection& connection, TimePoint now) {
    connection.link_ready_at = now;
    if (options_.handshake) connection.link_ready_at += profile_->added_round_trip;
    connection.upstream = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (connection.upstream < 0) {
        abort_connection(connection, "socket");
        return;
    }
    set_no_delay(connection.upstream);
    const int result =
        connect(connection.upstream, reinterpret_cast<const sockaddr*>(&connection.target), sizeof(connection.target));
    if (result == 0) {
        connection.upstream_state = UpstreamState::connected;
    } else if (errno == EINPROGRESS) {
        connection.upstream_state = UpstreamState::connecting;
    } else {
        abort_connection(connection, "connect to the origin");
    }
}

void Forwarder::finish_connect(Connection& connection) {
    int error = 0;
    socklen_t length = sizeof(error);
    if (getsockopt(connection.upstream, SOL_SOCKET, SO_ERROR, &error, &length) < 0) error = errno;
    if (error != 0) {
        errno = error;
        abort_connection(connection, "connect to the origin");
        return;
    }
    connection.upstream_state = UpstreamState::connected;
    write_destination(connection, up);  // what arrived while connecting
}

void Forwarder::on_socket(Connection& connection, Side side, std::uint32_t events, TimePoint now) {
    if (side == upstream_side && connection.upstream_state == UpstreamState::connecting) {
        if (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) finish_connect(connection);
        return;
    }
    // This socket is the source of one direction and the destination of the other.
    const Direction from_here = side == client_side ? up : down;
    const Direction to_here = side == client_side ? down : up;
    bool handled = false;
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && connection.flow(from_here).reading()) {
        read_source(connection, from_here, now);
        handled = true;
    }
    if (connection.closed) return;
    if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) && !connection.flow(to_here).outbox.empty()) {
        write_destination(connection, to_here);
        handled = true;
    }
    if (connection.closed || handled || !(events & EPOLLERR)) return;
    // An error neither a read nor a write has reported yet.
    const int fd = side == client_side ? connection.client : connection.upstream;
    int error = 0;
    socklen_t length = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    errno = error;
    abort_connection(connection, "socket error");
}

void Forwarder::read_source(Connection& connection, Direction direction, TimePoint now) {
    if (direction == up && connection.awaiting_head) {
        read_proxy_head(connection, now);
        if (connection.closed || connection.awaiting_head) return;
    }
    Flow& flow = connection.flow(direction);
    const int fd = direction == up ? connection.client : connection.upstream;
    while (flow.reading()) {
        const std::size_t wanted = std::min(read_buffer_.size(), kPendingLimit - flow.pending.size());
        const ssize_t count = recv(fd, read_buffer_.data(), wanted, 0);
        if (count > 0) {
            if (flow.pending.empty()) flow.ready_since = now;
            flow.pending.append(read_buffer_.data(), static_cast<std::size_t>(count));
        } else if (count == 0) {
            flow.source_ended = true;
            flow.source_ended_at = now;
            log("connection %llu: %s half-closed", static_cast<unsigned long long>(connection.id),
                direction == up ? "client" : "origin");
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            abort_connection(connection, direction == up ? "read from the client" : "read from the origin");
            return;
        }
    }
}

// --proxy: reads the client's first request head, then sends the
// connection where it says. Bytes read past the head are the request's
// body (or, in a tunnel, the TLS handshake): they go on as they are.
void Forwarder::read_proxy_head(Connection& connection, TimePoint now) {
    char chunk[4096];
    std::optional<std::size_t> length;
    while (!(length = proxy_head_length(connection.head))) {
        if (connection.head.size() >= kMaxProxyHead) {
            errno = 0;
            abort_connection(connection, "proxy request head too long");
            return;
        }
        const ssize_t count =
            recv(connection.client, chunk, std::min(sizeof(chunk), kMaxProxyHead - connection.head.size()), 0);
        if (count > 0) {
            connection.head.append(chunk, static_cast<std::size_t>(count));
        } else if (count < 0 && errno == EINTR) {
            continue;
        } else if (count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            abort_connection(connection, "the client left before its request head");
            return;
        }
    }
    const auto request = parse_proxy_request(std::string_view(connection.head).substr(0, *length));
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (!request || getaddrinfo(request->host.c_str(), std::to_string(request->port).c_str(), &hints, &found) != 0 ||
        !found) {
        const char answer[] = "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        [[maybe_unused]] auto ignored = send(connection.client, answer, sizeof(answer) - 1, MSG_NOSIGNAL);
        errno = 0;
        abort_connection(connection, request ? "proxy target not found" : "not a proxy request");
        return;
    }
    std::memcpy(&connection.target, found->ai_addr, sizeof(connection.target));
    freeaddrinfo(found);
    log("connection %llu: %s %s:%d", static_cast<unsigned long long>(connection.id),
        request->tunnel ? "tunnel to" : "http to", request->host.c_str(), request->port);
    const std::string rest = connection.head.substr(*length);
    connection.head.clear();
    connection.head.shrink_to_fit();
    connection.awaiting_head = false;
    Flow& out = connection.flow(up);
    out.ready_since = now;
    if (request->tunnel) {
        // The proxy's own answer, played as if it came from the far end.
        const std::string_view established = "HTTP/1.1 200 Connection established\r\n\r\n";
        Flow& back = connection.flow(down);
        if (back.pending.empty()) back.ready_since = now;
        back.pending.append(established.data(), established.size());
    } else {
        out.pending.append(request->forwarded_head.data(), request->forwarded_head.size());
    }
    out.pending.append(rest.data(), rest.size());
    if (!paused_) start_upstream(connection, now);
}

void Forwarder::write_destination(Connection& connection, Direction direction) {
    const int fd = connection.destination(direction);
    if (fd < 0) return;  // the origin is still being reached
    Flow& flow = connection.flow(direction);
    while (!flow.outbox.empty()) {
        const ssize_t count = send(fd, flow.outbox.front(), flow.outbox.size(), MSG_NOSIGNAL);
        if (count >= 0) {
            flow.outbox.consume(static_cast<std::size_t>(count));
            bytes_[direction] += static_cast<std::uint64_t>(count);
        } else if (errno == EINTR) {
            continue;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return;
        } else {
            abort_connection(connection, direction == up ? "write to the origin" : "write to the client");
            return;
        }
    }
    if (flow.fin_arrived && !flow.destination_shut) {
        shutdown(fd, SHUT_WR);
        flow.destination_shut = true;
    }
}

void Forwarder::abort_connection(Connection& connection, const char* why) {
    if (connection.closed) return;
    log("connection %llu reset: %s%s%s", static_cast<unsigned long long>(connection.id), why, errno != 0 ? ": " : "",
        errno != 0 ? errno_text() : "");
    reset_and_close(connection.client);
    reset_and_close(connection.upstream);
    connection.client = connection.upstream = -1;
    connection.closed = true;
}

void Forwarder::close_sockets(Connection& connection) {
    for (int* fd : {&connection.client, &connection.upstream}) {
        if (*fd >= 0) close(*fd);
        *fd = -1;
    }
    connection.closed = true;
}

// ----------------------------------------------------------------- commands

void Forwarder::read_commands() {
    char buffer[4096];
    // One read per wake-up: stdin stays blocking (it may be shared with a
    // shell), and epoll said there is something to read.
    const ssize_t count = read(STDIN_FILENO, buffer, sizeof(buffer));
    if (count < 0 && (errno == EINTR || errno == EAGAIN)) return;
    if (count <= 0) {
        log("stdin closed");
        running_ = false;
        return;
    }
    command_buffer_.append(buffer, static_cast<std::size_t>(count));
    std::size_t end;
    while ((end = command_buffer_.find('\n')) != std::string::npos) {
        const std::string line = command_buffer_.substr(0, end);
        command_buffer_.erase(0, end + 1);
        run_command(line, Clock::now());
    }
}

void Forwarder::run_command(std::string_view line, TimePoint now) {
    // Words separated by blanks; a trailing '\r' is a blank too.
    std::vector<std::string_view> words;
    std::size_t position = 0;
    while (position < line.size()) {
        const std::size_t start = line.find_first_not_of(" \t\r", position);
        if (start == std::string_view::npos) break;
        const std::size_t end = std::min(line.find_first_of(" \t\r", start), line.size());
        words.push_back(line.substr(start, end - start));
        position = end;
    }
    if (words.empty()) return;
    if (words[0] == "profile" && words.size() == 2) {
        const Profile* profile = find_profile(words[1]);
        if (!profile) {
            std::string known;
            for (const Profile& each : profiles()) known += " " + std::string(each.name);
            print_line("error unknown profile " + std::string(words[1]) + " (known:" + known + ")");
            return;
        }
        set_profile(*profile, now);
        print_line("ok profile " + std::string(profile->name));
    } else if (words[0] == "stats" && words.size() == 1) {
        std::size_t open = 0;
        for (const auto& [id, connection] : connections_) open += connection->closed ? 0 : 1;
        print_line("stats profile=" + std::string(profile_->name) + " up=" + std::to_string(bytes_[up]) +
                   " down=" + std::to_string(bytes_[down]) + " open=" + std::to_string(open) +
                   " accepted=" + std::to_string(accepted_) + " refused=" + std::to_string(refused_) +
                   " cut=" + std::to_string(cut_) + " lost=" + std::to_string(lost_));
    } else if (words[0] == "help") {
        print_line("ok commands: profile NAME | stats | help");
    } else {
        print_line("error unknown command: " + std::string(line));
    }
}

void Forwarder::print_line(const std::string& line) {
    std::fputs(line.c_str(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

void Forwarder::configure_links() {
    const bool shaped = profile_->kind == LinkKind::shaped;
    const Duration one_way = shaped ? Duration(profile_->added_round_trip) / 2 : Duration{};
    const double loss = shaped ? profile_->loss : 0.0;
    links_[up].configure(shaped ? profile_->up_bits_per_second : 0, one_way, loss, retransmission_delay(*profile_));
    links_[down].configure(shaped ? profile_->down_bits_per_second : 0, one_way, loss, retransmission_delay(*profile_));
}

void Forwarder::set_profile(const Profile& profile, TimePoint now) {
    log("profile %s -> %s", std::string(profile_->name).c_str(), std::string(profile.name).c_str());
    if (paused_ && profile.kind != LinkKind::blackhole) resume_after_blackhole(now);
    profile_ = &profile;
    configure_links();
    switch (profile.kind) {
    case LinkKind::offline:
        for (auto& [id, connection] : connections_) {
            if (connection->closed) continue;
            errno = 0;
            abort_connection(*connection, "switched to offline");
            ++cut_;
        }
        break;
    case LinkKind::blackhole:
        if (!paused_) {
            paused_ = true;
            paused_since_ = now;
        }
        break;
    case LinkKind::pass_through:
    case LinkKind::shaped:
        for (auto& [id, connection] : connections_)
            if (!connection->closed && !connection->awaiting_head &&
                connection->upstream_state == UpstreamState::waiting_for_link)
                start_upstream(*connection, now);
        break;
    }
}

// Time stood still in the dead zone: what was on the line, or waiting for
// it, carries on as if the pause had not been.
void Forwarder::resume_after_blackhole(TimePoint now) {
    const Duration pause = now - paused_since_;
    paused_ = false;
    for (LinkDirection& link : links_) link.postpone(pause);
    for (auto& [id, connection] : connections_) {
        if (connection->closed || connection->upstream_state == UpstreamState::waiting_for_link) continue;
        connection->link_ready_at += pause;
        for (Flow& flow : connection->flows) {
            for (Segment& segment : flow.in_flight) segment.arrival += pause;
            flow.order.postpone(pause);
            // Data that came during the pause has been ready since now.
            flow.ready_since = std::min(flow.ready_since + pause, now);
            flow.source_ended_at = std::min(flow.source_ended_at + pause, now);
        }
    }
    log("link back after %.3f s in the dead zone", std::chrono::duration<double>(pause).count());
}

// --------------------------------------------------------------- the link

void Forwarder::pump(TimePoint now) {
    if (paused_ || profile_->kind == LinkKind::offline) return;
    // A direction that was held by a slow reader and may go again has been
    // ready since now, not since its bytes came: the line saved no credit.
    for (auto& [id, connection] : connections_) {
        if (connection->closed) continue;
        for (Flow& flow : connection->flows) {
            const bool over = flow.awaiting_delivery() >= kDeliveryLimit;
            if (over) {
                flow.held = true;
            } else if (flow.held) {
                flow.held = false;
                flow.ready_since = std::max(flow.ready_since, now);
            }
        }
    }
    send_segments(up, now);
    send_segments(down, now);
    send_fins();
    deliver(now);
}

// The next connection, in round robin, with bytes that may take the line now.
Connection* Forwarder::next_sender(Direction direction, TimePoint now) {
    auto sendable = [&](const Connection& connection) {
        const Flow& flow = connection.flows[direction];
        return !connection.closed && !flow.pending.empty() && !flow.held && flow.awaiting_delivery() < kDeliveryLimit &&
               connection.link_ready_at <= now;
    };
    const auto after = connections_.upper_bound(round_robin_[direction]);
    for (auto it = after; it != connections_.end(); ++it)
        if (sendable(*it->second)) return it->second.get();
    for (auto it = connections_.begin(); it != after; ++it)
        if (sendable(*it->second)) return it->second.get();
    return nullptr;
}

void Forwarder::send_segments(Direction direction, TimePoint now) {
    LinkDirection& link = links_[direction];
    for (;;) {
        if (!link.unlimited() && link.free_at() > now) return;  // the timer comes back then
        Connection* connection = next_sender(direction, now);
        if (!connection) return;
        round_robin_[direction] = connection->id;
        Flow& flow = connection->flow(direction);
        const std::size_t room = kDeliveryLimit - flow.awaiting_delivery();
        const std::size_t size =
            std::min({flow.pending.size(), room, link.unlimited() ? flow.pending.size() : kSegmentBytes});
        const auto sent = link.transmit(size, std::max(flow.ready_since, connection->link_ready_at));
        if (sent.lost) ++lost_;
        flow.in_flight.push_back(Segment{flow.order.next(sent.arrival), std::string(flow.pending.front(), size)});
        flow.in_flight_bytes += size;
        flow.pending.consume(size);
    }
}

// A FIN crosses after the connection's last data, one-way delay after the
// source half-closed; it takes no bandwidth.
void Forwarder::send_fins() {
    for (auto& [id, connection] : connections_) {
        if (connection->closed) continue;
        for (Direction direction : {up, down}) {
            Flow& flow = connection->flow(direction);
            if (!flow.source_ended || !flow.pending.empty() || flow.fin_sent) continue;
            const TimePoint sent = std::max(flow.source_ended_at, connection->link_ready_at);
            flow.in_flight.push_back(
                Segment{flow.order.next(sent + links_[direction].one_way_delay()), std::string(), true});
            flow.fin_sent = true;
        }
    }
}

void Forwarder::deliver(TimePoint now) {
    for (auto& [id, connection] : connections_) {
        for (Direction direction : {up, down}) {
            if (connection->closed) break;
            Flow& flow = connection->flow(direction);
            bool arrived = false;
            while (!flow.in_flight.empty() && flow.in_flight.front().arrival <= now) {
                Segment& segment = flow.in_flight.front();
                flow.outbox.append(segment.bytes.data(), segment.bytes.size());
                flow.in_flight_bytes -= segment.bytes.size();
                flow.fin_arrived = flow.fin_arrived || segment.fin;
                flow.in_flight.pop_front();
                arrived = true;
            }
            if (arrived) write_destination(*connection, direction);
        }
    }
}

// Drops closed connections and those finished both ways; updates what the
// others wait for.
void Forwarder::reap_and_watch() {
    for (auto it = connections_.begin(); it != connections_.end();) {
        Connection& connection = *it->second;
        if (!connection.closed && connection.flows[up].destination_shut && connection.flows[down].destination_shut) {
            log("connection %llu closed", static_cast<unsigned long long>(connection.id));
            close_sockets(connection);
        }
        if (connection.closed) {
            it = connections_.erase(it);
        } else {
            update_interest(connection);
            ++it;
        }
    }
}

void Forwarder::update_interest(Connection& connection) {
    std::uint32_t client = 0;
    std::uint32_t upstream = 0;
    if (connection.flows[up].reading()) client |= EPOLLIN;
    if (!connection.flows[down].outbox.empty()) client |= EPOLLOUT;
    if (connection.upstream_state == UpstreamState::connecting) {
        upstream = EPOLLOUT;
    } else if (connection.upstream_connected()) {
        if (connection.flows[down].reading()) upstream |= EPOLLIN;
        if (!connection.flows[up].outbox.empty()) upstream |= EPOLLOUT;
    }
    set_interest(connection.client, connection.client_events, client, connection.id * 2 + client_side);
    set_interest(connection.upstream, connection.upstream_events, upstream, connection.id * 2 + upstream_side);
}

// A socket nothing is wanted from is taken out of epoll altogether: epoll
// reports a hang-up even with an empty event mask, and a half-closed socket
// that has hung up would otherwise wake the loop again and again.
void Forwarder::set_interest(int fd, std::uint32_t& registered, std::uint32_t wanted, std::uint64_t tag) {
    if (fd < 0 || wanted == registered) return;
    epoll_event event{};
    event.events = wanted;
    event.data.u64 = tag;
    const int operation = registered == 0 ? EPOLL_CTL_ADD : wanted == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;
    if (epoll_ctl(epoll_fd_, operation, fd, &event) < 0) log("epoll_ctl: %s", errno_text());
    registered = wanted;
}

std::optional<TimePoint> Forwarder::next_deadline() const {
    if (paused_) return std::nullopt;
    std::optional<TimePoint> next;
    auto consider = [&next](TimePoint when) {
        if (!next || when < *next) next = when;
    };
    for (const auto& [id, connection] : connections_) {
        for (Direction direction : {up, down}) {
            const Flow& flow = connection->flows[direction];
            if (!flow.in_flight.empty()) consider(flow.in_flight.front().arrival);
            // Held flows wait for the destination's EPOLLOUT, not for time.
            if (!flow.pending.empty() && flow.awaiting_delivery() < kDeliveryLimit)
                consider(std::max(links_[direction].free_at(), connection->link_ready_at));
        }
    }
    return next;
}

void Forwarder::arm_timer(std::optional<TimePoint> deadline) {
    if (deadline == armed_deadline_) return;
    itimerspec setting{};  // all zero: disarmed
    if (deadline) {
        const auto since_boot = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline->time_since_epoch());
        // A deadline that has passed already: the earliest time that still arms the timer.
        const long long nanoseconds = std::max<long long>(since_boot.count(), 1);
        setting.it_value.tv_sec = static_cast<time_t>(nanoseconds / 1'000'000'000);
        setting.it_value.tv_nsec = static_cast<long>(nanoseconds % 1'000'000'000);
    }
    if (timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &setting, nullptr) < 0) log("timerfd_settime: %s", errno_text());
    armed_deadline_ = deadline;
}

// ------------------------------------------------------------------- main

void print_usage(std::FILE* to) {
    std::fputs(
        "usage: cirrus-weak-link --upstream HOST:PORT|--proxy [--listen HOST:PORT] [--profile NAME]\n"
        "                        [--handshake] [--seed N] [--verbose]\n"
        "       cirrus-weak-link --list-profiles\n"
        "Prints 'listening HOST:PORT', then reads commands on stdin: 'profile NAME', 'stats', 'help'.\n",
        to);
}

void print_profiles() {
    for (const Profile& profile : profiles())
        std::printf("%-10s %s\n", std::string(profile.name).c_str(), std::string(profile.summary).c_str());
}

}  // namespace
}  // namespace cirrus::weak_link

int main(int argc, char** argv) {
    using namespace cirrus::weak_link;
    Options options;
    options.listen = *parse_address("127.0.0.1:0");
    options.profile = find_profile("none");
    bool have_upstream = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        auto value = [&]() -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "cirrus-weak-link: %s needs a value\n", argv[i]);
                std::exit(2);
            }
            return argv[++i];
        };
        if (argument == "--upstream" || argument == "--listen") {
            const char* text = value();
            const auto address = parse_address(text);
            if (!address) {
                std::fprintf(stderr, "cirrus-weak-link: not an IPv4 HOST:PORT: %s\n", text);
                return 2;
            }
            (argument == "--upstream" ? options.upstream : options.listen) = *address;
            have_upstream = have_upstream || argument == "--upstream";
        } else if (argument == "--profile") {
            const char* name = value();
            options.profile = find_profile(name);
            if (!options.profile) {
                std::fprintf(stderr, "cirrus-weak-link: unknown profile %s; --list-profiles lists them\n", name);
                return 2;
            }
        } else if (argument == "--seed") {
            options.seed = std::strtoull(value(), nullptr, 10);
        } else if (argument == "--proxy") {
            options.proxy = true;
        } else if (argument == "--handshake") {
            options.handshake = true;
        } else if (argument == "--verbose" || argument == "-v") {
            options.verbose = true;
        } else if (argument == "--list-profiles") {
            print_profiles();
            return 0;
        } else if (argument == "--help" || argument == "-h") {
            print_usage(stdout);
            return 0;
        } else {
            std::fprintf(stderr, "cirrus-weak-link: unknown argument %s\n", argv[i]);
            print_usage(stderr);
            return 2;
        }
    }
    if (have_upstream == options.proxy) {
        print_usage(stderr);
        return 2;
    }
    Forwarder forwarder(options);
    if (!forwarder.open()) return 1;
    return forwarder.run();
}
