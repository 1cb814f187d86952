// The SQLite wrapper on real files: settings, binding, errors, transactions,
// damaged files, and what a process killed mid-transaction leaves behind.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "helpers.hpp"
#include "common/sqlite.hpp"

using namespace cirrus::launcher;
using cirrus::launcher::testing::read_bytes;
using cirrus::launcher::testing::TempDir;
using cirrus::launcher::testing::write_bytes;
using cirrus::launcher::testing::write_text;

namespace {

std::vector<std::uint8_t> bytes(const std::string& text) { return {text.begin(), text.end()}; }

std::string pragma_text(const Database& database, const std::string& pragma) {
    Statement statement = database.prepare("PRAGMA " + pragma);
    REQUIRE(statement.step());
    return statement.column_text(0);
}

std::int64_t count_rows(const Database& database, const std::string& table) {
    Statement statement = database.prepare("SELECT count(*) FROM " + table);
    REQUIRE(statement.step());
    return statement.column_int64(0);
}

// A database of `rows` rows of ~1 KiB text in table t, closed again (so that
// its WAL is checkpointed into the main file and removed).
void make_database(const std::filesystem::path& path, int rows) {
    Database database = Database::open(path);
    database.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
    Transaction transaction(database);
    Statement insert = database.prepare("INSERT INTO t (body) VALUES (?1)");
    for (int i = 0; i < rows; ++i) {
        insert.bind(1, std::string(1000, static_cast<char>('a' + i % 26))).run();
        insert.reset();
    }
    transaction.commit();
}

}  // namespace

TEST_CASE("open creates a database with WAL, foreign keys, NORMAL sync and a busy timeout") {
    TempDir dir;
    Database database = Database::open(dir / "new.db");
    CHECK(std::filesystem::exists(dir / "new.db"));
    CHECK(pragma_text(database, "journal_mode") == "wal");
    CHECK(pragma_text(database, "foreign_keys") == "1");
    CHECK(pragma_text(database, "synchronous") == "1");  // NORMAL
    CHECK(pragma_text(database, "busy_timeout") == "5000");
    CHECK(database.user_version() == 0);
    CHECK(database.integrity_check() == "ok");
}

TEST_CASE("open without create refuses a missing file, naming it") {
    TempDir dir;
    OpenOptions options;
    options.mode = OpenMode::read_write;
    try {
        Database::open(dir / "missing.db", options);
        FAIL("opened a missing file");
    } catch (const SqliteError& error) {
        CHECK(std::string(error.what()).find((dir / "missing.db").string()) != std::string::npos);
        CHECK(std::string(error.what()).find("open") != std::string::npos);
        CHECK_FALSE(error.is_corruption());
    }
}

TEST_CASE("statements bind and read every type, by index and by name") {
    TempDir dir;
    Database database = Database::open(dir / "types.db");
    database.exec("CREATE TABLE v (i INTEGER, d REAL, t TEXT, b BLOB, n TEXT)");
    const std::vector<std::uint8_t> blob{0, 1, 2, 255};
    Statement insert = database.prepare("INSERT INTO v VALUES (:i, :d, :t, :b, :n)");
    insert.bind(":i", std::int64_t{1} << 40).bind(":d", 2.5).bind(":t", std::string("héllo")).bind_blob(":b", blob);
    insert.bind_null(":n").run();
    insert.reset();
    insert.bind(1, 7).bind(2, 0.0).bind(3, "").bind_blob(4, std::span<const std::uint8_t>{});
    insert.bind(5, std::optional<std::string>{"set"}).run();
    CHECK(database.changes() == 1);
    CHECK(database.last_insert_rowid() == 2);

    Statement query = database.prepare("SELECT i, d, t, b, n FROM v ORDER BY rowid");
    REQUIRE(query.step());
    CHECK(query.column_count() == 5);
    CHECK(query.column_int64(0) == std::int64_t{1} << 40);
    CHECK(query.column_double(1) == 2.5);
    CHECK(query.column_text(2) == "héllo");
    CHECK(query.column_blob(3) == blob);
    CHECK(query.column_is_null(4));
    CHECK(query.column_optional_text(4) == std::nullopt);
    REQUIRE(query.step());
    CHECK(query.column_int64(0) == 7);
    CHECK_FALSE(query.column_is_null(2));  // "" is text, not NULL
    CHECK(query.column_text(2).empty());
    CHECK(query.column_optional_text(4) == "set");
    CHECK(query.column_optional_int64(0) == 7);
    CHECK_FALSE(query.step());
}

TEST_CASE("errors name the file, the operation, the SQL and SQLite's message") {
    TempDir dir;
    Database database = Database::open(dir / "errors.db");
    try {
        database.prepare("SELEKT 1");
        FAIL("prepared bad SQL");
    } catch (const SqliteError& error) {
        const std::string message = error.what();
        CHECK(message.find((dir / "errors.db").string()) != std::string::npos);
        CHECK(message.find("prepare") != std::string::npos);
        CHECK(message.find("SELEKT 1") != std::string::npos);
        CHECK(message.find("syntax error") != std::string::npos);
        CHECK(error.code() == SQLITE_ERROR);
    }

    database.exec("CREATE TABLE u (x TEXT UNIQUE)");
    database.exec("INSERT INTO u VALUES ('a')");
    Statement duplicate = database.prepare("INSERT INTO u VALUES ('a')");
    try {
        duplicate.run();
        FAIL("inserted a duplicate");
    } catch (const SqliteError& error) {
        CHECK(std::string(error.what()).find("step") != std::string::npos);
        CHECK(std::string(error.what()).find("UNIQUE constraint failed") != std::string::npos);
        CHECK(error.extended_code() == SQLITE_CONSTRAINT_UNIQUE);
    }
    Statement named = database.prepare("SELECT :known");
    CHECK_THROWS_WITH_AS(named.bind(":unknown", 1), doctest::Contains("no parameter named :unknown"), SqliteError);
}

TEST_CASE("a transaction commits, or rolls back when it goes out of scope") {
    TempDir dir;
    Database database = Database::open(dir / "tx.db");
    database.exec("CREATE TABLE t (x INTEGER)");
    {
        Transaction transaction(database);
        database.exec("INSERT INTO t VALUES (1)");
        transaction.commit();
    }
    {
        Transaction transaction(database);
        database.exec("INSERT INTO t VALUES (2)");
    }
    try {
        Transaction transaction(database);
        database.exec("INSERT INTO t VALUES (3)");
        throw std::runtime_error("interrupted");
    } catch (const std::runtime_error&) {}
    CHECK(count_rows(database, "t") == 1);
}

TEST_CASE("foreign keys are enforced") {
    TempDir dir;
    Database database = Database::open(dir / "fk.db");
    database.exec(
        "CREATE TABLE parent (id TEXT PRIMARY KEY);"
        "CREATE TABLE child (p TEXT REFERENCES parent(id) ON DELETE CASCADE)");
    CHECK_THROWS_AS(database.exec("INSERT INTO child VALUES ('nobody')"), SqliteError);
    database.exec("INSERT INTO parent VALUES ('a'); INSERT INTO child VALUES ('a')");
    database.exec("DELETE FROM parent");
    CHECK(count_rows(database, "child") == 0);
}

TEST_CASE("a file that is not a database is reported as such") {
    TempDir dir;
    write_text(dir / "garbage.db", std::string(8192, 'x'));
    try {
        Database::open(dir / "garbage.db");
        FAIL("opened garbage");
    } catch (const SqliteError& error) {
        CHECK(error.is_corruption());
        CHECK(std::string(error.what()).find((dir / "garbage.db").string()) != std::string::npos);
        CHECK(std::string(error.what()).find("not a database") != std::string::npos);
    }
}

TEST_CASE("open_or_recover sets a garbage file aside, with its -wal and -shm, and starts afresh") {
    TempDir dir;
    const auto path = dir / "registry.db";
    const std::string garbage(5000, 'g');
    write_text(path, garbage);
    write_text(path.string() + "-wal", "wal bytes");
    write_text(path.string() + "-shm", "shm bytes");

    auto [database, recovery] = Database::open_or_recover(path);
    REQUIRE(recovery.has_value());
    CHECK(recovery->moved_to.string().starts_with(path.string() + ".corrupt-"));
    CHECK(recovery->problem.find("not a database") != std::string::npos);
    CHECK(testing::read_bytes(recovery->moved_to) == std::vector<std::uint8_t>(garbage.begin(), garbage.end()));
    CHECK(testing::read_bytes(recovery->moved_to.string() + "-wal") == bytes("wal bytes"));
    CHECK(std::filesystem::exists(recovery->moved_to.string() + "-shm"));

    database.exec("CREATE TABLE t (x)");
    CHECK(database.integrity_check() == "ok");

    SUBCASE("a second damaged file in the same second gets its own name") {
        database = Database::open(dir / "other.db");  // closes registry.db
        write_text(path, garbage);
        std::filesystem::remove(path.string() + "-wal");
        std::filesystem::remove(path.string() + "-shm");
        auto again = Database::open_or_recover(path);
        REQUIRE(again.recovery.has_value());
        CHECK(again.recovery->moved_to != recovery->moved_to);
        CHECK(std::filesystem::exists(recovery->moved_to));
        CHECK(std::filesystem::exists(again.recovery->moved_to));
    }
}

TEST_CASE("a healthy file is opened by open_or_recover untouched") {
    TempDir dir;
    make_database(dir / "fine.db", 10);
    auto [database, recovery] = Database::open_or_recover(dir / "fine.db");
    CHECK_FALSE(recovery.has_value());
    CHECK(count_rows(database, "t") == 10);
}

TEST_CASE("a truncated database is found damaged on open and set aside") {
    TempDir dir;
    const auto path = dir / "truncated.db";
    make_database(path, 200);  // ~200 KiB over many pages
    const auto size = std::filesystem::file_size(path);
    std::filesystem::resize_file(path, size / 2);
    const std::vector<std::uint8_t> damaged = read_bytes(path);

    CHECK_THROWS_AS(Database::open(path), SqliteError);
    try {
        Database::open(path);
    } catch (const SqliteError& error) {
        CHECK(error.is_corruption());
    }

    auto [database, recovery] = Database::open_or_recover(path);
    REQUIRE(recovery.has_value());
    CHECK(read_bytes(recovery->moved_to) == damaged);
    CHECK(count_rows(database, "sqlite_schema") == 0);
}

TEST_CASE("a damaged read-only database is reported, never moved") {
    TempDir dir;
    write_text(dir / "ro.db", std::string(4096, 'z'));
    OpenOptions options;
    options.mode = OpenMode::read_only;
    CHECK_THROWS_AS(Database::open_or_recover(dir / "ro.db", options), SqliteError);
    CHECK(std::filesystem::exists(dir / "ro.db"));
}

namespace {

// Runs `child` in a forked process that must not return normally; returns
// how the child ended.
template <typename Child>
int run_child(Child child) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        child();
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

}  // namespace

TEST_CASE("a process that exits inside a transaction leaves the previous state whole") {
    TempDir dir;
    const auto path = dir / "crash.db";
    make_database(path, 50);

    int status = run_child([&] {
        Database database = Database::open(path);
        Transaction transaction(database);
        database.exec("DELETE FROM t WHERE id % 2 = 0");
        Statement insert = database.prepare("INSERT INTO t (body) VALUES (?1)");
        for (int i = 0; i < 5000; ++i) {
            insert.bind(1, std::string(500, 'n')).run();
            insert.reset();
        }
        _exit(0);  // no commit, no destructors: as if the power went
    });
    CHECK(WIFEXITED(status));

    Database database = Database::open(path);
    CHECK(count_rows(database, "t") == 50);
    CHECK(database.integrity_check() == "ok");
}

TEST_CASE("a process killed with SIGKILL mid-transaction leaves the previous state whole") {
    TempDir dir;
    const auto path = dir / "killed.db";
    make_database(path, 50);

    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        close(ready[0]);
        Database database = Database::open(path);
        Transaction transaction(database);
        database.exec("UPDATE t SET body = 'changed'");
        Statement insert = database.prepare("INSERT INTO t (body) VALUES (?1)");
        for (int i = 0;; ++i) {  // keeps writing until killed
            insert.bind(1, std::string(500, 'k')).run();
            insert.reset();
            if (i == 2000 && write(ready[1], "r", 1) != 1) _exit(2);
        }
    }
    close(ready[1]);
    char byte = 0;
    REQUIRE(read(ready[0], &byte, 1) == 1);  // the child is deep in its transaction
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    close(ready[0]);
    CHECK(WIFSIGNALED(status));

    Database database = Database::open(path);
    CHECK(count_rows(database, "t") == 50);
    Statement changed = database.prepare("SELECT count(*) FROM t WHERE body = 'changed'");
    REQUIRE(changed.step());
    CHECK(changed.column_int64(0) == 0);
    CHECK(database.integrity_check() == "ok");
}

TEST_CASE("a transaction committed just before a kill is kept") {
    TempDir dir;
    const auto path = dir / "committed.db";
    make_database(path, 5);
    int status = run_child([&] {
        Database database = Database::open(path);
        Transaction transaction(database);
        database.exec("INSERT INTO t (body) VALUES ('kept')");
        transaction.commit();
        raise(SIGKILL);  // the WAL is not checkpointed yet
    });
    CHECK(WIFSIGNALED(status));
    Database database = Database::open(path);
    CHECK(count_rows(database, "t") == 6);
    CHECK(database.integrity_check() == "ok");
}
