#include "link_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace cirrus {

std::string_view to_string(LinkClass link_class) {
    switch (link_class) {
    case LinkClass::offline:
        return "offline";
    case LinkClass::two_g:
        return "2g";
    case LinkClass::three_g:
        return "3g";
    case LinkClass::good:
        return "good";
    }
    return "?";
}

LinkEstimator::LinkEstimator(LinkEstimatorConfig config) : config_(config), class_(prior_class()) {}

bool LinkEstimator::add_transfer(const TransferSample& sample) {
    const LinkTime now = sample.finished_at;
    forget_old(now);
    if (sample.network_failure) {
        ++consecutive_failures_;
        return update_class(now, false);
    }
    const bool was_offline = class_ == LinkClass::offline;
    consecutive_failures_ = 0;
    if (!system_.has_route) route_proven_ = true;
    add(rtt_ms_, {now, static_cast<double>(sample.time_to_first_byte.count())});
    if (sample.bytes >= config_.min_throughput_bytes && sample.total_time >= sample.time_to_first_byte) {
        // At least 1 ms: a transfer faster than the clock's tick is simply fast.
        const auto body_time = std::max(sample.total_time - sample.time_to_first_byte, LinkTime(1));
        const double seconds = std::chrono::duration<double>(body_time).count();
        add(bits_per_second_, {now, static_cast<double>(sample.bytes) * 8 / seconds});
    }
    // Back from offline: the old class says nothing about the link now.
    return update_class(now, was_offline);
}

bool LinkEstimator::set_system_state(const SystemNetworkState& state, LinkTime now) {
    if (state == system_) return tick(now);
    system_ = state;
    route_proven_ = false;
    // Another route or radio is another link: its samples start afresh.
    rtt_ms_.clear();
    bits_per_second_.clear();
    consecutive_failures_ = 0;
    return update_class(now, true);
}

bool LinkEstimator::tick(LinkTime now) {
    forget_old(now);
    return update_class(now, false);
}

LinkEstimate LinkEstimator::estimate(LinkTime now) const {
    LinkEstimate result;
    result.link_class = class_;
    if (class_ == LinkClass::offline) {
        result.offline_reason =
            !system_.has_route && !route_proven_ ? OfflineReason::no_route : OfflineReason::failures;
    }
    if (auto rtt = median(rtt_ms_, now)) result.rtt = LinkTime(std::llround(*rtt));
    result.bits_per_second = median(bits_per_second_, now);
    auto recent = [&](const std::deque<Sample>& samples) {
        return static_cast<std::size_t>(std::count_if(samples.begin(), samples.end(), [&](const Sample& sample) {
            return now - sample.at <= config_.max_sample_age;
        }));
    };
    result.rtt_samples = recent(rtt_ms_);
    result.throughput_samples = recent(bits_per_second_);
    result.consecutive_failures = consecutive_failures_;
    return result;
}

void LinkEstimator::add(std::deque<Sample>& samples, Sample sample) {
    samples.push_back(sample);
    while (samples.size() > config_.window_samples) samples.pop_front();
}

void LinkEstimator::forget_old(LinkTime now) {
    for (auto* samples : {&rtt_ms_, &bits_per_second_}) {
        while (!samples->empty() && now - samples->front().at > config_.max_sample_age) samples->pop_front();
    }
}

// The weighted median: the value at which half the samples' total weight
// lies on either side, each weighing 0.5^(age / half-life).
std::optional<double> LinkEstimator::median(const std::deque<Sample>& samples, LinkTime now) const {
    std::vector<std::pair<double, double>> weighted;  // value, weight
    double total = 0;
    for (const auto& sample : samples) {
        const auto age = std::max(now - sample.at, LinkTime(0));
        if (age > config_.max_sample_age) continue;
        const double weight =
            std::exp2(-static_cast<double>(age.count()) / static_cast<double>(config_.weight_half_life.count()));
        weighted.emplace_back(sample.value, weight);
        total += weight;
    }
    if (weighted.empty()) return std::nullopt;
    std::sort(weighted.begin(), weighted.end());
    double cumulative = 0;
    for (const auto& [value, weight] : weighted) {
        cumulative += weight;
        if (cumulative >= total / 2) return value;
    }
    return weighted.back().first;
}

LinkClass LinkEstimator::prior_class() const {
    switch (system_.technology) {
    case AccessTechnology::two_g:
        return LinkClass::two_g;
    case AccessTechnology::three_g:
        return LinkClass::three_g;
    case AccessTechnology::four_g_or_newer:
    case AccessTechnology::wifi_or_wired:
        return LinkClass::good;
    case AccessTechnology::unknown:
        return LinkClass::three_g;
    }
    return LinkClass::three_g;
}

// `afresh`: judge from the estimate alone, with no hysteresis around the
// current class (after offline, or on a new link).
LinkClass LinkEstimator::classify(LinkTime now, bool afresh) const {
    if (!system_.has_route && !route_proven_) return LinkClass::offline;
    if (consecutive_failures_ >= config_.failures_for_offline) return LinkClass::offline;

    const bool sticky = !afresh && class_ != LinkClass::offline;
    const auto throughput = median(bits_per_second_, now);
    if (!throughput) return sticky ? class_ : prior_class();
    const auto rtt = median(rtt_ms_, now);

    // Each boundary moves away from the current class by the hysteresis
    // factor: leaving a class takes a clearer signal than staying in it.
    const double margin = config_.hysteresis;
    double two_g_below = config_.two_g_below_bits_per_second;
    double good_from = config_.good_from_bits_per_second;
    double good_rtt_below = static_cast<double>(config_.good_rtt_below.count());
    if (sticky) {
        two_g_below *= class_ == LinkClass::two_g ? margin : 1 / margin;
        good_from *= class_ == LinkClass::good ? 1 / margin : margin;
        good_rtt_below *= class_ == LinkClass::good ? margin : 1 / margin;
    }
    if (*throughput < two_g_below) return LinkClass::two_g;
    if (rtt && *throughput >= good_from && *rtt < good_rtt_below) return LinkClass::good;
    return LinkClass::three_g;
}

// Offline, back from offline and a new link change the class at once;
// between online classes the new one must hold for min_dwell first.
bool LinkEstimator::update_class(LinkTime now, bool afresh) {
    const LinkClass next = classify(now, afresh);
    const bool at_once = afresh || next == LinkClass::offline || class_ == LinkClass::offline;
    if (next == class_ || at_once) {
        pending_.reset();
        const bool changed = next != class_;
        class_ = next;
        return changed;
    }
    if (pending_ != next) {
        pending_ = next;
        pending_since_ = now;
    }
    if (now - pending_since_ < config_.min_dwell) return false;
    pending_.reset();
    class_ = next;
    return true;
}

}  // namespace cirrus
