// See backup_restore.hpp.
#include "backup_restore.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <optional>

#include "common/write_queue.hpp"

namespace cirrus::launcher {

namespace {

namespace fs = std::filesystem;

// Fetches chunks over kFetchConnections connections at once: a restore is
// hundreds of small GETs, and one at a time each waits a round trip (on a
// 40 ms link, 400 chunks are 16 s of waiting alone).
constexpr std::size_t kFetchConnections = 4;

class FileWriter {
public:
    FileWriter(backup::BackupStore& store, const backup::Keys& keys, const fs::path& cache, RestoreReport& report)
        : store_(store), keys_(keys), cache_(cache), report_(report) {}
    ~FileWriter() {
        std::error_code error;
        fs::remove_all(cache_, error);
    }

    // The chunks of these files not yet fetched, into the cache folder.
    void prefetch(const std::vector<const std::vector<backup::FileEntry>*>& lists) {
        std::vector<std::string> wanted;
        std::set<std::string> seen;
        for (const auto* files : lists)
            for (const backup::FileEntry& file : *files)
                for (const std::string& id : file.chunks)
                    if (seen.insert(id).second && !fs::exists(cache_ / id)) wanted.push_back(id);
        fs::create_directories(cache_);
        std::atomic<std::size_t> next{0};
        std::mutex mutex;
        std::string first_error;
        auto work = [&] {
            try {
                dav::Client client = store_.client().another();
                backup::BackupStore store(client, keys_);
                for (std::size_t i; (i = next++) < wanted.size();) {
                    const std::string plain = store.get_chunk(wanted[i]);
                    write_whole(cache_ / wanted[i], plain);
                }
                std::lock_guard lock(mutex);
                report_.bytes_received += client.bytes_received();
            } catch (const std::exception& e) {
                next = wanted.size();
                std::lock_guard lock(mutex);
                if (first_error.empty()) first_error = e.what();
            }
        };
        std::vector<std::thread> threads;
        for (std::size_t i = 1; i < std::min(kFetchConnections, wanted.size()); ++i) threads.emplace_back(work);
        work();
        for (auto& thread : threads) thread.join();
        if (!first_error.empty()) throw std::runtime_error(first_error);
        report_.chunks_fetched += wanted.size();
    }

    // Each file of `files` under `root` (which must not exist yet).
    void write_all(const std::vector<backup::FileEntry>& files, const fs::path& root) {
        fs::create_directories(root);
        for (const backup::FileEntry& file : files) write(file, root / file.path);
    }

private:
    void write(const backup::FileEntry& file, const fs::path& path) {
        fs::create_directories(path.parent_path());
        // The owner may always read and write what is restored (a mode from
        // the manifest is only permission bits, backup_manifest.cpp).
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) throw std::runtime_error(path.string() + ": cannot be created (" + std::strerror(errno) + ")");
        std::uint64_t written = 0;
        bool ok = true;
        for (const std::string& id : file.chunks) {
            const std::string bytes = chunk(id);
            if (written + bytes.size() > file.size) {
                ok = false;
                break;
            }
            ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
            if (!ok) break;
            written += bytes.size();
        }
        ok = ok && written == file.size && ::fchmod(fd, (file.mode & 0777) | 0600) == 0;
        ::close(fd);
        if (!ok)
            throw std::runtime_error(path.string() + ": restored at " + std::to_string(written) + " bytes, not the " +
                                     std::to_string(file.size) +
                                     " the snapshot says (full disk, or a damaged "
                                     "snapshot)");
        ++report_.files;
        report_.file_bytes += written;
    }

    // From the cache (prefetch); the last one kept: runs of one chunk
    // (zeros) are common.
    const std::string& chunk(const std::string& id) {
        if (id != last_id_) {
            std::ifstream in(cache_ / id, std::ios::binary);
            if (!in) throw std::runtime_error("chunk " + id + " was not fetched");
            last_.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
            last_id_ = id;
        }
        return last_;
    }

    static void write_whole(const fs::path& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out.flush()) throw std::runtime_error(path.string() + ": cannot be written (full disk?)");
    }

    backup::BackupStore& store_;
    const backup::Keys& keys_;
    fs::path cache_;
    RestoreReport& report_;
    std::string last_id_;
    std::string last_;
};

bool packaged(SourceKind kind) {
    return kind == SourceKind::bundled || kind == SourceKind::folder || kind == SourceKind::zip;
}

// The app's data folder replaced by the snapshot's, whole.
void restore_data(FileWriter& writer, const backup::AppEntry& app, const std::string& id) {
    const fs::path data = app_data_dirs(id).data;
    const fs::path incoming = data.string() + ".restoring";
    const fs::path previous = data.string() + ".before-restore";
    fs::remove_all(incoming);
    writer.write_all(app.data, incoming);
    fs::remove_all(previous);
    if (fs::exists(data)) fs::rename(data, previous);
    fs::rename(incoming, data);
    fs::remove_all(previous);
}

}  // namespace

RestoreReport restore_snapshot(backup::BackupStore& store, const backup::Snapshot& snapshot, Registry& registry,
                               const backup::Keys& keys, Installer& installer, const fs::path& staging,
                               const fs::path& write_queue, const std::function<void(const std::string&)>& progress) {
    RestoreReport report;
    std::optional<offline::WriteQueue> queue;
    FileWriter writer(store, keys, staging / "restore-chunks", report);
    std::map<std::string, std::string> new_ids;  // the snapshot's id -> the phone's
    for (const backup::AppEntry& app : snapshot.apps) {
        const std::string& id = app.record.id;
        if (progress) progress("restoring " + id);
        try {
            // One app's chunks at a time: the cache never holds more than
            // one app's data.
            writer.prefetch({&app.package, &app.data});
            std::string installed_id;
            if (app.record.source_kind == SourceKind::bundled && registry.get(id)) {
                installed_id = id;
                report.kept.push_back(id);
            } else if (packaged(app.record.source_kind)) {
                if (!app.has_package) throw std::runtime_error("the snapshot holds no package for it");
                // Named by its id: a package without a manifest id is
                // installed under its folder's name.
                const fs::path folder = staging / "restore" / id;
                fs::remove_all(folder);
                writer.write_all(app.package, folder);
                installed_id = installer.install_package(folder, SourceKind::folder).app.id;
                fs::remove_all(folder);
                report.installed.push_back(installed_id);
            } else {
                installed_id = installer.install(app.record.source).app.id;
                report.installed.push_back(installed_id);
            }
            restore_data(writer, app, installed_id);
            for (const auto& [permission, state] : app.permissions)
                registry.set_permission(installed_id, permission, state);
            for (const backup::QueuedWrite& write : app.writes) {
                if (!queue) queue = offline::WriteQueue::open(write_queue);
                offline::WriteRequest request{
                    write.method, write.url, {}, {write.body.begin(), write.body.end()}, write.idempotency_key};
                for (const auto& [name, value] : write.headers) request.headers.push_back({name, value});
                queue->enqueue(installed_id, request, write.created_at);
                ++report.writes;
            }
            new_ids[id] = installed_id;
        } catch (const std::exception& e) {
            report.failed.push_back(id + ": " + e.what());
        }
    }
    std::int64_t position = 0;
    for (const std::string& id : snapshot.home) {
        const auto found = new_ids.find(id);
        if (found == new_ids.end()) continue;
        registry.set_position(found->second, position++);
    }
    return report;
}

}  // namespace cirrus::launcher
