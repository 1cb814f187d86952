// LinkEstimator: classes from real transfer streams shaped like the weak-link
// profiles (docs/ARCHITECTURE.md), each class boundary from both sides,
// hysteresis, failures and the system's state, and the ageing of samples.
#include <doctest/doctest.h>

#include <cmath>
#include <ostream>

#include "link_estimator.hpp"

namespace cirrus {
inline std::ostream& operator<<(std::ostream& out, LinkClass link_class) { return out << to_string(link_class); }
}  // namespace cirrus

using namespace cirrus;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

struct Link {
    double bits_per_second;
    int rtt_ms;
};

// The weak-link profiles (docs/ARCHITECTURE.md), and a good link (LTE, Wi-Fi).
constexpr Link k2g{50'000, 650};
constexpr Link k3gSlow{400'000, 2000};
constexpr Link k3g{1'600'000, 300};
constexpr Link kGood{20'000'000, 40};

// One successful transfer of `bytes` on `link`, finishing at `at`.
TransferSample transfer(LinkTime at, Link link, std::uint64_t bytes = 64 * 1024) {
    TransferSample sample;
    sample.finished_at = at;
    sample.bytes = bytes;
    sample.time_to_first_byte = milliseconds(link.rtt_ms);
    auto body = milliseconds(std::llround(static_cast<double>(bytes) * 8 / link.bits_per_second * 1000));
    sample.total_time = sample.time_to_first_byte + body;
    return sample;
}

TransferSample failure(LinkTime at) {
    TransferSample sample;
    sample.finished_at = at;
    sample.network_failure = true;
    return sample;
}

// Feeds `count` transfers 5 s apart from `start`; returns how many times the
// class changed and leaves `start` after the last one.
int feed(LinkEstimator& estimator, Link link, int count, LinkTime& start) {
    int changes = 0;
    for (int i = 0; i < count; ++i) {
        start += seconds(5);
        changes += estimator.add_transfer(transfer(start, link)) ? 1 : 0;
    }
    return changes;
}

// An estimator that has just come back from offline: it judges the next
// samples afresh, with no class to be sticky about.
LinkEstimator recovering(LinkTime& now) {
    LinkEstimator estimator;
    for (int i = 0; i < 3; ++i) estimator.add_transfer(failure(now += seconds(1)));
    REQUIRE(estimator.link_class() == LinkClass::offline);
    return estimator;
}

}  // namespace

TEST_CASE("link classes are published as offline, 2g, 3g and good") {
    CHECK(to_string(LinkClass::offline) == "offline");
    CHECK(to_string(LinkClass::two_g) == "2g");
    CHECK(to_string(LinkClass::three_g) == "3g");
    CHECK(to_string(LinkClass::good) == "good");
}

TEST_CASE("before any transfer: 3g, with nothing measured") {
    LinkEstimator estimator;
    auto estimate = estimator.estimate(LinkTime(0));
    CHECK(estimate.link_class == LinkClass::three_g);
    CHECK_FALSE(estimate.rtt);
    CHECK_FALSE(estimate.bits_per_second);
    CHECK(estimate.rtt_samples == 0);
    CHECK(estimate.throughput_samples == 0);
}

TEST_CASE("the weak-link profiles: 2g is 2g, 3g-slow and 3g are 3g, a fast link is good") {
    struct Expectation {
        const char* name;
        Link link;
        LinkClass expected;
    };
    for (const auto& [name, link, expected] :
         {Expectation{"2g", k2g, LinkClass::two_g}, Expectation{"3g-slow", k3gSlow, LinkClass::three_g},
          Expectation{"3g", k3g, LinkClass::three_g}, Expectation{"good", kGood, LinkClass::good}}) {
        CAPTURE(name);
        LinkEstimator estimator;
        LinkTime now{0};
        feed(estimator, link, 6, now);
        auto estimate = estimator.estimate(now);
        CHECK(estimate.link_class == expected);
        REQUIRE(estimate.rtt);
        CHECK(*estimate.rtt == milliseconds(link.rtt_ms));
        REQUIRE(estimate.bits_per_second);
        CHECK(*estimate.bits_per_second == doctest::Approx(link.bits_per_second).epsilon(0.02));
        CHECK(estimate.rtt_samples == 6);
        CHECK(estimate.throughput_samples == 6);
    }
}

TEST_CASE("the 2g boundary, judged afresh: below 150 kbit/s is 2g") {
    LinkTime now{0};
    auto below = recovering(now);
    below.add_transfer(transfer(now += seconds(1), Link{145'000, 300}));
    CHECK(below.link_class() == LinkClass::two_g);
    auto above = recovering(now);
    above.add_transfer(transfer(now += seconds(1), Link{155'000, 300}));
    CHECK(above.link_class() == LinkClass::three_g);
}

TEST_CASE("the good boundary, judged afresh: 4 Mbit/s and under 150 ms") {
    LinkTime now{0};
    auto fast = recovering(now);
    fast.add_transfer(transfer(now += seconds(1), Link{4'100'000, 140}));
    CHECK(fast.link_class() == LinkClass::good);
    auto narrow = recovering(now);
    narrow.add_transfer(transfer(now += seconds(1), Link{3'900'000, 140}));
    CHECK(narrow.link_class() == LinkClass::three_g);
    auto far = recovering(now);
    far.add_transfer(transfer(now += seconds(1), Link{10'000'000, 160}));
    CHECK(far.link_class() == LinkClass::three_g);
}

TEST_CASE("hysteresis at the 2g boundary: 2g is entered below 120 kbit/s and left above 187.5") {
    LinkTime now{0};
    LinkEstimator estimator;  // 3g
    CHECK(feed(estimator, Link{125'000, 700}, 25, now) == 0);
    CHECK(estimator.link_class() == LinkClass::three_g);
    CHECK(feed(estimator, Link{115'000, 700}, 25, now) == 1);
    CHECK(estimator.link_class() == LinkClass::two_g);
    CHECK(feed(estimator, Link{180'000, 700}, 25, now) == 0);
    CHECK(estimator.link_class() == LinkClass::two_g);
    CHECK(feed(estimator, Link{195'000, 700}, 25, now) == 1);
    CHECK(estimator.link_class() == LinkClass::three_g);
}

TEST_CASE("hysteresis at the good boundary: entered at 5 Mbit/s and 120 ms, left below 3.2 Mbit/s or above 187.5 ms") {
    LinkTime now{0};
    LinkEstimator estimator;  // 3g
    CHECK(feed(estimator, Link{4'500'000, 100}, 25, now) == 0);
    CHECK(feed(estimator, Link{5'500'000, 130}, 25, now) == 0);  // fast enough, but the round trip is not
    CHECK(estimator.link_class() == LinkClass::three_g);
    CHECK(feed(estimator, Link{5'500'000, 100}, 25, now) == 1);
    CHECK(estimator.link_class() == LinkClass::good);
    CHECK(feed(estimator, Link{3'500'000, 180}, 25, now) == 0);
    CHECK(estimator.link_class() == LinkClass::good);
    CHECK(feed(estimator, Link{3'000'000, 100}, 25, now) == 1);
    CHECK(estimator.link_class() == LinkClass::three_g);

    LinkEstimator slow_round_trips;
    feed(slow_round_trips, kGood, 25, now);
    REQUIRE(slow_round_trips.link_class() == LinkClass::good);
    CHECK(feed(slow_round_trips, Link{20'000'000, 200}, 25, now) == 1);
    CHECK(slow_round_trips.link_class() == LinkClass::three_g);
}

TEST_CASE("a link hovering at a boundary does not flap") {
    LinkTime now{0};
    LinkEstimator estimator;
    feed(estimator, k2g, 10, now);
    REQUIRE(estimator.link_class() == LinkClass::two_g);
    // Samples on both sides of 150 kbit/s, by up to 20%, for ten minutes.
    int changes = 0;
    for (int i = 0; i < 120; ++i) {
        Link link{i % 2 == 0 ? 125'000.0 : 175'000.0, 700};
        if (i % 7 == 0) link.bits_per_second = 180'000;
        changes += estimator.add_transfer(transfer(now += seconds(5), link)) ? 1 : 0;
    }
    CHECK(changes == 0);
    CHECK(estimator.link_class() == LinkClass::two_g);
}

TEST_CASE("a link whose transfers alternate between two speeds does not flap") {
    // Parallel downloads sharing a link: every other transfer sees half the
    // bandwidth. Each side is outside the hysteresis band, and the latest
    // sample weighs most, so only the dwell keeps the class still.
    LinkTime now{0};
    LinkEstimator estimator;
    int changes = 0;
    for (int i = 0; i < 120; ++i) {
        Link link{i % 2 == 0 ? 100'000.0 : 250'000.0, 800};
        changes += estimator.add_transfer(transfer(now += seconds(5), link)) ? 1 : 0;
    }
    CHECK(changes == 0);
    CHECK(estimator.link_class() == LinkClass::three_g);
}

TEST_CASE("a new online class is published once it has held for 10 s") {
    LinkTime now{0};
    LinkEstimator estimator;  // 3g
    CHECK_FALSE(estimator.add_transfer(transfer(now, k2g)));
    CHECK_FALSE(estimator.add_transfer(transfer(now + seconds(9), k2g)));
    CHECK(estimator.link_class() == LinkClass::three_g);
    // Time alone completes it.
    CHECK(estimator.tick(now + seconds(10)));
    CHECK(estimator.link_class() == LinkClass::two_g);
}

TEST_CASE("a noisy 3g-slow link with stalls stays 3g") {
    LinkTime now{0};
    LinkEstimator estimator;
    int changes = 0;
    for (int i = 0; i < 200; ++i) {
        // 250-600 kbit/s round a 400 kbit/s link, and every fifth transfer stalls.
        double bits_per_second = 250'000 + 350'000 * std::fmod(i * 0.618, 1.0);
        if (i % 5 == 4) bits_per_second = 20'000;
        changes += estimator.add_transfer(transfer(now += seconds(3), Link{bits_per_second, 2000})) ? 1 : 0;
    }
    CHECK(changes == 0);
    CHECK(estimator.link_class() == LinkClass::three_g);
}

TEST_CASE("three network failures in a row: offline; a success: back online at once") {
    LinkTime now{0};
    LinkEstimator estimator;
    feed(estimator, k2g, 5, now);
    REQUIRE(estimator.link_class() == LinkClass::two_g);
    CHECK_FALSE(estimator.add_transfer(failure(now += seconds(10))));
    CHECK_FALSE(estimator.add_transfer(failure(now += seconds(10))));
    CHECK(estimator.link_class() == LinkClass::two_g);
    CHECK(estimator.add_transfer(failure(now += seconds(10))));
    CHECK(estimator.link_class() == LinkClass::offline);
    auto estimate = estimator.estimate(now);
    CHECK(estimate.offline_reason == OfflineReason::failures);
    CHECK(estimate.consecutive_failures == 3);
    CHECK_FALSE(estimator.add_transfer(failure(now += seconds(10))));  // still offline, no news

    // A success: online at once, from what the transfers say.
    CHECK(estimator.add_transfer(transfer(now += seconds(10), k2g)));
    CHECK(estimator.link_class() == LinkClass::two_g);
    CHECK(estimator.estimate(now).consecutive_failures == 0);
    CHECK(estimator.estimate(now).offline_reason == OfflineReason::none);
}

TEST_CASE("failures interrupted by a success do not add up") {
    LinkTime now{0};
    LinkEstimator estimator;
    for (int round = 0; round < 5; ++round) {
        estimator.add_transfer(failure(now += seconds(1)));
        estimator.add_transfer(failure(now += seconds(1)));
        estimator.add_transfer(transfer(now += seconds(1), k3g));
    }
    CHECK(estimator.link_class() == LinkClass::three_g);
}

TEST_CASE("the system saying there is no network: offline at once, and a new link when it returns") {
    LinkTime now{0};
    LinkEstimator estimator;
    feed(estimator, kGood, 5, now);
    REQUIRE(estimator.link_class() == LinkClass::good);
    CHECK(estimator.set_system_state({false, AccessTechnology::unknown}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::offline);
    auto estimate = estimator.estimate(now);
    CHECK(estimate.offline_reason == OfflineReason::no_route);
    CHECK(estimate.throughput_samples == 0);  // the old link's samples are gone
    // The same state again changes nothing.
    CHECK_FALSE(estimator.set_system_state({false, AccessTechnology::unknown}, now += seconds(1)));

    // Back on a 2G radio: 2g until transfers say otherwise.
    CHECK(estimator.set_system_state({true, AccessTechnology::two_g}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::two_g);
    CHECK_FALSE(estimator.estimate(now).bits_per_second);
    feed(estimator, k3g, 3, now);
    CHECK(estimator.link_class() == LinkClass::three_g);

    // A new radio is a new link: its technology's class, the samples forgotten.
    CHECK(estimator.set_system_state({true, AccessTechnology::four_g_or_newer}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::good);
    CHECK(estimator.set_system_state({true, AccessTechnology::three_g}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::three_g);
    CHECK_FALSE(estimator.set_system_state({true, AccessTechnology::unknown}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::three_g);
}

TEST_CASE("a success while the system says no network proves a route until the system changes its mind") {
    LinkTime now{0};
    LinkEstimator estimator;
    estimator.set_system_state({false, AccessTechnology::unknown}, now);
    REQUIRE(estimator.link_class() == LinkClass::offline);
    CHECK(estimator.add_transfer(transfer(now += seconds(1), k3g)));
    CHECK(estimator.link_class() == LinkClass::three_g);
    CHECK_FALSE(estimator.set_system_state({false, AccessTechnology::unknown}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::three_g);
    // The system reports something new, then no network again: offline.
    estimator.set_system_state({true, AccessTechnology::three_g}, now += seconds(1));
    CHECK(estimator.set_system_state({false, AccessTechnology::three_g}, now += seconds(1)));
    CHECK(estimator.link_class() == LinkClass::offline);
}

TEST_CASE("small transfers measure the round trip but not the throughput") {
    LinkTime now{0};
    LinkEstimator estimator;
    for (int i = 0; i < 5; ++i) estimator.add_transfer(transfer(now += seconds(1), k2g, 2000));
    auto estimate = estimator.estimate(now);
    CHECK(estimate.rtt_samples == 5);
    CHECK(estimate.throughput_samples == 0);
    CHECK(estimate.link_class == LinkClass::three_g);  // 2 KB in 0.3 s says nothing about 2g
}

TEST_CASE("samples: the last 20, none older than 5 minutes, recent ones weighing more") {
    LinkTime now{0};
    LinkEstimator estimator;
    feed(estimator, k3g, 25, now);
    CHECK(estimator.estimate(now).throughput_samples == 20);

    // Ten 2g transfers, then four minutes later five 1 Mbit/s ones: by count
    // the median would still be 2g, but the old ones weigh 1/16 each.
    LinkEstimator decaying;
    LinkTime t{0};
    feed(decaying, k2g, 10, t);
    REQUIRE(decaying.link_class() == LinkClass::two_g);
    t += minutes(4);
    feed(decaying, Link{1'000'000, 400}, 5, t);
    CHECK(decaying.link_class() == LinkClass::three_g);
    CHECK(*decaying.estimate(t).bits_per_second == doctest::Approx(1'000'000).epsilon(0.02));

    // Six quiet minutes later nothing is left to measure; the class stays
    // what it was, for lack of evidence.
    t += minutes(6);
    CHECK_FALSE(decaying.tick(t));
    auto estimate = decaying.estimate(t);
    CHECK(estimate.throughput_samples == 0);
    CHECK(estimate.rtt_samples == 0);
    CHECK_FALSE(estimate.bits_per_second);
    CHECK(estimate.link_class == LinkClass::three_g);
}
