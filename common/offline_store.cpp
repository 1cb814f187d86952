#include "offline_store.hpp"

#include <sqlite3.h>

#include <array>
#include <chrono>
#include <unordered_map>
#include <utility>

#include "content_hash.hpp"
#include "needed_urls.hpp"
#include "store_damage.hpp"
#include "vary.hpp"

namespace cirrus::offline {
namespace {

using launcher::Database;
using launcher::Statement;
using launcher::Transaction;

// v1. Append new versions; never edit a shipped one.
//
// Space is kept in counters by triggers, so that checking a quota after a
// put costs two row reads, and no code path that deletes an entry can forget
// to account for it or to delete a body nothing uses any more.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE bodies (
    id   INTEGER PRIMARY KEY,
    hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),
    size INTEGER NOT NULL CHECK (size >= 0),
    data BLOB NOT NULL
);
CREATE TABLE entries (
    id         INTEGER PRIMARY KEY,
    app_id     TEXT NOT NULL,
    method     TEXT NOT NULL,
    url        TEXT NOT NULL,
    vary_names TEXT NOT NULL,  -- VaryRule::names_text(); '' when the response does not vary
    vary_key   TEXT NOT NULL,  -- VaryRule::request_key() of the request it answered
    status     INTEGER NOT NULL,
    headers    TEXT NOT NULL,  -- serialize_headers()
    body_id    INTEGER NOT NULL REFERENCES bodies (id),
    body_bytes INTEGER NOT NULL,
    meta_bytes INTEGER NOT NULL,  -- URL, headers and Vary text
    stored_at  INTEGER NOT NULL,
    last_used  INTEGER NOT NULL,
    pinned     INTEGER NOT NULL,  -- 1: a GET on the app's precache list, evicted last
    UNIQUE (app_id, method, url, vary_names, vary_key)
);
CREATE INDEX entries_by_body ON entries (body_id);
CREATE INDEX entries_lru ON entries (pinned, last_used);
CREATE INDEX entries_app_lru ON entries (app_id, pinned, last_used);
CREATE TABLE apps (
    app_id     TEXT PRIMARY KEY NOT NULL,
    used_bytes INTEGER NOT NULL DEFAULT 0,
    quota      INTEGER CHECK (quota >= 0)  -- NULL: the store's default quota
) WITHOUT ROWID;
CREATE TABLE totals (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    bytes INTEGER NOT NULL
);
INSERT INTO totals (id, bytes) VALUES (1, 0);
CREATE TABLE precache (
    app_id   TEXT NOT NULL,
    url      TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (app_id, url)
) WITHOUT ROWID;

CREATE TRIGGER body_added AFTER INSERT ON bodies BEGIN
    UPDATE totals SET bytes = bytes + NEW.size;
END;
CREATE TRIGGER body_removed AFTER DELETE ON bodies BEGIN
    UPDATE totals SET bytes = bytes - OLD.size;
END;
CREATE TRIGGER entry_added AFTER INSERT ON entries BEGIN
    INSERT INTO apps (app_id, used_bytes) VALUES (NEW.app_id, NEW.body_bytes + NEW.meta_bytes)
        ON CONFLICT (app_id) DO UPDATE SET used_bytes = used_bytes + excluded.used_bytes;
    UPDATE totals SET bytes = bytes + NEW.meta_bytes;
END;
CREATE TRIGGER entry_replaced AFTER UPDATE OF body_id, body_bytes, meta_bytes ON entries BEGIN
    UPDATE apps SET used_bytes = used_bytes - OLD.body_bytes - OLD.meta_bytes + NEW.body_bytes + NEW.meta_bytes
        WHERE app_id = NEW.app_id;
    UPDATE totals SET bytes = bytes - OLD.meta_bytes + NEW.meta_bytes;
    DELETE FROM bodies WHERE id = OLD.body_id AND OLD.body_id != NEW.body_id
        AND NOT EXISTS (SELECT 1 FROM entries WHERE body_id = OLD.body_id);
END;
CREATE TRIGGER entry_removed AFTER DELETE ON entries BEGIN
    UPDATE apps SET used_bytes = used_bytes - OLD.body_bytes - OLD.meta_bytes WHERE app_id = OLD.app_id;
    UPDATE totals SET bytes = bytes - OLD.meta_bytes;
    DELETE FROM bodies WHERE id = OLD.body_id
        AND NOT EXISTS (SELECT 1 FROM entries WHERE body_id = OLD.body_id);
END;
)sql";

// v2: what each app has been seen to need at run time (needed_urls.hpp),
// beside its precache list, and whether it has had an online run to learn
// from. Tables of their own: a v1 file gains them empty, and nothing in v1
// changes meaning.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE needed (
    app_id     TEXT NOT NULL,
    url        TEXT NOT NULL,
    first_seen INTEGER NOT NULL,  -- Unix ms; `cirrus info` lists missing URLs in this order
    PRIMARY KEY (app_id, url)
) WITHOUT ROWID;
CREATE TABLE learning (
    app_id          TEXT PRIMARY KEY NOT NULL,
    online_runs     INTEGER NOT NULL DEFAULT 0,
    last_online_run INTEGER NOT NULL DEFAULT 0,  -- Unix ms
    refused         INTEGER NOT NULL DEFAULT 0   -- URLs not recorded: the list was full
) WITHOUT ROWID;
)sql";

constexpr std::array<launcher::Migration, 2> kMigrations{{
    {1, kSchemaV1},
    {2, kSchemaV2},
}};

// Resets a cached statement when the scope ends, however it ends: a
// statement left mid-result keeps its read transaction open, which would
// pin an old snapshot and hold back WAL checkpoints.
class ResetOnExit {
public:
    explicit ResetOnExit(Statement& statement) : statement_(statement) {}
    ~ResetOnExit() { statement_.reset(); }
    ResetOnExit(const ResetOnExit&) = delete;
    ResetOnExit& operator=(const ResetOnExit&) = delete;

private:
    Statement& statement_;
};

std::int64_t system_clock_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::span<const std::uint8_t> bytes_of(const ContentHash& hash) { return {hash.data(), hash.size()}; }

// The wrapper's busy timeout, restored after a write that must not wait.
const int kBusyTimeoutMs = static_cast<int>(launcher::OpenOptions{}.busy_timeout.count());

// One stored variant of a method + URL, as the lookup reads it.
struct Variant {
    std::int64_t id = 0;
    std::string vary_names;
    std::string vary_key;
};

bool request_matches(const Variant& variant, const Headers& request_headers) {
    if (variant.vary_names.empty()) return variant.vary_key.empty();
    return VaryRule::from_names_text(variant.vary_names).request_key(request_headers) == variant.vary_key;
}

constexpr const char* kResponseColumns =
    "e.id, e.vary_names, e.vary_key, e.status, e.headers, e.body_bytes, e.stored_at, e.last_used";

}  // namespace

// Named, not anonymous: a member of OfflineStore::Impl (GCC's subobject-linkage
// rule, which a unity build's included .cpp files trip).
namespace offline_store_parts {

// The statements a hit or a put runs, prepared once per connection.
struct HotStatements {
    explicit HotStatements(const Database& database)
        : variants(database.prepare(
              "SELECT id, vary_names, vary_key FROM entries WHERE app_id = ?1 AND method = ?2 AND url = ?3")),
          // One statement per hit, body included: each statement is a read
          // transaction of its own, which in WAL mode costs a lock and an
          // unlock of a read mark in the -shm. With several variants the
          // bodies of those before the match are read for nothing, but a URL
          // rarely has more than one.
          hit(database.prepare(std::string("SELECT ") + kResponseColumns +
                               ", b.data FROM entries e "
                               "JOIN bodies b ON b.id = e.body_id "
                               "WHERE e.app_id = ?1 AND e.method = ?2 AND e.url = ?3")),
          lookup(database.prepare(std::string("SELECT ") + kResponseColumns +
                                  " FROM entries e "
                                  "WHERE e.app_id = ?1 AND e.method = ?2 AND e.url = ?3")),
          body_by_hash(database.prepare("SELECT id FROM bodies WHERE hash = ?1 AND size = ?2")),
          insert_body(database.prepare("INSERT INTO bodies (hash, size, data) VALUES (?1, ?2, ?3)")),
          upsert_entry(database.prepare(
              "INSERT INTO entries (app_id, method, url, vary_names, vary_key, status, headers, body_id, "
              "  body_bytes, meta_bytes, stored_at, last_used, pinned) "
              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, "
              "  ?2 = 'GET' AND EXISTS (SELECT 1 FROM precache WHERE app_id = ?1 AND url = ?3)) "
              "ON CONFLICT (app_id, method, url, vary_names, vary_key) DO UPDATE SET "
              "  status = excluded.status, headers = excluded.headers, body_id = excluded.body_id, "
              "  body_bytes = excluded.body_bytes, meta_bytes = excluded.meta_bytes, "
              "  stored_at = excluded.stored_at, last_used = excluded.last_used, pinned = excluded.pinned "
              "RETURNING id")),
          delete_entry(database.prepare("DELETE FROM entries WHERE id = ?1 RETURNING pinned")),
          touch(database.prepare("UPDATE entries SET last_used = ?2 WHERE id = ?1 AND last_used < ?2")),
          app_space(database.prepare("SELECT used_bytes, quota FROM apps WHERE app_id = ?1")),
          total(database.prepare("SELECT bytes FROM totals")),
          app_lru(database.prepare("SELECT id FROM entries WHERE app_id = ?1 AND id != ?2 "
                                   "ORDER BY pinned, last_used, id LIMIT 1")),
          overall_lru(database.prepare("SELECT id FROM entries WHERE id != ?1 "
                                       "ORDER BY pinned, last_used, id LIMIT 1")) {}

    Statement variants;
    Statement hit;
    Statement lookup;
    Statement body_by_hash;
    Statement insert_body;
    Statement upsert_entry;
    Statement delete_entry;
    Statement touch;
    Statement app_space;
    Statement total;
    Statement app_lru;
    Statement overall_lru;
};

}  // namespace offline_store_parts

struct OfflineStore::Impl {
    Impl(const std::filesystem::path& path, const Options& store_options)
        : options(store_options), file(path, spec(path, options)) {
        file.on_replace([this] {
            hot.reset();
            pending_uses.clear();
        });
    }

    static DatabaseSpec spec(const std::filesystem::path& path, const Options& options) {
        DatabaseSpec spec;
        // The fresh store holds nothing: without a note the loss of every
        // hosted app's offline copy would go unseen (store_damage.hpp).
        spec.on_set_aside = [path](const Recovery& recovery) {
            StoreDamage damage;
            damage.moved_to = recovery.moved_to;
            damage.problem = recovery.problem;
            damage.at = system_clock_ms();
            write_store_damage(path, damage);
        };
        spec.migrations = kMigrations;
        // Checked at every open: everything but the bodies, which are most of
        // the file (about 0.35 ms per MiB to check here, far more on a phone).
        // Damage among the bodies shows when a hit reads it, and is
        // recovered from then.
        spec.check_tables = {"entries", "apps", "totals", "precache", "needed", "learning"};
        // A cache may be thrown away: a file from a newer Cirrus is set aside.
        spec.set_aside_newer_schema = true;
        const std::int64_t mmap_bytes = options.mmap_bytes;
        spec.configure = [mmap_bytes](Database& database) {
            // NORMAL (the wrapper's): a crash may lose the last commits, never
            // the file's consistency; losing a cached response costs a fetch.
            // Debian builds SQLite with SECURE_DELETE, which would overwrite
            // every evicted body with zeros: FAST zeroes only what costs no
            // extra write (a cache holds nothing the app's own site does not).
            database.exec("PRAGMA secure_delete = FAST");
            database.exec("PRAGMA mmap_size = " + std::to_string(mmap_bytes));
        };
        return spec;
    }

    std::int64_t now() const { return options.clock ? options.clock() : system_clock_ms(); }

    Database& database() { return file.database(); }

    offline_store_parts::HotStatements& sql() {
        if (!hot) hot.emplace(database());
        return *hot;
    }

    // Every stored variant of method + URL (usually one).
    std::vector<Variant> variants(std::string_view app_id, const CacheRequest& request) {
        Statement& query = sql().variants;
        ResetOnExit reset(query);
        query.bind(1, app_id).bind(2, request.method).bind(3, request.url);
        std::vector<Variant> found;
        while (query.step()) found.push_back({query.column_int64(0), query.column_text(1), query.column_text(2)});
        return found;
    }

    // The variant this request matches, if any.
    std::optional<Variant> match(std::string_view app_id, const CacheRequest& request) {
        for (Variant& variant : variants(app_id, request)) {
            if (request_matches(variant, request.headers)) return std::move(variant);
        }
        return std::nullopt;
    }

    std::optional<CachedResponse> read(std::string_view app_id, const CacheRequest& request, bool with_body) {
        Statement& query = with_body ? sql().hit : sql().lookup;
        ResetOnExit reset(query);
        query.bind(1, app_id).bind(2, request.method).bind(3, request.url);
        while (query.step()) {
            Variant variant{query.column_int64(0), query.column_text(1), query.column_text(2)};
            if (!request_matches(variant, request.headers)) continue;
            CachedResponse response;
            response.status = static_cast<int>(query.column_int64(3));
            response.headers = parse_headers(query.column_text(4));
            response.body_bytes = query.column_int64(5);
            response.stored_at = query.column_int64(6);
            response.last_used = query.column_int64(7);
            if (auto pending = pending_uses.find(variant.id); pending != pending_uses.end())
                response.last_used = std::max(response.last_used, pending->second);
            if (with_body) {
                response.body = query.column_blob(8);
                note_use(variant.id, response);
            }
            return response;
        }
        return std::nullopt;
    }

    // Keeps the new use time in memory (see the header) when the stored one
    // is older than the touch interval.
    void note_use(std::int64_t entry_id, CachedResponse& response) {
        const std::int64_t time = now();
        if (time - response.last_used < options.touch_interval_ms) return;
        if (pending_uses.empty()) oldest_pending_use = time;
        pending_uses[entry_id] = time;
        response.last_used = time;
    }

    // Inside a write transaction.
    void write_pending_uses() {
        Statement& touch = sql().touch;
        for (const auto& [entry_id, time] : pending_uses) {
            ResetOnExit reset(touch);
            touch.bind(1, entry_id).bind(2, time).run();
        }
        pending_uses.clear();
    }

    // At most once per touch interval a hit writes the use times, but only
    // if it can take the write lock at once: a hit never waits for a put.
    void write_pending_uses_if_due() {
        if (pending_uses.empty() || now() - oldest_pending_use < options.touch_interval_ms) return;
        sqlite3_busy_timeout(database().handle(), 0);
        try {
            Transaction transaction(database());
            write_pending_uses();
            transaction.commit();
        } catch (const launcher::SqliteError& error) {
            sqlite3_busy_timeout(database().handle(), kBusyTimeoutMs);
            if (error.code() != SQLITE_BUSY && error.code() != SQLITE_LOCKED) throw;
            return;  // kept for the next chance
        }
        sqlite3_busy_timeout(database().handle(), kBusyTimeoutMs);
    }

    struct AppSpace {
        std::int64_t used = 0;
        std::optional<std::int64_t> quota;
    };
    AppSpace app_space(std::string_view app_id) {
        Statement& query = sql().app_space;
        ResetOnExit reset(query);
        query.bind(1, app_id);
        AppSpace space{0, options.budget.default_app_quota};
        if (query.step()) {
            space.used = query.column_int64(0);
            if (auto quota = query.column_optional_int64(1)) space.quota = quota;
        }
        return space;
    }

    std::int64_t total_bytes() {
        Statement& query = sql().total;
        ResetOnExit reset(query);
        return query.step() ? query.column_int64(0) : 0;
    }

    std::optional<std::int64_t> least_recently_used(Statement& query) {
        ResetOnExit reset(query);
        if (!query.step()) return std::nullopt;
        return query.column_int64(0);
    }

    void evict(std::int64_t entry_id, PutResult& counts) {
        Statement& erase = sql().delete_entry;
        ResetOnExit reset(erase);
        erase.bind(1, entry_id);
        if (erase.step()) {
            ++counts.evicted;
            if (erase.column_int64(0) != 0) ++counts.precached_evicted;
        }
    }

    // Inside a write transaction: evicts least recently used entries until
    // the app's quota (if `app_id` is given) and the overall budget hold,
    // never the entry `keep` (the one just stored).
    void evict_until_within(std::optional<std::string_view> app_id, std::int64_t keep, PutResult& counts) {
        if (app_id) {
            for (AppSpace space = app_space(*app_id); space.quota && space.used > *space.quota;
                 space = app_space(*app_id)) {
                Statement& query = sql().app_lru;
                query.bind(1, *app_id).bind(2, keep);
                auto victim = least_recently_used(query);
                if (!victim) break;
                evict(*victim, counts);
            }
        }
        while (total_bytes() > options.budget.overall_bytes) {
            Statement& query = sql().overall_lru;
            query.bind(1, keep);
            auto victim = least_recently_used(query);
            if (!victim) break;
            evict(*victim, counts);
        }
    }

    // Every app's quota and the overall budget, as after set_budget().
    void evict_all_apps_until_within(PutResult& counts) {
        std::vector<std::string> apps;
        {
            Statement query = database().prepare("SELECT app_id FROM apps");
            while (query.step()) apps.push_back(query.column_text(0));
        }
        for (const std::string& app_id : apps) evict_until_within(app_id, 0, counts);
        evict_until_within(std::nullopt, 0, counts);
    }

    std::int64_t find_or_insert_body(const ContentHash& hash, std::span<const std::uint8_t> body) {
        {
            Statement& query = sql().body_by_hash;
            ResetOnExit reset(query);
            query.bind_blob(1, bytes_of(hash)).bind(2, static_cast<std::int64_t>(body.size()));
            if (query.step()) return query.column_int64(0);
        }
        Statement& insert = sql().insert_body;
        ResetOnExit reset(insert);
        insert.bind_blob(1, bytes_of(hash)).bind(2, static_cast<std::int64_t>(body.size())).bind_blob(3, body);
        insert.run();
        return database().last_insert_rowid();
    }

    Options options;
    RecoverableDatabase file;
    std::optional<offline_store_parts::HotStatements> hot;        // declared after `file`: finalised before it closes
    std::unordered_map<std::int64_t, std::int64_t> pending_uses;  // entry id -> last use (ms)
    std::int64_t oldest_pending_use = 0;
};

// --- OfflineStore -------------------------------------------------------------

OfflineStore::OfflineStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OfflineStore::OfflineStore(OfflineStore&&) noexcept = default;
OfflineStore& OfflineStore::operator=(OfflineStore&& other) noexcept {
    if (this != &other) {
        if (impl_) {
            try {
                flush();
            } catch (...) {}
        }
        impl_ = std::move(other.impl_);
    }
    return *this;
}

OfflineStore::~OfflineStore() {
    if (!impl_) return;
    try {
        flush();
    } catch (...) {
        // Use times are a hint; never throw from a destructor.
    }
}

OfflineStore OfflineStore::open(const std::filesystem::path& path) { return open(path, Options{}); }

OfflineStore OfflineStore::open(const std::filesystem::path& path, const Options& options) {
    return OfflineStore(std::make_unique<Impl>(path, options));
}

PutResult OfflineStore::put(std::string_view app_id, const CacheRequest& request, const CacheResponse& response,
                            std::int64_t stored_at) {
    const VaryRule vary = VaryRule::from_response(response.headers);
    if (vary.any) return {PutOutcome::vary_star};
    // Everything that costs CPU but no lock, before taking the write lock.
    const std::string headers = serialize_headers(response.headers);
    serialize_headers(request.headers);  // validates them
    const std::string vary_names = vary.names_text();
    const std::string vary_key = vary.request_key(request.headers);
    const ContentHash hash = sha256(response.body);
    const auto body_bytes = static_cast<std::int64_t>(response.body.size());
    const auto meta_bytes =
        static_cast<std::int64_t>(request.url.size() + headers.size() + vary_names.size() + vary_key.size());

    return impl_->file.run_write([&] {
        Impl& store = *impl_;
        PutResult result;
        Transaction transaction(store.database());
        const Impl::AppSpace space = store.app_space(app_id);
        if (body_bytes + meta_bytes > store.options.budget.overall_bytes ||
            (space.quota && body_bytes + meta_bytes > *space.quota))
            return PutResult{PutOutcome::too_large};
        // Use times first, so that eviction sees them.
        store.write_pending_uses();

        const std::int64_t body_id = store.find_or_insert_body(hash, response.body);
        // Older variants this request would have been served are superseded
        // (their Vary may differ from the new response's).
        {
            Statement& erase = store.sql().delete_entry;
            for (const Variant& variant : store.variants(app_id, request)) {
                const bool same_key = variant.vary_names == vary_names && variant.vary_key == vary_key;
                if (same_key || !request_matches(variant, request.headers))
                    continue;  // the same key is replaced in place below
                ResetOnExit reset(erase);
                erase.bind(1, variant.id).run();
            }
        }
        std::int64_t entry_id = 0;
        {
            Statement& upsert = store.sql().upsert_entry;
            ResetOnExit reset(upsert);
            upsert.bind(1, app_id)
                .bind(2, request.method)
                .bind(3, request.url)
                .bind(4, vary_names)
                .bind(5, vary_key)
                .bind(6, response.status)
                .bind(7, headers)
                .bind(8, body_id)
                .bind(9, body_bytes)
                .bind(10, meta_bytes)
                .bind(11, stored_at);
            if (!upsert.step()) throw StoreError("storing a response returned no entry id");
            entry_id = upsert.column_int64(0);
        }
        store.pending_uses.erase(entry_id);
        store.evict_until_within(app_id, entry_id, result);
        transaction.commit();
        return result;
    });
}

std::optional<CachedResponse> OfflineStore::get(std::string_view app_id, const CacheRequest& request) {
    return impl_->file.run([&] {
        std::optional<CachedResponse> response = impl_->read(app_id, request, true);
        if (response) impl_->write_pending_uses_if_due();
        return response;
    });
}

std::optional<CachedResponse> OfflineStore::find(std::string_view app_id, const CacheRequest& request) const {
    return impl_->file.run([&] { return impl_->read(app_id, request, false); });
}

bool OfflineStore::freshen(std::string_view app_id, const CacheRequest& request, const Headers& not_modified_headers,
                           std::int64_t validated_at) {
    return impl_->file.run_write([&] {
        Impl& store = *impl_;
        Transaction transaction(store.database());
        std::optional<Variant> variant = store.match(app_id, request);
        if (!variant) return false;
        Statement read = store.database().prepare("SELECT headers FROM entries WHERE id = ?1");
        read.bind(1, variant->id);
        if (!read.step()) return false;
        Headers headers = parse_headers(read.column_text(0));
        const std::int64_t old_headers_bytes = static_cast<std::int64_t>(read.column_text(0).size());
        for (const Header& update : not_modified_headers) {
            if (same_header_name(update.name, "Content-Length")) continue;
            std::erase_if(headers, [&](const Header& stored) { return same_header_name(stored.name, update.name); });
        }
        for (const Header& update : not_modified_headers) {
            if (!same_header_name(update.name, "Content-Length")) headers.push_back(update);
        }
        const std::string text = serialize_headers(headers);
        Statement write = store.database().prepare(
            "UPDATE entries SET headers = ?2, stored_at = ?3, last_used = max(last_used, ?3), "
            "meta_bytes = meta_bytes + ?4 WHERE id = ?1");
        write.bind(1, variant->id)
            .bind(2, text)
            .bind(3, validated_at)
            .bind(4, static_cast<std::int64_t>(text.size()) - old_headers_bytes)
            .run();
        transaction.commit();
        return true;
    });
}

int OfflineStore::remove(std::string_view app_id, std::string_view method, std::string_view url) {
    return impl_->file.run_write([&] {
        Statement erase =
            impl_->database().prepare("DELETE FROM entries WHERE app_id = ?1 AND method = ?2 AND url = ?3");
        erase.bind(1, app_id).bind(2, method).bind(3, url).run();
        return impl_->database().changes();
    });
}

void OfflineStore::remove_app(std::string_view app_id) {
    impl_->file.run_write([&] {
        Database& database = impl_->database();
        Transaction transaction(database);
        for (const char* sql : {"DELETE FROM entries WHERE app_id = ?1", "DELETE FROM precache WHERE app_id = ?1",
                                "DELETE FROM apps WHERE app_id = ?1", "DELETE FROM needed WHERE app_id = ?1",
                                "DELETE FROM learning WHERE app_id = ?1"}) {
            Statement erase = database.prepare(sql);
            erase.bind(1, app_id).run();
        }
        transaction.commit();
    });
}

std::int64_t OfflineStore::usage(std::string_view app_id) const {
    return impl_->file.run([&] { return impl_->app_space(app_id).used; });
}

std::int64_t OfflineStore::total_usage() const {
    return impl_->file.run([&] { return impl_->total_bytes(); });
}

std::optional<std::int64_t> OfflineStore::quota(std::string_view app_id) const {
    return impl_->file.run([&] { return impl_->app_space(app_id).quota; });
}

int OfflineStore::set_quota(std::string_view app_id, std::optional<std::int64_t> bytes) {
    if (bytes && *bytes < 0) throw std::invalid_argument("a quota cannot be negative");
    return impl_->file.run_write([&] {
        Impl& store = *impl_;
        Transaction transaction(store.database());
        store.write_pending_uses();
        Statement write = store.database().prepare(
            "INSERT INTO apps (app_id, quota) VALUES (?1, ?2) "
            "ON CONFLICT (app_id) DO UPDATE SET quota = excluded.quota");
        write.bind(1, app_id).bind(2, bytes).run();
        PutResult counts;
        store.evict_until_within(app_id, 0, counts);
        transaction.commit();
        return counts.evicted;
    });
}

const Budget& OfflineStore::budget() const { return impl_->options.budget; }

int OfflineStore::set_budget(const Budget& budget) {
    if (budget.overall_bytes < 0 || (budget.default_app_quota && *budget.default_app_quota < 0))
        throw std::invalid_argument("a budget cannot be negative");
    impl_->options.budget = budget;
    return impl_->file.run_write([&] {
        Impl& store = *impl_;
        Transaction transaction(store.database());
        store.write_pending_uses();
        PutResult counts;
        store.evict_all_apps_until_within(counts);
        transaction.commit();
        return counts.evicted;
    });
}

void OfflineStore::set_precache_list(std::string_view app_id, std::span<const std::string> urls) {
    impl_->file.run_write([&] {
        Database& database = impl_->database();
        Transaction transaction(database);
        Statement erase = database.prepare("DELETE FROM precache WHERE app_id = ?1");
        erase.bind(1, app_id).run();
        Statement insert =
            database.prepare("INSERT OR IGNORE INTO precache (app_id, url, position) VALUES (?1, ?2, ?3)");
        std::int64_t position = 0;
        for (const std::string& url : urls) {
            ResetOnExit reset(insert);
            insert.bind(1, app_id).bind(2, url).bind(3, position++).run();
        }
        Statement pin = database.prepare(
            "UPDATE entries SET pinned = (method = 'GET' AND EXISTS "
            "  (SELECT 1 FROM precache p WHERE p.app_id = entries.app_id AND p.url = entries.url)) "
            "WHERE app_id = ?1");
        pin.bind(1, app_id).run();
        transaction.commit();
    });
}

PrecacheProgress OfflineStore::precache_progress(std::string_view app_id) const {
    return impl_->file.run([&] {
        Statement query = impl_->database().prepare(
            "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM entries e "
            "  WHERE e.app_id = p.app_id AND e.method = 'GET' AND e.url = p.url)), 0) "
            "FROM precache p WHERE p.app_id = ?1");
        query.bind(1, app_id);
        query.step();
        return PrecacheProgress{static_cast<int>(query.column_int64(1)), static_cast<int>(query.column_int64(0))};
    });
}

std::vector<std::string> OfflineStore::missing_precache(std::string_view app_id) const {
    return impl_->file.run([&] {
        Statement query = impl_->database().prepare(
            "SELECT url FROM precache p WHERE p.app_id = ?1 AND NOT EXISTS (SELECT 1 FROM entries e "
            "  WHERE e.app_id = p.app_id AND e.method = 'GET' AND e.url = p.url) ORDER BY position");
        query.bind(1, app_id);
        std::vector<std::string> urls;
        while (query.step()) urls.push_back(query.column_text(0));
        return urls;
    });
}

NoteOutcome OfflineStore::note_needed(std::string_view app_id, std::string_view url, std::int64_t seen_at) {
    return impl_->file.run_write([&] {
        Database& database = impl_->database();
        {  // Known already: no write (a host asks once per URL and run anyway).
            Statement known = database.prepare("SELECT 1 FROM needed WHERE app_id = ?1 AND url = ?2");
            known.bind(1, app_id).bind(2, url);
            if (known.step()) return NoteOutcome::known;
        }
        Transaction transaction(database);
        Statement count = database.prepare("SELECT count(*) FROM needed WHERE app_id = ?1");
        count.bind(1, app_id);
        count.step();
        NoteOutcome outcome = NoteOutcome::recorded;
        if (count.column_int64(0) >= static_cast<std::int64_t>(kMaxNeededUrls)) {
            Statement refuse = database.prepare(
                "INSERT INTO learning (app_id, refused) VALUES (?1, 1) "
                "ON CONFLICT (app_id) DO UPDATE SET refused = refused + 1");
            refuse.bind(1, app_id).run();
            outcome = NoteOutcome::list_full;
        } else {
            Statement insert =
                database.prepare("INSERT OR IGNORE INTO needed (app_id, url, first_seen) VALUES (?1, ?2, ?3)");
            insert.bind(1, app_id).bind(2, url).bind(3, seen_at).run();
        }
        transaction.commit();
        return outcome;
    });
}

bool OfflineStore::forget_needed(std::string_view app_id, std::string_view url) {
    return impl_->file.run_write([&] {
        Statement erase = impl_->database().prepare("DELETE FROM needed WHERE app_id = ?1 AND url = ?2");
        erase.bind(1, app_id).bind(2, url).run();
        return impl_->database().changes() > 0;
    });
}

void OfflineStore::note_online_run(std::string_view app_id, std::int64_t at) {
    impl_->file.run_write([&] {
        Statement write = impl_->database().prepare(
            "INSERT INTO learning (app_id, online_runs, last_online_run) VALUES (?1, 1, ?2) "
            "ON CONFLICT (app_id) DO UPDATE SET online_runs = online_runs + 1, last_online_run = "
            "excluded.last_online_run");
        write.bind(1, app_id).bind(2, at).run();
    });
}

Readiness OfflineStore::readiness(std::string_view app_id, std::size_t max_missing) const {
    return impl_->file.run([&] {
        Database& database = impl_->database();
        Readiness result;
        {
            Statement learning =
                database.prepare("SELECT online_runs, last_online_run, refused FROM learning WHERE app_id = ?1");
            learning.bind(1, app_id);
            if (learning.step()) {
                result.online_runs = learning.column_int64(0);
                result.last_online_run = learning.column_int64(1);
                result.refused = learning.column_int64(2);
            }
        }
        // The precache list in its order, then what runs added, first seen first.
        Statement query = database.prepare(
            "SELECT w.url, EXISTS (SELECT 1 FROM entries e WHERE e.app_id = ?1 AND e.method = 'GET' AND e.url = w.url) "
            "FROM (SELECT url, 0 AS part, position AS rank FROM precache WHERE app_id = ?1 "
            "      UNION ALL "
            "      SELECT url, 1, first_seen FROM needed n WHERE app_id = ?1 "
            "        AND NOT EXISTS (SELECT 1 FROM precache p WHERE p.app_id = ?1 AND p.url = n.url)) w "
            "ORDER BY w.part, w.rank, w.url");
        query.bind(1, app_id);
        while (query.step()) {
            ++result.total;
            if (query.column_int64(1) != 0) {
                ++result.stored;
            } else if (result.missing.size() < max_missing) {
                result.missing.push_back(query.column_text(0));
            }
        }
        return result;
    });
}

void OfflineStore::flush() {
    impl_->file.run_write([&] {
        if (!impl_->pending_uses.empty()) {
            Transaction transaction(impl_->database());
            impl_->write_pending_uses();
            transaction.commit();
        }
        // PASSIVE never waits for other connections; what a reader still
        // needs stays in the WAL for a later checkpoint.
        impl_->database().exec("PRAGMA wal_checkpoint(PASSIVE)");
    });
}

const std::vector<Recovery>& OfflineStore::recoveries() const { return impl_->file.recoveries(); }

const std::filesystem::path& OfflineStore::path() const { return impl_->file.path(); }

launcher::Database& OfflineStore::database() { return impl_->database(); }

}  // namespace cirrus::offline
