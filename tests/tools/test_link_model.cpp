// Unit tests of the shaping model (link_model.hpp), on made-up times.
#include "link_model.hpp"

#include <doctest/doctest.h>

namespace {

using namespace cirrus::weak_link;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

const TimePoint kT0 = TimePoint() + seconds(1000);

LinkDirection configured(const Profile& profile, bool downstream, std::uint64_t seed = 1) {
    LinkDirection link(seed);
    link.configure(downstream ? profile.down_bits_per_second : profile.up_bits_per_second,
                   Duration(profile.added_round_trip) / 2, profile.loss, retransmission_delay(profile));
    return link;
}

// On-the-line time of `bytes` at `bits_per_second`.
Duration line_time(std::size_t bytes, double bits_per_second) {
    return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(bytes * 8.0 / bits_per_second));
}

}  // namespace

TEST_CASE("the profiles are docs/ARCHITECTURE.md's, none and blackhole among them") {
    const Profile* g3 = find_profile("3g");
    REQUIRE(g3);
    CHECK(g3->kind == LinkKind::shaped);
    CHECK(g3->down_bits_per_second == 1'600'000);
    CHECK(g3->up_bits_per_second == 750'000);
    CHECK(g3->added_round_trip == milliseconds(300));
    CHECK(g3->loss == 0.0);

    const Profile* good = find_profile("good");
    REQUIRE(good);
    CHECK(good->down_bits_per_second == 10'000'000);
    CHECK(good->up_bits_per_second == 5'000'000);
    CHECK(good->added_round_trip == milliseconds(40));

    const Profile* slow = find_profile("3g-slow");
    REQUIRE(slow);
    CHECK(slow->down_bits_per_second == 400'000);
    CHECK(slow->up_bits_per_second == 400'000);
    CHECK(slow->added_round_trip == milliseconds(2000));

    const Profile* g2 = find_profile("2g");
    REQUIRE(g2);
    CHECK(g2->down_bits_per_second == 50'000);
    CHECK(g2->up_bits_per_second == 20'000);
    CHECK(g2->added_round_trip == milliseconds(650));
    CHECK(g2->loss == doctest::Approx(0.01));

    REQUIRE(find_profile("offline"));
    CHECK(find_profile("offline")->kind == LinkKind::offline);
    REQUIRE(find_profile("blackhole"));
    CHECK(find_profile("blackhole")->kind == LinkKind::blackhole);
    REQUIRE(find_profile("none"));
    CHECK(find_profile("none")->kind == LinkKind::pass_through);
    CHECK(find_profile("4g") == nullptr);
    CHECK(profiles().size() == 7);

    // TCP's retransmission timeout: at least 200 ms, at least a round trip.
    CHECK(retransmission_delay(*g2) == milliseconds(650));
    CHECK(retransmission_delay(*g3) == milliseconds(300));
    CHECK(retransmission_delay(*find_profile("none")) == milliseconds(200));
}

TEST_CASE("a busy line sends segment after segment at its rate, each arriving one-way delay later") {
    LinkDirection link = configured(*find_profile("3g"), true);
    const Duration per_segment = line_time(kSegmentBytes, 1'600'000);  // 7.3 ms
    for (int k = 1; k <= 200; ++k) {
        const auto sent = link.transmit(kSegmentBytes, kT0);  // all ready at once
        CHECK_FALSE(sent.lost);
        const Duration expected = per_segment * k + milliseconds(150);
        // Each segment's time is rounded up by under a nanosecond.
        CHECK(sent.arrival - kT0 >= expected);
        CHECK(sent.arrival - kT0 <= expected + microseconds(1));
    }
    // 200 segments = 292 000 bytes at 200 000 bytes/s.
    CHECK(std::chrono::duration<double>(link.free_at() - kT0).count() == doctest::Approx(1.46).epsilon(1e-6));
}

TEST_CASE("an idle line saves no credit: a segment starts when its data is there") {
    LinkDirection link = configured(*find_profile("3g"), false);  // 750 kbit/s up
    link.transmit(kSegmentBytes, kT0);
    const TimePoint later = kT0 + seconds(10);
    const auto sent = link.transmit(100, later);
    CHECK(sent.arrival >= later + line_time(100, 750'000) + milliseconds(150));
    CHECK(sent.arrival <= later + line_time(100, 750'000) + milliseconds(150) + microseconds(1));
    CHECK(link.free_at() >= later);
}

TEST_CASE("an unlimited line hands bytes over at once") {
    LinkDirection link(1);
    link.configure(0, Duration{}, 0, milliseconds(200));
    CHECK(link.unlimited());
    const auto sent = link.transmit(1 << 20, kT0);
    CHECK(sent.arrival == kT0);
    CHECK_FALSE(sent.lost);
}

TEST_CASE("2g loses about 1% of segments, each arriving a retransmission timeout late") {
    const Profile& g2 = *find_profile("2g");
    LinkDirection link = configured(g2, true, 42);
    const Duration normal = line_time(100, 50'000) + milliseconds(325);
    int lost = 0;
    const int segments = 20'000;
    for (int k = 0; k < segments; ++k) {
        const TimePoint ready = kT0 + seconds(k);  // far apart: the line is idle each time
        const auto sent = link.transmit(100, ready);
        const Duration delay = sent.arrival - ready;
        if (sent.lost) {
            ++lost;
            CHECK(delay >= normal + milliseconds(650));
            CHECK(delay <= normal + milliseconds(650) + microseconds(1));
        } else {
            CHECK(delay >= normal);
            CHECK(delay <= normal + microseconds(1));
        }
    }
    // Binomial(20000, 0.01): mean 200, standard deviation 14.
    CHECK(lost > 140);
    CHECK(lost < 260);

    // The same seed loses the same segments: runs repeat.
    LinkDirection first = configured(g2, true, 7);
    LinkDirection second = configured(g2, true, 7);
    for (int k = 0; k < 1000; ++k)
        CHECK(first.transmit(100, kT0 + seconds(k)).lost == second.transmit(100, kT0 + seconds(k)).lost);
}

TEST_CASE("a dead zone postpones the line by its length") {
    LinkDirection link = configured(*find_profile("3g-slow"), true);
    link.transmit(50'000, kT0);  // one second on the line
    const TimePoint busy_until = link.free_at();
    link.postpone(seconds(3));
    CHECK(link.free_at() == busy_until + seconds(3));
    const auto sent = link.transmit(kSegmentBytes, kT0);
    CHECK(sent.arrival >= busy_until + seconds(3) + line_time(kSegmentBytes, 400'000) + seconds(1));
}

TEST_CASE("TCP hands segments over in order: one after a lost one waits for it") {
    InOrderArrivals order;
    CHECK(order.next(kT0 + milliseconds(800)) == kT0 + milliseconds(800));  // a retransmitted segment
    CHECK(order.next(kT0 + milliseconds(160)) == kT0 + milliseconds(800));  // the one after it
    CHECK(order.next(kT0 + milliseconds(900)) == kT0 + milliseconds(900));
    order.postpone(seconds(1));
    CHECK(order.last() == kT0 + milliseconds(1900));
}
