// The offline store on real SQLite files: round trips, Vary, bodies shared
// by hash, app isolation, quotas and the overall budget (LRU), use times,
// precache lists and revalidation.
#include <doctest/doctest.h>

#include <chrono>

#include "common/content_hash.hpp"
#include "common/offline_store.hpp"
#include "store_helpers.hpp"

using namespace cirrus::offline;
using namespace cirrus::offline::testing;
using cirrus::launcher::Database;
using cirrus::launcher::Statement;

namespace {

CacheResponse response_of(std::vector<std::uint8_t> body, Headers headers = {}) {
    return {200, std::move(headers), std::move(body)};
}

// What an entry without Vary is charged besides its body.
std::int64_t meta_bytes(const std::string& url, const Headers& response_headers) {
    return static_cast<std::int64_t>(url.size() + serialize_headers(response_headers).size());
}

std::int64_t count(OfflineStore& store, const std::string& table) {
    return single_int(store.database(), "SELECT count(*) FROM " + table);
}

// The counters the triggers keep agree with the rows, and no body is left
// that no entry uses.
void check_accounting(OfflineStore& store) {
    Database& database = store.database();
    Statement apps = database.prepare(
        "SELECT app_id, used_bytes, (SELECT coalesce(sum(body_bytes + meta_bytes), 0) FROM entries e "
        "  WHERE e.app_id = a.app_id) FROM apps a");
    while (apps.step()) {
        INFO("app " << apps.column_text(0));
        CHECK(apps.column_int64(1) == apps.column_int64(2));
    }
    CHECK(single_int(database, "SELECT bytes FROM totals") ==
          single_int(database,
                     "SELECT (SELECT coalesce(sum(size), 0) FROM bodies) + "
                     "(SELECT coalesce(sum(meta_bytes), 0) FROM entries)"));
    CHECK(single_int(database,
                     "SELECT count(*) FROM bodies b WHERE NOT EXISTS "
                     "(SELECT 1 FROM entries e WHERE e.body_id = b.id)") == 0);
    CHECK(single_int(database,
                     "SELECT count(*) FROM entries e JOIN bodies b ON b.id = e.body_id "
                     "WHERE e.body_bytes != b.size") == 0);
    CHECK(database.integrity_check() == "ok");
}

OfflineStore::Options options_with(FakeClock& clock, Budget budget = {}) {
    OfflineStore::Options options;
    options.clock = clock.clock();
    options.budget = budget;
    return options;
}

}  // namespace

TEST_CASE("a stored response comes back whole, also after reopening") {
    TempDir dir;
    FakeClock clock;
    const Headers headers{{"Content-Type", "text/html"},
                          {"ETag", "\"v1\""},
                          {"Last-Modified", "Tue, 15 Nov 1994 12:45:26 GMT"},
                          {"Set-Cookie", "a=1"},
                          {"Set-Cookie", "b=2"}};
    const std::vector<std::uint8_t> body = random_bytes(5000, 1);
    {
        OfflineStore store = OfflineStore::open(dir / "offline" / "cache.db", options_with(clock));
        CHECK(store.recoveries().empty());
        PutResult result = store.put("app.a", get_request("https://a.example/"), {201, headers, body}, 1234);
        CHECK(result.outcome == PutOutcome::stored);
        CHECK(result.evicted == 0);

        std::optional<CachedResponse> hit = store.get("app.a", get_request("https://a.example/"));
        REQUIRE(hit);
        CHECK(hit->status == 201);
        CHECK(hit->headers == headers);
        CHECK(hit->body == body);
        CHECK(hit->body_bytes == 5000);
        CHECK(hit->stored_at == 1234);
        CHECK(hit->etag() == "\"v1\"");
        CHECK(hit->last_modified() == "Tue, 15 Nov 1994 12:45:26 GMT");

        std::optional<CachedResponse> found = store.find("app.a", get_request("https://a.example/"));
        REQUIRE(found);
        CHECK(found->body.empty());
        CHECK(found->body_bytes == 5000);
        CHECK(found->headers == headers);

        CHECK_FALSE(store.get("app.a", get_request("https://a.example/other")));
        CHECK_FALSE(store.get("app.a", CacheRequest{"HEAD", "https://a.example/", {}}));
        CHECK(store.usage("app.a") == 5000 + meta_bytes("https://a.example/", headers));
        CHECK(store.total_usage() == store.usage("app.a"));
        check_accounting(store);
    }
    OfflineStore reopened = OfflineStore::open(dir / "offline" / "cache.db", options_with(clock));
    std::optional<CachedResponse> hit = reopened.get("app.a", get_request("https://a.example/"));
    REQUIRE(hit);
    CHECK(hit->body == body);
    CHECK(hit->headers == headers);
}

TEST_CASE("the store runs in WAL mode with NORMAL sync and a quiet secure_delete") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    auto text = [&](const std::string& pragma) {
        Statement query = store.database().prepare("PRAGMA " + pragma);
        REQUIRE(query.step());
        return query.column_text(0);
    };
    CHECK(text("journal_mode") == "wal");
    CHECK(text("synchronous") == "1");
    CHECK(text("secure_delete") == "2");          // FAST
    CHECK(store.database().user_version() == 2);  // v2: what apps were seen to need (test_readiness.cpp)
}

TEST_CASE("an empty body and a body of zeros are stored and told apart") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    store.put("a", get_request("https://a.example/empty"), response_of({}), 1);
    store.put("a", get_request("https://a.example/zeros"), response_of(std::vector<std::uint8_t>(3, 0)), 1);
    auto empty = store.get("a", get_request("https://a.example/empty"));
    auto zeros = store.get("a", get_request("https://a.example/zeros"));
    REQUIRE(empty);
    REQUIRE(zeros);
    CHECK(empty->body.empty());
    CHECK(zeros->body == std::vector<std::uint8_t>(3, 0));
    CHECK(count(store, "bodies") == 2);
}

TEST_CASE("Vary: a request gets the variant whose Vary fields it matches, and only that") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::string url = "https://a.example/app.js";
    const Headers vary{{"Vary", "Accept-Encoding"}};
    store.put("a", get_request(url, {{"Accept-Encoding", "gzip"}}), response_of(bytes("gzip body"), vary), 1);
    store.put("a", get_request(url, {{"accept-encoding", "br"}}), response_of(bytes("br body"), vary), 2);
    store.put("a", get_request(url), response_of(bytes("plain body"), vary), 3);
    CHECK(count(store, "entries") == 3);

    auto body_for = [&](Headers headers) -> std::string {
        auto hit = store.get("a", get_request(url, std::move(headers)));
        return hit ? std::string(hit->body.begin(), hit->body.end()) : "(miss)";
    };
    CHECK(body_for({{"ACCEPT-ENCODING", "gzip"}}) == "gzip body");
    CHECK(body_for({{"Accept-Encoding", "  br "}}) == "br body");
    CHECK(body_for({}) == "plain body");                     // absent matches only absent
    CHECK(body_for({{"Accept-Encoding", ""}}) == "(miss)");  // empty is not absent
    CHECK(body_for({{"Accept-Encoding", "identity"}}) == "(miss)");
    // Other fields do not matter.
    CHECK(body_for({{"Accept-Encoding", "gzip"}, {"Accept-Language", "fr"}}) == "gzip body");

    // The same key again replaces that variant only.
    store.put("a", get_request(url, {{"Accept-Encoding", "gzip"}}), response_of(bytes("gzip v2"), vary), 4);
    CHECK(count(store, "entries") == 3);
    CHECK(body_for({{"Accept-Encoding", "gzip"}}) == "gzip v2");
    check_accounting(store);
}

TEST_CASE("Vary: several fields, list values normalised, repeated fields combined") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::string url = "https://a.example/data";
    store.put("a", get_request(url, {{"Accept-Encoding", "gzip,br"}, {"Accept-Language", "en"}}),
              response_of(bytes("en"), {{"Vary", "accept-language"}, {"Vary", "Accept-Encoding , accept-language"}}),
              1);
    auto hit = [&](Headers headers) { return store.get("a", get_request(url, std::move(headers))).has_value(); };
    CHECK(hit({{"Accept-Language", "en"}, {"Accept-Encoding", "gzip, br"}}));
    CHECK(hit({{"Accept-Language", "en"}, {"Accept-Encoding", "gzip"}, {"Accept-Encoding", "br"}}));
    CHECK_FALSE(hit({{"Accept-Language", "en"}, {"Accept-Encoding", "br, gzip"}}));  // order matters
    CHECK_FALSE(hit({{"Accept-Language", "de"}, {"Accept-Encoding", "gzip, br"}}));
    CHECK_FALSE(hit({{"Accept-Encoding", "gzip, br"}}));
}

TEST_CASE("Vary: * is never stored, and a new Vary replaces the variants it supersedes") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::string url = "https://a.example/";
    CHECK(store.put("a", get_request(url), response_of(bytes("x"), {{"Vary", "Accept, *"}}), 1).outcome ==
          PutOutcome::vary_star);
    CHECK(count(store, "entries") == 0);
    CHECK(store.total_usage() == 0);

    store.put("a", get_request(url, {{"Accept-Encoding", "gzip"}}),
              response_of(bytes("old"), {{"Vary", "Accept-Encoding"}}), 1);
    store.put("a", get_request(url, {{"Accept-Encoding", "br"}}),
              response_of(bytes("other"), {{"Vary", "Accept-Encoding"}}), 1);
    // The server now varies on the language too: the gzip variant, which this
    // request would have been given, is superseded; the br one stays.
    store.put("a", get_request(url, {{"Accept-Encoding", "gzip"}, {"Accept-Language", "en"}}),
              response_of(bytes("new"), {{"Vary", "Accept-Encoding, Accept-Language"}}), 2);
    CHECK(count(store, "entries") == 2);
    CHECK_FALSE(store.get("a", get_request(url, {{"Accept-Encoding", "gzip"}})));
    CHECK(store.get("a", get_request(url, {{"Accept-Encoding", "gzip"}, {"Accept-Language", "en"}}))->body ==
          bytes("new"));
    CHECK(store.get("a", get_request(url, {{"Accept-Encoding", "br"}}))->body == bytes("other"));
    check_accounting(store);
}

TEST_CASE("a body is stored once by SHA-256 across entries and apps, and deleted with its last entry") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::vector<std::uint8_t> shared = random_bytes(10'000, 7);
    const Headers headers{{"Content-Type", "image/png"}};
    store.put("a", get_request("https://cdn.example/logo.png"), response_of(shared, headers), 1);
    store.put("a", get_request("https://cdn.example/logo-copy.png"), response_of(shared, headers), 1);
    store.put("b", get_request("https://cdn.example/logo.png"), response_of(shared, headers), 1);
    CHECK(count(store, "entries") == 3);
    CHECK(count(store, "bodies") == 1);
    {
        Statement hash = store.database().prepare("SELECT hash FROM bodies");
        REQUIRE(hash.step());
        const ContentHash expected = sha256(shared);
        CHECK(hash.column_blob(0) == std::vector<std::uint8_t>(expected.begin(), expected.end()));
    }

    // Each app is charged the whole body of each of its entries; the file
    // holds it once.
    const std::int64_t meta_logo = meta_bytes("https://cdn.example/logo.png", headers);
    const std::int64_t meta_copy = meta_bytes("https://cdn.example/logo-copy.png", headers);
    CHECK(store.usage("a") == 2 * 10'000 + meta_logo + meta_copy);
    CHECK(store.usage("b") == 10'000 + meta_logo);
    CHECK(store.total_usage() == 10'000 + 2 * meta_logo + meta_copy);

    CHECK(store.remove("a", "GET", "https://cdn.example/logo.png") == 1);
    CHECK(count(store, "bodies") == 1);
    CHECK(store.get("b", get_request("https://cdn.example/logo.png"))->body == shared);
    store.remove_app("a");
    CHECK(count(store, "bodies") == 1);
    CHECK(store.usage("a") == 0);
    CHECK(store.remove("b", "GET", "https://cdn.example/logo.png") == 1);
    CHECK(count(store, "bodies") == 0);
    CHECK(store.total_usage() == 0);
    check_accounting(store);
}

TEST_CASE("replacing an entry's body drops the old body unless another entry uses it") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const auto v1 = random_bytes(1000, 1);
    const auto v2 = random_bytes(1000, 2);
    store.put("a", get_request("https://a.example/x"), response_of(v1), 1);
    store.put("a", get_request("https://a.example/x"), response_of(v2), 2);
    CHECK(count(store, "bodies") == 1);
    CHECK(store.get("a", get_request("https://a.example/x"))->body == v2);

    store.put("b", get_request("https://b.example/y"), response_of(v2), 3);
    store.put("a", get_request("https://a.example/x"), response_of(v1), 4);
    CHECK(count(store, "bodies") == 2);  // v2 is still b's
    // Storing the same bytes again keeps the one body row.
    store.put("a", get_request("https://a.example/x"), response_of(v1), 5);
    CHECK(count(store, "bodies") == 2);
    CHECK(store.get("a", get_request("https://a.example/x"))->stored_at == 5);
    check_accounting(store);
}

TEST_CASE("one app's entries are never returned for another app") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::string url = "https://shared.example/api";
    store.put("a", get_request(url), response_of(bytes("for a")), 1);
    CHECK_FALSE(store.get("b", get_request(url)));
    CHECK_FALSE(store.find("b", get_request(url)));
    CHECK_FALSE(store.get("", get_request(url)));
    store.put("b", get_request(url), response_of(bytes("for b")), 1);
    CHECK(store.get("a", get_request(url))->body == bytes("for a"));
    CHECK(store.get("b", get_request(url))->body == bytes("for b"));
    store.remove_app("b");
    CHECK(store.get("a", get_request(url))->body == bytes("for a"));
    CHECK(store.usage("b") == 0);
    CHECK(store.remove("b", "GET", url) == 0);
}

TEST_CASE("malformed headers are refused before anything is written") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    CHECK_THROWS_AS(store.put("a", get_request("https://a.example/"), response_of(bytes("x"), {{"X", "a\r\nb: c"}}), 1),
                    std::invalid_argument);
    CHECK_THROWS_AS(store.put("a", get_request("https://a.example/"), response_of(bytes("x"), {{"Bad Name", "v"}}), 1),
                    std::invalid_argument);
    CHECK(count(store, "entries") == 0);
}

TEST_CASE("an app's quota evicts its least recently used entries, and only its own") {
    TempDir dir;
    FakeClock clock;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock));
    const std::int64_t entry = 1000 + meta_bytes("https://a.example/1", {});
    CHECK(store.set_quota("a", 3 * entry) == 0);
    CHECK(store.quota("a") == 3 * entry);
    CHECK_FALSE(store.quota("b"));

    store.put("b", get_request("https://a.example/1"), response_of(random_bytes(1000, 100)), clock.now - 1000);
    for (int i = 1; i <= 3; ++i) {
        clock.now += 1000;
        const std::string url = "https://a.example/" + std::to_string(i);
        CHECK(store.put("a", get_request(url), response_of(random_bytes(1000, i)), clock.now).evicted == 0);
    }
    CHECK(store.usage("a") == 3 * entry);

    // Using /1 (long after it was stored) makes /2 the least recently used.
    clock.now += 120'000;
    REQUIRE(store.get("a", get_request("https://a.example/1")));
    clock.now += 1;
    PutResult result =
        store.put("a", get_request("https://a.example/4"), response_of(random_bytes(1000, 4)), clock.now);
    CHECK(result.outcome == PutOutcome::stored);
    CHECK(result.evicted == 1);
    CHECK(result.precached_evicted == 0);
    CHECK(store.find("a", get_request("https://a.example/1")));
    CHECK_FALSE(store.find("a", get_request("https://a.example/2")));
    CHECK(store.find("a", get_request("https://a.example/3")));
    CHECK(store.find("a", get_request("https://a.example/4")));
    CHECK(store.find("b", get_request("https://a.example/1")));  // b is not a's to evict
    CHECK(store.usage("a") == 3 * entry);

    // A lower quota evicts at once, oldest first: /3, then /1 (used at +120 s).
    CHECK(store.set_quota("a", 1 * entry) == 2);
    CHECK_FALSE(store.find("a", get_request("https://a.example/3")));
    CHECK_FALSE(store.find("a", get_request("https://a.example/1")));
    CHECK(store.find("a", get_request("https://a.example/4")));
    check_accounting(store);
}

TEST_CASE("a response larger than the quota or the budget is refused and keeps what was stored") {
    TempDir dir;
    FakeClock clock;
    Budget budget;
    budget.overall_bytes = 50'000;
    budget.default_app_quota = 20'000;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock, budget));
    CHECK(store.quota("a") == 20'000);
    store.put("a", get_request("https://a.example/big"), response_of(random_bytes(1000, 1)), 1);
    CHECK(store.put("a", get_request("https://a.example/big"), response_of(random_bytes(25'000, 2)), 2).outcome ==
          PutOutcome::too_large);
    CHECK(store.get("a", get_request("https://a.example/big"))->body == random_bytes(1000, 1));
    store.set_quota("b", std::nullopt);
    store.set_quota("b", 100'000);
    CHECK(store.put("b", get_request("https://b.example/huge"), response_of(random_bytes(60'000, 3)), 2).outcome ==
          PutOutcome::too_large);
    CHECK_THROWS_AS(store.set_quota("b", -1), std::invalid_argument);
    check_accounting(store);
}

TEST_CASE("the overall budget evicts the least recently used entries of any app, counting shared bodies once") {
    TempDir dir;
    FakeClock clock;
    Budget budget;
    budget.overall_bytes = 2500;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock, budget));
    const auto shared = random_bytes(1000, 42);
    // Three apps hold the same 1000 bytes: the file holds them once.
    for (const char* app : {"a", "b", "c"}) {
        clock.now += 10;
        CHECK(store.put(app, get_request("https://cdn.example/s"), response_of(shared), clock.now).evicted == 0);
    }
    CHECK(store.total_usage() == 1000 + 3 * meta_bytes("https://cdn.example/s", {}));
    CHECK(store.usage("a") + store.usage("b") + store.usage("c") > budget.overall_bytes);

    clock.now += 10;
    store.put("b", get_request("https://b.example/1"), response_of(random_bytes(1000, 1)), clock.now);
    clock.now += 10;
    // Over the budget now: the oldest entries go first, whatever their app;
    // the shared body goes with the last of its three entries.
    PutResult result =
        store.put("c", get_request("https://c.example/2"), response_of(random_bytes(1000, 2)), clock.now);
    CHECK(result.evicted == 3);
    CHECK(store.total_usage() <= budget.overall_bytes);
    CHECK_FALSE(store.find("a", get_request("https://cdn.example/s")));
    CHECK_FALSE(store.find("b", get_request("https://cdn.example/s")));
    CHECK_FALSE(store.find("c", get_request("https://cdn.example/s")));
    CHECK(store.find("b", get_request("https://b.example/1")));
    CHECK(store.find("c", get_request("https://c.example/2")));
    CHECK(count(store, "bodies") == 2);

    // A smaller budget evicts at once.
    budget.overall_bytes = 1100;
    CHECK(store.set_budget(budget) == 1);
    CHECK_FALSE(store.find("b", get_request("https://b.example/1")));
    CHECK(store.find("c", get_request("https://c.example/2")));
    check_accounting(store);
}

TEST_CASE("a hit writes nothing; use times reach the file with the next write, flush(), or once per interval") {
    TempDir dir;
    FakeClock clock;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock));
    const std::int64_t stored_at = clock.now;
    store.put("a", get_request("https://a.example/"), response_of(bytes("x")), stored_at);
    Database observer = Database::open(dir / "cache.db");
    auto last_used_on_disk = [&] {
        return single_int(observer, "SELECT last_used FROM entries WHERE url = 'https://a.example/'");
    };

    // Within the touch interval: nothing to remember.
    clock.now += 30'000;
    CHECK(store.get("a", get_request("https://a.example/"))->last_used == stored_at);
    // Past it: the hit reports the new time but does not write it yet.
    clock.now += 40'000;
    const std::int64_t first_use = clock.now;
    CHECK(store.get("a", get_request("https://a.example/"))->last_used == first_use);
    CHECK(last_used_on_disk() == stored_at);
    store.flush();
    CHECK(last_used_on_disk() == first_use);

    // Another use, past the interval again; a write of this process carries it.
    clock.now += 70'000;
    const std::int64_t second_use = clock.now;
    store.get("a", get_request("https://a.example/"));
    CHECK(last_used_on_disk() == first_use);
    store.put("a", get_request("https://a.example/other"), response_of(bytes("y")), clock.now);
    CHECK(last_used_on_disk() == second_use);

    // Only hits for long enough: a hit writes the times once they are an
    // interval old, if it can do so without waiting.
    clock.now += 70'000;
    const std::int64_t third_use = clock.now;
    store.get("a", get_request("https://a.example/"));
    CHECK(last_used_on_disk() == second_use);
    clock.now += 70'000;
    store.get("a", get_request("https://a.example/other"));
    CHECK(last_used_on_disk() == third_use);
}

TEST_CASE("use times kept in memory reach the file when the store is closed") {
    TempDir dir;
    FakeClock clock;
    {
        OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock));
        store.put("a", get_request("https://a.example/"), response_of(bytes("x")), clock.now);
        clock.now += 100'000;
        store.get("a", get_request("https://a.example/"));
    }
    Database observer = Database::open(dir / "cache.db");
    CHECK(single_int(observer, "SELECT last_used FROM entries") == clock.now);
}

TEST_CASE("precache: progress, offline-ready, and precached entries evicted last") {
    TempDir dir;
    FakeClock clock;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock));
    CHECK(store.precache_progress("a").total == 0);
    CHECK_FALSE(store.offline_ready("a"));  // nothing declared is not ready

    const std::vector<std::string> list{"https://a.example/", "https://a.example/app.js", "https://a.example/icon.png",
                                        "https://a.example/app.js"};
    store.put("a", get_request("https://a.example/app.js"), response_of(bytes("js")), 1);  // before the list
    store.set_precache_list("a", list);
    PrecacheProgress progress = store.precache_progress("a");
    CHECK(progress.total == 3);  // the repeated URL counts once
    CHECK(progress.stored == 1);
    CHECK(store.missing_precache("a") == std::vector<std::string>{"https://a.example/", "https://a.example/icon.png"});

    // Another app's copy, or a POST, does not count.
    store.put("b", get_request("https://a.example/"), response_of(bytes("b's")), 1);
    store.put("a", CacheRequest{"POST", "https://a.example/", {}}, response_of(bytes("post")), 1);
    CHECK(store.precache_progress("a").stored == 1);
    // Any variant counts.
    store.put("a", get_request("https://a.example/", {{"Accept-Language", "en"}}),
              response_of(bytes("<html>"), {{"Vary", "Accept-Language"}}), 1);
    store.put("a", get_request("https://a.example/icon.png"), response_of(bytes("png")), 1);
    CHECK(store.precache_progress("a").stored == 3);
    CHECK(store.offline_ready("a"));
    CHECK(store.missing_precache("a").empty());
    CHECK_FALSE(store.offline_ready("b"));

    CHECK(store.remove("a", "GET", "https://a.example/icon.png") == 1);
    CHECK_FALSE(store.offline_ready("a"));
    store.set_precache_list("a", std::vector<std::string>{"https://a.example/"});
    CHECK(store.offline_ready("a"));

    // Eviction takes every other entry first, however old the precached one.
    const std::int64_t entry = 1000 + meta_bytes("https://a.example/x1", {});
    store.remove_app("a");
    store.set_precache_list("a", std::vector<std::string>{"https://a.example/p1", "https://a.example/p2"});
    store.set_quota("a", 3 * entry);
    clock.now = 10;
    store.put("a", get_request("https://a.example/p1"), response_of(random_bytes(1000, 1)), clock.now++);
    store.put("a", get_request("https://a.example/x1"), response_of(random_bytes(1000, 2)), clock.now++);
    store.put("a", get_request("https://a.example/p2"), response_of(random_bytes(1000, 3)), clock.now++);
    PutResult result =
        store.put("a", get_request("https://a.example/x2"), response_of(random_bytes(1000, 4)), clock.now++);
    CHECK(result.evicted == 1);
    CHECK(result.precached_evicted == 0);
    CHECK_FALSE(store.find("a", get_request("https://a.example/x1")));
    CHECK(store.offline_ready("a"));
    // When only precached entries are left to evict, the oldest of them goes,
    // and the result says so.
    result = store.put("a", get_request("https://a.example/x3"), response_of(random_bytes(1000, 5)), clock.now++);
    CHECK(result.evicted == 1);
    CHECK_FALSE(store.find("a", get_request("https://a.example/x2")));
    CHECK(store.set_quota("a", 2 * entry) == 1);  // x3
    CHECK(store.offline_ready("a"));
    result = store.put("a", get_request("https://a.example/x4"), response_of(random_bytes(1000, 6)), clock.now++);
    CHECK(result.evicted == 1);
    CHECK(result.precached_evicted == 1);
    CHECK_FALSE(store.find("a", get_request("https://a.example/p1")));
    CHECK(store.find("a", get_request("https://a.example/p2")));
    CHECK(store.precache_progress("a").stored == 1);
    check_accounting(store);
}

TEST_CASE("freshen applies a 304's fields and time, keeps the body and the accounting right") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    const std::string url = "https://a.example/style.css";
    const auto body = random_bytes(2000, 5);
    store.put("a", get_request(url),
              response_of(body, {{"Cache-Control", "max-age=60"}, {"ETag", "\"e1\""}, {"Content-Length", "2000"}}),
              100);
    CHECK(store.freshen("a", get_request(url),
                        {{"Cache-Control", "max-age=3600, stale-while-revalidate=60"}, {"Content-Length", "0"}}, 200));
    auto hit = store.get("a", get_request(url));
    REQUIRE(hit);
    CHECK(hit->stored_at == 200);
    CHECK(hit->body == body);
    CHECK(header_value(hit->headers, "Cache-Control") == "max-age=3600, stale-while-revalidate=60");
    CHECK(header_value(hit->headers, "Content-Length") == "2000");
    CHECK(hit->etag() == "\"e1\"");
    CHECK_FALSE(store.freshen("a", get_request("https://a.example/none"), {}, 300));
    CHECK_FALSE(store.freshen("b", get_request(url), {}, 300));
    check_accounting(store);
}

TEST_CASE("a hit does not wait for another connection's write lock to record its use") {
    TempDir dir;
    FakeClock clock;
    OfflineStore store = OfflineStore::open(dir / "cache.db", options_with(clock));
    store.put("a", get_request("https://a.example/1"), response_of(bytes("1")), clock.now);
    store.put("a", get_request("https://a.example/2"), response_of(bytes("2")), clock.now);
    clock.now += 100'000;
    store.get("a", get_request("https://a.example/1"));  // a use kept in memory
    clock.now += 100'000;                                // ... and now due to be written

    Database writer = Database::open(dir / "cache.db");
    writer.exec("BEGIN IMMEDIATE");
    const auto start = std::chrono::steady_clock::now();
    CHECK(store.get("a", get_request("https://a.example/2")));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));  // the busy timeout is 5 s
    writer.exec("COMMIT");
    CHECK(single_int(writer, "SELECT last_used FROM entries WHERE url = 'https://a.example/1'") == clock.now - 200'000);

    store.flush();  // the kept uses were not lost
    CHECK(single_int(writer, "SELECT last_used FROM entries WHERE url = 'https://a.example/1'") == clock.now - 100'000);
    CHECK(single_int(writer, "SELECT last_used FROM entries WHERE url = 'https://a.example/2'") == clock.now);
}
