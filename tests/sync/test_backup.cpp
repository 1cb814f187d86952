// Backup and restore (issue 19 item 3) through the real `cirrus backup` and
// cirrus-sync against Apache mod_dav on loopback: an unchanged 5 MB file
// sends no chunk again and a changed page only its chunks; a backup killed
// mid-way leaves the last snapshot listable and restorable; a restore into
// an empty phone brings back the apps (packaged and hosted), their data,
// home positions and permissions; a wrong passphrase and a full server are
// told in words and lose nothing.
#include <doctest/doctest.h>

#include <csignal>
#include <random>
#include <regex>
#include <thread>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libsoup/soup.h>

#include "common/account.hpp"
#include "common/registry.hpp"
#include "common/write_queue.hpp"
#include "dav_servers.hpp"
#include "forwarding_proxy.hpp"
#include "http_test_server.hpp"
#include "sync_test_support.hpp"

using cirrus::test::contains;
using cirrus::test::DavServer;
using cirrus::test::read_text;
using cirrus::test::write_text;

namespace {

namespace fs = std::filesystem;

constexpr const char* kPassphrase = "correct horse battery staple\n";

std::string noise_bytes(std::size_t size, unsigned seed) {
    std::mt19937 generator(seed);
    std::string bytes(size, '\0');
    for (char& byte : bytes) byte = static_cast<char>(generator() & 0xff);
    return bytes;
}

void sql(const fs::path& file, const std::string& statements) {
    fs::create_directories(file.parent_path());
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &error);
    const std::string message = error ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    REQUIRE_MESSAGE(rc == SQLITE_OK, message);
}

// Every row of a table as text, in rowid order.
std::vector<std::string> rows(const fs::path& file, const std::string& query) {
    std::vector<std::string> out;
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) return out;
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &statement, nullptr) == SQLITE_OK) {
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::string row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                const auto* text = sqlite3_column_blob(statement, i);
                row.append(static_cast<const char*>(text ? text : ""),
                           static_cast<std::size_t>(sqlite3_column_bytes(statement, i)));
                row += '|';
            }
            out.push_back(row);
        }
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return out;
}

// One phone: its own data, config and cache folders, signed in to `url`.
struct BackupPhone {
    cirrus::test::TempDir dir{"cirrus-backup-phone"};

    explicit BackupPhone(const std::string& url) { set_account(url); }
    void set_account(const std::string& url) {
        cirrus::sync::save_account(account(), {url, "", "alice", "secret", cirrus::sync::SecretKind::password});
    }
    fs::path account() const { return dir / "config/cirrus/account.json"; }
    fs::path data_home() const { return dir / "data"; }
    fs::path registry_path() const { return data_home() / "cirrus/registry.db"; }
    fs::path app_data(const std::string& id) const { return data_home() / "cirrus/app-data" / id; }
    std::string environment() const {
        return "env HOME='" + dir.path().string() + "' XDG_DATA_HOME='" + data_home().string() + "' XDG_CONFIG_HOME='" +
               (dir / "config").string() + "' XDG_CACHE_HOME='" + (dir / "cache").string() + "' XDG_RUNTIME_DIR='" +
               dir.path().string() + "' CIRRUS_ACCOUNT_FILE='" + account().string() +
               "' CIRRUS_REGISTRY= CIRRUS_APPS_DIR= CIRRUS_OFFLINE_STORE= ";
    }
    cirrus::test::ProgramRun cli(const std::string& arguments, const std::string& input = "") const {
        return cirrus::test::run_program(environment() + "'" CIRRUS_CLI "' " + arguments, dir.path(), input);
    }
    cirrus::test::ProgramRun sync_once(const std::string& arguments) const {
        return cirrus::test::run_program(environment() + "'" CIRRUS_SYNC "' --once --account '" + account().string() +
                                             "' --pictures '" + (dir / "Pictures").string() + "' --status '" +
                                             (dir / "status.json").string() + "' " + arguments,
                                         dir.path());
    }
    // A packaged app from a folder named `id`.
    void install_package(const std::string& id, const std::string& name) const {
        const fs::path folder = dir / "packages" / id;
        write_text(folder / "manifest.json",
                   R"({"name": ")" + name + R"(", "start_url": "index.html", "display": "standalone"})");
        write_text(folder / "index.html", "<!doctype html><title>" + name + "</title><p>" + name);
        const auto run = cli("install '" + folder.string() + "'");
        REQUIRE_MESSAGE(run.status == 0, run.err);
    }
    cirrus::launcher::Registry registry() const { return cirrus::launcher::Registry::open(registry_path()); }
};

struct BackupRun {
    int status = -1;
    std::size_t chunks_sent = 0;
    std::size_t chunks = 0;
    std::uint64_t chunk_bytes = 0;
    std::uint64_t manifest_bytes = 0;
    std::string snapshot;
    std::string err;
};

BackupRun backup_now(const BackupPhone& phone, const std::string& input = "") {
    const auto run = phone.cli(input.empty() ? "backup now" : "backup now --passphrase-stdin", input);
    BackupRun result;
    result.status = run.status;
    result.err = run.err + run.out;
    std::smatch match;
    static const std::regex line(
        R"(snapshot (\S+): .* sent (\d+) of (\d+) chunks \((\d+) bytes\) and the manifest \((\d+) bytes\))");
    if (std::regex_search(run.out, match, line)) {
        result.snapshot = match[1];
        result.chunks_sent = std::stoul(match[2]);
        result.chunks = std::stoul(match[3]);
        result.chunk_bytes = std::stoull(match[4]);
        result.manifest_bytes = std::stoull(match[5]);
    }
    return result;
}

std::vector<std::string> snapshot_lines(const BackupPhone& phone) {
    const auto run = phone.cli("backup list");
    std::vector<std::string> names;
    std::istringstream in(run.out);
    for (std::string line; std::getline(in, line);)
        if (line.size() == 16) names.push_back(line);
    return names;
}

// The chunks the server holds: not Apache's temporary file for a PUT under
// way (".davfs.tmp…", removed when the upload is cut off).
std::size_t count_files(const fs::path& folder) {
    std::error_code error;
    std::size_t count = 0;
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error))
        if (!it->path().filename().string().starts_with('.')) ++count;
    return count;
}

// A program in the background (for a kill mid-way).
struct BackgroundCommand {
    pid_t pid = -1;
    explicit BackgroundCommand(const std::string& line) {
        pid = fork();
        if (pid == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            setpgid(0, 0);
            const int null = open("/dev/null", O_RDWR);
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
            execl("/bin/sh", "sh", "-c", ("exec " + line).c_str(), nullptr);
            _exit(127);
        }
    }
    void kill_now() {
        if (pid <= 0) return;
        kill(pid, SIGKILL);
        waitpid(pid, nullptr, 0);
        pid = -1;
    }
    ~BackgroundCommand() { kill_now(); }
};

}  // namespace

TEST_CASE("backup: restore into an empty phone gives the same apps, home screen, permissions and data") {
    DavServer server(DavServer::Kind::webdav);
    const std::string page = R"(<!doctype html><html><head><link rel="manifest" href="manifest.json">)"
                             R"(<title>News</title></head><body>news</body></html>)";
    const std::string manifest = R"({"name": "News", "start_url": "/news/", "display": "standalone"})";
    cirrus::test::HttpTestServer site({
        {"/news/",
         [&](SoupServerMessage* m) {
             soup_server_message_set_status(m, 200, nullptr);
             soup_server_message_set_response(m, "text/html", SOUP_MEMORY_COPY, page.data(), page.size());
         }},
        {"/news/manifest.json",
         [&](SoupServerMessage* m) {
             soup_server_message_set_status(m, 200, nullptr);
             soup_server_message_set_response(m, "application/manifest+json", SOUP_MEMORY_COPY, manifest.data(),
                                              manifest.size());
         }},
    });
    BackupPhone old_phone(server.url("/"));
    old_phone.install_package("notes", "Notes");
    old_phone.install_package("calc", "Calculator");
    const auto hosted = old_phone.cli("install '" + site.url("/news/manifest.json") + "'");
    REQUIRE_MESSAGE(hosted.status == 0, hosted.err);
    std::string news_id;
    {
        auto registry = old_phone.registry();
        for (const auto& app : registry.list())
            if (app.name == "News") news_id = app.id;
        REQUIRE(!news_id.empty());
        registry.set_position(news_id, 0);
        registry.set_permission("notes", "geolocation", cirrus::launcher::PermissionState::granted);
        registry.set_permission("calc", "notifications", cirrus::launcher::PermissionState::denied);
    }
    // What the host keeps: localStorage (SQLite, as WebKit writes it),
    // IndexedDB (SQLite), and plain files (LevelDB-like logs, cookies).
    sql(old_phone.app_data("notes") / "LocalStorage/app_notes_0.localstorage",
        "CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB NOT NULL);"
        "INSERT INTO ItemTable VALUES ('note-1', 'buy milk'), ('note-2', 'call Ann');");
    sql(old_phone.app_data("notes") / "IndexedDB/v1/app_notes_0/IndexedDB.sqlite3",
        "CREATE TABLE Records (key TEXT, value BLOB); INSERT INTO Records VALUES ('k', randomblob(200000));");
    const std::string log = noise_bytes(300'000, 11);
    write_text(old_phone.app_data("calc") / "leveldb/000003.log", log);
    write_text(old_phone.app_data(news_id) / "notes.txt", "hosted app's own data");
    // A note saved offline, not yet delivered: it must come back with its key.
    {
        auto queue = cirrus::offline::WriteQueue::open(old_phone.data_home() / "cirrus/write-queue.sqlite");
        queue.enqueue("notes",
                      {"POST",
                       "https://notes.example/api/notes",
                       {{"Content-Type", "application/json"}},
                       std::vector<std::uint8_t>{'{', '}'},
                       "key-123"},
                      1765135000000);
    }

    const BackupRun first = backup_now(old_phone, kPassphrase);
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(first.chunks_sent == first.chunks);
    CHECK(fs::exists(old_phone.dir / "config/cirrus/backup.key"));
    CHECK((fs::status(old_phone.dir / "config/cirrus/backup.key").permissions() & fs::perms::group_all) ==
          fs::perms::none);
    // The server holds nothing readable: no file name, no note text.
    for (const auto& entry : fs::recursive_directory_iterator(server.files())) {
        if (!entry.is_regular_file()) continue;
        CHECK_FALSE(contains(read_text(entry.path()), "buy milk"));
        CHECK_FALSE(contains(read_text(entry.path()), "localstorage"));
    }

    BackupPhone new_phone(server.url("/"));
    const auto listed = new_phone.cli("backup list --passphrase-stdin", kPassphrase);
    REQUIRE_MESSAGE(listed.status == 0, listed.err);
    CHECK(contains(listed.out, first.snapshot));
    const auto restored = new_phone.cli("backup restore " + first.snapshot);
    REQUIRE_MESSAGE(restored.status == 0, (restored.err + restored.out));
    MESSAGE(restored.out);

    auto old_registry = old_phone.registry();
    auto new_registry = new_phone.registry();
    const auto old_apps = old_registry.list();
    REQUIRE(new_registry.list().size() == old_apps.size());
    for (const auto& app : old_apps) {
        const auto back = new_registry.get(app.id);
        REQUIRE_MESSAGE(back, app.id);
        CHECK(back->name == app.name);
        CHECK(back->start_url == app.start_url);
        CHECK(back->scope == app.scope);
        CHECK(back->display == app.display);
        CHECK(back->home_position == app.home_position);
        CHECK(back->manifest_json == app.manifest_json);
        const auto old_permissions = old_registry.permissions(app.id);
        const auto new_permissions = new_registry.permissions(app.id);
        REQUIRE(new_permissions.size() == old_permissions.size());
        for (std::size_t i = 0; i < old_permissions.size(); ++i) {
            CHECK(new_permissions[i].permission == old_permissions[i].permission);
            CHECK(new_permissions[i].state == old_permissions[i].state);
        }
    }
    CHECK(new_registry.get(news_id)->home_position == 0);
    CHECK(new_registry.get(news_id)->source_kind == old_registry.get(news_id)->source_kind);
    CHECK(read_text(new_phone.app_data("calc") / "leveldb/000003.log") == log);
    CHECK(read_text(new_phone.app_data(news_id) / "notes.txt") == "hosted app's own data");
    CHECK(rows(new_phone.app_data("notes") / "LocalStorage/app_notes_0.localstorage",
               "SELECT key, value FROM ItemTable ORDER BY key") ==
          std::vector<std::string>{"note-1|buy milk|", "note-2|call Ann|"});
    CHECK(rows(new_phone.app_data("notes") / "IndexedDB/v1/app_notes_0/IndexedDB.sqlite3",
               "SELECT key, value FROM Records") ==
          rows(old_phone.app_data("notes") / "IndexedDB/v1/app_notes_0/IndexedDB.sqlite3",
               "SELECT key, value FROM Records"));
    {
        auto queue = cirrus::offline::WriteQueue::open(new_phone.data_home() / "cirrus/write-queue.sqlite");
        const auto pending = queue.pending("notes");
        REQUIRE(pending.size() == 1);
        CHECK(pending[0].url == "https://notes.example/api/notes");
        CHECK(pending[0].idempotency_key == "key-123");
        CHECK(pending[0].body == std::vector<std::uint8_t>{'{', '}'});
        CHECK(pending[0].created_at == 1765135000000);
    }
    CHECK(read_text(new_phone.data_home() / "cirrus/apps/notes/index.html") ==
          read_text(old_phone.data_home() / "cirrus/apps/notes/index.html"));
}

TEST_CASE("backup: an unchanged 5 MB database sends no chunk again; one changed page sends only its chunks") {
    DavServer server(DavServer::Kind::webdav);
    BackupPhone phone(server.url("/"));
    phone.install_package("notes", "Notes");
    const fs::path db = phone.app_data("notes") / "IndexedDB/v1/app_notes_0/IndexedDB.sqlite3";
    // 5 MB in 4 KiB pages: 1250 records of 4000 random bytes.
    sql(db,
        "PRAGMA page_size=4096; CREATE TABLE Records (id INTEGER PRIMARY KEY, value BLOB);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1250)"
        " INSERT INTO Records SELECT i, randomblob(4000) FROM n;");
    REQUIRE(fs::file_size(db) > 5'000'000);

    const BackupRun first = backup_now(phone, kPassphrase);
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(first.chunk_bytes > 5'000'000);
    const BackupRun unchanged = backup_now(phone);
    REQUIRE_MESSAGE(unchanged.status == 0, unchanged.err);
    CHECK(unchanged.chunks_sent == 0);
    CHECK(unchanged.chunk_bytes == 0);
    CHECK(unchanged.snapshot != first.snapshot);

    sql(db, "UPDATE Records SET value = randomblob(4000) WHERE id = 600;");
    const BackupRun changed = backup_now(phone);
    REQUIRE_MESSAGE(changed.status == 0, changed.err);
    MESSAGE("5 MB database, one page changed: ", changed.chunks_sent, " of ", changed.chunks, " chunks, ",
            changed.chunk_bytes, " bytes; manifest ", changed.manifest_bytes, " bytes");
    CHECK(changed.chunks_sent >= 1);
    // The issue's bound is on bytes; how many chunks one rewritten row
    // touches varies with where the random page's cuts fall (1 to 7 seen).
    CHECK(changed.chunk_bytes < 64 * 1024);
    CHECK(snapshot_lines(phone).size() == 3);
}

TEST_CASE("backup: one killed mid-way leaves the last snapshot listable and restorable; the next sends the rest") {
    DavServer server(DavServer::Kind::webdav);
    BackupPhone phone(server.url("/"));
    phone.install_package("notes", "Notes");
    write_text(phone.app_data("notes") / "notes.txt", "first");
    const BackupRun first = backup_now(phone, kPassphrase);
    REQUIRE_MESSAGE(first.status == 0, first.err);
    const fs::path chunks = server.files() / "Backup/chunks";
    const std::size_t before = count_files(chunks);

    write_text(phone.app_data("notes") / "notes.txt", "second");
    write_text(phone.app_data("notes") / "big.bin", noise_bytes(12'000'000, 5));
    {
        BackgroundCommand backup(phone.environment() + "'" CIRRUS_CLI "' backup now");
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        while (count_files(chunks) < before + 100 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        backup.kill_now();
    }
    const std::size_t after_kill = count_files(chunks);
    CHECK(after_kill >= before + 100);
    CHECK(after_kill < before + 1000);  // it was cut short
    CHECK(snapshot_lines(phone) == std::vector<std::string>{first.snapshot});

    BackupPhone new_phone(server.url("/"));
    const auto restored = new_phone.cli("backup restore " + first.snapshot + " --passphrase-stdin", kPassphrase);
    REQUIRE_MESSAGE(restored.status == 0, (restored.err + restored.out));
    CHECK(read_text(new_phone.app_data("notes") / "notes.txt") == "first");
    CHECK_FALSE(fs::exists(new_phone.app_data("notes") / "big.bin"));

    const BackupRun resumed = backup_now(phone);
    REQUIRE_MESSAGE(resumed.status == 0, resumed.err);
    MESSAGE("after the kill: ", resumed.chunks_sent, " of ", resumed.chunks, " chunks sent");
    CHECK(resumed.chunks_sent + (after_kill - before) <= resumed.chunks);
    CHECK(resumed.chunks_sent < resumed.chunks - 50);
    CHECK(snapshot_lines(phone).size() == 2);
}

TEST_CASE("backup: a wrong passphrase is told in words and stores no key") {
    DavServer server(DavServer::Kind::webdav);
    BackupPhone phone(server.url("/"));
    phone.install_package("notes", "Notes");
    REQUIRE(backup_now(phone, kPassphrase).status == 0);
    BackupPhone new_phone(server.url("/"));
    const auto wrong = new_phone.cli("backup list --passphrase-stdin", "not the passphrase\n");
    CHECK(wrong.status == 1);
    CHECK(contains(wrong.err, "the passphrase does not open this account's backups"));
    CHECK_FALSE(fs::exists(new_phone.dir / "config/cirrus/backup.key"));
    const auto none = new_phone.cli("backup list");
    CHECK(none.status == 1);
    CHECK(contains(none.err, "--passphrase-stdin"));
    CHECK(contains(new_phone.cli("backup now --passphrase=x").err, "never an argument"));
}

TEST_CASE("backup: a full server (507) gives a clear error, keeps the last snapshot, and loses nothing") {
    DavServer apache(DavServer::Kind::webdav);
    std::atomic<bool> full{false};
    // Apache behind a proxy that, once `full`, answers every chunk PUT with
    // 507 Insufficient Storage, as a server whose disk or quota is full does.
    cirrus::test::ForwardingProxy proxy(apache.url("/"), [&](const std::string& method, const std::string& path) {
        return full && method == "PUT" && path.starts_with("/Backup/chunks/") ? 507 : 0;
    });
    BackupPhone phone(proxy.url("/"));
    phone.install_package("notes", "Notes");
    write_text(phone.app_data("notes") / "notes.txt", "kept");
    const BackupRun first = backup_now(phone, kPassphrase);
    REQUIRE_MESSAGE(first.status == 0, first.err);

    full = true;
    const std::string more = noise_bytes(100'000, 9);
    write_text(phone.app_data("notes") / "more.bin", more);
    const BackupRun refused = backup_now(phone);
    CHECK(refused.status == 1);
    CHECK(contains(refused.err, "507"));
    CHECK(contains(refused.err, "the server is full"));
    CHECK(contains(refused.err, "earlier snapshots are intact"));
    CHECK(read_text(phone.app_data("notes") / "more.bin") == more);  // nothing lost on the phone
    CHECK(snapshot_lines(phone) == std::vector<std::string>{first.snapshot});

    // The service says so too, held for the user.
    const auto service = phone.sync_once("--link good --backup-hours 0");
    CHECK(service.status == 1);
    CHECK(contains(service.err, "the server is full"));

    full = false;
    const BackupRun later = backup_now(phone);
    CHECK_MESSAGE(later.status == 0, later.err);
    CHECK(snapshot_lines(phone).size() == 2);
}

TEST_CASE("backup: cirrus-sync runs it as bulk work: not on 3g, done on a good link, with the phone's key") {
    DavServer server(DavServer::Kind::webdav);
    BackupPhone phone(server.url("/"));
    phone.install_package("notes", "Notes");
    // No key on the phone yet: nothing to do (the passphrase is the user's).
    CHECK(phone.sync_once("--link good").status == 0);
    CHECK_FALSE(fs::exists(server.files() / "Backup"));
    REQUIRE(backup_now(phone, kPassphrase).status == 0);
    write_text(phone.app_data("notes") / "notes.txt", "from the service");
    // Done a moment ago: not due within the day...
    CHECK(phone.sync_once("--link good").status == 0);
    CHECK(snapshot_lines(phone).size() == 1);
    // ...unless asked.
    write_text(phone.data_home() / "cirrus/sync/backup.request", "");
    const auto waits = phone.sync_once("--link 3g");
    CHECK(waits.status == 3);
    CHECK(contains(waits.err, "the backup waits for a good link"));
    const auto done = phone.sync_once("--link good");
    CHECK_MESSAGE(done.status == 0, done.err);
    CHECK(contains(done.out, "cirrus-sync: backup "));
    CHECK(snapshot_lines(phone).size() == 2);
    CHECK_FALSE(fs::exists(phone.data_home() / "cirrus/sync/backup.request"));
}
