// Tests of cirrus-weak-link as a program (through WeakLinkProcess): a real
// HTTP/1.1 origin on 127.0.0.1, plain-socket clients, and the link between
// them. Times are wall-clock times on a machine other jobs share: what the
// profiles promise as a floor (never faster than the link) is checked
// strictly, the ceilings with a margin.
#include "weak_link_process.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

namespace {

using cirrus::test::WeakLinkProcess;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Body bytes whose every offset differs from its neighbours', so that a lost,
// doubled or reordered chunk shows.
std::string pattern(std::size_t size, unsigned seed = 0) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + (i >> 9) + seed) & 0xff);
    return bytes;
}

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

// ------------------------------------------------------------------ origin

// An HTTP/1.1 origin on 127.0.0.1, a thread per connection, keep-alive:
//   GET /small          -> "ok"
//   GET /bytes/N        -> pattern(N)
//   POST /echo          -> the request body
//   POST /count         -> the body's size in decimal; a POST without a
//                          Content-Length has a body up to the client's
//                          half-close, and the answer closes the connection
class TestOrigin {
public:
    TestOrigin() {
        listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in address = loopback(0);
        if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0 ||
            listen(listen_fd_, 64) < 0)
            throw std::runtime_error(std::string("origin: ") + std::strerror(errno));
        socklen_t length = sizeof(address);
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length);
        port_ = ntohs(address.sin_port);
        acceptor_ = std::thread([this] { accept_loop(); });
    }

    ~TestOrigin() {
        stopping_ = true;
        shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
        acceptor_.join();
        {
            std::lock_guard lock(mutex_);
            for (int fd : open_fds_) shutdown(fd, SHUT_RDWR);  // wakes the workers
        }
        for (std::thread& worker : workers_) worker.join();
        close(listen_fd_);
    }

    TestOrigin(const TestOrigin&) = delete;
    TestOrigin& operator=(const TestOrigin&) = delete;

    int port() const { return port_; }
    int connections() const { return connections_; }

private:
    void accept_loop() {
        for (;;) {
            const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                if (stopping_) return;
                if (errno == EINTR || errno == ECONNABORTED) continue;
                return;
            }
            ++connections_;
            std::lock_guard lock(mutex_);
            open_fds_.push_back(fd);
            workers_.emplace_back([this, fd] { serve(fd); });
        }
    }

    static bool send_all(int fd, std::string_view data) {
        while (!data.empty()) {
            const ssize_t count = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (count < 0 && errno == EINTR) continue;
            if (count <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(count));
        }
        return true;
    }

    // Reads into `buffer` until it holds `size` bytes (or, with size npos, EOF).
    static bool read_until(int fd, std::string& buffer, std::size_t size) {
        char chunk[64 * 1024];
        while (buffer.size() < size) {
            const ssize_t count = recv(fd, chunk, sizeof(chunk), 0);
            if (count < 0 && errno == EINTR) continue;
            if (count < 0) return false;
            if (count == 0) return size == std::string::npos;
            buffer.append(chunk, static_cast<std::size_t>(count));
        }
        return true;
    }

    void serve(int fd) {
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        std::string buffer;
        char chunk[16 * 1024];
        for (;;) {
            std::size_t head_end;
            while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
                const ssize_t count = recv(fd, chunk, sizeof(chunk), 0);
                if (count < 0 && errno == EINTR) continue;
                if (count <= 0) return finish(fd);
                buffer.append(chunk, static_cast<std::size_t>(count));
            }
            const std::string head = buffer.substr(0, head_end + 2);
            buffer.erase(0, head_end + 4);
            std::string lower = head;
            std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
            const std::string method = head.substr(0, head.find(' '));
            const std::size_t path_start = method.size() + 1;
            const std::string path = head.substr(path_start, head.find(' ', path_start) - path_start);
            bool close_after = lower.find("connection: close") != std::string::npos;

            std::string body;
            if (const auto length_at = lower.find("content-length:"); length_at != std::string::npos) {
                const std::size_t length = std::stoul(head.substr(length_at + 15));
                if (!read_until(fd, buffer, length)) return finish(fd);
                body = buffer.substr(0, length);
                buffer.erase(0, length);
            } else if (method == "POST") {
                if (!read_until(fd, buffer, std::string::npos)) return finish(fd);
                body = std::move(buffer);
                buffer.clear();
                close_after = true;
            }

            std::string answer;
            std::string status = "200 OK";
            if (method == "GET" && path == "/small") {
                answer = "ok";
            } else if (method == "GET" && path.rfind("/bytes/", 0) == 0) {
                answer = pattern(std::stoul(path.substr(7)));
            } else if (method == "POST" && path == "/echo") {
                answer = body;
            } else if (method == "POST" && path == "/count") {
                answer = std::to_string(body.size());
            } else {
                status = "404 Not Found";
            }
            std::string response = "HTTP/1.1 " + status + "\r\nContent-Length: " + std::to_string(answer.size()) +
                                   "\r\n" + (close_after ? "Connection: close\r\n" : "") + "\r\n";
            if (!send_all(fd, response) || !send_all(fd, answer) || close_after) return finish(fd);
        }
    }

    // A graceful end: our FIN, then wait for the client's, so no RST.
    void finish(int fd) {
        shutdown(fd, SHUT_WR);
        std::string rest;
        read_until(fd, rest, std::string::npos);
        std::lock_guard lock(mutex_);
        open_fds_.erase(std::find(open_fds_.begin(), open_fds_.end(), fd));
        close(fd);
    }

    int listen_fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stopping_ = false;
    std::atomic<int> connections_ = 0;
    std::thread acceptor_;
    std::mutex mutex_;
    std::vector<int> open_fds_;
    std::vector<std::thread> workers_;
};

// ------------------------------------------------------------------ client

// doctest prints an enum as its number: 0 complete, 1 timeout, 2 reset, 3 closed.
enum class End { complete = 0, timeout = 1, reset = 2, closed = 3 };

struct Response {
    End end = End::timeout;
    int status = 0;
    std::string body;
    std::size_t received = 0;  // bytes received on this connection so far
    double seconds = 0;        // from the request's first byte sent to the end
};

// One client connection (non-blocking, TCP_NODELAY) that speaks HTTP/1.1.
class Client {
public:
    // receive_buffer > 0: a small kernel receive buffer, for a client that
    // plays a slow reader (loopback's default buffer takes megabytes).
    explicit Client(int port, int receive_buffer = 0) {
        fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receive_buffer > 0) setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof(receive_buffer));
        sockaddr_in address = loopback(port);
        if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) < 0)
            throw std::runtime_error(std::string("client connect: ") + std::strerror(errno));
        const int on = 1;
        setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
        fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }
    ~Client() { close(fd_); }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends the request and reads the response (while still sending: a big
    // body must not deadlock against an early answer). `progress` sees the
    // bytes received so far after each read.
    Response request(std::string_view method, std::string_view path, std::string_view body = {},
                     std::chrono::milliseconds timeout = 15s, bool close_connection = false,
                     const std::function<void(std::size_t)>& progress = {}) {
        std::string text = std::string(method) + " " + std::string(path) + " HTTP/1.1\r\nHost: origin\r\n";
        if (method == "POST") text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
        if (close_connection) text += "Connection: close\r\n";
        text += "\r\n";
        text += body;
        start_ = Clock::now();
        to_send_ = std::move(text);
        sent_ = 0;
        return read_response(start_ + timeout, progress);
    }

    // Sends raw bytes (read_response sends whatever is still unsent).
    void send_raw(std::string bytes) {
        start_ = Clock::now();
        to_send_ = std::move(bytes);
        sent_ = 0;
    }
    void half_close() { half_close_after_send_ = true; }

    // Sends a GET and nothing else: the response stays unread until
    // read_response.
    void send_get(std::string_view path) {
        send_raw("GET " + std::string(path) + " HTTP/1.1\r\nHost: origin\r\n\r\n");
        while (sent_ < to_send_.size()) {
            pollfd ready{fd_, POLLOUT, 0};
            poll(&ready, 1, 1000);
            const ssize_t count = send(fd_, to_send_.data() + sent_, to_send_.size() - sent_, MSG_NOSIGNAL);
            if (count < 0 && errno != EAGAIN && errno != EINTR)
                throw std::runtime_error(std::string("client send: ") + std::strerror(errno));
            if (count > 0) sent_ += static_cast<std::size_t>(count);
        }
    }

    // Reads one response; after a timeout it can be called again to go on.
    Response read_response(Clock::time_point deadline, const std::function<void(std::size_t)>& progress = {}) {
        Response response;
        for (;;) {
            if (parse(response)) break;
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) {
                response.end = End::timeout;
                break;
            }
            pollfd ready{fd_, static_cast<short>(POLLIN | (sent_ < to_send_.size() ? POLLOUT : 0)), 0};
            if (poll(&ready, 1, static_cast<int>(left.count()) + 1) <= 0) continue;
            if (sent_ < to_send_.size() && (ready.revents & POLLOUT)) {
                const ssize_t count = send(fd_, to_send_.data() + sent_, to_send_.size() - sent_, MSG_NOSIGNAL);
                if (count > 0) sent_ += static_cast<std::size_t>(count);
                if (count < 0 && (errno == ECONNRESET || errno == EPIPE)) {
                    response.end = End::reset;  // the reset came before the request went
                    break;
                }
                if (sent_ == to_send_.size() && half_close_after_send_) shutdown(fd_, SHUT_WR);
            }
            if (!(ready.revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char chunk[64 * 1024];
            const ssize_t count = recv(fd_, chunk, sizeof(chunk), 0);
            if (count > 0) {
                buffer_.append(chunk, static_cast<std::size_t>(count));
                received_ += static_cast<std::size_t>(count);
                if (progress) progress(received_);
            } else if (count == 0) {
                eof_ = true;
                if (!parse(response)) response.end = End::closed;
                break;
            } else if (errno == ECONNRESET || errno == EPIPE) {
                response.end = End::reset;
                break;
            } else if (errno != EAGAIN && errno != EINTR) {
                throw std::runtime_error(std::string("client recv: ") + std::strerror(errno));
            }
        }
        response.received = received_;
        response.seconds = seconds_since(start_);
        return response;
    }

    // Waits for the server's FIN after a response; true when it came.
    bool wait_for_eof(std::chrono::milliseconds timeout) {
        if (eof_) return true;
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            pollfd ready{fd_, POLLIN, 0};
            poll(&ready, 1, 20);
            char chunk[4096];
            const ssize_t count = recv(fd_, chunk, sizeof(chunk), 0);
            if (count == 0) return eof_ = true;
            if (count < 0 && errno != EAGAIN && errno != EINTR) return false;
        }
        return false;
    }

    int fd() const { return fd_; }

private:
    // Takes one complete response off the buffer, if there is one.
    bool parse(Response& response) {
        const std::size_t head_end = buffer_.find("\r\n\r\n");
        if (head_end == std::string::npos) return false;
        const std::string head = buffer_.substr(0, head_end);
        const std::size_t length_at = head.find("Content-Length: ");
        if (length_at == std::string::npos) throw std::runtime_error("response without Content-Length: " + head);
        const std::size_t length = std::stoul(head.substr(length_at + 16));
        if (buffer_.size() < head_end + 4 + length) return false;
        response.status = std::stoi(head.substr(9, 3));
        response.body = buffer_.substr(head_end + 4, length);
        buffer_.erase(0, head_end + 4 + length);
        response.end = End::complete;
        return true;
    }

    int fd_ = -1;
    std::string to_send_;
    std::size_t sent_ = 0;
    bool half_close_after_send_ = false;
    std::string buffer_;
    std::size_t received_ = 0;
    bool eof_ = false;
    Clock::time_point start_ = Clock::now();
};

// Ceilings are the nominal time times this: room for a loaded machine's late
// wake-ups. (A small request, ~40 bytes each way, spends well under a
// millisecond on a 3g line, so its nominal time is the round trip.)
constexpr double kMargin = 1.25;

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

TEST_CASE("none passes a 1 MB body unchanged both ways, on one keep-alive connection") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "none");
    Client client(link.port());

    const Response download = client.request("GET", "/bytes/1048576");
    REQUIRE(download.end == End::complete);
    CHECK(download.status == 200);
    CHECK(download.body.size() == 1048576);
    CHECK(download.body == pattern(1048576));

    const std::string upload = pattern(1048576, 77);
    const Response echoed = client.request("POST", "/echo", upload);
    REQUIRE(echoed.end == End::complete);
    CHECK(echoed.body.size() == upload.size());
    CHECK(echoed.body == upload);
    // Loopback speed: no shaping.
    CHECK(download.seconds < 1.0);
    CHECK(echoed.seconds < 1.0);

    const WeakLinkProcess::Stats stats = link.stats();
    CHECK(stats.profile == "none");
    CHECK(stats.accepted == 1);
    CHECK(stats.open == 1);
    CHECK(origin.connections() == 1);  // keep-alive: one origin connection for both
    CHECK(stats.up_bytes > 1048576);
    CHECK(stats.up_bytes < 1048576 + 1000);
    CHECK(stats.down_bytes > 2 * 1048576);
    CHECK(stats.down_bytes < 2 * 1048576 + 1000);
    CHECK(link.stop() == 0);  // SIGTERM ends it cleanly
}

TEST_CASE("3g adds its 300 ms round trip to a small request, never less") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");
    Client client(link.port());
    std::vector<double> round_trips;
    for (int i = 0; i < 6; ++i) {
        const Response response = client.request("GET", "/small");
        REQUIRE(response.end == End::complete);
        CHECK(response.body == "ok");
        CHECK(response.seconds >= 0.300);  // the floor, strictly
        round_trips.push_back(response.seconds);
    }
    MESSAGE("3g small-request round trips (s): first " << round_trips.front() << ", median " << median(round_trips));
    CHECK(median(round_trips) <= 0.300 * kMargin);
    CHECK(origin.connections() == 1);
}

TEST_CASE("3g downloads 200 KB at 1600 kbit/s plus the round trip") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");
    Client client(link.port());
    const std::size_t size = 200 * 1024;
    const Response response = client.request("GET", "/bytes/" + std::to_string(size));
    REQUIRE(response.end == End::complete);
    CHECK(response.body == pattern(size));
    const double floor = 0.300 + size * 8 / 1.6e6;  // 1.324 s
    MESSAGE("3g 200 KB download: " << response.seconds << " s (nominal " << floor << " s)");
    CHECK(response.seconds >= floor);
    CHECK(response.seconds <= floor * kMargin);
}

TEST_CASE("two parallel downloads share the link's bandwidth") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");
    const std::size_t size = 200 * 1024;
    Client first(link.port());
    Client second(link.port());
    const auto start = Clock::now();
    double finished[2] = {0, 0};
    bool complete[2] = {false, false};
    auto download = [&](Client& client, int index) {
        const Response response = client.request("GET", "/bytes/" + std::to_string(size));
        complete[index] = response.end == End::complete && response.body == pattern(size);
        finished[index] = seconds_since(start);
    };
    std::thread other([&] { download(second, 1); });
    download(first, 0);
    other.join();
    CHECK(complete[0]);
    CHECK(complete[1]);
    const double total = std::max(finished[0], finished[1]);
    const double floor = 0.300 + 2 * size * 8 / 1.6e6;  // 2.348 s
    MESSAGE("3g two parallel 200 KB downloads: " << finished[0] << " s and " << finished[1] << " s (nominal " << floor
                                                 << " s for both)");
    CHECK(total >= floor);
    CHECK(total <= floor * kMargin);
    // Shared in turn, not one after the other: both end near the end.
    CHECK(std::min(finished[0], finished[1]) >= 0.9 * total);
}

TEST_CASE("a small request is not queued behind another connection's download") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");
    Client bulk(link.port());
    std::size_t bulk_received = 0;
    // 1 MB takes 5 s on 3g; the small request goes 0.5 s into it, when the
    // bulk connection has a full backlog ahead of the link.
    std::thread download([&] {
        bulk.request("GET", "/bytes/1048576", {}, 15s, false, [&](std::size_t received) {
            bulk_received = received;
            if (received > 120'000) shutdown(bulk.fd(), SHUT_RDWR);  // enough: give up
        });
    });
    std::this_thread::sleep_for(500ms);
    Client small(link.port());
    const Response response = small.request("GET", "/small");
    download.join();
    REQUIRE(response.end == End::complete);
    MESSAGE("3g small request beside a download: " << response.seconds << " s");
    CHECK(response.seconds >= 0.300);
    // Round robin by segment: it waits for at most one 1460-byte segment
    // (7.3 ms) of the download on the line.
    CHECK(response.seconds <= 0.300 * kMargin + 0.0073);
    CHECK(bulk_received < 200'000);  // the download was still going
}

TEST_CASE("a client that does not read holds back only its own connection, and loses nothing") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "none");
    // More than every socket buffer on the way can hold (loopback's grow to
    // megabytes).
    const std::size_t size = 24 * 1024 * 1024;
    Client slow(link.port(), 16 * 1024);
    // The response fills the buffers (the client's, the link's, the
    // origin's) and stops there.
    slow.send_get("/bytes/" + std::to_string(size));
    std::this_thread::sleep_for(300ms);

    Client other(link.port());
    const Response response = other.request("GET", "/small", {}, 5s);
    REQUIRE(response.end == End::complete);
    CHECK(response.seconds < 0.5);
    const WeakLinkProcess::Stats stats = link.stats();  // the link still answers at once
    CHECK(stats.open == 2);
    // Held back, not read ahead without bound: most of the body is still at the origin.
    MESSAGE("delivered to the client that does not read: " << stats.down_bytes << " bytes");
    CHECK(stats.down_bytes < size / 3);

    // The slow reader now reads everything: all of it, in order.
    Response rest = slow.read_response(Clock::now() + 15s);
    REQUIRE(rest.end == End::complete);
    CHECK(rest.body.size() == size);
    CHECK(rest.body == pattern(size));
    CHECK(link.stop(WeakLinkProcess::Ending::end_of_input) == 0);  // so does EOF on stdin
}

TEST_CASE("3g-slow shapes uploads: a 50 KB POST takes its time on the 400 kbit/s uplink") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g-slow");
    Client client(link.port());
    const std::size_t size = 50 * 1024;
    const Response response = client.request("POST", "/count", pattern(size));
    REQUIRE(response.end == End::complete);
    CHECK(response.body == std::to_string(size));
    const double floor = 2.0 + size * 8 / 400e3;  // 3.024 s: the round trip and 1.024 s on the uplink
    MESSAGE("3g-slow 50 KB upload: " << response.seconds << " s (nominal " << floor << " s)");
    CHECK(response.seconds >= floor);
    CHECK(response.seconds <= floor * kMargin);
}

TEST_CASE("offline resets a new connection at once") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "offline");
    Client client(link.port());
    const Response response = client.request("GET", "/small", {}, 5s);
    CHECK(response.end == End::reset);
    CHECK(response.received == 0);
    CHECK(response.seconds < 0.5);
    const WeakLinkProcess::Stats stats = link.stats();
    CHECK(stats.refused == 1);
    CHECK(stats.accepted == 0);
    CHECK(origin.connections() == 0);
}

TEST_CASE("switching from offline to none lets new connections through") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "offline");
    {
        Client client(link.port());
        CHECK(client.request("GET", "/small", {}, 5s).end == End::reset);
    }
    link.set_profile("none");
    Client client(link.port());
    const Response response = client.request("GET", "/small", {}, 5s);
    REQUIRE(response.end == End::complete);
    CHECK(response.body == "ok");
    CHECK(response.seconds < 0.5);
}

TEST_CASE("switching to offline cuts an open transfer") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");
    Client client(link.port());
    const std::size_t size = 1024 * 1024;  // 5.2 s on 3g
    Clock::time_point switched{};
    const Response response =
        client.request("GET", "/bytes/" + std::to_string(size), {}, 15s, false, [&](std::size_t received) {
            if (received >= 50'000 && switched == Clock::time_point{}) {
                link.set_profile("offline");
                switched = Clock::now();
            }
        });
    REQUIRE(switched != Clock::time_point{});
    CHECK(response.end == End::reset);
    CHECK(response.received < size);
    const double after_switch = seconds_since(switched);
    MESSAGE("transfer reset " << after_switch << " s after the switch, " << response.received << " bytes in");
    CHECK(after_switch < 0.5);
    CHECK(link.stats().cut == 1);
    CHECK(link.stats().open == 0);
    CHECK(link.stop() == 0);
}

TEST_CASE("blackhole accepts and hangs; when the link is back the request completes") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "blackhole");
    Client client(link.port());
    const Response hung = client.request("GET", "/small", {}, 1s);
    CHECK(hung.end == End::timeout);  // the client's 1 s timeout fired
    CHECK(hung.received == 0);
    CHECK(hung.seconds >= 1.0);
    CHECK(origin.connections() == 0);  // nothing crossed the dead zone
    CHECK(link.stats().accepted == 1);

    link.set_profile("none");
    const auto back = Clock::now();
    const Response resumed = client.read_response(Clock::now() + 5s);
    REQUIRE(resumed.end == End::complete);
    CHECK(resumed.body == "ok");
    CHECK(seconds_since(back) < 0.5);
}

TEST_CASE("half-close and Connection: close cross a 3g link") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g");

    SUBCASE("Connection: close: the response, then the origin's FIN") {
        Client client(link.port());
        const Response response = client.request("GET", "/small", {}, 5s, true);
        REQUIRE(response.end == End::complete);
        CHECK(response.body == "ok");
        CHECK(client.wait_for_eof(3s));
    }
    SUBCASE("a body ended by the client's half-close, then the answer and the origin's FIN") {
        Client client(link.port());
        const std::string body = pattern(20'000);
        client.half_close();
        client.send_raw("POST /count HTTP/1.1\r\nHost: origin\r\n\r\n" + body);
        const Response response = client.read_response(Clock::now() + 5s);
        REQUIRE(response.end == End::complete);
        CHECK(response.body == std::to_string(body.size()));
        // The client's FIN crossed after its data: 20 KB on the 750 kbit/s
        // uplink, the round trip, and the answer.
        CHECK(response.seconds >= 0.300 + body.size() * 8 / 750e3);
        CHECK(client.wait_for_eof(3s));
    }
    // Both directions finished: the link closed the connection.
    const auto deadline = Clock::now() + 3s;
    while (link.stats().open != 0 && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    CHECK(link.stats().open == 0);
}

TEST_CASE("2g: a small request pays 650 ms and the slow lines") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "2g");
    Client client(link.port());
    const Response response = client.request("GET", "/small");
    REQUIRE(response.end == End::complete);
    // The request's 37 bytes at 20 kbit/s and the response's 40 at 50 kbit/s.
    const double floor = 0.650 + 37 * 8 / 20e3 + 40 * 8 / 50e3;
    MESSAGE("2g small request: " << response.seconds << " s; " << link.stats().lost << " segment(s) lost");
    CHECK(response.seconds >= floor);
    // At most one of its two segments is lost (+650 ms) on a 1% link.
    CHECK(response.seconds <= (floor + 0.650) * kMargin);
}

TEST_CASE("--handshake: a new connection's first request pays one more round trip") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "3g", {"--handshake"});
    Client client(link.port());
    const Response first = client.request("GET", "/small");
    const Response second = client.request("GET", "/small");
    REQUIRE(first.end == End::complete);
    REQUIRE(second.end == End::complete);
    MESSAGE("3g --handshake: first request " << first.seconds << " s, second " << second.seconds << " s");
    CHECK(first.seconds >= 0.600);
    CHECK(first.seconds <= 0.600 * kMargin);
    CHECK(second.seconds >= 0.300);
    CHECK(second.seconds <= 0.300 * kMargin);
}

TEST_CASE("the command protocol: profile switches answer, bad ones are errors") {
    TestOrigin origin;
    WeakLinkProcess link(origin.port(), "none");
    for (const char* name : {"3g", "3g-slow", "2g", "blackhole", "offline", "none"}) {
        link.set_profile(name);
        CHECK(link.stats().profile == name);
    }
    CHECK_THROWS_AS(link.set_profile("5g"), std::runtime_error);
    CHECK(link.stats().profile == "none");  // unchanged, and still answering
    CHECK(link.stop(WeakLinkProcess::Ending::end_of_input) == 0);
    CHECK(link.stop() == -1);  // once only
}
