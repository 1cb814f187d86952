// Text input: apps' text fields (text-input-v3) relayed to the on-screen
// keyboard's input method (input-method-v2), with the real compositor and
// the two test clients (cirrus-test-text-input, cirrus-test-input-method).

#include "helpers.hpp"

#include <csignal>
#include <fstream>
#include <set>

using namespace cirrus_it;

namespace {

std::vector<std::string> text_input_argv(std::vector<std::string> args = {}) {
    args.insert(args.begin(), program("CIRRUS_TEST_TEXT_INPUT"));
    return args;
}

std::unique_ptr<Process> start_input_method(Compositor& c) {
    auto im = c.client({program("CIRRUS_TEST_INPUT_METHOD")}, true);
    im->expect("ready", kTimeout);
    return im;
}

// The field: purpose email (6), hint sensitive_data (0x80).
std::unique_ptr<Process> start_field(Compositor& c, std::vector<std::string> args = {}) {
    if (args.empty())
        args = {"--purpose", "6", "--hints", "128", "--surrounding", "hello world", "--cursor-rect", "10,20,2,16"};
    auto app = c.client(text_input_argv(args));
    app->expect("mapped", kTimeout);
    app->expect("enter", kTimeout);
    return app;
}

json text_input_state(Compositor& c) {
    json r = c.request({{"cmd", "text_input"}});
    REQUIRE_MESSAGE(r["ok"] == true, r.dump());
    return r;
}

// The done that closes an activation batch, with what came before it.
void expect_activated(Process& im) {
    im.expect("activate", kTimeout);
    im.expect("done", kTimeout, [](const json& e) { return e["active"] == true; });
}

void ti_send(Process& p, const std::string& line) {
    p.send_line(line);
    p.expect("sent", kTimeout);
}

std::set<std::string> ti_registry_globals(Compositor& c, bool trusted) {
    RunResult r = run_program({program("CIRRUS_TEST_REGISTRY")}, c.client_env(trusted));
    REQUIRE_MESSAGE(r.exited_ok(), (r.out + r.err));
    json j = json::parse(r.out.substr(0, r.out.find('\n')));
    std::set<std::string> names;
    for (auto& g : j.at("globals")) names.insert(g.get<std::string>());
    return names;
}

}  // namespace

TEST_CASE("text input: focus activates the input method with the field's state, and its text reaches the field") {
    Compositor c;
    auto im = start_input_method(c);
    auto app = start_field(c);

    im->expect("activate", kTimeout);
    json surrounding = im->expect("surrounding_text", kTimeout);
    CHECK(surrounding["text"] == "hello world");
    CHECK(surrounding["cursor"] == 11);
    json content = im->expect("content_type", kTimeout);
    CHECK(content["purpose"] == 6);
    CHECK(content["hint"] == 128);
    im->expect("done", kTimeout, [](const json& e) { return e["active"] == true; });

    json state = text_input_state(c);
    CHECK(state["text_input"]["enabled"] == true);
    CHECK(state["text_input"]["purpose"] == "email");
    CHECK(state["text_input"]["hints"] == json::array({"sensitive_data"}));
    CHECK(state["text_input"]["surrounding_text"] == "hello world");
    CHECK(state["text_input"]["cursor_rectangle"] == json({{"x", 10}, {"y", 20}, {"width", 2}, {"height", 16}}));
    CHECK(state["input_method"]["connected"] == true);
    CHECK(state["input_method"]["active"] == true);
    CHECK(state["input_method"]["pid"] == im->pid());
    CHECK(state["keyboard"]["pid"] == -1);  // the harness starts none

    ti_send(*im, "commit hello");
    CHECK(app->expect("commit_string", kTimeout)["text"] == "hello");
    app->expect("done", kTimeout);

    ti_send(*im, "preedit nǐ");
    json preedit = app->expect("preedit", kTimeout);
    CHECK(preedit["text"] == "nǐ");
    CHECK(preedit["begin"] == 3);

    ti_send(*im, "delete 2 1");
    json deleted = app->expect("delete_surrounding_text", kTimeout);
    CHECK(deleted["before"] == 2);
    CHECK(deleted["after"] == 1);

    // Another window takes the focus: the field is left, the input method
    // deactivated.
    auto other = start_app(c);
    app->expect("leave", kTimeout);
    im->expect("deactivate", kTimeout);
    CHECK(wait_until([&] { return text_input_state(c)["input_method"]["active"] == false; }));
}

TEST_CASE("text input: the app disabling its field deactivates the input method; enabling activates it again") {
    Compositor c;
    auto im = start_input_method(c);
    auto app = start_field(c);
    expect_activated(*im);
    ti_send(*app, "disable");
    im->expect("deactivate", kTimeout);
    ti_send(*app, "enable");
    expect_activated(*im);
}

TEST_CASE("text input: the input-method and virtual-keyboard globals are for trusted clients only") {
    Compositor c;
    auto untrusted = ti_registry_globals(c, false);
    CHECK(untrusted.count("zwp_text_input_manager_v3") == 1);
    CHECK(untrusted.count("zwp_input_method_manager_v2") == 0);
    CHECK(untrusted.count("zwp_virtual_keyboard_manager_v1") == 0);
    auto trusted = ti_registry_globals(c, true);
    CHECK(trusted.count("zwp_input_method_manager_v2") == 1);
    CHECK(trusted.count("zwp_virtual_keyboard_manager_v1") == 1);
    // An untrusted input method cannot even start.
    auto im = c.client({program("CIRRUS_TEST_INPUT_METHOD")}, false);
    auto status = im->wait_exit(kTimeout);
    REQUIRE(status);
    CHECK(WEXITSTATUS(*status) == 3);
}

TEST_CASE("text input: a second input method is unavailable; after the first dies, a new one works") {
    Compositor c;
    auto first = start_input_method(c);
    auto second = start_input_method(c);
    second->expect("unavailable", kTimeout);

    auto app = start_field(c);
    expect_activated(*first);
    first->signal(SIGKILL);
    first->wait_exit(kTimeout);
    CHECK(wait_until([&] { return text_input_state(c)["input_method"]["connected"] == false; }));

    auto again = start_input_method(c);
    expect_activated(*again);  // the field is still focused and enabled
    ti_send(*again, "commit back");
    CHECK(app->expect("commit_string", kTimeout)["text"] == "back");
    CHECK(c.alive());
}

TEST_CASE("text input: no activation with a hardware keyboard attached; it comes when that is detached") {
    Compositor c;
    auto im = start_input_method(c);
    json attached = c.request({{"cmd", "keyboard_device"}, {"action", "attach"}});
    REQUIRE_MESSAGE(attached["ok"] == true, attached.dump());
    CHECK(attached["hardware_keyboards"] == 1);

    auto app = start_field(c);
    // The field is enabled (a hardware keyboard types into it as before)...
    CHECK(wait_until([&] { return text_input_state(c)["text_input"].value("enabled", false); }));
    // ...and the keyboard stays down.
    CHECK_FALSE(im->next_event("activate", 1.0));
    CHECK(text_input_state(c)["input_method"]["active"] == false);

    json detached = c.request({{"cmd", "keyboard_device"}, {"action", "detach"}});
    REQUIRE_MESSAGE(detached["ok"] == true, detached.dump());
    CHECK(detached["hardware_keyboards"] == 0);
    expect_activated(*im);
    CHECK(c.request({{"cmd", "keyboard_device"}, {"action", "detach"}})["ok"] == false);
}

TEST_CASE("text input: [keyboard] show = never keeps the input method inactive") {
    Compositor probe;  // only for a fresh path in a private folder
    const std::string config = probe.new_path("compositor.conf");
    std::ofstream(config) << "[keyboard]\nshow = never\n";
    Compositor::Options options;
    options.extra_args = {"--config", config};
    Compositor c(options);
    auto im = start_input_method(c);
    auto app = start_field(c);
    CHECK(wait_until([&] { return text_input_state(c)["text_input"].value("enabled", false); }));
    CHECK_FALSE(im->next_event("activate", 1.0));
    CHECK(text_input_state(c)["keyboard"]["show"] == "never");
}

TEST_CASE("text input: the input method's popup sits at the cursor rectangle, kept on screen") {
    Compositor c;
    auto im = start_input_method(c);
    auto app = start_field(c);
    expect_activated(*im);
    ti_send(*im, "popup 100x30");
    json popup;
    CHECK(wait_until([&] {
        popup = text_input_state(c)["input_method"]["popup"];
        return !popup.is_null();
    }));
    // The window fills the output from 0,0: the cursor (10,20 2x16) is there
    // in layout pixels too; the popup goes just below it.
    CHECK(popup == json({{"x", 10}, {"y", 36}, {"width", 100}, {"height", 30}}));
    json rect = im->expect("popup_rectangle", kTimeout);
    CHECK(rect["x"] == 0);
    CHECK(rect["y"] == -16);

    // A cursor at the right bottom corner: the popup moves left and above.
    auto corner = start_field(c, {"--cursor-rect", "470,790,2,8"});
    im->expect("deactivate", kTimeout);
    expect_activated(*im);
    CHECK(wait_until([&] {
        popup = text_input_state(c)["input_method"]["popup"];
        return popup.is_object() && popup["x"] == kWidth - 100 && popup["y"] == 790 - 30;
    }));
    INFO(popup.dump());
}

TEST_CASE("text input: a hostile input method's over-long or invalid commits are dropped, nobody dies") {
    Compositor c;
    auto im = start_input_method(c);
    auto app = start_field(c);
    expect_activated(*im);
    ti_send(*im, "commit-hex 6869c3");  // "hi" and a cut-off sequence
    ti_send(*im, "commit-hex 80ff");    // no UTF-8 at all
    ti_send(*im, "commit-long 4050");   // over the protocol's 4000 bytes
    ti_send(*im, "commit ok");
    CHECK(app->expect("commit_string", kTimeout)["text"] == "ok");
    for (const json& e : app->events()) {
        if (e.value("event", "") == "commit_string") CHECK(e["text"] == "ok");
    }
    CHECK(text_input_state(c)["input_method"]["commits_dropped"] == 3);
    CHECK(app->alive());
    CHECK(im->alive());
    CHECK(c.alive());
}

TEST_CASE("text input: a keyboard layer with an exclusive zone shrinks the app and leaves it the focus") {
    Compositor c;
    auto app = start_field(c);
    const pid_t pid = app->pid();
    wait_window_where(
        c, [&](const json& w) { return w["pid"] == pid && w["height"] == kHeight; }, "full height");
    auto keyboard =
        c.client(test_layer_argv({"--layer", "top", "--anchor", "bottom,left,right", "--size", "0x300", "--exclusive",
                                  "300", "--keyboard", "none", "--namespace", "keyboard", "--color", "202020"}),
                 true);
    keyboard->expect("mapped", kTimeout);
    json window = wait_window_where(
        c, [&](const json& w) { return w["pid"] == pid && w["height"] == kHeight - 300; },
        "the app above the keyboard");
    CHECK(window["focused"] == true);
    CHECK(window["y"] == 0);
    // The app keeps the keyboard focus: its field is still entered.
    CHECK_FALSE(app->next_event("leave", 0.5));
    CHECK(text_input_state(c)["text_input"]["enabled"] == true);
}

TEST_CASE("text input: the keyboard slot starts the keyboard as a trusted input method and restarts it") {
    Compositor::Options options;
    options.keyboard = program("CIRRUS_TEST_INPUT_METHOD");
    Compositor c(options);
    json state;
    REQUIRE(wait_until([&] {
        state = text_input_state(c);
        return state["keyboard"]["pid"].get<int>() > 0 && state["input_method"]["connected"] == true;
    }));
    const int first = state["keyboard"]["pid"];
    auto app = start_field(c);
    CHECK(wait_until([&] { return text_input_state(c)["input_method"]["active"] == true; }));

    kill(first, SIGKILL);
    CHECK(wait_until([&] {
        state = text_input_state(c);
        return state["keyboard"]["restarts"] == 1 && state["keyboard"]["pid"].get<int>() > 0 &&
               state["keyboard"]["pid"] != first && state["input_method"]["active"] == true;
    }));
    INFO(state.dump());
}

TEST_CASE("text input: a keyboard command that is not installed starts nothing and says so") {
    Compositor::Options options;
    options.keyboard = "cirrus-keyboard-not-installed";
    Compositor c(options);
    CHECK(text_input_state(c)["keyboard"]["pid"] == -1);
    CHECK(wait_until([&] { return c.log_tail().find("no on-screen keyboard") != std::string::npos; }));
}
