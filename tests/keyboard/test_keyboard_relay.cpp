// cirrus-keyboard driven by a real text-input-v3 client (foot) through the
// compositor's relay (text-input-v3 <-> input-method-v2).
#include "keyboard_process.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace keyboard_it;

namespace {

bool relay_present(Compositor& c) {
    auto probe = start_keyboard(c);
    const json ready = probe->expect("ready", 10);
    return ready.value("input_method", false);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

json cursor_rectangle(Compositor& c) {
    const json r = c.request({{"cmd", "text_input"}});
    return r.contains("text_input") && r["text_input"].is_object() ? r["text_input"].value("cursor_rectangle", json())
                                                                   : json();
}

// Taps a key as a person would: the next only once the app has answered the
// last. foot drops a whole text-input `done` (its commit string with it)
// whose serial is behind the commits it has sent (its ime.c; GTK and WebKit
// apply it as text-input-v3 says), and it commits a new cursor rectangle each
// time its echo moves the cursor: a letter relayed while that commit is on
// its way is lost however the compositor relays it (the serial it must send
// is the last commit it has read). So the tap waits for the cursor to move.
void type_key(Compositor& c, const json& layer, const char* label) {
    const json before = cursor_rectangle(c);
    const auto p = key_point(layer, label, 480, 800);
    CHECK(c.request({{"cmd", "tap"}, {"x", p.first}, {"y", p.second}})["ok"] == true);
    CHECK_MESSAGE(wait_until([&] { return cursor_rectangle(c) != before; }, 10),
                  "foot's cursor did not move after " << label);
}

}  // namespace

TEST_CASE("a focused text field shows the keyboard; taps type into it; closing it hides the keyboard") {
    Compositor c;
    REQUIRE_MESSAGE(relay_present(c), "the keyboard found no zwp_input_method_manager_v2: it must be trusted");
    const std::string foot = optional_program("CIRRUS_FOOT");
    REQUIRE_MESSAGE(!foot.empty(), "foot (a text-input-v3 client) is needed");
    auto kb = start_keyboard(c);
    kb->expect("ready", 10);
    const std::string out = c.new_path("typed.txt");
    auto term = c.client({foot, "--", "/bin/sh", "-c", "cat > '" + out + "'"});

    const json shown = kb->expect("shown", 15);
    CHECK(shown.at("page") == "letters");
    REQUIRE(wait_until([&] { return keyboard_layer(c) && keyboard_layer(c)->value("mapped", false); }, 10));
    const json layer = *keyboard_layer(c);
    CHECK(layer.at("layer") == "top");
    CHECK(layer.at("exclusive_zone") == layer.at("height"));
    CHECK(layer.at("keyboard_interactive") == "none");
    CHECK(layer.at("y").get<int>() + layer.at("height").get<int>() == 800);
    CHECK(layer.at("width") == 480);
    // The app's work area is smaller by the keyboard.
    const json area = c.outputs().at(0).at("work_area");
    CHECK(area.at("height").get<int>() == 800 - layer.at("height").get<int>());

    const long pss = pss_kib(kb->pid());
    MESSAGE("cirrus-keyboard shown PSS: " << pss << " KiB");

    for (const char* k : {"h", "i", "⏎"}) type_key(c, layer, k);
    CHECK(wait_until([&] { return read_file(out) == "hi\n"; }, 10));
    CHECK(read_file(out) == "hi\n");

    // Backspace (no surrounding text from a terminal: the BackSpace key).
    for (const char* k : {"o", "x", "⌫", "k", "⏎"}) type_key(c, layer, k);
    CHECK(wait_until([&] { return read_file(out) == "hi\nok\n"; }, 10));

    term->signal(SIGTERM);
    kb->expect("hidden", 10);
    CHECK(wait_until([&] { return !keyboard_layer(c); }, 5));
}
