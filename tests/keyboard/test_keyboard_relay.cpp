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

void tap(Compositor& c, std::pair<int, int> p) {
    CHECK(c.request({{"cmd", "tap"}, {"x", p.first}, {"y", p.second}})["ok"] == true);
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

    for (const char* k : {"h", "i"}) tap(c, key_point(layer, k, 480, 800));
    tap(c, key_point(layer, "⏎", 480, 800));
    CHECK(wait_until([&] { return read_file(out) == "hi\n"; }, 10));
    CHECK(read_file(out) == "hi\n");

    // Backspace (no surrounding text from a terminal: the BackSpace key).
    for (const char* k : {"o", "x"}) tap(c, key_point(layer, k, 480, 800));
    tap(c, key_point(layer, "⌫", 480, 800));
    for (const char* k : {"k", "⏎"}) tap(c, key_point(layer, k, 480, 800));
    CHECK(wait_until([&] { return read_file(out) == "hi\nok\n"; }, 10));

    term->signal(SIGTERM);
    kb->expect("hidden", 10);
    CHECK(wait_until([&] { return !keyboard_layer(c); }, 5));
}
