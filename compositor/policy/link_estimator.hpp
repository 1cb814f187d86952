// How good the phone's network link is, from real transfers and from the
// system's network state. The compositor owns one estimator for the whole
// phone (every app host reports its transfers to it) and publishes its class
// to the shell and to every app: offline, 2g, 3g or good. Plain C++ with no
// clock: every call carries the time, so tests are deterministic.
//
// Measurements, robust against the odd stall or burst:
//  - round-trip time: the time to first byte of successful transfers;
//  - throughput: body bytes / (total time - time to first byte) of
//    successful transfers of at least 16 KiB (smaller ones are mostly
//    latency and say little about bandwidth).
// Each is a weighted median over the last 20 samples of the last 5 minutes,
// a sample's weight halving every minute of its age: one outlier never moves
// a median, and the link of a minute ago counts half as much as now's.
//
// Classes against the weak-link profiles (docs/ARCHITECTURE.md, Weak-link
// profiles; 2g: 50 kbit/s, 650 ms; 3g-slow: 400 kbit/s, 2 s; 3g: 1.6 Mbit/s,
// 300 ms):
//  - 2g: throughput below 150 kbit/s. Bandwidth, not round trips, is what
//    makes 2G unusable (3g-slow's round trips are longer than 2g's, yet it
//    moves eight times the data); 150 sits between 2g's 50 and 3g-slow's 400
//    (near their geometric mean, 141), so each profile is far from it.
//  - good: at least 4 Mbit/s and a round trip under 150 ms, 2.5x the 3g
//    profile's bandwidth and half its round trip: LTE or Wi-Fi.
//  - 3g: everything between, including 3g-slow and 3g.
// Hysteresis: the current class is kept until the estimate passes a
// boundary by 25% (2g is entered below 120 kbit/s and left above 187.5;
// good is entered at 5 Mbit/s and 120 ms and left below 3.2 Mbit/s or above
// 187.5 ms), on top of the medians' smoothing, so a link hovering at a
// boundary does not flap. 25% is about the spread of a 3G link's samples.
// Dwell: a new online class is published only once the estimate has said it
// for 10 s on end. The medians favour recent samples, so a link whose
// transfers alternate between two speeds (parallel downloads sharing it)
// would otherwise follow the latest one back and forth; 10 s is short next
// to how long a phone stays in one cell.
//
// Offline:
//  - the system says there is no network (no route): offline at once;
//  - 3 network failures in a row (no answer at all: timeout, no route, DNS
//    not answering; an HTTP error or a refused connection is an answer and
//    counts as a success for the link): offline. One failure can be a
//    server's or one lost connection; three in a row, across requests, is a
//    link that carries nothing;
//  - any success while offline: online at once, classified afresh from the
//    estimate with no hysteresis (a success proves a route even when the
//    system's state says otherwise, until that state changes again).
// A change of route or access technology starts the samples afresh (a new
// link); until a throughput sample says otherwise the class is the access
// technology's (2G radio: 2g, 3G radio: 3g, LTE/5G/Wi-Fi/wired: good), or
// 3g when it is unknown, the target hardware's usual link.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>

namespace cirrus {

// Monotonic milliseconds since any fixed moment (the glue's steady clock).
using LinkTime = std::chrono::milliseconds;

enum class LinkClass { offline, two_g, three_g, good };

// As published: "offline", "2g", "3g", "good".
std::string_view to_string(LinkClass link_class);

// What the modem or the network manager says the link is, by generation
// (the glue maps ModemManager's GPRS/EDGE, UMTS/HSPA, LTE/5GNR to these).
enum class AccessTechnology { unknown, two_g, three_g, four_g_or_newer, wifi_or_wired };

struct SystemNetworkState {
    bool has_route = true;
    AccessTechnology technology = AccessTechnology::unknown;
    friend bool operator==(const SystemNetworkState&, const SystemNetworkState&) = default;
};

struct TransferSample {
    LinkTime finished_at{};
    // A network failure: no answer came back at all.
    bool network_failure = false;
    std::uint64_t bytes = 0;        // response body bytes
    LinkTime time_to_first_byte{};  // request sent to the first response byte
    LinkTime total_time{};          // request sent to the last byte
};

enum class OfflineReason { none, no_route, failures };

struct LinkEstimate {
    LinkClass link_class = LinkClass::three_g;
    OfflineReason offline_reason = OfflineReason::none;
    std::optional<LinkTime> rtt;
    std::optional<double> bits_per_second;
    // How much the numbers rest on: samples in the window.
    std::size_t rtt_samples = 0;
    std::size_t throughput_samples = 0;
    unsigned consecutive_failures = 0;
};

struct LinkEstimatorConfig {
    std::size_t window_samples = 20;
    LinkTime max_sample_age = std::chrono::minutes(5);
    LinkTime weight_half_life = std::chrono::minutes(1);
    std::uint64_t min_throughput_bytes = 16 * 1024;
    unsigned failures_for_offline = 3;
    double two_g_below_bits_per_second = 150'000;
    double good_from_bits_per_second = 4'000'000;
    LinkTime good_rtt_below = std::chrono::milliseconds(150);
    double hysteresis = 1.25;  // a boundary must be passed by this factor to leave the current class
    LinkTime min_dwell = std::chrono::seconds(10);  // between online classes; offline is at once
};

class LinkEstimator {
public:
    explicit LinkEstimator(LinkEstimatorConfig config = {});

    // Each returns true when the class changed: the compositor publishes it.
    bool add_transfer(const TransferSample& sample);
    bool set_system_state(const SystemNetworkState& state, LinkTime now);
    // Samples age out with time alone; the glue calls this now and then
    // (e.g. every 30 s) so that the class follows.
    bool tick(LinkTime now);

    LinkClass link_class() const { return class_; }
    LinkEstimate estimate(LinkTime now) const;

private:
    struct Sample {
        LinkTime at;
        double value;
    };

    void add(std::deque<Sample>& samples, Sample sample);
    void forget_old(LinkTime now);
    std::optional<double> median(const std::deque<Sample>& samples, LinkTime now) const;
    LinkClass classify(LinkTime now, bool afresh) const;
    bool update_class(LinkTime now, bool afresh);
    LinkClass prior_class() const;

    LinkEstimatorConfig config_;
    SystemNetworkState system_;
    bool route_proven_ = false;  // a success since the system last said "no route"
    std::deque<Sample> rtt_ms_;
    std::deque<Sample> bits_per_second_;
    unsigned consecutive_failures_ = 0;
    LinkClass class_ = LinkClass::three_g;
    // The online class the estimate has said since `pending_since_`, when it
    // is not the published one.
    std::optional<LinkClass> pending_;
    LinkTime pending_since_{};
};

}  // namespace cirrus
