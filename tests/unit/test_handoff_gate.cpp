// The rule for link hand-offs between apps: only the app in front, right
// after a user action on it, may bring another app to the front; anything
// else waits as a banner (compositor/policy/handoff_gate.hpp).

#include <doctest/doctest.h>

#include "handoff_gate.hpp"

using namespace cirrus;

TEST_CASE("the app in front may hand off within the input window after a user action") {
    HandoffGate gate;
    gate.user_action("mail", 10'000);
    CHECK(gate.decide("mail", "mail", 10'000 + kHandoffInputWindowMs) == HandoffVerdict::to_front);
}

TEST_CASE("a hand-off with no user action, or one too long ago, becomes a banner") {
    HandoffGate gate;
    CHECK(gate.decide("mail", "mail", 5'000) == HandoffVerdict::banner);
    gate.user_action("mail", 10'000);
    CHECK(gate.decide("mail", "mail", 10'000 + kHandoffInputWindowMs + 1) == HandoffVerdict::banner);
}

TEST_CASE("a background app's hand-off is a banner even right after the user touched it") {
    HandoffGate gate;
    gate.user_action("ads", 10'000);
    // The user went home, or to another app, within the window.
    CHECK(gate.decide("ads", "", 10'100) == HandoffVerdict::banner);
    CHECK(gate.decide("ads", "notes", 10'100) == HandoffVerdict::banner);
}

TEST_CASE("an action on one app gives another app nothing") {
    HandoffGate gate;
    gate.user_action("notes", 10'000);
    CHECK(gate.decide("ads", "ads", 10'100) == HandoffVerdict::banner);
    CHECK(gate.decide("notes", "notes", 10'100) == HandoffVerdict::to_front);
}

TEST_CASE("one user action allows one hand-off: a page cannot open links in a loop on one tap") {
    HandoffGate gate;
    gate.user_action("mail", 10'000);
    CHECK(gate.decide("mail", "mail", 10'050) == HandoffVerdict::to_front);
    CHECK(gate.decide("mail", "mail", 10'100) == HandoffVerdict::banner);
    gate.user_action("mail", 10'200);
    CHECK(gate.decide("mail", "mail", 10'300) == HandoffVerdict::to_front);
}

TEST_CASE("a forgotten app's last action no longer counts") {
    HandoffGate gate;
    gate.user_action("mail", 10'000);
    gate.forget("mail");
    CHECK(gate.decide("mail", "mail", 10'010) == HandoffVerdict::banner);
}

TEST_CASE("a time ahead of now and an empty app id give no credit") {
    HandoffGate gate;
    gate.user_action("mail", 20'000);
    CHECK(gate.decide("mail", "mail", 10'000) == HandoffVerdict::banner);
    gate.user_action("", 10'000);
    CHECK(gate.decide("", "", 10'000) == HandoffVerdict::banner);
}
