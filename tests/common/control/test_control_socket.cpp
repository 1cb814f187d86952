// common/control_socket: the path rule from the environment's values, and
// the client against a real listening unix socket that a thread here plays
// the compositor on.

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "../../temp_dir.hpp"
#include "common/control_socket.hpp"

using namespace cirrus::control;
using cirrus::test::TempDir;

namespace {

// A listening unix socket; serve() runs `answer` on the first connection in
// a thread of its own (joined by the destructor).
class FakeCompositor {
public:
    explicit FakeCompositor(std::string path) : path_(std::move(path)) {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        REQUIRE(fd_ >= 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
        unlink(path_.c_str());  // an earlier one's, left as a compositor that died leaves it
        REQUIRE(bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0);
        REQUIRE(listen(fd_, 4) == 0);
    }
    ~FakeCompositor() {
        if (thread_.joinable()) thread_.join();
        close(fd_);
    }

    // `answer` gets the connection's fd and what it read up to the first '\n'.
    void serve(std::function<void(int fd, const std::string& request)> answer) {
        thread_ = std::thread([this, answer = std::move(answer)] {
            const int conn = accept(fd_, nullptr, nullptr);
            if (conn < 0) return;
            std::string request;
            char c;
            while (read(conn, &c, 1) == 1 && c != '\n') request += c;
            answer(conn, request);
            close(conn);
        });
    }

private:
    std::string path_;
    int fd_ = -1;
    std::thread thread_;
};

void write_all(int fd, const std::string& bytes) {
    CHECK(write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()));
}

// The ControlError that `fn` throws (fails the test if none).
ControlError control_error_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const ControlError& e) {
        return e;
    }
    FAIL("no ControlError was thrown");
    return ControlError(ControlError::Kind::no_path, "");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("the sockets' names and paths follow the display's name") {
    CHECK(control_socket_name("wayland-1") == "cirrus-wayland-1.sock");
    CHECK(trusted_socket_name("wayland-1") == "cirrus-wayland-1-trusted.sock");
    CHECK(control_socket_path("/run/user/1000", "wayland-1") == "/run/user/1000/cirrus-wayland-1.sock");
    CHECK(trusted_socket_path("/run/user/1000", "wayland-1") == "/run/user/1000/cirrus-wayland-1-trusted.sock");
}

TEST_CASE("the display is WAYLAND_DISPLAY's name, also of an absolute path or the trusted socket") {
    CHECK(display_name("wayland-5") == "wayland-5");
    CHECK(display_name("") == "wayland-0");
    CHECK(display_name("/run/user/1000/wayland-1") == "wayland-1");
    CHECK(display_name("/run/user/1000/cirrus-wayland-1-trusted.sock") == "wayland-1");
    // Not a trusted socket's name (nothing between the prefix and suffix).
    CHECK(display_name("/tmp/cirrus--trusted.sock") == "cirrus--trusted.sock");
}

TEST_CASE("CIRRUS_CONTROL, else XDG_RUNTIME_DIR and WAYLAND_DISPLAY, find the control socket") {
    CHECK(find_control_socket({"/x/ctl.sock", "/run/user/1000", "wayland-1"}) == "/x/ctl.sock");
    CHECK(find_control_socket({"/x/ctl.sock", "", ""}) == "/x/ctl.sock");
    CHECK(find_control_socket({"", "/run/user/1000", "wayland-1"}) == "/run/user/1000/cirrus-wayland-1.sock");
    CHECK(find_control_socket({"", "/run/user/1000", ""}) == "/run/user/1000/cirrus-wayland-0.sock");
    CHECK(find_control_socket({"", "/run/user/1000", "/run/user/1000/cirrus-wayland-2-trusted.sock"}) ==
          "/run/user/1000/cirrus-wayland-2.sock");

    SUBCASE("without XDG_RUNTIME_DIR the error names what to set, and no path is guessed") {
        const ControlError e = control_error_of([] { find_control_socket({"", "", "wayland-1"}); });
        CHECK(e.kind() == ControlError::Kind::no_path);
        CHECK(contains(e.what(), "XDG_RUNTIME_DIR is not set"));
        CHECK(contains(e.what(), "CIRRUS_CONTROL"));
    }
}

TEST_CASE("the environment is read as the process has it; empty is unset") {
    const std::string saved[] = {std::getenv("CIRRUS_CONTROL") ? std::getenv("CIRRUS_CONTROL") : "",
                                 std::getenv("XDG_RUNTIME_DIR") ? std::getenv("XDG_RUNTIME_DIR") : "",
                                 std::getenv("WAYLAND_DISPLAY") ? std::getenv("WAYLAND_DISPLAY") : ""};
    setenv("CIRRUS_CONTROL", "", 1);
    setenv("XDG_RUNTIME_DIR", "/run/test", 1);
    setenv("WAYLAND_DISPLAY", "wayland-7", 1);
    CHECK(find_control_socket() == "/run/test/cirrus-wayland-7.sock");
    unsetenv("XDG_RUNTIME_DIR");
    CHECK(control_error_of([] { find_control_socket(); }).kind() == ControlError::Kind::no_path);
    setenv("CIRRUS_CONTROL", "/x/ctl.sock", 1);
    CHECK(find_control_socket() == "/x/ctl.sock");
    const char* names[] = {"CIRRUS_CONTROL", "XDG_RUNTIME_DIR", "WAYLAND_DISPLAY"};
    for (int i = 0; i < 3; ++i) {
        if (saved[i].empty()) {
            unsetenv(names[i]);
        } else {
            setenv(names[i], saved[i].c_str(), 1);
        }
    }
}

TEST_CASE("a request line goes out and its answer line comes back") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "cirrus-wayland-1.sock").string();
    FakeCompositor compositor(path);
    std::string received;
    compositor.serve([&](int fd, const std::string& request) {
        received = request;
        // The answer in two pieces, and a second line behind it.
        write_all(fd, R"({"ok":true,)");
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        write_all(fd, "\"frames\":3}\n{\"ok\":false}\n");
    });
    ControlClient client = ControlClient::connect(path);
    const nlohmann::json answer = client.request({{"cmd", "stats"}}, 5);
    CHECK(answer == nlohmann::json{{"ok", true}, {"frames", 3}});
    CHECK(client.read_line(5) == R"({"ok":false})");
    CHECK(nlohmann::json::parse(received) == nlohmann::json{{"cmd", "stats"}});
}

TEST_CASE("control_request connects, asks and reads on a connection of its own") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "ctl.sock").string();
    FakeCompositor compositor(path);
    compositor.serve([](int fd, const std::string& request) {
        write_all(fd, nlohmann::json{{"ok", true}, {"echo", nlohmann::json::parse(request)}}.dump() + "\n");
    });
    const nlohmann::json answer = control_request(path, {{"cmd", "launch"}, {"app", "notes"}}, 5);
    CHECK(answer["echo"]["app"] == "notes");
}

TEST_CASE("a missing socket says whether the compositor runs and what to set") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "nope.sock").string();
    const ControlError e = control_error_of([&] { ControlClient::connect(path); });
    CHECK(e.kind() == ControlError::Kind::unreachable);
    CHECK(contains(e.what(), "cannot reach the compositor at " + path));
    CHECK(contains(e.what(), "no such socket"));
    CHECK(contains(e.what(), "is cirrus-compositor running? set WAYLAND_DISPLAY or CIRRUS_CONTROL"));
}

TEST_CASE("a socket nobody listens on any more is unreachable too") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "stale.sock").string();
    { FakeCompositor gone(path); }  // closed, its file left behind
    const ControlError e = control_error_of([&] { ControlClient::connect(path); });
    CHECK(e.kind() == ControlError::Kind::unreachable);
    CHECK(contains(e.what(), path));
    CHECK(contains(e.what(), "is cirrus-compositor running?"));
}

TEST_CASE("connect waits for a socket that appears within wait_seconds") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "late.sock").string();
    std::unique_ptr<FakeCompositor> compositor;
    std::thread starter([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        compositor = std::make_unique<FakeCompositor>(path);
        compositor->serve([](int fd, const std::string&) { write_all(fd, "{\"ok\":true}\n"); });
    });
    ControlClient client = ControlClient::connect(path, 5);
    starter.join();
    CHECK(client.exchange(R"({"cmd":"stats"})", 5) == R"({"ok":true})");
}

TEST_CASE("no answer within the timeout, a closed connection and a non-JSON answer are errors naming the socket") {
    TempDir dir("cirrus-control");
    const std::string path = (dir / "ctl.sock").string();
    FakeCompositor compositor(path);

    SUBCASE("silence") {
        compositor.serve([](int, const std::string&) { std::this_thread::sleep_for(std::chrono::milliseconds(600)); });
        ControlClient client = ControlClient::connect(path);
        const auto start = std::chrono::steady_clock::now();
        const ControlError e = control_error_of([&] { client.exchange(R"({"cmd":"stats"})", 0.2); });
        const auto waited = std::chrono::steady_clock::now() - start;
        CHECK(e.kind() == ControlError::Kind::no_answer);
        CHECK(contains(e.what(), "no answer from the compositor at " + path + " within 0.2 s"));
        CHECK(waited >= std::chrono::milliseconds(150));
        CHECK(waited < std::chrono::milliseconds(550));
    }
    SUBCASE("closed without an answer (half a line is no answer)") {
        compositor.serve([](int fd, const std::string&) { write_all(fd, "{\"ok\":"); });
        ControlClient client = ControlClient::connect(path);
        const ControlError e = control_error_of([&] { client.exchange(R"({"cmd":"stats"})", 5); });
        CHECK(e.kind() == ControlError::Kind::no_answer);
        CHECK(contains(e.what(), "closed the connection without an answer"));
    }
    SUBCASE("not JSON") {
        compositor.serve([](int fd, const std::string&) { write_all(fd, "hello\n"); });
        ControlClient client = ControlClient::connect(path);
        const ControlError e = control_error_of([&] { client.request({{"cmd", "stats"}}, 5); });
        CHECK(e.kind() == ControlError::Kind::bad_answer);
        CHECK(contains(e.what(), "not JSON: hello"));
    }
}

TEST_CASE("a path too long for a unix socket is refused before connecting, naming it") {
    const std::string path = "/tmp/" + std::string(200, 'x') + ".sock";
    const ControlError e = control_error_of([&] { ControlClient::connect(path); });
    CHECK(e.kind() == ControlError::Kind::unreachable);
    CHECK(contains(e.what(), "too long"));
    CHECK(contains(e.what(), path));
}
