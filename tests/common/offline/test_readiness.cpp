// Offline readiness in the store: the URLs an app's runs were seen to need,
// beside its precache list, weighed against what is stored; the bound on
// them; and a store from before they were kept (schema v1), or a damaged
// one, still opens.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/needed_urls.hpp"
#include "store_helpers.hpp"

using namespace cirrus::offline;
using namespace cirrus::offline::testing;
using cirrus::launcher::Database;

namespace {

const std::string kReadyOrigin = "http://127.0.0.1:8080";

void store_svg(OfflineStore& store, const std::string& app, const std::string& url) {
    store.put(app, get_request(url), {200, {{"Content-Type", "image/svg+xml"}}, bytes("<svg/>")}, 1);
}

}  // namespace

TEST_CASE("readiness: never ready before an online run; then ready only when every needed URL is stored") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    CHECK_FALSE(store.readiness("a").ready());
    CHECK(store.readiness("a").total == 0);

    // Install: the page and what it loads statically, all stored.
    const std::vector<std::string> list{kReadyOrigin + "/", kReadyOrigin + "/app.js"};
    store.set_precache_list("a", list);
    for (const auto& url : list) store_svg(store, "a", url);
    Readiness r = store.readiness("a");
    CHECK(r.stored == 2);
    CHECK(r.total == 2);
    CHECK_FALSE(r.learned());
    CHECK_FALSE(r.ready());  // what its scripts load is not known yet

    // A run: the page (from the network) and two images its script added.
    store.note_online_run("a", 10);
    CHECK(store.note_needed("a", kReadyOrigin + "/", 11) == NoteOutcome::recorded);  // on the list too: counted once
    CHECK(store.note_needed("a", kReadyOrigin + "/img/1.svg", 12) == NoteOutcome::recorded);
    CHECK(store.note_needed("a", kReadyOrigin + "/img/2.svg", 13) == NoteOutcome::recorded);
    CHECK(store.note_needed("a", kReadyOrigin + "/img/1.svg", 14) == NoteOutcome::known);
    r = store.readiness("a");
    CHECK(r.learned());
    CHECK(r.online_runs == 1);
    CHECK(r.last_online_run == 10);
    CHECK(r.total == 4);
    CHECK(r.stored == 2);
    CHECK_FALSE(r.ready());
    CHECK(r.missing ==
          std::vector<std::string>{kReadyOrigin + "/img/1.svg", kReadyOrigin + "/img/2.svg"});  // first seen first
    CHECK(r.missing_count() == 2);

    store_svg(store, "a", kReadyOrigin + "/img/2.svg");
    store_svg(store, "b", kReadyOrigin + "/img/1.svg");  // another app's copy does not count
    r = store.readiness("a");
    CHECK(r.missing == std::vector<std::string>{kReadyOrigin + "/img/1.svg"});
    store_svg(store, "a", kReadyOrigin + "/img/1.svg");
    CHECK(store.readiness("a").ready());
    CHECK(store.readiness("a").stored == 4);
    CHECK_FALSE(store.readiness("b").ready());  // b had no list, no run

    // Evicted or removed later: not ready again, and named.
    CHECK(store.remove("a", "GET", kReadyOrigin + "/img/2.svg") == 1);
    CHECK(store.readiness("a").missing == std::vector<std::string>{kReadyOrigin + "/img/2.svg"});
    // The origin dropped it (404): forgotten, ready again.
    CHECK(store.forget_needed("a", kReadyOrigin + "/img/2.svg"));
    CHECK_FALSE(store.forget_needed("a", kReadyOrigin + "/img/2.svg"));
    CHECK(store.readiness("a").ready());

    // A second run counts; remove_app forgets everything.
    store.note_online_run("a", 20);
    CHECK(store.readiness("a").online_runs == 2);
    store.remove_app("a");
    r = store.readiness("a");
    CHECK(r.total == 0);
    CHECK(r.online_runs == 0);
    CHECK(single_int(store.database(), "SELECT count(*) FROM needed") == 0);
}

TEST_CASE("readiness: missing precache URLs come first, the list is capped and what it turns away is counted") {
    TempDir dir;
    OfflineStore store = OfflineStore::open(dir / "cache.db");
    store.set_precache_list("a", std::vector<std::string>{kReadyOrigin + "/", kReadyOrigin + "/style.css"});
    store.note_online_run("a", 1);
    for (std::size_t i = 0; i < kMaxNeededUrls; ++i)
        REQUIRE(store.note_needed("a", kReadyOrigin + "/img/" + std::to_string(i) + ".svg",
                                  static_cast<std::int64_t>(100 + i)) == NoteOutcome::recorded);
    CHECK(store.note_needed("a", kReadyOrigin + "/one-too-many.svg", 9999) == NoteOutcome::list_full);
    CHECK(store.note_needed("a", kReadyOrigin + "/img/7.svg", 9999) ==
          NoteOutcome::known);  // known ones are not refused
    CHECK(store.note_needed("b", kReadyOrigin + "/img/1.svg", 1) == NoteOutcome::recorded);  // the cap is per app

    const Readiness r = store.readiness("a", 3);
    CHECK(r.total == static_cast<std::int64_t>(kMaxNeededUrls) + 2);
    CHECK(r.stored == 0);
    CHECK(r.refused == 1);
    CHECK(r.missing ==
          std::vector<std::string>{kReadyOrigin + "/", kReadyOrigin + "/style.css", kReadyOrigin + "/img/0.svg"});
    CHECK(r.missing_count() == static_cast<std::int64_t>(kMaxNeededUrls) + 2);
}

TEST_CASE("readiness: a store from before it was kept (schema v1) opens, keeps its entries and learns from then on") {
    TempDir dir;
    const auto path = dir / "cache.db";
    {
        OfflineStore store = OfflineStore::open(path);
        store.set_precache_list("a", std::vector<std::string>{kReadyOrigin + "/"});
        store_svg(store, "a", kReadyOrigin + "/");
    }
    {  // Back to exactly v1: v2 only added these two tables.
        Database database = Database::open(path);
        database.exec("DROP TABLE needed; DROP TABLE learning; PRAGMA user_version = 1");
    }
    OfflineStore store = OfflineStore::open(path);
    CHECK(store.recoveries().empty());
    CHECK(single_int(store.database(), "PRAGMA user_version") == 2);
    CHECK(store.precache_progress("a").complete());  // what v1 held is all there
    Readiness r = store.readiness("a");
    CHECK(r.stored == 1);
    CHECK_FALSE(r.learned());
    store.note_online_run("a", 5);
    CHECK(store.note_needed("a", kReadyOrigin + "/img/1.svg", 6) == NoteOutcome::recorded);
    CHECK(store.readiness("a").missing == std::vector<std::string>{kReadyOrigin + "/img/1.svg"});
}

TEST_CASE("readiness: a damaged page in the needed list is found at open and the store made afresh") {
    TempDir dir;
    const auto path = dir / "cache.db";
    {
        OfflineStore store = OfflineStore::open(path);
        for (int i = 0; i < 400; ++i)
            store.note_needed("a", kReadyOrigin + "/img/" + std::string(60, 'x') + std::to_string(i) + ".svg", i);
    }
    const std::vector<std::int64_t> pages = leaf_pages(path, "needed");
    REQUIRE(pages.size() > 2);
    std::int64_t page_size = 0;
    {
        Database database = Database::open(path);
        page_size = single_int(database, "PRAGMA page_size");
    }
    damage_page(path, pages[pages.size() / 2], page_size);

    OfflineStore store = OfflineStore::open(path);
    REQUIRE(store.recoveries().size() == 1);
    CHECK(store.readiness("a").total == 0);
    CHECK(store.note_needed("a", kReadyOrigin + "/img/1.svg", 1) == NoteOutcome::recorded);
    CHECK(store.readiness("a").total == 1);
}
