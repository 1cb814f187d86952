// See photo_upload.hpp.
#include "photo_upload.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "photo_plan.hpp"

namespace cirrus::sync {

namespace {

std::string megabytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
    return text;
}

// Reads [offset, end) of a file; throws UploadError (needs_user) when the
// photo is gone or unreadable: nothing to retry until it changes.
std::string read_range(const PendingPhoto& photo, std::uint64_t offset, std::uint64_t end) {
    const int fd = open(photo.file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw UploadError(Outcome::transient_error, photo.file.string() + ": cannot read: " + std::strerror(errno));
    std::string bytes(end - offset, '\0');
    std::size_t got = 0;
    while (got < bytes.size()) {
        const ssize_t n = pread(fd, bytes.data() + got, bytes.size() - got, static_cast<off_t>(offset + got));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            close(fd);
            throw UploadError(Outcome::transient_error,
                              photo.file.string() +
                                  ": changed while uploading (shorter than it was); tried again "
                                  "at the next pass");
        }
        got += static_cast<std::size_t>(n);
    }
    close(fd);
    return bytes;
}

}  // namespace

UploadError upload_error(const dav::Response& response, const std::string& what, const std::string& photo) {
    const std::string status = response.status_text();
    if (response.status == 507)
        return UploadError(Outcome::needs_user, "the server is full (" + status + " on " + what +
                                                    "): free space on it or raise the account's quota; " + photo +
                                                    " stays on the phone and goes up once there is room");
    if (response.status == 413)
        return UploadError(Outcome::needs_user, "the server refuses uploads this large (" + status + " on " + what +
                                                    "): raise its upload limit; " + photo + " stays on the phone");
    if (response.status == 401 || response.status == 403)
        return UploadError(Outcome::needs_user, "the server refused the account's password (" + status + " on " + what +
                                                    "): run cirrus account test, and add the account again "
                                                    "if the password changed");
    return UploadError(Outcome::transient_error, "the server failed " + what + " (" + status + "); tried again later");
}

PhotoUploader::PhotoUploader(dav::Client& client, UploadJournal& journal, std::filesystem::path pictures,
                             PhotoUploadOptions options)
    : client_(client), journal_(journal), pictures_(std::move(pictures)), options_(std::move(options)) {
    if (options_.chunk_bytes == 0) options_.chunk_bytes = 1;
    if (!options_.remote_folder.empty() && options_.remote_folder.back() != '/') options_.remote_folder += '/';
}

std::vector<PendingPhoto> PhotoUploader::pending(std::filesystem::file_time_type now) const {
    std::vector<PendingPhoto> photos;
    std::error_code error;
    if (!std::filesystem::is_directory(pictures_, error)) return photos;
    // Bounded: a picture folder with a loop of symlinks must not hang the service.
    auto options = std::filesystem::directory_options::skip_permission_denied;
    for (auto it = std::filesystem::recursive_directory_iterator(pictures_, options, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
        const std::string name = it->path().filename().string();
        if (it->is_directory(error)) {
            if (name.starts_with(".") || it.depth() >= 4) it.disable_recursion_pending();
            continue;
        }
        if (!it->is_regular_file(error) || !is_upload_candidate(name)) continue;
        PendingPhoto photo;
        photo.file = it->path();
        photo.path = std::filesystem::relative(it->path(), pictures_, error).generic_string();
        photo.size = it->file_size(error);
        const auto modified = it->last_write_time(error);
        if (error) continue;
        if (now - modified < options_.settle) continue;
        photo.mtime_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(modified.time_since_epoch()).count();
        const auto entry = journal_.find(photo.path);
        if (entry && entry->done && entry->size == photo.size && entry->mtime_ns == photo.mtime_ns) continue;
        photos.push_back(std::move(photo));
    }
    std::sort(photos.begin(), photos.end(),
              [](const PendingPhoto& a, const PendingPhoto& b) { return a.mtime_ns < b.mtime_ns; });
    return photos;
}

UploadReport PhotoUploader::upload_all(const std::function<bool()>& keep_going,
                                       const std::function<void(const std::string&)>& progress) {
    UploadReport report;
    for (const PendingPhoto& photo : pending(std::filesystem::file_time_type::clock::now())) {
        if (!upload_one(photo, keep_going, progress, report)) {
            report.paused = true;
            break;
        }
    }
    return report;
}

std::optional<std::uint64_t> PhotoUploader::remote_size(const std::string& path) {
    const auto entry = client_.stat(path);
    if (!entry) return std::nullopt;
    return entry->size.value_or(0);
}

void PhotoUploader::put_chunk(const PendingPhoto& photo, const std::string& part, std::uint64_t offset,
                              std::uint64_t end, UploadReport& report) {
    const std::string bytes = read_range(photo, offset, end);
    std::vector<std::pair<std::string, std::string>> headers;
    if (offset > 0) {
        headers.emplace_back("Content-Range", "bytes " + std::to_string(offset) + "-" + std::to_string(end - 1) + "/" +
                                                  std::to_string(photo.size));
    }
    const dav::Response response =
        client_.request("PUT", remote_path(part), headers, bytes, "application/octet-stream");
    report.body_bytes_sent += bytes.size();
    if (!response.ok()) {
        // A server that will not take ranges (400, 501): the caller sends the photo whole.
        if (offset > 0 && (response.status == 400 || response.status == 501)) {
            ranges_work_ = false;
            return;
        }
        throw upload_error(response, "PUT " + remote_path(part), photo.path);
    }
}

void PhotoUploader::put_whole(const PendingPhoto& photo, const std::string& part, UploadReport& report) {
    const std::string bytes = read_range(photo, 0, photo.size);
    const dav::Response response = client_.request("PUT", remote_path(part), {}, bytes, "application/octet-stream");
    report.body_bytes_sent += bytes.size();
    if (!response.ok()) throw upload_error(response, "PUT " + remote_path(part), photo.path);
}

bool PhotoUploader::upload_one(const PendingPhoto& photo, const std::function<bool()>& keep_going,
                               const std::function<void(const std::string&)>& progress, UploadReport& report) {
    if (!keep_going()) return false;
    try {
        if (!folder_ready_) {
            client_.make_collection(options_.remote_folder);
            folder_ready_ = true;
        }
        JournalEntry entry;
        const auto known = journal_.find(photo.path);
        const bool same_photo = known && known->size == photo.size && known->mtime_ns == photo.mtime_ns;
        entry.path = photo.path;
        entry.size = photo.size;
        entry.mtime_ns = photo.mtime_ns;
        entry.remote_name = same_photo ? known->remote_name : std::filesystem::path(photo.path).filename().string();
        if (known && !same_photo) {
            // The photo changed since its upload began: the old part is not it.
            client_.request("DELETE", remote_path(part_name(known->remote_name)));
        }

        // Where to go on: asked of the server, not taken from the journal.
        ResumePlan plan;
        for (unsigned attempt = 2;; ++attempt) {
            plan = plan_resume(photo.size, remote_size(remote_path(part_name(entry.remote_name))),
                               remote_size(remote_path(entry.remote_name)));
            if (plan.action != ResumePlan::Action::name_taken) break;
            if (attempt > 1000) throw UploadError(Outcome::needs_user, "no free name for " + photo.path);
            entry.remote_name = conflict_name(std::filesystem::path(photo.path).filename().string(), attempt);
        }
        const std::string part = part_name(entry.remote_name);
        if (plan.action == ResumePlan::Action::already_there) {
            entry.confirmed = photo.size;
            entry.done = true;
            journal_.record(entry);
            ++report.already_there;
            report.events.push_back(photo.path + ": already on the server as " + entry.remote_name);
            return true;
        }
        if (plan.action == ResumePlan::Action::restart) client_.request("DELETE", remote_path(part));
        std::uint64_t offset = plan.offset;
        entry.confirmed = offset;
        journal_.record(entry);
        const std::uint64_t started_at = offset;

        while (offset < photo.size) {
            if (!keep_going()) return false;
            if (ranges_work_ == false) {
                put_whole(photo, part, report);
                offset = photo.size;
            } else {
                const std::uint64_t end = chunk_end(offset, photo.size, options_.chunk_bytes);
                put_chunk(photo, part, offset, end, report);
                if (ranges_work_ == false) continue;  // refused (400, 501): sent whole next
                if (offset > 0 && !ranges_work_.has_value()) {
                    // The first ranged PUT: did the server write it in place,
                    // or (golang's x/net/webdav, rclone) replace the file with it?
                    const auto size = remote_size(remote_path(part));
                    ranges_work_ = size && *size == end;
                    if (!*ranges_work_) continue;  // the part is broken: sent whole next
                }
                offset = end;
            }
            entry.confirmed = offset;
            journal_.record(entry);
            if (progress)
                progress("uploading " + photo.path + ": " + megabytes(offset) + " of " + megabytes(photo.size));
        }

        const dav::Response moved =
            client_.request("MOVE", remote_path(part),
                            {{"Destination", client_.url_of(remote_path(entry.remote_name))}, {"Overwrite", "F"}});
        if (moved.status == 412) {
            // Someone took the name meanwhile; the next pass picks another.
            throw UploadError(Outcome::transient_error,
                              remote_path(entry.remote_name) + " appeared while uploading; tried again later");
        }
        if (!moved.ok()) throw upload_error(moved, "MOVE to " + remote_path(entry.remote_name), photo.path);
        entry.confirmed = photo.size;
        entry.done = true;
        journal_.record(entry);
        ++report.uploaded;
        report.events.push_back(photo.path + ": uploaded as " + entry.remote_name + " (" + std::to_string(photo.size) +
                                " bytes" + (started_at > 0 ? ", resumed at " + std::to_string(started_at) : "") + ")");
        return true;
    } catch (const dav::UnreachableError& e) {
        throw UploadError(Outcome::transient_error, std::string("no answer from the server: ") + e.what() + "; " +
                                                        photo.path + " goes on where it stopped");
    } catch (const UploadError&) {
        throw;
    } catch (const cirrus::launcher::SqliteError& e) {
        throw UploadError(Outcome::needs_user, std::string("the upload journal failed: ") + e.what());
    } catch (const std::runtime_error& e) {
        throw UploadError(Outcome::transient_error, e.what());
    }
}

}  // namespace cirrus::sync
