// The compositor survives misbehaving clients and shuts down cleanly.

#include "helpers.hpp"

#include <csignal>
#include <random>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace cirrus_it;

namespace {

void check_still_serving(Compositor& c) {
    REQUIRE(c.alive());
    json s = c.stats();
    REQUIRE(s["ok"] == true);
    auto fresh = start_app(c, {"--app-id", "org.cirrus.test.fresh"});
    wait_window(
        c, fresh->pid(), [](const json& w) { return w.value("focused", false); }, "focused");
}

}  // namespace

TEST_CASE("a client dying mid-frame leaves the compositor running") {
    Compositor c;
    SUBCASE("abort between attach and commit") {
        auto app = c.client(test_client_argv({"--crash-after-ms", "200"}));
        app->expect("mapped");
        app->expect("crashing");
        auto status = app->wait_exit(kTimeout);
        REQUIRE(status);
        CHECK(WIFSIGNALED(*status));
        wait_no_window(c, app->pid());
        check_still_serving(c);
    }
    SUBCASE("kill -9 of a mapped client") {
        auto app = start_app(c);
        wait_window(
            c, app->pid(), [](const json& w) { return w.value("visible", false); }, "visible");
        app->signal(SIGKILL);
        REQUIRE(app->wait_exit(kTimeout));
        wait_no_window(c, app->pid());
        check_still_serving(c);
    }
    SUBCASE("kill -9 of a layer client with an exclusive zone") {
        auto bar = start_bar(c);
        wait_work_area(c, 0, kBarHeight, kWidth, kHeight - kBarHeight);
        bar->signal(SIGKILL);
        REQUIRE(bar->wait_exit(kTimeout));
        wait_work_area(c, 0, 0, kWidth, kHeight);
        CHECK(wait_until([&] { return c.layers().empty(); }));
        check_still_serving(c);
    }
}

TEST_CASE("garbage on the Wayland socket disconnects only that client") {
    Compositor c;
    auto app = start_app(c);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string path = c.wayland_socket_path();
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    // A message to an object that does not exist, then random bytes.
    std::vector<uint8_t> bytes;
    uint32_t header[2] = {12345, (16u << 16) | 3u};
    bytes.insert(bytes.end(), reinterpret_cast<uint8_t*>(header), reinterpret_cast<uint8_t*>(header) + 8);
    std::mt19937 rng(42);
    for (int i = 0; i < 4088; ++i) bytes.push_back(static_cast<uint8_t>(rng()));
    ssize_t sent = send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    CHECK(sent > 0);
    // The compositor closes the connection (possibly after an error event).
    bool closed = false;
    for (int i = 0; i < 250 && !closed; ++i) {
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, 20) <= 0) continue;
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n == 0 || n < 0) closed = true;
    }
    close(fd);
    CHECK_MESSAGE(closed, "the compositor kept a client that sent garbage");

    REQUIRE(c.alive());
    CHECK(app->alive());
    wait_window(
        c, app->pid(), [](const json& w) { return w.value("visible", false); }, "still visible");
    check_still_serving(c);
}

TEST_CASE("garbage on the control socket gets ok:false and the connection goes on") {
    Compositor c;
    ControlConnection conn(c.control_path());
    for (const std::string line : {"this is not json", "{\"cmd\":", "[1,2,3]", "{\"cmd\":\"no-such-command\"}",
                                   "{\"nocmd\":true}", "42", "\"stats\""}) {
        auto answer = conn.exchange(line);
        REQUIRE_MESSAGE(answer, "no answer to " << line);
        json r = json::parse(*answer);
        CHECK_MESSAGE(r["ok"] == false, line << " -> " << *answer);
        CHECK(r["error"].is_string());
        auto next = conn.exchange(R"({"cmd":"stats"})");
        REQUIRE(next);
        CHECK(json::parse(*next)["ok"] == true);
    }
    // Binary garbage on its own connection.
    {
        ControlConnection junk(c.control_path());
        std::string bytes;
        std::mt19937 rng(7);
        for (int i = 0; i < 2000; ++i) bytes.push_back(static_cast<char>(rng() % 255 + 1));
        for (auto& ch : bytes)
            if (ch == '\n') ch = ' ';
        junk.send_raw(bytes + "\n");
        auto answer = junk.read_line(5);
        REQUIRE(answer);
        CHECK(json::parse(*answer)["ok"] == false);
    }
    // An over-long line closes that connection only.
    {
        ControlConnection big(c.control_path());
        big.send_raw(std::string(70 * 1024, 'x'));
        CHECK(big.wait_closed(5));
    }
    // Two requests in one write are answered in order.
    REQUIRE(conn.send_raw("{\"cmd\":\"stats\"}\n{\"cmd\":\"outputs\"}\n"));
    auto a1 = conn.read_line();
    auto a2 = conn.read_line();
    REQUIRE(a1);
    REQUIRE(a2);
    CHECK(json::parse(*a1).contains("frames"));
    CHECK(json::parse(*a2).contains("outputs"));
    REQUIRE(c.alive());
    CHECK(c.stats()["ok"] == true);
}

TEST_CASE("SIGTERM shuts the compositor down cleanly") {
    auto c = std::make_unique<Compositor>();
    auto app = start_app(*c);
    std::string control = c->control_path();
    REQUIRE(access(control.c_str(), F_OK) == 0);

    auto status = c->terminate(5);
    REQUIRE_MESSAGE(status, "the compositor did not exit within 5 s of SIGTERM\n" << c->log_tail());
    CHECK_MESSAGE(WIFEXITED(*status), "the compositor ended with " << describe_status(*status) << "\n"
                                                                   << c->log_tail());
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK_MESSAGE(access(control.c_str(), F_OK) != 0, "the control socket was left behind");
    CHECK(access(c->wayland_socket_path().c_str(), F_OK) != 0);
    app->expect("disconnected", 5);
    auto app_status = app->wait_exit(5);
    REQUIRE(app_status);
    CHECK(WIFEXITED(*app_status));
}

TEST_CASE("quit over the control socket shuts down cleanly") {
    Compositor c;
    json r = c.request({{"cmd", "quit"}});
    CHECK(r["ok"] == true);
    auto status = c.process().wait_exit(5);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
    CHECK(access(c.control_path().c_str(), F_OK) != 0);
}
