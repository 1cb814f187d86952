// Photos from the phone's picture folder to the account's Photos/ folder,
// in chunks that resume after a drop (photo_plan.hpp says how), recorded
// in the upload journal so that none is uploaded twice. The glue between
// the picture folder, the journal and common/'s WebDAV client; the service
// (main.cpp) decides when it may run.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/dav_client.hpp"
#include "sync_policy.hpp"
#include "upload_journal.hpp"

namespace cirrus::sync {

struct PhotoUploadOptions {
    std::string remote_folder = "Photos/";
    // 1 MiB: 11 s of a 3G uplink (750 kbit/s), under a second on a good
    // link; the most a cut costs again.
    std::uint64_t chunk_bytes = 1u << 20;
    // A file changed this recently may still be being written (a camera
    // app saving): it waits for the next pass.
    std::chrono::seconds settle{2};
};

struct PendingPhoto {
    std::string path;  // relative to the picture folder, '/'-separated
    std::filesystem::path file;
    std::uint64_t size = 0;
    std::int64_t mtime_ns = 0;
};

// An upload that stopped on an error: the outcome says whether to retry on
// its own (transient) or wait for the user (needs_user); the message names
// the problem and the fix. The photo and its journal entry are untouched.
class UploadError : public std::runtime_error {
public:
    UploadError(Outcome outcome, const std::string& message) : std::runtime_error(message), outcome_(outcome) {}
    Outcome outcome() const { return outcome_; }

private:
    Outcome outcome_;
};

struct UploadReport {
    std::size_t uploaded = 0;           // photos now on the server
    std::size_t already_there = 0;      // found on the server, not sent again
    std::uint64_t body_bytes_sent = 0;  // chunk bytes PUT in this pass
    bool paused = false;                // keep_going() said stop
    std::vector<std::string> events;    // one line per photo: what happened
};

class PhotoUploader {
public:
    PhotoUploader(dav::Client& client, UploadJournal& journal, std::filesystem::path pictures,
                  PhotoUploadOptions options = {});

    // Photos not yet uploaded, oldest first. wall_now: for the settle time.
    std::vector<PendingPhoto> pending(std::filesystem::file_time_type now) const;

    // Uploads them one after another; checks keep_going() before every
    // chunk (a link turned weak, a stop signal) and returns paused. Throws
    // UploadError on the first error.
    UploadReport upload_all(const std::function<bool()>& keep_going,
                            const std::function<void(const std::string&)>& progress = {});

private:
    // False when paused.
    bool upload_one(const PendingPhoto& photo, const std::function<bool()>& keep_going,
                    const std::function<void(const std::string&)>& progress, UploadReport& report);
    std::string remote_path(const std::string& name) const { return options_.remote_folder + name; }
    std::optional<std::uint64_t> remote_size(const std::string& path);
    void put_chunk(const PendingPhoto& photo, const std::string& part, std::uint64_t offset, std::uint64_t end,
                   UploadReport& report);
    void put_whole(const PendingPhoto& photo, const std::string& part, UploadReport& report);

    dav::Client& client_;
    UploadJournal& journal_;
    std::filesystem::path pictures_;
    PhotoUploadOptions options_;
    bool folder_ready_ = false;
    // Content-Range PUTs seen appended (true), seen ignored (false), not tried.
    std::optional<bool> ranges_work_;
};

// The error for a status the server answered an upload request with.
UploadError upload_error(const dav::Response& response, const std::string& what, const std::string& photo);

}  // namespace cirrus::sync
