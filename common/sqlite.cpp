#include "sqlite.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <ctime>
#include <system_error>
#include <utility>

namespace cirrus::launcher {
namespace {

std::string describe(const std::filesystem::path& database, std::string_view operation, std::string_view sql,
                     std::string_view sqlite_message) {
    std::string text = "SQLite database " + database.string() + ": " + std::string(operation);
    if (!sql.empty()) {
        constexpr std::size_t longest_quoted_sql = 160;
        text += " `" + std::string(sql.substr(0, longest_quoted_sql));
        text += sql.size() > longest_quoted_sql ? "...`" : "`";
    }
    text += " failed: ";
    text += sqlite_message;
    return text;
}

int open_flags(OpenMode mode) {
    // NOMUTEX: a connection belongs to one thread; SQLite need not lock for us.
    int flags = SQLITE_OPEN_NOMUTEX;
    switch (mode) {
    case OpenMode::read_write_create:
        return flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    case OpenMode::read_write:
        return flags | SQLITE_OPEN_READWRITE;
    case OpenMode::read_only:
        return flags | SQLITE_OPEN_READONLY;
    }
    return flags | SQLITE_OPEN_READWRITE;
}

std::string utc_timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

bool any_exists(const std::filesystem::path& base) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
        if (std::filesystem::exists(base.string() + suffix, ignored)) return true;
    }
    return false;
}

}  // namespace

// --- SqliteError ---------------------------------------------------------------

SqliteError::SqliteError(const std::filesystem::path& database, std::string_view operation, std::string_view sql,
                         int extended_code, std::string_view sqlite_message)
    : std::runtime_error(describe(database, operation, sql, sqlite_message)),
      database_(database),
      extended_code_(extended_code) {}

bool SqliteError::is_corruption() const { return code() == SQLITE_CORRUPT || code() == SQLITE_NOTADB; }

// --- Statement -----------------------------------------------------------------

Statement::Statement(const Database& database, sqlite3_stmt* statement) : database_(&database), statement_(statement) {}

Statement::Statement(Statement&& other) noexcept
    : database_(other.database_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
    if (this != &other) {
        sqlite3_finalize(statement_);
        database_ = other.database_;
        statement_ = std::exchange(other.statement_, nullptr);
    }
    return *this;
}

Statement::~Statement() { sqlite3_finalize(statement_); }

void Statement::fail(std::string_view operation, int code) const {
    (void)code;  // the connection's extended code is more precise
    sqlite3* connection = database_->handle();
    throw SqliteError(database_->path(), operation, sql(), sqlite3_extended_errcode(connection),
                      sqlite3_errmsg(connection));
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(statement_, index, value); rc != SQLITE_OK) fail("bind", rc);
    return *this;
}

Statement& Statement::bind(int index, double value) {
    if (int rc = sqlite3_bind_double(statement_, index, value); rc != SQLITE_OK) fail("bind", rc);
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    // A non-null pointer even for "" so that empty text is text, not NULL.
    const char* data = text.data() ? text.data() : "";
    int rc = sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) fail("bind", rc);
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
    static const std::uint8_t empty = 0;
    const void* data = bytes.empty() ? &empty : bytes.data();
    if (int rc = sqlite3_bind_blob64(statement_, index, data, bytes.size(), SQLITE_TRANSIENT); rc != SQLITE_OK)
        fail("bind", rc);
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (int rc = sqlite3_bind_null(statement_, index); rc != SQLITE_OK) fail("bind", rc);
    return *this;
}

int Statement::parameter_index(std::string_view name) const {
    int index = sqlite3_bind_parameter_index(statement_, std::string(name).c_str());
    if (index == 0) {
        throw SqliteError(database_->path(), "bind", sql(), SQLITE_RANGE, "no parameter named " + std::string(name));
    }
    return index;
}

bool Statement::step() {
    int rc = sqlite3_step(statement_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail("step", rc);
}

void Statement::run() {
    while (step()) {}
}

void Statement::reset() {
    // sqlite3_reset repeats the last step's error, which was reported already.
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
}

int Statement::column_count() const { return sqlite3_column_count(statement_); }

bool Statement::column_is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(statement_, column); }

double Statement::column_double(int column) const { return sqlite3_column_double(statement_, column); }

std::string Statement::column_text(int column) const {
    const unsigned char* text = sqlite3_column_text(statement_, column);
    if (!text) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)));
}

std::optional<std::string> Statement::column_optional_text(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_text(column);
}

std::optional<std::int64_t> Statement::column_optional_int64(int column) const {
    if (column_is_null(column)) return std::nullopt;
    return column_int64(column);
}

std::vector<std::uint8_t> Statement::column_blob(int column) const {
    const auto* bytes = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
    if (!bytes) return {};
    return {bytes, bytes + sqlite3_column_bytes(statement_, column)};
}

const char* Statement::sql() const { return statement_ ? sqlite3_sql(statement_) : ""; }

// --- Database ------------------------------------------------------------------

Database::Database(std::filesystem::path path, sqlite3* connection) : path_(std::move(path)), connection_(connection) {}

Database::Database(Database&& other) noexcept
    : path_(std::move(other.path_)), connection_(std::exchange(other.connection_, nullptr)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        path_ = std::move(other.path_);
        connection_ = std::exchange(other.connection_, nullptr);
    }
    return *this;
}

Database::~Database() { close(); }

void Database::close() noexcept {
    // Every Statement is owned by a caller and finalised before this; v2 makes
    // a forgotten one a zombie instead of a leaked connection.
    sqlite3_close_v2(connection_);
    connection_ = nullptr;
}

Database Database::open(const std::filesystem::path& path, const OpenOptions& options) {
    sqlite3* connection = nullptr;
    int rc = SQLITE_OK;
    if (options.immutable && options.mode == OpenMode::read_only) {
        // A URI with the path's reserved characters escaped.
        std::string uri = "file:";
        for (char c : path.string()) {
            if (c == '%' || c == '?' || c == '#') {
                char escaped[4];
                std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned char>(c));
                uri += escaped;
            } else {
                uri += c;
            }
        }
        uri += "?immutable=1";
        rc = sqlite3_open_v2(uri.c_str(), &connection, open_flags(options.mode) | SQLITE_OPEN_URI, nullptr);
    } else {
        rc = sqlite3_open_v2(path.c_str(), &connection, open_flags(options.mode), nullptr);
    }
    // The handle exists even when open failed (unless out of memory); owning
    // it at once closes it on every path.
    Database database(path, connection);
    if (rc != SQLITE_OK) {
        throw SqliteError(path, "open", {}, connection ? sqlite3_extended_errcode(connection) : rc,
                          connection ? sqlite3_errmsg(connection) : sqlite3_errstr(rc));
    }
    sqlite3_extended_result_codes(connection, 1);
    // Until the file has passed its check, closing must not checkpoint: that
    // would write the -wal into a damaged file and delete the -wal, and the
    // damaged database is to be kept whole.
    sqlite3_db_config(connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    database.configure(options);
    database.check(options);
    sqlite3_db_config(connection, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    return database;
}

void Database::configure(const OpenOptions& options) {
    sqlite3_busy_timeout(connection_, static_cast<int>(options.busy_timeout.count()));
    // journal_mode is the first statement that reads the header, so a file
    // that is not a database fails here with SQLITE_NOTADB.
    if (options.mode != OpenMode::read_only) exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL");
}

void Database::check(const OpenOptions& options) {
    // Reading the schema parses every CREATE statement: a damaged first page
    // or sqlite_schema fails here.
    single_text("SELECT count(*) FROM sqlite_schema");
    if (options.check != OpenCheck::quick) return;
    std::string verdict;
    if (options.check_tables.empty()) {
        verdict = quick_check();
    } else {
        for (const std::string& table : options.check_tables) {
            std::string problems = quick_check_table(table);
            if (problems != "ok") verdict += (verdict.empty() ? "" : "; ") + problems;
        }
        if (verdict.empty()) verdict = "ok";
    }
    if (verdict != "ok") throw SqliteError(path_, "quick_check", {}, SQLITE_CORRUPT, verdict);
}

std::string Database::quick_check_table(const std::string& table) const {
    Statement exists = prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1");
    exists.bind(1, table);
    if (!exists.step()) return "ok";  // not created yet: nothing to check
    // PRAGMA arguments cannot be bound; quote the name as an identifier.
    std::string quoted = "\"";
    for (char c : table) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    quoted += '"';
    Statement statement = prepare("PRAGMA quick_check(" + quoted + ")");
    std::string verdict;
    while (statement.step()) verdict += (verdict.empty() ? "" : "; ") + statement.column_text(0);
    return verdict;
}

Database::Opened Database::open_or_recover(const std::filesystem::path& path, const OpenOptions& options) {
    try {
        return {open(path, options), std::nullopt};
    } catch (const SqliteError& error) {
        if (!error.is_corruption() || options.mode == OpenMode::read_only) throw;
        // The failed connection is closed by now (open's Database went out of
        // scope), so nothing holds the file while it is renamed.
        Recovery recovery{move_database_aside(path), error.what()};
        return {open(path, options), std::move(recovery)};
    }
}

void Database::exec(std::string_view sql) {
    std::string text(sql);
    char* message = nullptr;
    if (sqlite3_exec(connection_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string reason = message ? message : sqlite3_errmsg(connection_);
        sqlite3_free(message);
        throw SqliteError(path_, "exec", sql, sqlite3_extended_errcode(connection_), reason);
    }
}

Statement Database::prepare(std::string_view sql) const {
    sqlite3_stmt* statement = nullptr;
    int rc = sqlite3_prepare_v2(connection_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(statement);
        throw SqliteError(path_, "prepare", sql, sqlite3_extended_errcode(connection_), sqlite3_errmsg(connection_));
    }
    return Statement(*this, statement);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(connection_); }

int Database::changes() const { return sqlite3_changes(connection_); }

std::string Database::single_text(std::string_view sql) const {
    Statement statement = prepare(sql);
    return statement.step() ? statement.column_text(0) : std::string{};
}

int Database::user_version() const { return std::stoi(single_text("PRAGMA user_version")); }

void Database::set_user_version(int version) { exec("PRAGMA user_version = " + std::to_string(version)); }

std::string Database::integrity_check() const {
    // Several rows when there are problems: join them.
    Statement statement = prepare("PRAGMA integrity_check");
    std::string verdict;
    while (statement.step()) verdict += (verdict.empty() ? "" : "; ") + statement.column_text(0);
    return verdict;
}

std::string Database::quick_check() const {
    Statement statement = prepare("PRAGMA quick_check");
    std::string verdict;
    while (statement.step()) verdict += (verdict.empty() ? "" : "; ") + statement.column_text(0);
    return verdict;
}

// --- Transaction ---------------------------------------------------------------

Transaction::Transaction(Database& database) : database_(database) { database_.exec("BEGIN IMMEDIATE"); }

Transaction::~Transaction() {
    if (!open_) return;
    // Never throw from a destructor: if even ROLLBACK fails, SQLite rolls the
    // journal back the next time the file is opened.
    sqlite3_exec(database_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
    database_.exec("COMMIT");
    open_ = false;
}

// --- Setting a damaged file aside ----------------------------------------------

std::filesystem::path move_database_aside(const std::filesystem::path& path) {
    const std::string base = path.string() + ".corrupt-" + utc_timestamp();
    std::string target = base;
    for (int attempt = 1; any_exists(target); ++attempt) target = base + "-" + std::to_string(attempt);

    // The -wal holds committed pages that belong with the main file: move it
    // too, so that what we keep is the whole damaged database.
    for (const char* suffix : {"-wal", "-shm", ""}) {
        std::filesystem::path from = path.string() + suffix;
        std::error_code missing;
        if (!std::filesystem::exists(from, missing)) continue;
        std::filesystem::rename(from, target + suffix);  // throws filesystem_error with both names
    }
    return target;
}

}  // namespace cirrus::launcher
