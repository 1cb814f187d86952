// Damaged files: garbage, a truncated file, a damaged page in the middle,
// damage found at open or in the middle of a call, a file from a newer
// Cirrus, and a file set aside by another process. The store and the queue
// set the file aside, start again, report it, and keep working; never a
// crash, never an exception for damage.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include "common/offline_store.hpp"
#include "store_helpers.hpp"
#include "common/write_queue.hpp"

using namespace cirrus::offline;
using namespace cirrus::offline::testing;
using cirrus::launcher::Database;

namespace {

std::string url_of(int i) { return "https://a.example/asset/" + std::to_string(i); }

// A closed store of `entries` responses of `body_bytes` each, checkpointed
// (the WAL folded in and removed) so that damage to the main file is damage
// to the store.
void make_store(const std::filesystem::path& path, int entries, std::size_t body_bytes) {
    OfflineStore store = OfflineStore::open(path);
    for (int i = 0; i < entries; ++i) {
        store.put("a", get_request(url_of(i)),
                  {200, {{"Content-Type", "text/plain"}}, random_bytes(body_bytes, static_cast<unsigned>(i))}, i);
    }
}

std::int64_t page_size_of(const std::filesystem::path& path) {
    Database database = Database::open(path);
    return single_int(database, "PRAGMA page_size");
}

// After a recovery the store is a working, empty store.
void check_works_fresh(OfflineStore& store) {
    CHECK(store.total_usage() == 0);
    CHECK_FALSE(store.get("a", get_request(url_of(0))));
    CHECK(store.put("a", get_request("https://a.example/new"), {200, {}, bytes("new")}, 1).outcome ==
          PutOutcome::stored);
    CHECK(store.get("a", get_request("https://a.example/new"))->body == bytes("new"));
    CHECK(store.database().integrity_check() == "ok");
}

// Reads every entry; damage found on the way is recovered inside the call.
int hits_of_all(OfflineStore& store, int entries) {
    int hits = 0;
    for (int i = 0; i < entries; ++i) {
        if (store.get("a", get_request(url_of(i)))) ++hits;
    }
    return hits;
}

}  // namespace

TEST_CASE("a store file of garbage is set aside whole and a fresh store made") {
    TempDir dir;
    const std::vector<std::uint8_t> garbage = random_bytes(64 * 1024, 5);
    write_file(dir / "cache.db", garbage);
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    REQUIRE(store.recoveries().size() == 1);
    const Recovery& recovery = store.recoveries()[0];
    CHECK(recovery.moved_to.filename().string().rfind("cache.db.corrupt-", 0) == 0);
    CHECK(read_file(recovery.moved_to) == garbage);
    CHECK(recovery.problem.find("not a database") != std::string::npos);
    check_works_fresh(store);
}

TEST_CASE("a truncated store file is set aside, at open or at the first read that meets the damage") {
    TempDir dir;
    const std::filesystem::path path = dir / "cache.db";
    make_store(path, 60, 10'000);
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size / 2);

    OfflineStore store = OfflineStore::open(path);
    const int hits = hits_of_all(store, 60);
    REQUIRE(store.recoveries().size() == 1);
    CHECK(hits < 60);
    CHECK(std::filesystem::file_size(store.recoveries()[0].moved_to) == size / 2);
    check_works_fresh(store);
}

TEST_CASE("a damaged page among the entries is found at open") {
    TempDir dir;
    const std::filesystem::path path = dir / "cache.db";
    make_store(path, 400, 200);
    const std::vector<std::int64_t> pages = leaf_pages(path, "entries");
    REQUIRE(pages.size() > 4);
    damage_page(path, pages[pages.size() / 2], page_size_of(path));

    OfflineStore store = OfflineStore::open(path);
    REQUIRE(store.recoveries().size() == 1);
    CHECK(store.recoveries()[0].problem.find("quick_check") != std::string::npos);
    check_works_fresh(store);
}

TEST_CASE("a damaged page among the bodies is found by the hit that reads it, which then misses") {
    TempDir dir;
    const std::filesystem::path path = dir / "cache.db";
    make_store(path, 200, 3000);
    const std::vector<std::int64_t> pages = leaf_pages(path, "bodies");
    REQUIRE(pages.size() > 4);
    damage_page(path, pages[pages.size() / 2], page_size_of(path));

    OfflineStore store = OfflineStore::open(path);
    CHECK(store.recoveries().empty());  // bodies are not checked at open
    const int hits = hits_of_all(store, 200);
    REQUIRE(store.recoveries().size() == 1);
    CHECK(hits > 0);
    CHECK(hits < 200);
    CHECK(std::filesystem::exists(store.recoveries()[0].moved_to));
    check_works_fresh(store);
}

TEST_CASE("a put that meets damage is stored in the fresh file") {
    TempDir dir;
    const std::filesystem::path path = dir / "cache.db";
    make_store(path, 200, 3000);
    const std::vector<std::int64_t> pages = leaf_pages(path, "bodies");
    const std::int64_t page_size = page_size_of(path);
    for (std::int64_t page : pages) damage_page(path, page, page_size);

    OfflineStore store = OfflineStore::open(path);
    CHECK(store.recoveries().empty());
    // Looking up a body by hash walks the damaged b-tree.
    PutResult result = store.put("a", get_request("https://a.example/after"), {200, {}, bytes("after")}, 1);
    CHECK(result.outcome == PutOutcome::stored);
    CHECK(store.recoveries().size() == 1);
    CHECK(store.get("a", get_request("https://a.example/after"))->body == bytes("after"));
}

TEST_CASE("a store file from a newer Cirrus is set aside; a queue file from one is refused and kept") {
    TempDir dir;
    {
        Database database = Database::open(dir / "cache.db");
        database.set_user_version(99);
    }
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    REQUIRE(store.recoveries().size() == 1);
    CHECK(store.recoveries()[0].problem.find("newer") != std::string::npos);
    check_works_fresh(store);

    {
        Database database = Database::open(dir / "queue.db");
        database.exec("CREATE TABLE future (x)");
        database.set_user_version(99);
    }
    CHECK_THROWS_AS(WriteQueue::open(dir / "queue.db"), StoreError);
    Database database = Database::open(dir / "queue.db");
    CHECK(database.user_version() == 99);
}

TEST_CASE("a write follows the file when another process has set it aside and made a new one") {
    TempDir dir;
    const std::filesystem::path path = dir / "cache.db";
    OfflineStore first = OfflineStore::open(path);
    first.put("a", get_request("https://a.example/old"), {200, {}, bytes("old")}, 1);
    // Another host found the file damaged: it set it aside and started anew.
    cirrus::launcher::move_database_aside(path);
    OfflineStore second = OfflineStore::open(path);
    CHECK(second.recoveries().empty());

    first.put("a", get_request("https://a.example/new"), {200, {}, bytes("new")}, 2);
    CHECK(second.get("a", get_request("https://a.example/new"))->body == bytes("new"));
    CHECK_FALSE(first.get("a", get_request("https://a.example/old")));
    CHECK(first.recoveries().empty());  // nothing was damaged for this one
}

TEST_CASE("a queue file of garbage is set aside and the queue keeps working") {
    TempDir dir;
    const std::vector<std::uint8_t> garbage = random_bytes(10'000, 8);
    write_file(dir / "queue.db", garbage);
    WriteQueue queue = WriteQueue::open(dir / "queue.db");
    REQUIRE(queue.recoveries().size() == 1);
    CHECK(read_file(queue.recoveries()[0].moved_to) == garbage);
    CHECK(queue.salvaged_writes() == 0);
    queue.enqueue("a", {"POST", "https://a.example/", {}, bytes("x"), "k"}, 1);
    CHECK(queue.head("a")->idempotency_key == "k");
}

TEST_CASE("a damaged queue file keeps the pending writes before the damage, in order, with their keys") {
    TempDir dir;
    const std::filesystem::path path = dir / "queue.db";
    std::vector<std::string> keys;
    {
        WriteQueue queue = WriteQueue::open(path);
        for (int i = 0; i < 300; ++i) {
            keys.push_back(queue
                               .enqueue("a",
                                        {"POST",
                                         "https://a.example/" + std::to_string(i),
                                         {},
                                         random_bytes(300, static_cast<unsigned>(i)),
                                         {}},
                                        i)
                               .idempotency_key);
        }
    }
    const std::vector<std::int64_t> pages = leaf_pages(path, "writes");
    REQUIRE(pages.size() > 4);
    damage_page(path, pages[pages.size() / 2], page_size_of(path));

    WriteQueue queue = WriteQueue::open(path);
    REQUIRE(queue.recoveries().size() == 1);
    const int salvaged = queue.salvaged_writes();
    CHECK(salvaged > 0);
    CHECK(salvaged < 300);
    std::vector<StoredWrite> pending = queue.pending("a");
    REQUIRE(pending.size() == static_cast<std::size_t>(salvaged));
    for (std::size_t i = 0; i < pending.size(); ++i) {
        CHECK(pending[i].idempotency_key == keys[i]);
        CHECK(pending[i].body == random_bytes(300, static_cast<unsigned>(i)));
    }
    // New writes go after them, with new ids.
    Enqueued next = queue.enqueue("a", {"POST", "https://a.example/next", {}, bytes("n"), {}}, 1000);
    CHECK(next.id > pending.back().id);
    CHECK(queue.database().integrity_check() == "ok");
}
