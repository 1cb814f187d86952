#include "replay_policy.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <random>

#include "strings.hpp"

namespace cirrus::offline {
namespace {

using std::chrono::milliseconds;

// An absolute URL's origin ("scheme://host[:port]", lowercased, default
// port dropped) and path ("/" when empty). Query and fragment are ignored.
struct OriginAndPath {
    std::string origin;
    std::string path;
};

std::optional<OriginAndPath> split_url(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return std::nullopt;
    auto scheme = lowercase(url.substr(0, scheme_end));
    bool scheme_ok = std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.';
    });
    if (!scheme_ok) return std::nullopt;
    auto rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, rest.find_first_of("?#"));
    auto path_start = rest.find('/');
    auto authority = rest.substr(0, path_start);
    authority = authority.substr(authority.rfind('@') + 1);  // no user info (npos + 1 == 0)
    auto host = lowercase(authority);
    if ((scheme == "http" && host.ends_with(":80")) || (scheme == "https" && host.ends_with(":443"))) {
        host.erase(host.rfind(':'));
    }
    std::string path = path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    return OriginAndPath{scheme + "://" + host, std::move(path)};
}

// "." and ".." segments, also percent-encoded: a normalised request URL has
// none, so one that does is not matched against a prefix it might escape.
bool has_dot_segment(std::string_view path) {
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = std::min(path.find('/', start), path.size());
        auto segment = lowercase(path.substr(start, end - start));
        if (segment == "." || segment == ".." || segment == "%2e" || segment == ".%2e" || segment == "%2e." ||
            segment == "%2e%2e") {
            return true;
        }
        start = end + 1;
    }
    return false;
}

bool matches_pattern(const OriginAndPath& request, std::string_view pattern) {
    auto parts = split_url(pattern);
    if (!parts || parts->origin != request.origin) return false;
    if (parts->path.ends_with('*')) {
        return request.path.starts_with(std::string_view(parts->path).substr(0, parts->path.size() - 1));
    }
    return request.path == parts->path;
}

}  // namespace

RandomSource system_random_source() {
    auto device = std::make_shared<std::random_device>();
    return [device]() {
        std::uint64_t high = (*device)();
        std::uint64_t low = (*device)();
        return (high << 32) ^ low;
    };
}

// ---------------------------------------------------------------------------
// Which writes are queued

bool is_queueable_method(std::string_view method) {
    static constexpr std::array<std::string_view, 5> kNeverQueued = {"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT"};
    return !method.empty() && std::find(kNeverQueued.begin(), kNeverQueued.end(), method) == kNeverQueued.end();
}

bool matches_write_endpoint(std::string_view url, const std::vector<std::string>& patterns) {
    auto request = split_url(url);
    if (!request || has_dot_segment(request->path)) return false;
    return std::any_of(patterns.begin(), patterns.end(),
                       [&](const std::string& pattern) { return matches_pattern(*request, pattern); });
}

bool should_queue(std::string_view method, std::string_view url, const std::vector<std::string>& write_endpoints,
                  const AttemptOutcome& first_attempt) {
    return first_attempt.failure && is_queueable_method(method) && matches_write_endpoint(url, write_endpoints);
}

// ---------------------------------------------------------------------------
// Verdicts and back-off

Verdict judge_attempt(const AttemptOutcome& outcome) {
    if (outcome.failure) return Verdict::retry_later;
    int status = outcome.status;
    if (status >= 100 && status < 400) return Verdict::delivered;
    if (status == 408 || status == 429 || status == 502 || status == 503 || status == 504) return Verdict::retry_later;
    return Verdict::failed;
}

milliseconds backoff_delay(std::uint32_t retry, RandomSource& random, const ReplayConfig& config) {
    auto nominal = config.base_delay;
    for (std::uint32_t doubling = 1; doubling < retry && nominal < config.max_delay; ++doubling) nominal *= 2;
    // No back-off is longer than a day; that also keeps the product below in 64 bits.
    nominal = std::clamp(nominal, milliseconds(2), std::min(config.max_delay, milliseconds(std::chrono::hours(24))));
    // The upper half of the delay times a random fraction in [0, 1), in
    // integers: in doubles the top of the range would round up to 1.
    const auto half = static_cast<std::uint64_t>(nominal.count() / 2);
    const std::uint64_t jitter = ((random() >> 32) * half) >> 32;
    return nominal - milliseconds(half) + milliseconds(jitter);
}

std::optional<milliseconds> parse_retry_after(std::string_view value, WallTime now) {
    value = trim(value, kHttpWhitespace);
    if (!value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        // Anything past a day is capped later anyway; stop before overflow.
        constexpr long long kLongest = 365LL * 24 * 3600;
        long long seconds = 0;
        for (char c : value) seconds = std::min(kLongest, seconds * 10 + (c - '0'));
        return std::chrono::seconds(seconds);
    }
    auto date = parse_http_date(value);
    if (!date) return std::nullopt;
    auto wait = std::chrono::time_point_cast<milliseconds>(*date) - now;
    return std::max(wait, milliseconds(0));
}

// ---------------------------------------------------------------------------
// Idempotency keys

std::string new_idempotency_key(RandomSource& random) {
    std::array<unsigned char, 16> bytes{};
    std::uint64_t halves[2] = {random(), random()};
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bytes[i] = static_cast<unsigned char>(halves[i / 8] >> (56 - 8 * (i % 8)));
    }
    bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0F) | 0x40);  // version 4: random
    bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3F) | 0x80);  // the RFC 4122 variant
    std::string key;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) key += '-';
        char hex[3];
        std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
        key += hex;
    }
    return key;
}

std::string idempotency_key_field_value(std::string_view key) {
    std::string value = "\"";
    for (char c : key) {
        if (c == '"' || c == '\\') value += '\\';
        value += c;
    }
    return value + "\"";
}

std::string idempotency_field_for(const HeaderList& request_headers, RandomSource& random) {
    if (auto own = request_headers.first(kIdempotencyKeyHeader); own && !trim(*own, kHttpWhitespace).empty()) {
        return std::string(trim(*own, kHttpWhitespace));
    }
    return idempotency_key_field_value(new_idempotency_key(random));
}

// ---------------------------------------------------------------------------
// The order of one app's queue

ReplayQueue::ReplayQueue(ReplayConfig config, RandomSource random) : config_(config), random_(std::move(random)) {}

void ReplayQueue::enqueue(QueuedWrite write) { writes_.push_back(write); }

ReplayStep ReplayQueue::next(bool link_online, WallTime now) const {
    if (writes_.empty()) return {ReplayAction::idle, 0, now};
    const auto& head = writes_.front();
    if (head_in_flight_) return {ReplayAction::in_flight, head.id, now};
    if (!link_online) return {ReplayAction::wait_for_link, head.id, now};
    if (head.next_attempt_at && *head.next_attempt_at > now) {
        auto longest = std::max(config_.max_delay, config_.max_retry_after);
        return {ReplayAction::wait_until, head.id, std::min(*head.next_attempt_at, now + longest)};
    }
    return {ReplayAction::send, head.id, now};
}

void ReplayQueue::started(std::uint64_t id) {
    if (!writes_.empty() && writes_.front().id == id) head_in_flight_ = true;
}

ReplayReport ReplayQueue::report(std::uint64_t id, const AttemptOutcome& outcome, WallTime now) {
    ReplayReport result;
    result.verdict = judge_attempt(outcome);
    if (writes_.empty() || writes_.front().id != id) return result;  // not the head: nothing to update
    head_in_flight_ = false;
    auto& head = writes_.front();

    if (outcome.failure == NetworkFailure::link_offline) {
        // Never sent: no attempt to count, and nothing to wait for but the link.
        head.waiting_for_link = true;
        head.next_attempt_at.reset();
        return result;
    }
    ++head.attempts;
    bool server_side = !outcome.failure || outcome.failure == NetworkFailure::tls_failure;
    if (result.verdict == Verdict::retry_later && server_side && ++head.server_retries > config_.max_server_retries) {
        result.verdict = Verdict::failed;
    }
    if (result.verdict != Verdict::retry_later) {
        writes_.pop_front();
        result.removed = true;
        return result;
    }

    head.waiting_for_link = !server_side;
    auto retry_after = outcome.retry_after ? parse_retry_after(*outcome.retry_after, now) : std::nullopt;
    auto delay = retry_after ? std::clamp(*retry_after, config_.min_retry_after, config_.max_retry_after)
                             : backoff_delay(head.attempts, random_, config_);
    head.next_attempt_at = now + delay;
    result.next_attempt_at = head.next_attempt_at;
    return result;
}

void ReplayQueue::link_returned() {
    if (writes_.empty() || !writes_.front().waiting_for_link) return;
    writes_.front().next_attempt_at.reset();
}

}  // namespace cirrus::offline
