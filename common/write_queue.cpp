#include "write_queue.hpp"

#include <fcntl.h>
#include <glib.h>
#include <sqlite3.h>
#include <unistd.h>

#include <array>
#include <utility>

namespace cirrus::offline {
namespace {

using launcher::Database;
using launcher::Statement;
using launcher::Transaction;

// v1. Append new versions; never edit a shipped one. AUTOINCREMENT so that
// an id is never used twice: an outcome keeps its write's id, and a later
// write must not be mistaken for it.
constexpr const char* kQueueSchemaV1 = R"sql(
CREATE TABLE writes (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    app_id          TEXT NOT NULL,
    method          TEXT NOT NULL,
    url             TEXT NOT NULL,
    headers         TEXT NOT NULL,
    body            BLOB NOT NULL,
    idempotency_key TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    server_retries  INTEGER NOT NULL DEFAULT 0,
    waiting_for_link INTEGER NOT NULL DEFAULT 0,
    last_attempt_at INTEGER,
    next_attempt_at INTEGER,
    claimed_until   INTEGER,
    last_error      TEXT,
    UNIQUE (app_id, idempotency_key)
);
CREATE INDEX writes_in_order ON writes (app_id, id);
CREATE TABLE outcomes (
    id               INTEGER PRIMARY KEY,
    app_id           TEXT NOT NULL,
    method           TEXT NOT NULL,
    url              TEXT NOT NULL,
    idempotency_key  TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    completed_at     INTEGER NOT NULL,
    attempts         INTEGER NOT NULL,
    result           TEXT NOT NULL CHECK (result IN ('responded', 'gave-up', 'cancelled')),
    status           INTEGER,
    response_headers TEXT NOT NULL,
    response_body    BLOB NOT NULL,
    detail           TEXT NOT NULL,
    UNIQUE (app_id, idempotency_key)
);
)sql";

constexpr std::array<launcher::Migration, 1> kQueueMigrations{{
    {1, kQueueSchemaV1},
}};

constexpr const char* kWriteColumns =
    "id, app_id, method, url, headers, body, idempotency_key, created_at, attempts, server_retries, "
    "waiting_for_link, last_attempt_at, next_attempt_at, claimed_until, last_error";

constexpr const char* kOutcomeColumns =
    "id, app_id, method, url, idempotency_key, created_at, completed_at, attempts, result, status, "
    "response_headers, response_body, detail";

StoredWrite read_write(const Statement& row) {
    StoredWrite write;
    write.id = row.column_int64(0);
    write.app_id = row.column_text(1);
    write.method = row.column_text(2);
    write.url = row.column_text(3);
    write.headers = parse_headers(row.column_text(4));
    write.body = row.column_blob(5);
    write.idempotency_key = row.column_text(6);
    write.created_at = row.column_int64(7);
    write.attempts = static_cast<int>(row.column_int64(8));
    write.server_retries = static_cast<int>(row.column_int64(9));
    write.waiting_for_link = row.column_int64(10) != 0;
    write.last_attempt_at = row.column_optional_int64(11);
    write.next_attempt_at = row.column_optional_int64(12);
    write.claimed_until = row.column_optional_int64(13);
    write.last_error = row.column_optional_text(14);
    return write;
}

std::optional<WriteResult> result_from_string(std::string_view text) {
    for (WriteResult result : {WriteResult::responded, WriteResult::gave_up, WriteResult::cancelled}) {
        if (to_string(result) == text) return result;
    }
    return std::nullopt;
}

WriteOutcome read_outcome(const Statement& row) {
    WriteOutcome outcome;
    outcome.id = row.column_int64(0);
    outcome.app_id = row.column_text(1);
    outcome.method = row.column_text(2);
    outcome.url = row.column_text(3);
    outcome.idempotency_key = row.column_text(4);
    outcome.created_at = row.column_int64(5);
    outcome.completed_at = row.column_int64(6);
    outcome.attempts = static_cast<int>(row.column_int64(7));
    // The CHECK constraint admits only known results; anything else is damage.
    auto result = result_from_string(row.column_text(8));
    if (!result)
        throw launcher::SqliteError("", "read outcome", {}, SQLITE_CORRUPT, "unknown result " + row.column_text(8));
    outcome.completion.result = *result;
    if (auto status = row.column_optional_int64(9)) outcome.completion.status = static_cast<int>(*status);
    outcome.completion.response_headers = parse_headers(row.column_text(10));
    outcome.completion.response_body = row.column_blob(11);
    outcome.completion.detail = row.column_text(12);
    return outcome;
}

std::string random_idempotency_key() {
    gchar* uuid = g_uuid_string_random();
    std::string key(uuid);
    g_free(uuid);
    return key;
}

// A new file's directory entry survives a power loss only once the folder
// is synced: done after every open, which is rare and cheap.
void sync_directory(const std::filesystem::path& file) {
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : ".";
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void insert_write(Database& database, const StoredWrite& write) {
    Statement insert = database.prepare(std::string("INSERT OR IGNORE INTO writes (") + kWriteColumns +
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
    insert.bind(1, write.id)
        .bind(2, write.app_id)
        .bind(3, write.method)
        .bind(4, write.url)
        .bind(5, serialize_headers(write.headers))
        .bind_blob(6, write.body)
        .bind(7, write.idempotency_key)
        .bind(8, write.created_at)
        .bind(9, write.attempts)
        .bind(10, write.server_retries)
        .bind(11, write.waiting_for_link ? 1 : 0)
        .bind(12, write.last_attempt_at)
        .bind(13, write.next_attempt_at)
        .bind(14, write.claimed_until)
        .bind(15, write.last_error)
        .run();
}

void insert_outcome(Database& database, const WriteOutcome& outcome) {
    const Completion& completion = outcome.completion;
    Statement insert = database.prepare(std::string("INSERT OR IGNORE INTO outcomes (") + kOutcomeColumns +
                                        ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    insert.bind(1, outcome.id)
        .bind(2, outcome.app_id)
        .bind(3, outcome.method)
        .bind(4, outcome.url)
        .bind(5, outcome.idempotency_key)
        .bind(6, outcome.created_at)
        .bind(7, outcome.completed_at)
        .bind(8, outcome.attempts)
        .bind(9, to_string(completion.result))
        .bind(10, completion.status ? std::optional<std::int64_t>(*completion.status) : std::nullopt)
        .bind(11, serialize_headers(completion.response_headers))
        .bind_blob(12, completion.response_body)
        .bind(13, completion.detail)
        .run();
}

// Reads rows of `table` in id order until the end or the first error (the
// damage), handing each to `keep`.
template <typename Read, typename Keep>
void read_until_damage(const Database& source, const char* table, const char* columns, Read read, Keep keep) {
    try {
        Statement rows = source.prepare(std::string("SELECT ") + columns + " FROM " + table + " ORDER BY id");
        while (rows.step()) keep(read(rows));
    } catch (const launcher::SqliteError&) {
        // Everything before the damage is kept.
    } catch (const std::invalid_argument&) {
        // A damaged header text that no longer serialises: stop there too.
    }
}

// Copies what can still be read from a damaged queue file: every pending
// write before the damage survives with its id (so its place in the order)
// and its key; outcomes likewise. Returns how many writes.
int salvage_rows(const std::filesystem::path& damaged, Database& fresh) {
    launcher::OpenOptions options;
    options.mode = launcher::OpenMode::read_only;
    options.check = launcher::OpenCheck::header;
    Database source = Database::open(damaged, options);
    sqlite3_db_config(source.handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);

    int salvaged = 0;
    Transaction transaction(fresh);
    read_until_damage(source, "writes", kWriteColumns, read_write, [&](const StoredWrite& write) {
        insert_write(fresh, write);
        ++salvaged;
    });
    read_until_damage(source, "outcomes", kOutcomeColumns, read_outcome,
                      [&](const WriteOutcome& outcome) { insert_outcome(fresh, outcome); });
    transaction.commit();
    return salvaged;
}

}  // namespace

std::string_view to_string(WriteResult result) {
    switch (result) {
    case WriteResult::responded:
        return "responded";
    case WriteResult::gave_up:
        return "gave-up";
    case WriteResult::cancelled:
        return "cancelled";
    }
    return "responded";
}

struct WriteQueue::Impl {
    explicit Impl(const std::filesystem::path& path) : file(path, spec(this)) {}

    static DatabaseSpec spec(Impl* self) {
        DatabaseSpec spec;
        spec.migrations = kQueueMigrations;
        spec.set_aside_newer_schema = false;  // the user's data: never thrown away
        spec.configure = [](Database& database) {
            // FULL: the WAL is synced at every commit, so that a write the page
            // was told is queued survives a power loss.
            database.exec("PRAGMA synchronous = FULL");
            sync_directory(database.path());
        };
        spec.salvage = [self](const std::filesystem::path& damaged, Database& fresh) {
            self->salvaged += salvage_rows(damaged, fresh);
        };
        return spec;
    }

    Database& database() { return file.database(); }

    // Inside a write transaction: counts an attempt at `write` and marks it
    // in flight, if it is its app's head and nothing is in flight.
    std::optional<StoredWrite> start_attempt(std::optional<StoredWrite> write, std::int64_t now,
                                             std::int64_t lease_ms) {
        if (!write || (write->claimed_until && *write->claimed_until > now)) return std::nullopt;
        std::optional<StoredWrite> first = head(write->app_id);
        if (!first || first->id != write->id) return std::nullopt;  // strictly in order: an older write goes first
        Statement claim = database().prepare(
            "UPDATE writes SET attempts = attempts + 1, last_attempt_at = ?2, claimed_until = ?3 WHERE id = ?1");
        claim.bind(1, write->id).bind(2, now).bind(3, now + lease_ms).run();
        write->attempts += 1;
        write->last_attempt_at = now;
        write->claimed_until = now + lease_ms;
        return write;
    }

    std::optional<StoredWrite> by_id(std::int64_t id) {
        Statement query = database().prepare(std::string("SELECT ") + kWriteColumns + " FROM writes WHERE id = ?1");
        query.bind(1, id);
        if (!query.step()) return std::nullopt;
        return read_write(query);
    }

    std::optional<StoredWrite> head(std::string_view app_id) {
        Statement query = database().prepare(std::string("SELECT ") + kWriteColumns +
                                             " FROM writes WHERE app_id = ?1 ORDER BY id LIMIT 1");
        query.bind(1, app_id);
        if (!query.step()) return std::nullopt;
        return read_write(query);
    }

    int salvaged = 0;
    RecoverableDatabase file;
};

WriteQueue::WriteQueue(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WriteQueue::WriteQueue(WriteQueue&&) noexcept = default;
WriteQueue& WriteQueue::operator=(WriteQueue&&) noexcept = default;
WriteQueue::~WriteQueue() = default;

WriteQueue WriteQueue::open(const std::filesystem::path& path) { return WriteQueue(std::make_unique<Impl>(path)); }

Enqueued WriteQueue::enqueue(std::string_view app_id, const WriteRequest& request, std::int64_t created_at) {
    const std::string headers = serialize_headers(request.headers);
    // Made once, before the transaction: a retry after a recovery stores the same key.
    const std::string key = request.idempotency_key.empty() ? random_idempotency_key() : request.idempotency_key;
    return impl_->file.run_write([&] {
        Database& database = impl_->database();
        Transaction transaction(database);
        for (auto [table, state] : {std::pair{"writes", EnqueueState::already_queued},
                                    std::pair{"outcomes", EnqueueState::already_completed}}) {
            Statement existing = database.prepare(std::string("SELECT id FROM ") + table +
                                                  " WHERE app_id = ?1 AND idempotency_key = ?2");
            existing.bind(1, app_id).bind(2, key);
            if (existing.step()) return Enqueued{existing.column_int64(0), key, state};
        }
        Statement insert = database.prepare(
            "INSERT INTO writes (app_id, method, url, headers, body, idempotency_key, created_at, next_attempt_at) "
            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
        insert.bind(1, app_id)
            .bind(2, request.method)
            .bind(3, request.url)
            .bind(4, headers)
            .bind_blob(5, request.body)
            .bind(6, key)
            .bind(7, created_at)
            .run();
        const std::int64_t id = database.last_insert_rowid();
        transaction.commit();
        return Enqueued{id, key, EnqueueState::queued};
    });
}

std::optional<StoredWrite> WriteQueue::head(std::string_view app_id) const {
    return impl_->file.run_write([&] { return impl_->head(app_id); });
}

std::optional<StoredWrite> WriteQueue::claim(std::int64_t id, std::int64_t now, std::int64_t lease_ms) {
    return impl_->file.run_write([&] {
        Transaction transaction(impl_->database());
        std::optional<StoredWrite> claimed = impl_->start_attempt(impl_->by_id(id), now, lease_ms);
        if (claimed) transaction.commit();
        return claimed;
    });
}

std::optional<StoredWrite> WriteQueue::claim_head(std::string_view app_id, std::int64_t now, std::int64_t lease_ms) {
    return impl_->file.run_write([&]() -> std::optional<StoredWrite> {
        Transaction transaction(impl_->database());
        std::optional<StoredWrite> head = impl_->head(app_id);
        if (!head || (head->next_attempt_at && *head->next_attempt_at > now)) return std::nullopt;
        std::optional<StoredWrite> claimed = impl_->start_attempt(std::move(head), now, lease_ms);
        if (claimed) transaction.commit();
        return claimed;
    });
}

bool WriteQueue::retry_later(std::int64_t id, const RetryPlan& plan) {
    return impl_->file.run_write([&] {
        Statement update = impl_->database().prepare(
            "UPDATE writes SET next_attempt_at = ?2, waiting_for_link = ?3, "
            "  server_retries = server_retries + ?4, last_error = ?5, claimed_until = NULL WHERE id = ?1");
        update.bind(1, id)
            .bind(2, plan.next_attempt_at)
            .bind(3, plan.waiting_for_link ? 1 : 0)
            .bind(4, plan.server_asked ? 1 : 0)
            .bind(5, plan.error)
            .run();
        return impl_->database().changes() > 0;
    });
}

bool WriteQueue::complete(std::int64_t id, const Completion& completion, std::int64_t completed_at) {
    const std::string response_headers = serialize_headers(completion.response_headers);
    return impl_->file.run_write([&] {
        Database& database = impl_->database();
        Transaction transaction(database);
        Statement record = database.prepare(
            "INSERT INTO outcomes (id, app_id, method, url, idempotency_key, created_at, completed_at, attempts, "
            "  result, status, response_headers, response_body, detail) "
            "SELECT id, app_id, method, url, idempotency_key, created_at, ?2, attempts, ?3, ?4, ?5, ?6, ?7 "
            "FROM writes WHERE id = ?1");
        record.bind(1, id)
            .bind(2, completed_at)
            .bind(3, to_string(completion.result))
            .bind(4, completion.status ? std::optional<std::int64_t>(*completion.status) : std::nullopt)
            .bind(5, response_headers)
            .bind_blob(6, completion.response_body)
            .bind(7, completion.detail)
            .run();
        if (database.changes() == 0) return false;
        Statement erase = database.prepare("DELETE FROM writes WHERE id = ?1");
        erase.bind(1, id).run();
        transaction.commit();
        return true;
    });
}

std::vector<StoredWrite> WriteQueue::pending(std::string_view app_id) const {
    return impl_->file.run_write([&] {
        Statement query = impl_->database().prepare(std::string("SELECT ") + kWriteColumns +
                                                    " FROM writes WHERE app_id = ?1 ORDER BY id");
        query.bind(1, app_id);
        std::vector<StoredWrite> writes;
        while (query.step()) writes.push_back(read_write(query));
        return writes;
    });
}

std::int64_t WriteQueue::pending_count(std::string_view app_id) const {
    return impl_->file.run_write([&] {
        Statement query = impl_->database().prepare("SELECT count(*) FROM writes WHERE app_id = ?1");
        query.bind(1, app_id);
        query.step();
        return query.column_int64(0);
    });
}

std::vector<std::string> WriteQueue::apps_with_pending() const {
    return impl_->file.run_write([&] {
        Statement query = impl_->database().prepare("SELECT DISTINCT app_id FROM writes ORDER BY app_id");
        std::vector<std::string> apps;
        while (query.step()) apps.push_back(query.column_text(0));
        return apps;
    });
}

std::vector<WriteOutcome> WriteQueue::outcomes(std::string_view app_id) const {
    return impl_->file.run_write([&] {
        Statement query = impl_->database().prepare(std::string("SELECT ") + kOutcomeColumns +
                                                    " FROM outcomes WHERE app_id = ?1 ORDER BY id");
        query.bind(1, app_id);
        std::vector<WriteOutcome> found;
        while (query.step()) found.push_back(read_outcome(query));
        return found;
    });
}

bool WriteQueue::forget_outcome(std::int64_t id) {
    return impl_->file.run_write([&] {
        Statement erase = impl_->database().prepare("DELETE FROM outcomes WHERE id = ?1");
        erase.bind(1, id).run();
        return impl_->database().changes() > 0;
    });
}

void WriteQueue::remove_app(std::string_view app_id) {
    impl_->file.run_write([&] {
        Database& database = impl_->database();
        Transaction transaction(database);
        for (const char* sql : {"DELETE FROM writes WHERE app_id = ?1", "DELETE FROM outcomes WHERE app_id = ?1"}) {
            Statement erase = database.prepare(sql);
            erase.bind(1, app_id).run();
        }
        transaction.commit();
    });
}

const std::vector<Recovery>& WriteQueue::recoveries() const { return impl_->file.recoveries(); }

int WriteQueue::salvaged_writes() const { return impl_->salvaged; }

const std::filesystem::path& WriteQueue::path() const { return impl_->file.path(); }

launcher::Database& WriteQueue::database() { return impl_->database(); }

}  // namespace cirrus::offline
