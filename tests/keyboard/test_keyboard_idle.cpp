// cirrus-keyboard with the real compositor, before any text field: it
// starts as a trusted client, binds, has no surface, and costs no CPU.
// (What needs the compositor's text-input relay is in test_keyboard_relay.cpp.)
#include "keyboard_process.hpp"

#include <csignal>
#include <filesystem>
#include <sys/wait.h>

using namespace keyboard_it;

TEST_CASE("the keyboard starts as a trusted client, stays unmapped and idle") {
    Compositor c;
    auto kb = start_keyboard(c);
    const json ready = kb->expect("ready", 10);
    CHECK(ready.at("input_method").is_boolean());
    CHECK(ready.at("virtual_keyboard") == true);  // offered to trusted clients today
    // Pinyin wherever Debian's Luna Pinyin data is installed (Rime itself
    // is opened at the first pinyin key: the idle budget below holds).
    CHECK(ready.at("pinyin") == std::filesystem::exists("/usr/share/rime-data/build/luna_pinyin_simp.schema.yaml"));

    sleep_ms(300);
    REQUIRE(kb->alive());
    CHECK_FALSE(keyboard_layer(c));  // hidden: no surface at all
    const long frames_before = c.stats().at("frames").get<long>();
    const long ticks_before = cpu_ticks(kb->pid());
    sleep_ms(3000);
    const long ticks_after = cpu_ticks(kb->pid());
    CHECK(kb->alive());
    // 0 CPU: not one clock tick (10 ms) in three seconds.
    CHECK(ticks_after - ticks_before == 0);
    CHECK(c.stats().at("frames").get<long>() == frames_before);
    CHECK_FALSE(keyboard_layer(c));
    const long pss = pss_kib(kb->pid());
    MESSAGE("cirrus-keyboard idle PSS: " << pss << " KiB");
    CHECK(pss > 0);
    CHECK(pss <= 8 * 1024);  // the budget

    // SIGTERM: a clean exit.
    kb->signal(SIGTERM);
    const auto status = kb->wait_exit(5);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 0);
}

TEST_CASE("an untrusted keyboard stops and says it must be trusted") {
    Compositor c;
    auto kb = start_keyboard(c, false);
    const auto status = kb->wait_exit(10);
    REQUIRE(status);
    CHECK(WIFEXITED(*status));
    CHECK(WEXITSTATUS(*status) == 1);
    CHECK(kb->log_tail().find("trusted") != std::string::npos);
}
