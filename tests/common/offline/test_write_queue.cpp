// The durable write queue on real SQLite files: per-app order, keys that
// never change, claims that survive the process dying, retry plans,
// outcomes, and durability settings.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <set>

#include "store_helpers.hpp"
#include "common/write_queue.hpp"

using namespace cirrus::offline;
using namespace cirrus::offline::testing;

namespace {

WriteRequest post(const std::string& url, const std::string& body, std::string key = {}) {
    return {"POST", url, {{"Content-Type", "application/json"}}, bytes(body), std::move(key)};
}

// Runs `work` in a child process that is then killed with SIGKILL: no
// destructor, no close, no checkpoint, as when the host is killed.
void in_killed_child(const std::function<void()>& work) {
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        try {
            work();
        } catch (...) {
            _exit(3);
        }
        raise(SIGKILL);
        _exit(4);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);
}

}  // namespace

TEST_CASE("writes are kept per app in the order they were made, the head first") {
    TempDir dir;
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    std::vector<std::int64_t> a_ids;
    for (int i = 0; i < 3; ++i) {
        a_ids.push_back(queue.enqueue("a", post("https://a.example/notes", "note " + std::to_string(i)), 100 + i).id);
        queue.enqueue("b", post("https://b.example/likes", "like " + std::to_string(i)), 100 + i);
    }
    CHECK(queue.pending_count("a") == 3);
    CHECK(queue.pending_count("b") == 3);
    CHECK(queue.apps_with_pending() == std::vector<std::string>{"a", "b"});
    std::vector<StoredWrite> pending = queue.pending("a");
    REQUIRE(pending.size() == 3);
    for (int i = 0; i < 3; ++i) {
        CHECK(pending[i].id == a_ids[i]);
        CHECK(pending[i].body == bytes("note " + std::to_string(i)));
        CHECK(pending[i].app_id == "a");
        CHECK(pending[i].created_at == 100 + i);
        CHECK(pending[i].next_attempt_at == 100 + i);  // due at once
        CHECK(pending[i].attempts == 0);
    }
    CHECK(queue.head("a")->id == a_ids[0]);

    // Only the head may be claimed, once at a time.
    CHECK_FALSE(queue.claim(a_ids[1], 200, 30'000));
    std::optional<StoredWrite> claimed = queue.claim_head("a", 200, 30'000);
    REQUIRE(claimed);
    CHECK(claimed->id == a_ids[0]);
    CHECK(claimed->attempts == 1);
    CHECK(claimed->claimed_until == 30'200);
    CHECK_FALSE(queue.claim_head("a", 201, 30'000));  // in flight
    CHECK_FALSE(queue.claim(a_ids[0], 201, 30'000));
    CHECK(queue.claim_head("b", 201, 30'000));  // another app's queue is its own

    CHECK(queue.complete(a_ids[0], {WriteResult::responded, 201, {}, {}, {}}, 300));
    CHECK(queue.head("a")->id == a_ids[1]);
    CHECK(queue.claim(a_ids[1], 301, 30'000)->id == a_ids[1]);
    CHECK(queue.pending_count("a") == 2);
}

TEST_CASE("each write has one idempotency key for life; a key is not queued twice") {
    TempDir dir;
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    Enqueued first = queue.enqueue("a", post("https://a.example/x", "1"), 1);
    Enqueued second = queue.enqueue("a", post("https://a.example/x", "1"), 2);
    CHECK(first.state == EnqueueState::queued);
    CHECK(first.idempotency_key.size() == 36);  // a UUID
    CHECK(first.idempotency_key[14] == '4');    // version 4: random
    CHECK(first.idempotency_key != second.idempotency_key);

    Enqueued own = queue.enqueue("a", post("https://a.example/y", "2", "page-key-1"), 3);
    CHECK(own.idempotency_key == "page-key-1");
    Enqueued again = queue.enqueue("a", post("https://a.example/y", "2", "page-key-1"), 4);
    CHECK(again.state == EnqueueState::already_queued);
    CHECK(again.id == own.id);
    CHECK(queue.pending_count("a") == 3);
    // Keys are per app.
    CHECK(queue.enqueue("b", post("https://b.example/y", "2", "page-key-1"), 5).state == EnqueueState::queued);

    // Every attempt sends the same key.
    std::set<std::string> keys;
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::optional<StoredWrite> head = queue.claim_head("a", 1000 * (attempt + 1), 10);
        REQUIRE(head);
        CHECK(head->id == first.id);
        keys.insert(head->idempotency_key);
        CHECK(queue.retry_later(head->id, {1000 * (attempt + 2), true, false, "timed out"}));
    }
    CHECK(keys == std::set<std::string>{first.idempotency_key});

    queue.complete(own.id, {WriteResult::responded, 200, {}, {}, {}}, 10);
    CHECK(queue.enqueue("a", post("https://a.example/y", "2", "page-key-1"), 11).state ==
          EnqueueState::already_completed);
}

TEST_CASE("a queued write survives close and reopen, field for field") {
    TempDir dir;
    const WriteRequest request{"PUT",
                               "https://a.example/doc/7",
                               {{"Content-Type", "text/plain"}, {"X-A", "1"}},
                               random_bytes(70'000, 3),
                               "k-7"};
    {
        WriteQueue queue = WriteQueue::open(dir / "queue.db");
        queue.enqueue("a", request, 42);
    }
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    CHECK(queue.recoveries().empty());
    std::optional<StoredWrite> head = queue.head("a");
    REQUIRE(head);
    CHECK(head->method == "PUT");
    CHECK(head->url == request.url);
    CHECK(head->headers == request.headers);
    CHECK(head->body == request.body);
    CHECK(head->idempotency_key == "k-7");
    CHECK(head->created_at == 42);
}

TEST_CASE("a write enqueued by a process killed right after is there") {
    TempDir dir;
    std::filesystem::path path = dir / "queue.db";
    in_killed_child([&] {
        WriteQueue queue = WriteQueue::open(path);
        queue.enqueue("a", post("https://a.example/x", "kept", "key-1"), 7);
    });
    WriteQueue queue = WriteQueue::open(path);
    std::optional<StoredWrite> head = queue.head("a");
    REQUIRE(head);
    CHECK(head->idempotency_key == "key-1");
    CHECK(head->body == bytes("kept"));
}

TEST_CASE("killed between claim and complete: the write is still there with the same key, claimable after the lease") {
    TempDir dir;
    std::filesystem::path path = dir / "queue.db";
    std::string key;
    {
        WriteQueue queue = WriteQueue::open(path);
        key = queue.enqueue("a", post("https://a.example/pay", "{\"cents\":100}"), 1000).idempotency_key;
        queue.enqueue("a", post("https://a.example/pay", "{\"cents\":200}"), 1001);
    }
    in_killed_child([&] {
        WriteQueue queue = WriteQueue::open(path);
        std::optional<StoredWrite> claimed = queue.claim_head("a", 2000, 30'000);
        if (!claimed || claimed->idempotency_key != key) _exit(5);
        // ... sent, and then the process dies before complete().
    });

    WriteQueue queue = WriteQueue::open(path);
    CHECK(queue.pending_count("a") == 2);
    std::optional<StoredWrite> head = queue.head("a");
    REQUIRE(head);
    CHECK(head->idempotency_key == key);
    CHECK(head->attempts == 1);
    CHECK(head->last_attempt_at == 2000);
    CHECK(head->claimed_until == 32'000);
    // Until the lease runs out another attempt could still be in flight.
    CHECK_FALSE(queue.claim_head("a", 31'999, 30'000));
    std::optional<StoredWrite> again = queue.claim_head("a", 32'000, 30'000);
    REQUIRE(again);
    CHECK(again->id == head->id);
    CHECK(again->idempotency_key == key);
    CHECK(again->attempts == 2);
    CHECK(queue.complete(again->id, {WriteResult::responded, 200, {}, {}, "deduplicated by the origin"}, 33'000));
    CHECK(queue.head("a")->body == bytes("{\"cents\":200}"));
}

TEST_CASE("a completion made just before the process is killed is whole: out of the queue, outcome kept") {
    TempDir dir;
    std::filesystem::path path = dir / "queue.db";
    std::int64_t id = 0;
    {
        WriteQueue queue = WriteQueue::open(path);
        id = queue.enqueue("a", post("https://a.example/x", "1"), 1).id;
    }
    in_killed_child([&] {
        WriteQueue queue = WriteQueue::open(path);
        queue.claim_head("a", 10, 1000);
        queue.complete(id, {WriteResult::responded, 204, {}, {}, {}}, 20);
    });
    WriteQueue queue = WriteQueue::open(path);
    CHECK(queue.pending_count("a") == 0);
    std::vector<WriteOutcome> outcomes = queue.outcomes("a");
    REQUIRE(outcomes.size() == 1);
    CHECK(outcomes[0].id == id);
    CHECK(outcomes[0].completion.status == 204);
}

TEST_CASE("a retry plan is kept: back-off time, waiting for the link, server retries, the error") {
    TempDir dir;
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    const std::int64_t id = queue.enqueue("a", post("https://a.example/x", "1"), 0).id;
    REQUIRE(queue.claim_head("a", 10, 5000));
    CHECK(queue.retry_later(id, {std::nullopt, true, false, "connection refused"}));
    std::optional<StoredWrite> head = queue.head("a");
    CHECK(head->waiting_for_link);
    CHECK_FALSE(head->next_attempt_at);
    CHECK_FALSE(head->claimed_until);  // the attempt is over
    CHECK(head->last_error == "connection refused");
    // Waiting only for the link: due whenever the caller tries.
    REQUIRE(queue.claim_head("a", 20, 5000));
    CHECK(queue.retry_later(id, {8000, false, true, "503 Retry-After: 8"}));
    head = queue.head("a");
    CHECK(head->next_attempt_at == 8000);
    CHECK(head->server_retries == 1);
    CHECK_FALSE(head->waiting_for_link);
    CHECK(head->attempts == 2);
    CHECK_FALSE(queue.claim_head("a", 7999, 5000));
    // The policy may still decide it is due (claim by id ignores the time).
    CHECK(queue.claim(id, 7000, 5000));
    CHECK(queue.retry_later(id, {9000, false, false, "reset"}));
    CHECK(queue.claim_head("a", 9000, 5000));
    CHECK_FALSE(queue.retry_later(12345, {1, false, false, ""}));
}

TEST_CASE("outcomes are kept for the page until forgotten, and a write completes once") {
    TempDir dir;
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    const std::int64_t first = queue.enqueue("a", post("https://a.example/1", "1", "k1"), 1).id;
    const std::int64_t second = queue.enqueue("a", post("https://a.example/2", "2", "k2"), 2).id;
    const std::int64_t third = queue.enqueue("a", post("https://a.example/3", "3", "k3"), 3).id;
    queue.claim_head("a", 10, 100);
    CHECK(queue.complete(first, {WriteResult::responded, 201, {{"Location", "/1"}}, bytes("{\"id\":1}"), {}}, 11));
    CHECK_FALSE(queue.complete(first, {WriteResult::responded, 500, {}, {}, {}}, 12));
    CHECK(queue.complete(second, {WriteResult::gave_up, std::nullopt, {}, {}, "8 attempts over 2 days"}, 13));
    CHECK(queue.complete(third, {WriteResult::cancelled, std::nullopt, {}, {}, "the user discarded it"}, 14));
    CHECK(queue.pending_count("a") == 0);

    std::vector<WriteOutcome> outcomes = queue.outcomes("a");
    REQUIRE(outcomes.size() == 3);
    CHECK(outcomes[0].id == first);
    CHECK(outcomes[0].idempotency_key == "k1");
    CHECK(outcomes[0].url == "https://a.example/1");
    CHECK(outcomes[0].attempts == 1);
    CHECK(outcomes[0].completed_at == 11);
    CHECK(outcomes[0].completion.result == WriteResult::responded);
    CHECK(outcomes[0].completion.status == 201);
    CHECK(outcomes[0].completion.response_headers == Headers{{"Location", "/1"}});
    CHECK(outcomes[0].completion.response_body == bytes("{\"id\":1}"));
    CHECK(outcomes[1].completion.result == WriteResult::gave_up);
    CHECK_FALSE(outcomes[1].completion.status);
    CHECK(outcomes[1].completion.detail == "8 attempts over 2 days");
    CHECK(outcomes[2].completion.result == WriteResult::cancelled);
    CHECK(queue.outcomes("b").empty());

    CHECK(queue.forget_outcome(first));
    CHECK_FALSE(queue.forget_outcome(first));
    CHECK(queue.outcomes("a").size() == 2);
    // A new write never takes a completed write's id.
    CHECK(queue.enqueue("a", post("https://a.example/4", "4"), 20).id > third);

    queue.remove_app("a");
    CHECK(queue.outcomes("a").empty());
    CHECK(queue.pending_count("a") == 0);
}

TEST_CASE("the queue commits with synchronous=FULL in WAL mode, in a file of its own") {
    TempDir dir;
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    auto text = [&](const std::string& pragma) {
        cirrus::launcher::Statement query = queue.database().prepare("PRAGMA " + pragma);
        REQUIRE(query.step());
        return query.column_text(0);
    };
    CHECK(text("journal_mode") == "wal");
    CHECK(text("synchronous") == "2");
    CHECK(queue.path() == dir / "queue.db");
}
