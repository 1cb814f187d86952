// One small RAII wrapper over the SQLite 3.40 C API: a connection, prepared
// statements, an IMMEDIATE transaction, and errors that say which file, which
// SQL and what SQLite said. Nothing here knows about apps; see registry.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace cirrus::launcher {

class SqliteError : public std::runtime_error {
public:
    // `operation` is what we were doing ("open", "prepare", "step", ...) and
    // `sql` the statement, if any; both go into what() with SQLite's message.
    SqliteError(const std::filesystem::path& database, std::string_view operation, std::string_view sql,
                int extended_code, std::string_view sqlite_message);

    int code() const { return extended_code_ & 0xff; }  // primary SQLITE_* code
    int extended_code() const { return extended_code_; }
    const std::filesystem::path& database() const { return database_; }
    // The file is damaged or not a database at all (SQLITE_CORRUPT, SQLITE_NOTADB,
    // or an integrity check that did not say "ok").
    bool is_corruption() const;

private:
    std::filesystem::path database_;
    int extended_code_;
};

class Database;

// A prepared statement. Bind indexes are 1-based (as in SQLite), column
// indexes 0-based. Text and blobs are copied by SQLite (SQLITE_TRANSIENT), so
// the bound values need not outlive the call.
class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&& other) noexcept;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    ~Statement();

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view{text}); }
    Statement& bind(int index, const std::string& text) { return bind(index, std::string_view{text}); }
    Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
    Statement& bind_null(int index);
    // Nothing binds NULL.
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }
    // Named parameters (":name", "@name", "$name"); an unknown name throws.
    template <typename T>
    Statement& bind(std::string_view name, const T& value) {
        return bind(parameter_index(name), value);
    }
    Statement& bind_blob(std::string_view name, std::span<const std::uint8_t> bytes) {
        return bind_blob(parameter_index(name), bytes);
    }
    Statement& bind_null(std::string_view name) { return bind_null(parameter_index(name)); }
    int parameter_index(std::string_view name) const;

    // One step: true while a row is available, false when done.
    bool step();
    // Steps to the end; for statements that return no rows.
    void run();
    // Ready to run again: resets and clears every binding.
    void reset();

    int column_count() const;
    bool column_is_null(int column) const;
    std::int64_t column_int64(int column) const;
    double column_double(int column) const;
    std::string column_text(int column) const;  // NULL reads as ""
    std::optional<std::string> column_optional_text(int column) const;
    std::optional<std::int64_t> column_optional_int64(int column) const;
    std::vector<std::uint8_t> column_blob(int column) const;

    const char* sql() const;

private:
    friend class Database;
    Statement(const Database& database, sqlite3_stmt* statement);
    [[noreturn]] void fail(std::string_view operation, int code) const;

    const Database* database_;
    sqlite3_stmt* statement_;
};

enum class OpenMode { read_write_create, read_write, read_only };

// How much of the file to read on open to find damage before it bites.
enum class OpenCheck {
    header,  // the header and schema only (cheap: what any first query does)
    quick,   // PRAGMA quick_check: every page and record, no index cross-check
};

struct OpenOptions {
    OpenMode mode = OpenMode::read_write_create;
    OpenCheck check = OpenCheck::quick;
    // With OpenCheck::quick: check only these tables (and their indexes), those
    // that exist; empty checks the whole file. Time grows with what is checked
    // (about 0.35 ms per MiB here, far more on a phone), so a caller with
    // large blobs checks the tables it reads at start-up and meets damage
    // elsewhere as an is_corruption() error when it reads there.
    std::vector<std::string> check_tables;
    std::chrono::milliseconds busy_timeout{5000};
    // With OpenMode::read_only: open as immutable (no locks, no -shm), for a
    // file on a read-only filesystem that nobody can be writing.
    bool immutable = false;
};

// What open_or_recover() did, so that the caller can tell the user.
struct Recovery {
    std::filesystem::path moved_to;  // the damaged file, kept (its -wal/-shm beside it)
    std::string problem;             // why it was set aside (the SqliteError's message)
};

class Database {
public:
    // Opens (creating if the mode allows), then sets WAL, foreign_keys=ON,
    // synchronous=NORMAL and the busy timeout, then checks the file. A damaged
    // or non-SQLite file throws a SqliteError with is_corruption().
    static Database open(const std::filesystem::path& path, const OpenOptions& options = {});

    struct Opened;
    // As open(), but a damaged file is renamed to `<path>.corrupt-<UTC time>`
    // (with its -wal and -shm) and a new empty database is created in its
    // place. Other errors (permissions, a full disk) still throw: those are
    // not reasons to set a file aside.
    static Opened open_or_recover(const std::filesystem::path& path, const OpenOptions& options = {});

    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Runs one or more statements that return no rows we need.
    void exec(std::string_view sql);
    Statement prepare(std::string_view sql) const;

    std::int64_t last_insert_rowid() const;
    int changes() const;
    int user_version() const;
    void set_user_version(int version);
    // "ok", or SQLite's list of problems.
    std::string integrity_check() const;
    std::string quick_check() const;

    const std::filesystem::path& path() const { return path_; }
    sqlite3* handle() const { return connection_; }

private:
    Database(std::filesystem::path path, sqlite3* connection);
    void configure(const OpenOptions& options);
    void check(const OpenOptions& options);
    std::string quick_check_table(const std::string& table) const;
    std::string single_text(std::string_view sql) const;
    void close() noexcept;

    std::filesystem::path path_;
    sqlite3* connection_ = nullptr;
};

struct Database::Opened {
    Database database;
    std::optional<Recovery> recovery;  // set if the old file was set aside
};

// BEGIN IMMEDIATE: takes the write lock now, so a transaction never fails
// half-way with SQLITE_BUSY on its first write. Rolls back in the destructor
// unless commit() ran.
class Transaction {
public:
    explicit Transaction(Database& database);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();

    void commit();

private:
    Database& database_;
    bool open_ = true;
};

// Moves `path` and its -wal/-shm aside to `<path>.corrupt-<UTC time>[-N]`,
// never over an existing file; returns the new name of the main file.
std::filesystem::path move_database_aside(const std::filesystem::path& path);

}  // namespace cirrus::launcher
