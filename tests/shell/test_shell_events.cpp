// ShellEvents: what the shell does with cirrus_shell_v1 events (the code its
// Wayland listeners call). The attack: a compositor (or a bug in one) that
// forwards an app's text unbounded -- invalid UTF-8, control characters,
// kilobytes. What must survive: the shell's handlers only ever see text
// bounded by protocol_text's rule, and well-formed text passes unchanged.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/protocol_text.hpp"
#include "shell_events.hpp"

using namespace cirrus::shell;
namespace text = cirrus::protocol_text;

namespace {

struct TestShell : ShellEvents {
    TestShell() : ShellEvents([](const char*, const std::function<void()>& body) { body(); }) {}
    std::vector<std::uint32_t> not_asked;
    void answer_not_asked(std::uint32_t id, const std::string&, const std::string&) override {
        not_asked.push_back(id);
    }
};

}  // namespace

TEST_CASE("hostile notification and title strings reach the shell's handlers bounded") {
    TestShell shell;
    std::vector<std::string> seen;
    shell.on_notification = [&](std::uint32_t, const std::string& app, const std::string& title,
                                const std::string& body) {
        seen = {app, title, body};
    };
    shell.on_permission_request = [&](std::uint32_t, const std::string& app, const std::string& permission) {
        seen = {app, permission};
    };
    shell.deliver_held();

    const std::string huge(5000, 'W');
    shell.notification(1, "chat\xff", "\x1b[31mred\x07", huge);
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == "chat\xef\xbf\xbd");  // U+FFFD for the stray byte
    CHECK(seen[1] == " [31mred ");         // control characters become spaces
    CHECK(seen[2].size() <= text::kMaxNotificationBodyBytes);
    CHECK(seen[2].ends_with("\u2026"));
    for (const std::string& s : seen) CHECK(text::is_bounded(s, s.size()));

    shell.permission_request(2, "maps\n", std::string(300, 'p'));
    REQUIRE(seen.size() == 2);
    CHECK(seen[0] == "maps ");
    CHECK(seen[1].size() <= text::kMaxTitleBytes);

    // Well-formed text is left alone.
    shell.notification(3, "org.example.chat", "Ada \u05e9\u05dc\u05d5\u05dd", "See you at 5");
    CHECK(seen == std::vector<std::string>{"org.example.chat", "Ada \u05e9\u05dc\u05d5\u05dd", "See you at 5"});
}

TEST_CASE("app state and titles are batched until done, under the bounded app id") {
    TestShell shell;
    int batches = 0;
    shell.on_state = [&](const CompositorState&) { ++batches; };
    shell.app_state("notes", AppState::running);
    shell.app_title("notes", std::string(1000, 't') + "\x01");
    shell.front_app("notes", 0xff112233);
    CHECK(shell.state().apps.empty());
    shell.done();
    CHECK(batches == 1);
    CHECK(shell.state().apps.at("notes") == AppState::running);
    CHECK(shell.state().titles.at("notes").size() <= text::kMaxTitleBytes);
    CHECK(shell.state().front_app == "notes");

    // A hostile id names the same app in every event: its close removes it.
    shell.app_state("bad\xc3", AppState::launching);
    shell.app_title("bad\xc3", "Bad");
    shell.done();
    CHECK(shell.state().apps.size() == 2);
    shell.app_state("bad\xc3", AppState::closed);
    shell.done();
    CHECK(shell.state().apps.size() == 1);
    CHECK(shell.state().titles.count("bad\xef\xbf\xbd") == 0);
}

TEST_CASE("questions held before the handlers are set are answered not_asked when nobody can show them") {
    TestShell shell;
    shell.permission_request(7, "notes", "camera");
    CHECK(shell.not_asked.empty());
    shell.deliver_held();
    CHECK(shell.not_asked == std::vector<std::uint32_t>{7});
}
