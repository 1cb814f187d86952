// The write queue's rules: what is queued, what an attempt's outcome means,
// back-off, idempotency keys, and the strict order of one app's replay.
#include <doctest/doctest.h>

#include <memory>
#include <ostream>
#include <set>
#include <vector>

#include "common/replay_policy.hpp"

namespace cirrus::offline {
inline std::ostream& operator<<(std::ostream& out, Verdict verdict) {
    switch (verdict) {
    case Verdict::delivered:
        return out << "delivered";
    case Verdict::retry_later:
        return out << "retry_later";
    case Verdict::failed:
        return out << "failed";
    }
    return out << "?";
}
inline std::ostream& operator<<(std::ostream& out, ReplayAction action) {
    switch (action) {
    case ReplayAction::idle:
        return out << "idle";
    case ReplayAction::wait_for_link:
        return out << "wait_for_link";
    case ReplayAction::in_flight:
        return out << "in_flight";
    case ReplayAction::wait_until:
        return out << "wait_until";
    case ReplayAction::send:
        return out << "send";
    }
    return out << "?";
}
}  // namespace cirrus::offline

using namespace cirrus::offline;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

// Returns the given values in turn, the last one forever after.
RandomSource fixed_random(std::vector<std::uint64_t> values) {
    auto state = std::make_shared<std::pair<std::vector<std::uint64_t>, std::size_t>>(std::move(values), 0);
    return [state]() {
        auto& [sequence, next] = *state;
        auto value = sequence[std::min(next, sequence.size() - 1)];
        ++next;
        return value;
    };
}

constexpr std::uint64_t kLowest = 0;                   // jitter factor 0.5
constexpr std::uint64_t kHighest = ~std::uint64_t{0};  // jitter factor just under 1

const WallTime kStart = WallTime(std::chrono::hours(24 * 365 * 54));

const std::vector<std::string> kEndpoints = {"https://app.example/api/notes", "https://app.example/api/forms/*"};

}  // namespace

TEST_CASE("queueable methods: anything that may change data") {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "PROPPATCH"}) {
        CAPTURE(method);
        CHECK(is_queueable_method(method));
    }
    for (const char* method : {"GET", "HEAD", "OPTIONS", "TRACE", "CONNECT", ""}) {
        CAPTURE(method);
        CHECK_FALSE(is_queueable_method(method));
    }
}

TEST_CASE("write endpoints: an exact path, or a prefix with a trailing *") {
    CHECK(matches_write_endpoint("https://app.example/api/notes", kEndpoints));
    CHECK(matches_write_endpoint("https://app.example/api/notes?draft=1#x", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/notes/7", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/notes2", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/note", kEndpoints));
    CHECK(matches_write_endpoint("https://app.example/api/forms/", kEndpoints));
    CHECK(matches_write_endpoint("https://app.example/api/forms/contact/submit", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/forms", kEndpoints));
    // A * without a slash before it is a plain string prefix.
    CHECK(matches_write_endpoint("https://app.example/api/forms-old", {"https://app.example/api/forms*"}));
    CHECK(matches_write_endpoint("https://app.example/anything", {"https://app.example/*"}));
}

TEST_CASE("write endpoints: the origin must be the same one") {
    CHECK_FALSE(matches_write_endpoint("https://evil.example/api/notes", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("http://app.example/api/notes", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example:8443/api/notes", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example.evil.example/api/notes", kEndpoints));
    // The same origin spelled differently still is.
    CHECK(matches_write_endpoint("HTTPS://App.Example:443/api/notes", kEndpoints));
    CHECK(matches_write_endpoint("https://user@app.example/api/notes", kEndpoints));
    CHECK(matches_write_endpoint("http://localhost:80/x", {"http://localhost/x"}));
    CHECK(matches_write_endpoint("app://notes/api/save", {"app://notes/api/*"}));
    // Paths are case-sensitive.
    CHECK_FALSE(matches_write_endpoint("https://app.example/API/notes", kEndpoints));
}

TEST_CASE("write endpoints: a path that could climb out of a prefix matches nothing") {
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/forms/../admin", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/forms/%2e%2E/admin", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/forms/./x", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("not a url", kEndpoints));
    CHECK_FALSE(matches_write_endpoint("https://app.example/api/notes", {}));
}

TEST_CASE("should_queue: a declared write that failed for a network reason, or was made offline") {
    CHECK(should_queue("POST", "https://app.example/api/notes", kEndpoints,
                       AttemptOutcome::network(NetworkFailure::link_offline)));
    CHECK(should_queue("PUT", "https://app.example/api/forms/1", kEndpoints,
                       AttemptOutcome::network(NetworkFailure::timeout)));
    CHECK(should_queue("DELETE", "https://app.example/api/notes", kEndpoints,
                       AttemptOutcome::network(NetworkFailure::dns_failure)));
    // Not a write, not declared, or the server answered: the page gets the answer.
    CHECK_FALSE(should_queue("GET", "https://app.example/api/notes", kEndpoints,
                             AttemptOutcome::network(NetworkFailure::link_offline)));
    CHECK_FALSE(should_queue("POST", "https://app.example/api/other", kEndpoints,
                             AttemptOutcome::network(NetworkFailure::link_offline)));
    CHECK_FALSE(should_queue("POST", "https://app.example/api/notes", kEndpoints, AttemptOutcome::http(503)));
    CHECK_FALSE(should_queue("POST", "https://app.example/api/notes", kEndpoints, AttemptOutcome::http(201)));
}

TEST_CASE("verdicts: network failures and the retry-later statuses retry; other errors are final") {
    for (auto failure : {NetworkFailure::link_offline, NetworkFailure::no_route, NetworkFailure::dns_failure,
                         NetworkFailure::connection_refused, NetworkFailure::connection_reset, NetworkFailure::timeout,
                         NetworkFailure::tls_failure, NetworkFailure::other}) {
        CHECK(judge_attempt(AttemptOutcome::network(failure)) == Verdict::retry_later);
    }
    for (int status : {200, 201, 202, 204, 301, 303, 304}) {
        CAPTURE(status);
        CHECK(judge_attempt(AttemptOutcome::http(status)) == Verdict::delivered);
    }
    for (int status : {408, 429, 502, 503, 504}) {
        CAPTURE(status);
        CHECK(judge_attempt(AttemptOutcome::http(status)) == Verdict::retry_later);
    }
    for (int status : {400, 401, 403, 404, 409, 410, 413, 422, 500, 501, 505, 0}) {
        CAPTURE(status);
        CHECK(judge_attempt(AttemptOutcome::http(status)) == Verdict::failed);
    }
}

TEST_CASE("back-off: 2 s doubling to 5 min, times a jitter factor in [0.5, 1)") {
    auto low = fixed_random({kLowest});
    auto high = fixed_random({kHighest});
    CHECK(backoff_delay(1, low) == seconds(1));
    CHECK(backoff_delay(2, low) == seconds(2));
    CHECK(backoff_delay(3, low) == seconds(4));
    CHECK(backoff_delay(1, high) == milliseconds(1999));
    CHECK(backoff_delay(8, high) == milliseconds(255999));
    CHECK(backoff_delay(9, high) == milliseconds(299999));  // 512 s capped at 5 min
    CHECK(backoff_delay(9, low) == milliseconds(150000));
    CHECK(backoff_delay(1000, high) == milliseconds(299999));  // no overflow however many retries
    // The middle of the range for a middling random value.
    auto middle = fixed_random({std::uint64_t{1} << 63});
    CHECK(backoff_delay(2, middle) == milliseconds(3000));
}

TEST_CASE("Retry-After: seconds or a date") {
    CHECK(parse_retry_after("120", kStart) == seconds(120));
    CHECK(parse_retry_after(" 0 ", kStart) == seconds(0));
    auto date = format_http_date(std::chrono::time_point_cast<seconds>(kStart) + minutes(3));
    CHECK(parse_retry_after(date, kStart) == minutes(3));
    auto past = format_http_date(std::chrono::time_point_cast<seconds>(kStart) - minutes(3));
    CHECK(parse_retry_after(past, kStart) == milliseconds(0));
    CHECK_FALSE(parse_retry_after("soon", kStart));
    CHECK_FALSE(parse_retry_after("-5", kStart));
    CHECK(parse_retry_after("99999999999999999999999", kStart) > seconds(0));
}

TEST_CASE("idempotency keys: random version-4 UUIDs, sent as a structured-field string") {
    auto zeros = fixed_random({0});
    CHECK(new_idempotency_key(zeros) == "00000000-0000-4000-8000-000000000000");
    auto ones = fixed_random({kHighest});
    CHECK(new_idempotency_key(ones) == "ffffffff-ffff-4fff-bfff-ffffffffffff");
    auto counting = fixed_random({0x0123456789abcdefULL, 0xfedcba9876543210ULL});
    CHECK(new_idempotency_key(counting) == "01234567-89ab-4def-bedc-ba9876543210");

    auto random = system_random_source();
    std::set<std::string> keys;
    for (int i = 0; i < 100; ++i) {
        auto key = new_idempotency_key(random);
        REQUIRE(key.size() == 36);
        CHECK(key[14] == '4');
        CHECK(std::string("89ab").find(key[19]) != std::string::npos);
        keys.insert(key);
    }
    CHECK(keys.size() == 100);

    CHECK(kIdempotencyKeyHeader == "Idempotency-Key");
    CHECK(idempotency_key_field_value("8e03978e-40d5-43e8-bc93-6894a57f9324") ==
          "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
    CHECK(idempotency_key_field_value("a\"b\\c") == "\"a\\\"b\\\\c\"");
}

TEST_CASE("idempotency keys: the app's own key is kept") {
    auto random = fixed_random({0});
    CHECK(idempotency_field_for({{"idempotency-key", " \"mine-1\" "}}, random) == "\"mine-1\"");
    CHECK(idempotency_field_for({{"Content-Type", "application/json"}}, random) ==
          "\"00000000-0000-4000-8000-000000000000\"");
}

TEST_CASE("replay: strictly in order; the head blocks the rest while it is retried") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    for (std::uint64_t id : {1, 2, 3}) queue.enqueue(QueuedWrite{id});
    auto now = kStart;

    auto step = queue.next(true, now);
    CHECK(step.action == ReplayAction::send);
    CHECK(step.id == 1);
    queue.started(1);
    CHECK(queue.next(true, now).action == ReplayAction::in_flight);

    // A timeout: the head stays, due after its back-off (1 s at the lowest jitter).
    auto report = queue.report(1, AttemptOutcome::network(NetworkFailure::timeout), now);
    CHECK(report.verdict == Verdict::retry_later);
    CHECK_FALSE(report.removed);
    CHECK(report.next_attempt_at == now + seconds(1));
    step = queue.next(true, now + milliseconds(500));
    CHECK(step.action == ReplayAction::wait_until);
    CHECK(step.id == 1);
    CHECK(step.at == now + seconds(1));

    // Due again: still write 1, never 2.
    now += seconds(1);
    step = queue.next(true, now);
    CHECK(step.action == ReplayAction::send);
    CHECK(step.id == 1);
    queue.started(1);
    report = queue.report(1, AttemptOutcome::http(503, "30"), now);
    CHECK(report.verdict == Verdict::retry_later);
    CHECK(report.next_attempt_at == now + seconds(30));  // the server's Retry-After, no jitter
    CHECK(queue.writes().front().attempts == 2);
    CHECK(queue.writes().front().server_retries == 1);

    now += seconds(30);
    queue.started(queue.next(true, now).id);
    report = queue.report(1, AttemptOutcome::http(201), now);
    CHECK(report.verdict == Verdict::delivered);
    CHECK(report.removed);

    // A final failure moves on too.
    step = queue.next(true, now);
    CHECK(step.id == 2);
    queue.started(2);
    report = queue.report(2, AttemptOutcome::http(422), now);
    CHECK(report.verdict == Verdict::failed);
    CHECK(report.removed);

    step = queue.next(true, now);
    CHECK(step.action == ReplayAction::send);
    CHECK(step.id == 3);
    queue.started(3);
    queue.report(3, AttemptOutcome::http(204), now);
    CHECK(queue.next(true, now).action == ReplayAction::idle);
    CHECK(queue.writes().empty());
}

TEST_CASE("replay: nothing is sent while the link is offline") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    queue.enqueue(QueuedWrite{7});
    auto step = queue.next(false, kStart);
    CHECK(step.action == ReplayAction::wait_for_link);
    CHECK(step.id == 7);
    // An attempt the glue did not make because the link was offline costs no attempt.
    queue.started(7);
    auto report = queue.report(7, AttemptOutcome::network(NetworkFailure::link_offline), kStart);
    CHECK(report.verdict == Verdict::retry_later);
    CHECK(queue.writes().front().attempts == 0);
    CHECK(queue.next(true, kStart).action == ReplayAction::send);
}

TEST_CASE("replay: the link's return makes a network-failed head due at once, not a Retry-After") {
    ReplayQueue queue({}, fixed_random({kHighest}));
    queue.enqueue(QueuedWrite{1});
    for (int attempt = 0; attempt < 6; ++attempt) {
        auto now = queue.writes().front().next_attempt_at.value_or(kStart);
        queue.started(1);
        queue.report(1, AttemptOutcome::network(NetworkFailure::no_route), now);
    }
    auto due = *queue.writes().front().next_attempt_at;
    CHECK(queue.writes().front().waiting_for_link);
    CHECK(queue.next(true, due - seconds(10)).action == ReplayAction::wait_until);
    queue.link_returned();
    CHECK(queue.next(true, due - seconds(10)).action == ReplayAction::send);

    // A server that asked for time keeps it.
    queue.started(1);
    queue.report(1, AttemptOutcome::http(429, "600"), kStart);
    queue.link_returned();
    CHECK(queue.next(true, kStart + seconds(1)).action == ReplayAction::wait_until);
    CHECK(queue.next(true, kStart + seconds(600)).action == ReplayAction::send);
}

TEST_CASE("replay: Retry-After is kept within 2 s and 1 h") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    queue.enqueue(QueuedWrite{1});
    queue.started(1);
    CHECK(queue.report(1, AttemptOutcome::http(503, "0"), kStart).next_attempt_at == kStart + seconds(2));
    queue.started(1);
    CHECK(queue.report(1, AttemptOutcome::http(503, "86400"), kStart).next_attempt_at == kStart + minutes(60));
    // An unreadable Retry-After falls back to the back-off (3rd attempt: 4 s at the lowest jitter).
    queue.started(1);
    CHECK(queue.report(1, AttemptOutcome::http(503, "later"), kStart).next_attempt_at == kStart + seconds(4));
}

TEST_CASE("replay: a server that keeps saying later gets the write failed after 12 retries") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    queue.enqueue(QueuedWrite{1});
    queue.enqueue(QueuedWrite{2});
    auto now = kStart;
    for (int retry = 1; retry <= 12; ++retry) {
        CAPTURE(retry);
        queue.started(1);
        auto report = queue.report(1, AttemptOutcome::http(503), now);
        REQUIRE(report.verdict == Verdict::retry_later);
        now = *report.next_attempt_at;
    }
    // Network failures in between do not count towards the limit.
    queue.started(1);
    now = *queue.report(1, AttemptOutcome::network(NetworkFailure::connection_refused), now).next_attempt_at;
    queue.started(1);
    auto report = queue.report(1, AttemptOutcome::http(502), now);
    CHECK(report.verdict == Verdict::failed);
    CHECK(report.removed);
    CHECK(queue.next(true, now).id == 2);
}

TEST_CASE("replay: restored state keeps its back-off; a clock set back does not park the queue") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    queue.enqueue(QueuedWrite{4, 3, 0, kStart + seconds(40), true});
    auto step = queue.next(true, kStart);
    CHECK(step.action == ReplayAction::wait_until);
    CHECK(step.at == kStart + seconds(40));
    // The wall clock went back a year: the wait is at most the longest allowed.
    auto year_ago = kStart - std::chrono::hours(24 * 365);
    step = queue.next(true, year_ago);
    CHECK(step.action == ReplayAction::wait_until);
    CHECK(step.at == year_ago + std::chrono::hours(1));
}

TEST_CASE("replay: reports about anything but the head change nothing") {
    ReplayQueue queue({}, fixed_random({kLowest}));
    queue.enqueue(QueuedWrite{1});
    queue.enqueue(QueuedWrite{2});
    queue.started(2);  // not the head: ignored
    CHECK(queue.next(true, kStart).action == ReplayAction::send);
    auto report = queue.report(2, AttemptOutcome::http(200), kStart);
    CHECK_FALSE(report.removed);
    CHECK(queue.writes().size() == 2);
    CHECK(queue.writes().front().id == 1);
}
