// The rules of the write queue: which writes are kept when the network
// fails, and how they are sent again. Plain C++ (no WebKit, no SQLite, no
// clock, no global random source): write_queue.* stores the requests durably
// and follows these rules.
//
// A write (an unsafe method: POST, PUT, PATCH, DELETE) to an endpoint the
// app declares in its manifest (cirrus_offline.write_endpoints) that fails
// for a network reason, or is made while the link is offline, is queued.
// The queue of one app is replayed strictly in order: its head is retried
// (with back-off) until it gets a final answer, and nothing behind it is
// sent meanwhile, since later writes may depend on it (create, then edit).
// Each app has its own queue: one app's stuck head holds up no other app.
//
// "Nothing is sent twice": every queued write carries an Idempotency-Key
// (draft-ietf-httpapi-idempotency-key-header) that stays the same on every
// attempt, so a server that honours it performs the write once even when an
// attempt reached it but its answer was lost (a reset, a timeout, or a crash
// of the host during the attempt). The glue should add the key before the
// first attempt to a declared endpoint, not only on replay: that first
// attempt may be the one that reached the server.
#pragma once

#include "http_cache.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cirrus::offline {

// Back-off times must survive a restart of the host, so they are wall-clock.
using WallTime = std::chrono::sys_time<std::chrono::milliseconds>;

// 64 uniformly random bits per call. Tests pass a fixed sequence; the host
// passes system_random_source().
using RandomSource = std::function<std::uint64_t()>;
RandomSource system_random_source();

// ---------------------------------------------------------------------------
// Which writes are queued

// Methods that may change data: any but the safe ones (RFC 9110 §9.2.1:
// GET, HEAD, OPTIONS, TRACE) and CONNECT. Method names are case-sensitive.
bool is_queueable_method(std::string_view method);

// Whether `url` is one of the app's declared write endpoints. A pattern is an
// absolute URL (as manifest processing leaves it) whose path matches exactly,
// or, when it ends in '*', is a prefix of the request's path:
// "https://a.example/api/notes" matches only that path, with any query;
// "https://a.example/api/forms/*" matches everything under /api/forms/.
// Origins must be the same (scheme and host case-insensitive, default port
// implied). A request path with "." or ".." segments matches nothing.
bool matches_write_endpoint(std::string_view url, const std::vector<std::string>& patterns);

// Why an attempt got no HTTP answer.
enum class NetworkFailure {
    link_offline,  // not attempted: the link was known to be offline
    no_route,      // ENETUNREACH, EHOSTUNREACH
    dns_failure,
    connection_refused,  // the server's host answered, nobody listened (restarting)
    connection_reset,    // may have reached the server: the key makes a retry safe
    timeout,             // ditto
    tls_failure,         // handshake failed: a captive portal, a wrong clock
    other,
};

// The outcome of one attempt: a network failure, or an HTTP status with the
// response's Retry-After, if any.
struct AttemptOutcome {
    std::optional<NetworkFailure> failure;
    int status = 0;
    std::optional<std::string> retry_after;

    static AttemptOutcome network(NetworkFailure why) { return {why, 0, std::nullopt}; }
    static AttemptOutcome http(int status, std::optional<std::string> retry_after = std::nullopt) {
        return {std::nullopt, status, std::move(retry_after)};
    }
};

// Whether the page's own write is queued rather than failed: a queueable
// method, a declared endpoint, and a network failure (or the link offline).
// An HTTP error answers the page as it is: the server saw the request.
bool should_queue(std::string_view method, std::string_view url, const std::vector<std::string>& write_endpoints,
                  const AttemptOutcome& first_attempt);

// ---------------------------------------------------------------------------
// What an attempt's outcome means

enum class Verdict {
    delivered,    // 1xx-3xx: done (a 303 after a POST is a form's success)
    retry_later,  // a network failure; 408, 429, 502, 503, 504
    failed,       // any other 4xx or 5xx: final, sending it again would not help
};

// 500 is final on purpose: a request that crashes the server would crash it
// on every retry and block the queue for good; 502/503/504 are a gateway or
// an overloaded server, 408/429 the server asking to come back later.
Verdict judge_attempt(const AttemptOutcome& outcome);

// ---------------------------------------------------------------------------
// Back-off

struct ReplayConfig {
    // Retry n (1-based) waits base * 2^(n-1), at most `cap`, times a random
    // factor in [0.5, 1): 2 s, 4 s, 8 s ... 5 min. Doubling keeps a dead
    // server from costing radio time; the cap keeps a write from waiting long
    // after the server is back; jitter spreads the phones that all lost the
    // same cell from hitting the server at the same moment when it returns.
    std::chrono::milliseconds base_delay{2000};
    std::chrono::milliseconds max_delay{std::chrono::minutes(5)};
    // A server's Retry-After is obeyed as given (no jitter), within these:
    // the floor keeps "Retry-After: 0" from looping, the ceiling keeps a
    // mistaken header from parking the user's data (and the queue) for days.
    std::chrono::milliseconds min_retry_after{2000};
    std::chrono::milliseconds max_retry_after{std::chrono::hours(1)};
    // Retries for server answers (408, 429, 502-504) and TLS failures, after
    // which the write is failed so that the queue moves on. Network failures
    // do not count: they are the link's doing, and the queue only tries while
    // the link is up.
    std::uint32_t max_server_retries = 12;
};

// The jittered delay before retry number `retry` (1 for the first retry).
std::chrono::milliseconds backoff_delay(std::uint32_t retry, RandomSource& random, const ReplayConfig& config = {});

// Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date; nullopt
// when it is neither. A date in the past gives 0.
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value, WallTime now);

// ---------------------------------------------------------------------------
// Idempotency keys

inline constexpr std::string_view kIdempotencyKeyHeader = "Idempotency-Key";

// 128 random bits formatted as a UUID version 4 (122 random bits; the
// draft recommends a UUID): "8e03978e-40d5-43e8-bc93-6894a57f9324".
std::string new_idempotency_key(RandomSource& random);

// The header's value for a key: the draft makes it a structured-field
// String, so the key is sent in double quotes (with '"' and '\\' escaped).
std::string idempotency_key_field_value(std::string_view key);

// The Idempotency-Key value to send with a write, and to store with it: the
// app's own when it set the header (its server may already keep those), else
// a new key's.
std::string idempotency_field_for(const HeaderList& request_headers, RandomSource& random);

// ---------------------------------------------------------------------------
// The order of one app's queue

// One queued write as the replay rules see it; write_queue.* stores the
// request itself, and persists `attempts`, `server_retries`,
// `next_attempt_at` and `waiting_for_link` after every report so that a
// restarted host keeps the back-off.
struct QueuedWrite {
    std::uint64_t id = 0;              // the store's id, increasing in arrival order
    std::uint32_t attempts = 0;        // attempts whose outcome was reported
    std::uint32_t server_retries = 0;  // of those, retry_later from the server (or TLS)
    std::optional<WallTime> next_attempt_at{};
    bool waiting_for_link = false;  // the last attempt failed for a network reason
};

enum class ReplayAction {
    idle,           // nothing queued
    wait_for_link,  // the link is offline
    in_flight,      // the head is being sent: wait for its outcome
    wait_until,     // the head's back-off: call next() again at `at`
    send,           // send the head (`id`) now, then call started()
};

struct ReplayStep {
    ReplayAction action = ReplayAction::idle;
    std::uint64_t id = 0;
    WallTime at{};
};

struct ReplayReport {
    Verdict verdict = Verdict::delivered;
    bool removed = false;                     // the head left the queue (delivered or failed)
    std::optional<WallTime> next_attempt_at;  // retry_later: when the head is due again
};

class ReplayQueue {
public:
    explicit ReplayQueue(ReplayConfig config = {}, RandomSource random = system_random_source());

    // Appends a write (or restores one from the store, with its state).
    void enqueue(QueuedWrite write);

    // What to do now. A wall clock set backwards could leave a back-off
    // far in the future: no wait is ever longer than the longest the
    // config allows.
    ReplayStep next(bool link_online, WallTime now) const;
    // The head `id` is being sent.
    void started(std::uint64_t id);
    // The head's attempt ended. Delivered and failed remove it; retry_later
    // keeps it at the head with a new back-off.
    ReplayReport report(std::uint64_t id, const AttemptOutcome& outcome, WallTime now);
    // The link came back: a head that waits only because the link failed is
    // due at once (its back-off was about the link, which is now up); a
    // server's Retry-After still holds.
    void link_returned();

    const std::deque<QueuedWrite>& writes() const { return writes_; }

private:
    ReplayConfig config_;
    RandomSource random_;
    std::deque<QueuedWrite> writes_;
    bool head_in_flight_ = false;
};

}  // namespace cirrus::offline
