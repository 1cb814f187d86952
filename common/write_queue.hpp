// The write queue: a web app's non-GET requests that could not be sent (made
// while offline, or failed for a network reason), kept durably and replayed
// per app in the order they were made, each with an idempotency key that
// stays the same on every attempt, so that the origin can drop repeats.
//
// Delivery is at least once: a request may reach the origin and the host die
// before complete() is recorded; after a restart it is sent again with the
// same key, and the origin's deduplication by key makes the effect exactly
// once. The queue never makes a new key for a stored request.
//
// Durability: every call is one transaction in its own file, written with
// synchronous=FULL, so that when a call returns its effect survives the
// process being killed and a power loss. Why a file of its own, beside the
// cache (offline_store.hpp) rather than in it:
// - the queue holds the user's unsent work, which nothing can fetch again;
//   the cache is large, mostly blobs, and thrown away when damaged: damage
//   among cached bodies must not take pending writes with it;
// - synchronous is a setting of the connection: the cache's many puts should
//   not each wait for an fsync, and every queue write must;
// - the file stays small, so checking all of it at open costs little.
// A damaged queue file is set aside like the cache, and what can still be
// read of its pending writes is copied into the fresh file, in order and
// with their keys (salvaged_writes() says how many).
//
// Policy (when a failure counts as a network failure, the back-off schedule,
// when to give up) is the caller's: it passes the times and outcomes in.
// Times are Unix ms. A WriteQueue belongs to one thread; several processes
// may open the same file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http_headers.hpp"
#include "recoverable_database.hpp"

namespace cirrus::offline {

struct WriteRequest {
    std::string method;  // anything but GET/HEAD, normally
    std::string url;
    Headers headers;
    std::vector<std::uint8_t> body;
    // The page's own Idempotency-Key, if it sent one; empty: the queue makes
    // one (a random UUID) at enqueue, once.
    std::string idempotency_key;
};

struct StoredWrite {
    std::int64_t id = 0;  // increasing: the order of enqueue
    std::string app_id;
    std::string method;
    std::string url;
    Headers headers;
    std::vector<std::uint8_t> body;
    std::string idempotency_key;
    std::int64_t created_at = 0;
    // Attempts started: claim() counts one before anything is sent, so an
    // attempt cut short by the process dying counts too (the back-off after
    // a restart is then one step longer, never shorter).
    int attempts = 0;
    int server_retries = 0;  // of those, retries the server asked for (RetryPlan)
    bool waiting_for_link = false;
    std::optional<std::int64_t> last_attempt_at;
    std::optional<std::int64_t> next_attempt_at;  // none: when the link returns
    std::optional<std::int64_t> claimed_until;    // an attempt in flight until then
    std::optional<std::string> last_error;
};

// What the caller's replay policy decided after a failed attempt; kept so
// that a restarted host resumes the same back-off.
struct RetryPlan {
    std::optional<std::int64_t> next_attempt_at;  // none: when the link returns
    bool waiting_for_link = false;                // it failed for a network reason
    bool server_asked = false;                    // the server asked for a retry (counts in server_retries)
    std::string error;
};

enum class WriteResult {
    responded,  // the origin answered (status says how)
    gave_up,    // the policy stopped retrying
    cancelled,  // the page or the user withdrew it
};
std::string_view to_string(WriteResult result);

struct Completion {
    WriteResult result = WriteResult::responded;
    std::optional<int> status;  // with `responded`
    Headers response_headers;
    std::vector<std::uint8_t> response_body;  // the caller bounds its size
    std::string detail;                       // why it gave up, etc.
};

// What became of a write, kept until the page has learnt it.
struct WriteOutcome {
    std::int64_t id = 0;  // the StoredWrite's id
    std::string app_id;
    std::string method;
    std::string url;
    std::string idempotency_key;
    std::int64_t created_at = 0;
    std::int64_t completed_at = 0;
    int attempts = 0;
    Completion completion;
};

enum class EnqueueState {
    queued,             // a new write
    already_queued,     // this app already queued this key: not added again
    already_completed,  // ... and it has an outcome
};

struct Enqueued {
    std::int64_t id = 0;
    std::string idempotency_key;
    EnqueueState state = EnqueueState::queued;
};

class WriteQueue {
public:
    // Creates the file and its folder if missing. Throws StoreError if it
    // cannot be opened for a reason other than damage, or was written by a
    // newer Cirrus (its data is never thrown away for that).
    static WriteQueue open(const std::filesystem::path& path);

    WriteQueue(WriteQueue&&) noexcept;
    WriteQueue& operator=(WriteQueue&&) noexcept;
    ~WriteQueue();

    // Durable when it returns. The write is due at once (next_attempt_at =
    // created_at). A key this app used before is not queued twice.
    Enqueued enqueue(std::string_view app_id, const WriteRequest& request, std::int64_t created_at);

    // The app's oldest pending write, due or not (writes go strictly in order:
    // the rest wait behind it).
    std::optional<StoredWrite> head(std::string_view app_id) const;
    // Starts an attempt at write `id`, which the caller's policy found due:
    // if it is its app's head and no attempt is in flight, counts the attempt
    // and marks it in flight until now + lease, durably, before anything is
    // sent. Then send it with its key, and call complete() or retry_later().
    // If the process dies in between, the lease runs out and the same write,
    // with the same key, is claimed again.
    std::optional<StoredWrite> claim(std::int64_t id, std::int64_t now, std::int64_t lease_ms);
    // As claim() for the app's head, when its stored next attempt time has
    // come (or it waits only for the link): for callers without a policy.
    std::optional<StoredWrite> claim_head(std::string_view app_id, std::int64_t now, std::int64_t lease_ms);
    // The attempt failed; ends the attempt in flight and keeps the policy's
    // plan. False if the write is no longer pending.
    bool retry_later(std::int64_t id, const RetryPlan& plan);
    // Moves the write to the outcomes, in one transaction. False if it was
    // no longer pending (completed already, perhaps by another process).
    bool complete(std::int64_t id, const Completion& completion, std::int64_t completed_at);

    std::vector<StoredWrite> pending(std::string_view app_id) const;
    std::int64_t pending_count(std::string_view app_id) const;
    std::vector<std::string> apps_with_pending() const;

    std::vector<WriteOutcome> outcomes(std::string_view app_id) const;  // oldest first
    bool forget_outcome(std::int64_t id);
    // Everything of the app, pending and done (on uninstall).
    void remove_app(std::string_view app_id);

    const std::vector<Recovery>& recoveries() const;
    // Pending writes copied out of damaged files since open.
    int salvaged_writes() const;
    const std::filesystem::path& path() const;
    launcher::Database& database();  // for tests and diagnostics

private:
    struct Impl;
    explicit WriteQueue(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace cirrus::offline
