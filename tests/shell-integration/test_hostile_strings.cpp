// Strings a stranger chose, on the way to the shell: a page's notification
// and a window title longer than a Wayland message may be used to cut the
// shell's connection (libwayland refuses a message over 4096 bytes by
// disconnecting the side that sent it), and a notification replayed to every
// new shell then crash-loops it. What must survive: the shell keeps running
// and drawing, the power key still locks, and the phone is never left with a
// shell that dies at start.

#include "app_link_hosts.hpp"
#include "common/protocol_text.hpp"

using namespace cirrus_shell_it;
namespace protocol_text = cirrus::protocol_text;

namespace {

// A cirrus_shell_v1 client beside the real shell: sees what the shell is sent.
std::unique_ptr<Process> protocol_watcher(ShellFixture& f) {
    auto watcher = f.compositor.client({cirrus_it::program("CIRRUS_TEST_SHELL_PROTOCOL")}, true);
    watcher->expect("ready");
    return watcher;
}

json shell_stats(ShellFixture& f) { return f.compositor.request({{"cmd", "stats"}})["shell"]; }

std::string repeated(std::string_view piece, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += piece;
    return out;
}

}  // namespace

TEST_CASE("hostile strings: a notification of 2000 + 2000 characters leaves the shell running and its banner cut") {
    HostedShell h;
    h.f.start_shell();
    auto watcher = protocol_watcher(h.f);
    h.launch("red", kAppWindow);
    REQUIRE(h.f.compositor.request({{"cmd", "home"}})["ok"] == true);

    // One word of title, the rest body: 4092 bytes in the app's request,
    // under the limit; the shell's event, which also carries the app id,
    // would be 4100.
    h.hosts.send("red", "notify 9 " + std::string(2035, 'T') + " " + std::string(2035, 'B'));
    const json seen = watcher->expect("notification");
    const std::string title = seen["title"], body = seen["body"];
    CHECK(title.size() <= protocol_text::kMaxNotificationTitleBytes);
    CHECK(body.size() <= protocol_text::kMaxNotificationBodyBytes);
    CHECK(title.ends_with("\xe2\x80\xa6"));
    CHECK(body.ends_with("\xe2\x80\xa6"));

    // The real shell took it and drew its banner, and is still the same process.
    h.wait_layer("cirrus-banner");
    CHECK(h.f.shell->alive());
    // It still answers: the power key locks.
    h.lock_with_power_key();
    CHECK(h.f.shell->alive());
}

TEST_CASE("hostile strings: a window title of 4 KB is cut on a character boundary; the shell and power key work") {
    HostedShell h;
    h.f.start_shell();
    h.launch("red", kAppWindow);
    // 1360 three-byte characters: 4096 bytes in the app's set_title, 4108 in
    // the shell's app_title event (with the app id). A cut in the middle of
    // a character would be invalid UTF-8.
    h.hosts.send("red", "title " + repeated("名", 1360));
    h.hosts.expect("red", "sent");
    std::string title;
    REQUIRE(cirrus_it::wait_until([&] {
        const auto w = h.window("red");
        title = w ? w->value("title", std::string()) : "";
        return title.size() > 3;
    }));
    CHECK(title.size() <= protocol_text::kMaxTitleBytes);
    CHECK(title.ends_with("名\xe2\x80\xa6"));
    CHECK(protocol_text::is_bounded(title, protocol_text::kMaxTitleBytes));  // valid UTF-8, nothing to change

    CHECK(h.f.shell->alive());
    h.lock_with_power_key();
    CHECK(h.f.shell->alive());
}

TEST_CASE("hostile strings: a shell that dies on a replayed notification costs the notification, not the phone") {
    // The compositor's own shell is a protocol client that exits at any
    // notification, as a shell with a crashing banner would.
    Compositor::Options options;
    options.shell = cirrus_it::program("CIRRUS_TEST_SHELL_PROTOCOL") + " --exit-on-notification";
    HostedShell h(options);
    REQUIRE(cirrus_it::wait_until([&] { return shell_stats(h.f)["pid"].get<int>() > 0; }));
    h.launch("red", kAppWindow);

    // Sent live, it kills the first shell; replayed to the second, it kills
    // that one too, and is dropped: the third shell gets nothing and stays.
    h.hosts.send("red", "notify 3 Boom crash");
    REQUIRE_MESSAGE(cirrus_it::wait_until([&] { return shell_stats(h.f)["restarts"].get<int>() >= 2; }, 10),
                    shell_stats(h.f).dump());
    int pid = 0;
    REQUIRE(cirrus_it::wait_until([&] {
        pid = shell_stats(h.f)["pid"].get<int>();
        return pid > 0;
    }));
    // Longer than the restart back-off had grown to (200 ms): a third death
    // would show as a new pid or restart count.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const json after = shell_stats(h.f);
    CHECK(after["pid"] == pid);
    CHECK(after["restarts"] == 2);
    // The app that sent it is untouched.
    CHECK(h.window("red").has_value());
}
