// See backup_run.hpp.
#include "backup_run.hpp"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>

#include "backup_plan.hpp"
#include "write_queue.hpp"

namespace cirrus::backup {

namespace {

namespace fs = std::filesystem;

std::string read_whole(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ": cannot be read for the backup");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error(path.string() + ": a read failed during the backup");
    return bytes;
}

bool ends_with(const std::string& text, std::string_view suffix) { return text.ends_with(suffix); }

// A SQLite side file whose database is beside it: the backup API's copy
// holds its content.
bool sqlite_side_file(const fs::path& path) {
    const std::string name = path.string();
    for (std::string_view suffix : {"-wal", "-shm", "-journal"})
        if (ends_with(name, suffix) && is_sqlite_file(name.substr(0, name.size() - suffix.size()))) return true;
    return false;
}

struct Found {
    std::string relative;
    fs::path path;
    std::uint32_t mode;
};

// Regular files under `root`, sorted (symbolic links are not followed).
std::vector<Found> files_under(const fs::path& root) {
    std::vector<Found> found;
    std::error_code error;
    if (!fs::is_directory(root, error)) return found;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, error), end;
         !error && it != end; it.increment(error)) {
        if (!it->is_regular_file(error) || it->is_symlink(error)) continue;
        struct stat info {};
        if (::lstat(it->path().c_str(), &info) != 0) continue;
        found.push_back({it->path().lexically_relative(root).generic_string(), it->path(),
                         static_cast<std::uint32_t>(info.st_mode & 0777)});
    }
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.relative < b.relative; });
    return found;
}

class Uploader {
public:
    Uploader(BackupStore& store, ChunkIndex& index, const BackupOptions& options,
             const std::function<bool()>& keep_going, BackupReport& report)
        : store_(store), index_(index), options_(options), keep_going_(keep_going), report_(report) {}

    FileEntry add(const std::string& relative, std::uint32_t mode, const std::string& bytes) {
        FileEntry file{relative, mode, bytes.size(), {}};
        const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
        std::size_t at = 0;
        for (std::size_t length : chunk_lengths({data, bytes.size()}, options_.chunker)) {
            const std::string_view chunk(bytes.data() + at, length);
            at += length;
            const std::string id = store_.chunk_id(chunk);
            file.chunks.push_back(id);
            if (!seen_.insert(id).second) continue;
            ++report_.chunks;
            send_if_missing(id, chunk);
        }
        ++report_.files;
        report_.file_bytes += bytes.size();
        return file;
    }

private:
    void send_if_missing(const std::string& id, std::string_view chunk) {
        const std::uint64_t sealed_size = chunk.size() + kSealOverhead;
        for (;;) {
            switch (plan_chunk(id, sealed_size, index_.has(id), listing_)) {
            case ChunkAction::skip_known:
                return;
            case ChunkAction::skip_listed:
                index_.record(id, sealed_size);
                return;
            case ChunkAction::list_first:
                listing_ = store_.list_chunks();
                report_.listed_server = true;
                continue;
            case ChunkAction::upload:
                if (keep_going_ && !keep_going_())
                    throw BackupPaused("the backup stopped between two chunks (" + std::to_string(report_.chunks_sent) +
                                       " sent); it goes on from there next time");
                report_.chunk_bytes_sent += store_.put_chunk(id, chunk);
                ++report_.chunks_sent;
                index_.record(id, sealed_size);
                (*listing_)[id] = sealed_size;
                return;
            }
        }
    }

    BackupStore& store_;
    ChunkIndex& index_;
    const BackupOptions& options_;
    const std::function<bool()>& keep_going_;
    BackupReport& report_;
    std::optional<std::map<std::string, std::uint64_t>> listing_;
    std::set<std::string> seen_;
};

}  // namespace

bool is_sqlite_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    in.read(header, sizeof header);
    return in.gcount() == 16 && std::string_view(header, 16) == std::string_view("SQLite format 3\0", 16);
}

void copy_sqlite(const fs::path& source, const fs::path& target) {
    fs::remove(target);
    sqlite3* from = nullptr;
    sqlite3* to = nullptr;
    auto fail = [&](const std::string& why) {
        sqlite3_close(from);
        sqlite3_close(to);
        fs::remove(target);
        throw std::runtime_error(source.string() + ": SQLite's backup copy failed (" + why + ")");
    };
    if (sqlite3_open_v2(source.c_str(), &from, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(from));
    sqlite3_busy_timeout(from, 5000);
    if (sqlite3_open_v2(target.c_str(), &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
        fail(sqlite3_errmsg(to));
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (!backup) fail(sqlite3_errmsg(to));
    int rc = SQLITE_OK;
    // All pages in one step: a writer between steps would restart the copy.
    for (int tries = 0; tries < 50; ++tries) {
        rc = sqlite3_backup_step(backup, -1);
        if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED) break;
        sqlite3_sleep(100);
    }
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) fail(sqlite3_errstr(rc));
    sqlite3_close(from);
    sqlite3_close(to);
}

BackupReport run_backup(BackupStore& store, ChunkIndex& index, launcher::Registry& registry,
                        const BackupOptions& options, const std::function<bool()>& keep_going,
                        const std::function<void(const std::string&)>& progress) {
    BackupReport report;
    fs::create_directories(options.staging);
    const fs::path copy = options.staging / "backup-sqlite-copy.tmp";
    store.prepare();
    Uploader uploader(store, index, options, keep_going, report);
    Snapshot snapshot;
    snapshot.created = options.now;
    snapshot.name = snapshot_name_at(options.now);

    auto add_folder = [&](const fs::path& root, bool take_sqlite_copies, std::vector<FileEntry>& out) {
        for (const Found& found : files_under(root)) {
            if (take_sqlite_copies && sqlite_side_file(found.path)) continue;
            std::error_code error;
            const auto size = fs::file_size(found.path, error);
            if (error) continue;  // gone meanwhile
            if (size > options.max_file_bytes) {
                report.warnings.push_back(found.path.string() + ": left out, over " +
                                          std::to_string(options.max_file_bytes >> 20) + " MiB");
                continue;
            }
            if (progress) progress(found.path.string());
            std::string bytes;
            if (take_sqlite_copies && is_sqlite_file(found.path)) {
                copy_sqlite(found.path, copy);
                bytes = read_whole(copy);
                fs::remove(copy);
            } else {
                bytes = read_whole(found.path);
            }
            out.push_back(uploader.add(found.relative, found.mode, bytes));
        }
    };

    std::optional<offline::WriteQueue> queue;
    if (!options.write_queue.empty() && fs::exists(options.write_queue))
        queue = offline::WriteQueue::open(options.write_queue);
    std::vector<launcher::AppRecord> apps = registry.list();
    for (const launcher::AppRecord& app : apps) {
        AppEntry entry;
        entry.record = app;
        for (const launcher::PermissionEntry& permission : registry.permissions(app.id))
            entry.permissions[permission.permission] = permission.state;
        const bool packaged = app.source_kind == launcher::SourceKind::bundled ||
                              app.source_kind == launcher::SourceKind::folder ||
                              app.source_kind == launcher::SourceKind::zip;
        if (packaged && !app.package_dir.empty()) {
            entry.has_package = true;
            add_folder(app.package_dir, false, entry.package);
        }
        add_folder(launcher::app_data_dirs(app.id).data, true, entry.data);
        if (queue) {
            for (const offline::StoredWrite& write : queue->pending(app.id)) {
                QueuedWrite queued{
                    write.method,          write.url,       {}, std::string(write.body.begin(), write.body.end()),
                    write.idempotency_key, write.created_at};
                for (const auto& header : write.headers) queued.headers.emplace_back(header.name, header.value);
                entry.writes.push_back(std::move(queued));
            }
        }
        snapshot.apps.push_back(std::move(entry));
        ++report.apps;
    }
    std::vector<const launcher::AppRecord*> home;
    for (const auto& app : apps)
        if (app.home_position) home.push_back(&app);
    std::stable_sort(home.begin(), home.end(),
                     [](const auto* a, const auto* b) { return *a->home_position < *b->home_position; });
    for (const auto* app : home) snapshot.home.push_back(app->id);

    if (keep_going && !keep_going()) throw BackupPaused("the backup stopped before its manifest; it goes on next time");
    report.manifest_bytes = store.put_snapshot(snapshot);
    index.set_last_backup(options.now);
    report.snapshot = snapshot.name;
    return report;
}

}  // namespace cirrus::backup
