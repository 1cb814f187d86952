// The app lifecycle's decisions: when a background app freezes, what comes
// back when it returns to the front, and which app a memory shortage
// discards (never the front one, never one replaying offline writes, one at
// a time).

#include <doctest/doctest.h>

#include "app_lifecycle.hpp"

using namespace cirrus;

namespace {

LifecycleConfig quick() {
    LifecycleConfig c;
    c.freeze_after_ms = 1000;
    c.freeze_grace_ms = 100;
    c.pressure_some_avg10 = 20;
    c.pressure_full_avg10 = 5;
    c.budget_bytes = 1000;
    c.discard_above_percent = 80;
    c.discard_cooldown_ms = 3000;
    c.discard_timeout_ms = 2000;
    return c;
}

const MemoryPressure kSpike{60.0, 10.0, 0};

}  // namespace

TEST_CASE("a background app is told, then frozen after the delay and the grace; the front app never") {
    AppLifecycle life(quick());
    life.opened("notes", true, 0);
    life.opened("weather", true, 500);  // notes goes behind at 500
    CHECK(life.state("notes") == Lifecycle::background);
    CHECK(life.state("weather") == Lifecycle::front);
    CHECK(life.next_deadline() == 1500);
    CHECK(life.tick(1499).tell_freeze.empty());
    const LifecycleActions told = life.tick(1500);
    CHECK(told.tell_freeze == std::vector<std::string>{"notes"});
    CHECK(told.stop.empty());
    CHECK(life.state("notes") == Lifecycle::background);
    CHECK(life.next_deadline() == 1600);
    const LifecycleActions stopped = life.tick(1600);
    CHECK(stopped.stop == std::vector<std::string>{"notes"});
    CHECK(life.state("notes") == Lifecycle::frozen);
    CHECK(life.state("weather") == Lifecycle::front);
    CHECK_FALSE(life.next_deadline().has_value());
    CHECK(life.tick(100000).stop.empty());  // frozen once
}

TEST_CASE("a frozen app brought forward is resumed; the one it replaces goes behind and its delay starts") {
    AppLifecycle life(quick());
    life.opened("notes", true, 0);
    life.set_front(std::nullopt, 10);  // home screen
    life.tick(1010);
    life.tick(1110);
    REQUIRE(life.state("notes") == Lifecycle::frozen);
    life.opened("weather", true, 2000);
    CHECK(life.set_front("notes", 3000) == std::vector<std::string>{"notes"});
    CHECK(life.state("notes") == Lifecycle::front);
    CHECK(life.state("weather") == Lifecycle::background);
    CHECK(life.entry("weather")->background_since_ms == 3000);
    // Brought forward again while in front: nothing to resume.
    CHECK(life.set_front("notes", 3100).empty());
}

TEST_CASE("an app told to freeze but brought forward within the grace is resumed, never stopped") {
    AppLifecycle life(quick());
    life.opened("notes", false, 0);
    CHECK(life.tick(1000).tell_freeze.size() == 1);
    CHECK(life.set_front("notes", 1050) == std::vector<std::string>{"notes"});
    CHECK(life.tick(1100).stop.empty());
    CHECK(life.state("notes") == Lifecycle::front);
}

TEST_CASE("freeze_after 0 never freezes") {
    LifecycleConfig c = quick();
    c.freeze_after_ms = 0;
    AppLifecycle life(c);
    life.opened("notes", false, 0);
    CHECK(life.tick(1000000).tell_freeze.empty());
    CHECK_FALSE(life.next_deadline().has_value());
}

TEST_CASE("freeze_now: a background app is told at the next tick and stopped after the grace, not the delay") {
    AppLifecycle life(quick());
    life.opened("notes", true, 0);
    life.set_front(std::nullopt, 100);  // home: its delay would end at 1100
    CHECK(life.freeze_now("notes") == AppLifecycle::FreezeNow::freezing);
    CHECK(life.next_deadline() == 0);  // at once
    const LifecycleActions told = life.tick(150);
    CHECK(told.tell_freeze == std::vector<std::string>{"notes"});
    CHECK(life.next_deadline() == 250);  // the grace, as after the delay
    CHECK(life.tick(249).stop.empty());
    CHECK(life.tick(250).stop == std::vector<std::string>{"notes"});
    CHECK(life.state("notes") == Lifecycle::frozen);
    CHECK(life.freeze_now("notes") == AppLifecycle::FreezeNow::already_frozen);
}

TEST_CASE("freeze_now leaves the front app, a launching one, a discarded one and a stranger alone") {
    LifecycleConfig c = quick();
    c.freeze_after_ms = 0;  // never by delay: only freeze_now could freeze
    AppLifecycle life(c);
    life.opened("notes", true, 0);
    CHECK(life.freeze_now("notes") == AppLifecycle::FreezeNow::in_front);
    life.opened("maps", false, 10, true);
    CHECK(life.freeze_now("maps") == AppLifecycle::FreezeNow::launching);
    CHECK(life.freeze_now("nobody") == AppLifecycle::FreezeNow::unknown);
    CHECK(life.tick(100000).tell_freeze.empty());
    CHECK_FALSE(life.next_deadline().has_value());
    // Even with freeze_after 0, an app asked to freeze is frozen.
    life.mapped("maps", 20);
    CHECK(life.freeze_now("maps") == AppLifecycle::FreezeNow::freezing);
    CHECK(life.tick(30).tell_freeze == std::vector<std::string>{"maps"});
    CHECK(life.tick(130).stop == std::vector<std::string>{"maps"});
    // Brought forward, then behind again: the old request is gone.
    life.set_front("maps", 200);
    life.set_front("notes", 210);
    CHECK(life.tick(100000).tell_freeze.empty());
    REQUIRE(life.begin_discard("maps", 300));
    CHECK(life.freeze_now("maps") == AppLifecycle::FreezeNow::discarded);
    life.host_exited("maps", 400);
    CHECK(life.freeze_now("maps") == AppLifecycle::FreezeNow::discarded);
}

TEST_CASE("pressure thresholds: PSI some, PSI full, the apps' memory against the budget") {
    AppLifecycle life(quick());
    CHECK_FALSE(life.under_pressure({0, 0, 0}));
    CHECK_FALSE(life.under_pressure({19.9, 4.9, 799}));
    CHECK(life.under_pressure({20, 0, 0}));
    CHECK(life.under_pressure({0, 5, 0}));
    // The budget: its line (80 %) is a reason only once it lasts; 95 % at once.
    CHECK(life.over_budget_line({0, 0, 800}));
    CHECK_FALSE(life.over_budget_line({0, 0, 799}));
    CHECK_FALSE(life.under_pressure({0, 0, 949}));
    CHECK(life.under_pressure({0, 0, 950}));
    LifecycleConfig none = quick();
    none.budget_bytes = 0;
    none.pressure_some_avg10 = 0;
    none.pressure_full_avg10 = 0;
    CHECK_FALSE(AppLifecycle(none).under_pressure({99, 99, 1ull << 40}));
    CHECK(AppLifecycle(none).under_pressure({0, 0, 0, true}));  // simulated: whatever the thresholds
}

TEST_CASE("pressure discards the least recently used app, never the front one") {
    AppLifecycle life(quick());
    life.opened("notes", true, 0);
    life.opened("weather", true, 100);     // notes behind since 100
    life.opened("calculator", true, 200);  // weather behind since 200
    life.set_front("notes", 300);          // calculator behind since 300; notes in front
    CHECK(life.on_pressure({0, 0, 0}, 400) == std::nullopt);
    CHECK(life.on_pressure(kSpike, 400) == "weather");
    CHECK(life.entry("weather")->discarding);
    // Still saving: the same spike takes nobody else.
    CHECK(life.on_pressure(kSpike, 500) == std::nullopt);
    life.host_exited("weather", 600);
    CHECK(life.state("weather") == Lifecycle::discarded);
    // Hysteresis: avg10 is still high, but the cooldown holds.
    CHECK(life.on_pressure(kSpike, 3599) == std::nullopt);
    CHECK(life.on_pressure(kSpike, 3600) == "calculator");
    life.host_exited("calculator", 3700);
    // Only the front app is left with a host: never discarded.
    CHECK(life.on_pressure(kSpike, 100000) == std::nullopt);
    CHECK(life.state("notes") == Lifecycle::front);
    CHECK_FALSE(life.begin_discard("notes", 100000));
}

TEST_CASE("an app replaying an offline write is passed over; a frozen one may be discarded") {
    AppLifecycle life(quick());
    life.opened("notes", false, 0);
    life.opened("weather", false, 10);
    life.opened("calculator", true, 20);
    life.tick(1010);
    life.tick(1110);
    REQUIRE(life.state("notes") == Lifecycle::frozen);
    life.set_replaying("notes", true);
    CHECK(life.discard_candidate() == "weather");
    life.set_replaying("notes", false);
    CHECK(life.discard_candidate() == "notes");
    CHECK(life.on_pressure(kSpike, 2000) == "notes");
}

TEST_CASE("a host that exits on its own is forgotten; a discarded app reopened is a new front app") {
    AppLifecycle life(quick());
    life.opened("notes", false, 0);
    life.host_exited("notes", 5);
    CHECK_FALSE(life.state("notes").has_value());
    life.opened("notes", false, 10);
    REQUIRE(life.begin_discard("notes", 20));
    CHECK_FALSE(life.begin_discard("notes", 20));  // once
    life.host_exited("notes", 30);
    CHECK(life.state("notes") == Lifecycle::discarded);
    CHECK_FALSE(life.begin_discard("notes", 40));  // already discarded
    CHECK(life.discard_candidate() == std::nullopt);
    CHECK(life.set_front("notes", 50).empty());  // no host: nothing to resume
    life.opened("notes", true, 60);
    CHECK(life.state("notes") == Lifecycle::front);
    CHECK_FALSE(life.entry("notes")->discarding);
    life.forget("notes");
    CHECK(life.entries().empty());
}

TEST_CASE("a host that does not exit after being told to is given up once per timeout") {
    AppLifecycle life(quick());
    life.opened("notes", false, 0);
    REQUIRE(life.begin_discard("notes", 100));
    CHECK(life.next_deadline() == 2100);
    CHECK(life.tick(2099).give_up_discard.empty());
    CHECK(life.tick(2100).give_up_discard == std::vector<std::string>{"notes"});
    CHECK(life.tick(2101).give_up_discard.empty());
}

TEST_CASE("lifecycle names as the control socket reports them") {
    CHECK(std::string(lifecycle_name(Lifecycle::front)) == "front");
    CHECK(std::string(lifecycle_name(Lifecycle::background)) == "background");
    CHECK(std::string(lifecycle_name(Lifecycle::frozen)) == "frozen");
    CHECK(std::string(lifecycle_name(Lifecycle::discarded)) == "discarded");
}

TEST_CASE("an app still launching is neither frozen nor discarded; its delay starts when its window maps") {
    AppLifecycle life(quick());
    life.opened("notes", false, 0, true);
    CHECK(life.tick(5000).tell_freeze.empty());
    CHECK_FALSE(life.next_deadline().has_value());
    CHECK(life.discard_candidate() == std::nullopt);
    CHECK(life.on_pressure(kSpike, 5000) == std::nullopt);
    life.mapped("notes", 6000);
    CHECK(life.next_deadline() == 7000);
    CHECK(life.discard_candidate() == "notes");
}

TEST_CASE("the apps' memory over the budget's line discards once it has lasted; a launch's short peak does not") {
    LifecycleConfig c = quick();
    c.pressure_some_avg10 = 0;
    c.pressure_full_avg10 = 0;
    c.budget_sustain_ms = 2500;
    AppLifecycle life(c);
    life.opened("notes", true, 0);
    life.opened("weather", true, 100);  // notes behind, weather launching then in front
    const MemoryPressure over{0, 0, 850};
    const MemoryPressure under{0, 0, 700};
    // A peak while weather loads: 2 s over the line, then back under.
    CHECK(life.on_pressure(over, 1000) == std::nullopt);
    CHECK(life.on_pressure(over, 3000) == std::nullopt);
    CHECK(life.on_pressure(under, 3400) == std::nullopt);
    // Over again: the time counts from here, not from the first peak.
    CHECK(life.on_pressure(over, 4000) == std::nullopt);
    CHECK(life.on_pressure(over, 6499) == std::nullopt);
    CHECK(life.on_pressure(over, 6500) == "notes");
    CHECK(life.state("weather") == Lifecycle::front);
}

TEST_CASE("the apps' memory close to the whole budget discards at once") {
    LifecycleConfig c = quick();
    c.pressure_some_avg10 = 0;
    c.pressure_full_avg10 = 0;
    AppLifecycle life(c);
    life.opened("notes", true, 0);
    life.opened("weather", true, 100);
    CHECK(life.on_pressure({0, 0, 960}, 1000) == "notes");
}
