// cirrus-sync: the phone's data in the user's own cloud (issue 19). Its own
// process, started with the session; thin glue around sync_policy (when),
// photo_upload and common/backup_run (photos and backups, bulk),
// carddav_sync and note_sync (contacts and notes, urgent) and common/account
// (where).
//
// usage: cirrus-sync [--once] [--account FILE] [--pictures DIR] [--state DIR]
//                    [--status FILE] [--link CLASS | --link-file FILE]
//                    [--power-supply DIR] [--chunk-bytes N]
//                    [--settle-seconds N] [--poll-seconds N]
//                    [--data DIR] [--pull-seconds N] [--backup-hours N]
//
// The link class is the compositor's estimate ("offline", "2g", "3g",
// "good"), read from the file the compositor replaces whenever its estimator
// changes the class ($XDG_RUNTIME_DIR/cirrus-link, common/link_file.hpp),
// again before every chunk and at once when the file changes (inotify on its
// folder). While that file is missing (no compositor) the class is 3g, the
// estimator's own prior for this hardware, under which bulk work waits.
// --link fixes the class; --link-file names another file (missing:
// offline). The battery is read from sysfs (--power-supply, default
// /sys/class/power_supply).
//
// The backup (common/backup_run.hpp) is bulk work too, after the photos:
// every --backup-hours (default 24) once `cirrus backup now` has left the
// phone a backup key, and at once when STATE/backup.request exists (what
// Settings' "Back up now" makes; removed when the backup is done).
//
// --once: one pass, then exit: 0 all done (or nothing to do), 1 an error
// (its message on stderr), 3 the work waits (why on stderr), 2 a bad
// command line. Otherwise it runs until SIGTERM or SIGINT, looking for new
// photos every --poll-seconds (default 30) and when a back-off ends.
//
// Contacts (DIR/contacts.sqlite) and notes (DIR/Notes/, journal
// DIR/notes.sqlite) live in the data folder beside the registry (--data,
// default $XDG_DATA_HOME/cirrus). They sync as urgent work when the phone
// changed one (at once when an app's change wrote STATE/changes.request,
// which the service watches, as it watches for STATE/backup.request), and
// every --pull-seconds (default 300) for the server's
// changes; with --once, always.
#include <glib.h>
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "carddav_sync.hpp"
#include "common/account.hpp"
#include "common/backup_index.hpp"
#include "common/backup_keys.hpp"
#include "common/backup_run.hpp"
#include "common/link_file.hpp"
#include "common/registry.hpp"
#include "common/store_path.hpp"
#include "common/strings.hpp"
#include "common/sync_paths.hpp"
#include "note_sync.hpp"
#include "photo_upload.hpp"
#include "status_file.hpp"
#include "sync_policy.hpp"

namespace {

using namespace cirrus::sync;

std::atomic<bool> stop_requested{false};

void on_stop_signal(int) { stop_requested = true; }

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    bool once = false;
    std::filesystem::path account = default_account_path();
    std::filesystem::path pictures;
    std::filesystem::path state;
    std::filesystem::path status = default_status_path();
    std::optional<LinkQuality> link;
    std::filesystem::path link_file;
    bool link_file_given = false;  // --link-file: a missing file means offline
    std::filesystem::path power_supply = "/sys/class/power_supply";
    std::uint64_t chunk_bytes = PhotoUploadOptions{}.chunk_bytes;
    std::chrono::seconds settle = PhotoUploadOptions{}.settle;
    std::chrono::seconds poll{30};
    std::filesystem::path data;  // contacts and notes
    std::chrono::seconds pull{300};
    std::chrono::hours backup_every{24};
};

std::uint64_t number(const std::string& flag, const std::string& text) {
    char* end = nullptr;
    const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
    if (text.empty() || !end || *end != '\0' || text.front() == '-')
        throw UsageError(flag + " takes a whole number, not '" + text + "'");
    return value;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() {
            if (i + 1 >= argc) throw UsageError("missing value for " + arg);
            return std::string(argv[++i]);
        };
        if (arg == "--once") {
            o.once = true;
        } else if (arg == "--account") {
            o.account = value();
        } else if (arg == "--pictures") {
            o.pictures = value();
        } else if (arg == "--state") {
            o.state = value();
        } else if (arg == "--status") {
            o.status = value();
        } else if (arg == "--link") {
            const std::string name = value();
            o.link = parse_link_quality(name);
            if (!o.link) throw UsageError("--link: '" + name + "' is not a link class (offline, 2g, 3g, good)");
        } else if (arg == "--link-file") {
            o.link_file = value();
            o.link_file_given = true;
        } else if (arg == "--power-supply") {
            o.power_supply = value();
        } else if (arg == "--chunk-bytes") {
            o.chunk_bytes = number(arg, value());
            if (o.chunk_bytes < 4096) throw UsageError("--chunk-bytes: at least 4096");
        } else if (arg == "--settle-seconds") {
            o.settle = std::chrono::seconds(number(arg, value()));
        } else if (arg == "--backup-hours") {
            o.backup_every = std::chrono::hours(number(arg, value()));
        } else if (arg == "--poll-seconds") {
            o.poll = std::chrono::seconds(std::max<std::uint64_t>(1, number(arg, value())));
        } else if (arg == "--data") {
            o.data = value();
        } else if (arg == "--pull-seconds") {
            o.pull = std::chrono::seconds(number(arg, value()));
        } else {
            throw UsageError("unknown argument '" + arg + "'");
        }
    }
    if (o.pictures.empty()) {
        const char* pictures = g_get_user_special_dir(G_USER_DIRECTORY_PICTURES);
        o.pictures = pictures ? std::filesystem::path(pictures) : std::filesystem::path(g_get_home_dir()) / "Pictures";
    }
    if (o.state.empty()) o.state = default_state_dir();
    if (o.data.empty()) o.data = cirrus::launcher::default_registry_path().parent_path();
    if (!o.link && o.link_file.empty()) o.link_file = cirrus::link_file::default_path().value_or("");
    return o;
}

std::string read_first_line(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    return std::string(cirrus::trim(line, cirrus::kAsciiWhitespace));
}

LinkQuality read_link(const Options& o) {
    if (o.link) return *o.link;
    if (o.link_file.empty()) return LinkQuality::three_g;
    const auto text = cirrus::link_file::read(o.link_file);
    // The compositor's file missing: no estimate yet (or no compositor), so
    // the estimator's prior. A file named on the command line that is
    // missing, or any text that is not a class: offline is the safe reading
    // (nothing moves).
    if (!text && !o.link_file_given) return LinkQuality::three_g;
    return parse_link_quality(text.value_or("")).value_or(LinkQuality::offline);
}

// Wakes the service when a file it watches changes: the link file (replaced
// by a rename, so the watch is on its folder: one on the file would end with
// the first change) and the request files in its state folder (an app's
// changed contact or note, Settings' "Back up now"). Without inotify, a look
// at the link every second; the requests then wait for the next poll.
class WakeWatch {
public:
    enum class Woke { nothing, link, request };

    WakeWatch(const std::filesystem::path& link_file, std::vector<std::filesystem::path> requests) {
        fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (fd_ < 0) return;
        const auto watch = [&](const std::filesystem::path& file, std::uint32_t mask) {
            const std::string folder = file.parent_path().empty() ? "." : file.parent_path().string();
            std::error_code error;
            std::filesystem::create_directories(folder, error);
            const int wd = inotify_add_watch(fd_, folder.c_str(), mask);
            if (wd >= 0) watched_.push_back({wd, file.filename().string()});
            return wd >= 0;
        };
        if (!link_file.empty())
            link_watched_ = watch(link_file, IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM);
        for (const auto& request : requests) watch(request, IN_MOVED_TO | IN_CLOSE_WRITE);
        has_link_ = !link_file.empty();
    }
    ~WakeWatch() {
        if (fd_ >= 0) close(fd_);
    }
    WakeWatch(const WakeWatch&) = delete;
    WakeWatch& operator=(const WakeWatch&) = delete;

    // Sleeps until a watched file changed or `timeout` passed (or a signal
    // came); a request wins over the link when both came.
    Woke wait(std::chrono::milliseconds timeout) {
        if (fd_ < 0 || (has_link_ && !link_watched_)) {
            std::this_thread::sleep_for(std::min(timeout, std::chrono::milliseconds(1000)));
            return has_link_ ? Woke::link : Woke::nothing;
        }
        pollfd p{fd_, POLLIN, 0};
        const int ready = poll(&p, 1, static_cast<int>(std::clamp<std::int64_t>(timeout.count(), 0, 60'000)));
        if (ready <= 0) return Woke::nothing;
        alignas(inotify_event) char buffer[4096];
        Woke woke = Woke::nothing;
        for (ssize_t n; (n = read(fd_, buffer, sizeof buffer)) > 0;) {
            for (ssize_t at = 0; at < n;) {
                const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
                for (std::size_t i = 0; event->len > 0 && i < watched_.size(); ++i) {
                    if (watched_[i].wd != event->wd || watched_[i].name != event->name) continue;
                    const bool is_link = has_link_ && link_watched_ && i == 0;
                    if (!is_link) woke = Woke::request;
                    else if (woke == Woke::nothing) woke = Woke::link;
                }
                at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            }
        }
        return woke;
    }

private:
    struct Watched {
        int wd;
        std::string name;
    };
    int fd_ = -1;
    bool has_link_ = false;
    bool link_watched_ = false;
    std::vector<Watched> watched_;  // the link file first, when there is one
};

// The first battery in sysfs; any mains supply online counts as charging.
Battery read_battery(const std::filesystem::path& folder) {
    Battery battery;
    bool mains = false;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(folder, error)) {
        const std::string type = read_first_line(entry.path() / "type");
        if (type == "Mains" || type == "USB") {
            mains = mains || read_first_line(entry.path() / "online") == "1";
        } else if (type == "Battery" && !battery.present) {
            battery.present = true;
            battery.percent = std::atoi(read_first_line(entry.path() / "capacity").c_str());
            const std::string status = read_first_line(entry.path() / "status");
            battery.charging = status == "Charging" || status == "Full";
        }
    }
    battery.charging = battery.charging || mains;
    return battery;
}

Conditions read_conditions(const Options& o) { return Conditions{read_link(o), read_battery(o.power_supply)}; }

SyncTime steady_now() {
    return std::chrono::duration_cast<SyncTime>(std::chrono::steady_clock::now().time_since_epoch());
}

WallSeconds wall_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// `waiting`: "photos wait" or "the backup waits".
std::string hold_message(const SyncStatus& status, const std::string& waiting = "photos wait") {
    switch (status.hold) {
    case Hold::offline:
        return "offline: waiting for a link";
    case Hold::link_too_weak:
        return waiting + " for a good link (Wi-Fi or LTE)";
    case Hold::battery_low:
        return waiting + " for 30% battery or a charger";
    case Hold::backing_off:
        return "waiting after an error: " + status.last_error;
    case Hold::needs_user:
        return status.last_error;
    case Hold::none:
        return "";
    }
    return "";
}

class Service {
public:
    explicit Service(Options options)
        : o_(std::move(options)),
          journal_(o_.state / "uploads.sqlite"),
          wake_watch_(o_.link ? "" : o_.link_file, {changes_request_path(o_.state), backup_request_path(o_.state)}) {}

    // One look: conditions, new photos, and the work that may run. Returns
    // the outcome of the work run, or nullopt when none ran.
    std::optional<Outcome> pass() {
        scheduler_.set_conditions(read_conditions(o_), steady_now());
        const auto account = load_account(o_.account);
        if (!account) {
            last_message_ = "no account: add one with cirrus account add URL";
            publish();
            return std::nullopt;
        }
        // Taken before the stores are read: a change an app makes meanwhile
        // asks again, and the next pass sends it.
        std::error_code no_request;
        std::filesystem::remove(changes_request_path(o_.state), no_request);
        urgent_outcome_ = sync_contacts_and_notes(*account);
        cirrus::dav::Client client(account->url, account->credentials());
        PhotoUploader uploader(client, journal_, o_.pictures, {"Photos/", o_.chunk_bytes, o_.settle});
        const auto pending = uploader.pending(std::filesystem::file_time_type::clock::now());
        photos_pending_ = pending.size();
        if (pending.empty()) {
            if (auto keys = backup_keys(*account); keys && backup_due(*account, *keys))
                return backup_pass(*account, client, *keys);
        }
        scheduler_.set_pending(WorkKind::bulk, !pending.empty());
        const auto kind = scheduler_.next(steady_now());
        if (!kind) {
            last_message_ = pending.empty() ? "" : hold_message(scheduler_.status());
            publish();
            return std::nullopt;
        }
        scheduler_.started(*kind, "uploading " + std::to_string(pending.size()) + " photos");
        publish();
        auto keep_going = [&] {
            scheduler_.set_conditions(read_conditions(o_), steady_now());
            return !stop_requested && scheduler_.may_continue(WorkKind::bulk);
        };
        auto progress = [&](const std::string& line) {
            scheduler_.progress(line);
            publish();
        };
        Outcome outcome = Outcome::done;
        std::string error;
        try {
            const UploadReport report = uploader.upload_all(keep_going, progress);
            for (const std::string& event : report.events) std::printf("cirrus-sync: %s\n", event.c_str());
            std::printf("cirrus-sync: sent %llu bytes of photos\n",
                        static_cast<unsigned long long>(report.body_bytes_sent));
            paused_ = report.paused;
        } catch (const UploadError& e) {
            outcome = e.outcome();
            error = e.what();
            std::fprintf(stderr, "cirrus-sync: %s\n", error.c_str());
        }
        std::fflush(stdout);
        scheduler_.finished(*kind, outcome, error, steady_now(), wall_now());
        // Still pending when paused: the scheduler says why it waits.
        photos_pending_ = uploader.pending(std::filesystem::file_time_type::clock::now()).size();
        scheduler_.set_pending(WorkKind::bulk, photos_pending_ != 0);
        scheduler_.next(steady_now());
        last_message_ = paused_ ? hold_message(scheduler_.status()) : "";
        publish();
        return outcome;
    }

    int run_once() {
        const auto outcome = pass();
        if (outcome && *outcome != Outcome::done) return 1;
        if (urgent_outcome_ && *urgent_outcome_ != Outcome::done) return 1;
        if (!urgent_outcome_ && last_message_.empty() && !urgent_message_.empty()) {
            std::fprintf(stderr, "cirrus-sync: contacts and notes: %s\n", urgent_message_.c_str());
            return 3;
        }
        if (!last_message_.empty()) {
            std::fprintf(stderr, "cirrus-sync: %s\n", last_message_.c_str());
            return 3;
        }
        return 0;
    }

    int run() {
        while (!stop_requested) {
            try {
                pass();
            } catch (const std::exception& e) {
                std::fprintf(stderr, "cirrus-sync: %s\n", e.what());
            }
            // Until the poll interval or the end of a back-off, whichever is
            // first, looking at the link every second (a good link starts
            // held work at once).
            const SyncTime until = std::min(steady_now() + std::chrono::duration_cast<SyncTime>(o_.poll),
                                            scheduler_.wake_at().value_or(SyncTime::max()));
            const LinkQuality link = scheduler_.conditions().link;
            while (!stop_requested && steady_now() < until) {
                const auto woke =
                    wake_watch_.wait(std::chrono::duration_cast<std::chrono::milliseconds>(until - steady_now()));
                if (woke == WakeWatch::Woke::request || (woke == WakeWatch::Woke::link && read_link(o_) != link)) break;
            }
        }
        return 0;
    }

private:
    // The phone's backup key for this account, once `cirrus backup now` made
    // it; without one there is no scheduled backup (it needs the passphrase).
    std::optional<cirrus::backup::Keys> backup_keys(const Account& account) {
        try {
            return cirrus::backup::load_local_key(cirrus::backup::default_key_path(o_.account), account.url);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cirrus-sync: %s\n", e.what());
            return std::nullopt;
        }
    }

    cirrus::backup::ChunkIndex backup_index(const Account& account, const cirrus::backup::Keys& keys) {
        return {o_.state / "backup.sqlite", account.url + " " + cirrus::backup::key_fingerprint(keys)};
    }

    bool backup_due(const Account& account, const cirrus::backup::Keys& keys) {
        if (std::filesystem::exists(backup_request_path(o_.state))) return true;
        const auto last = backup_index(account, keys).last_backup();
        return !last || wall_now() - *last >= std::chrono::seconds(o_.backup_every).count();
    }

    // One backup as bulk work: only when the scheduler lets bulk work run,
    // stopped between chunks when the link turns weak (nothing is lost: the
    // next pass sends only what is missing).
    std::optional<Outcome> backup_pass(const Account& account, cirrus::dav::Client& client,
                                       const cirrus::backup::Keys& keys) {
        scheduler_.set_pending(WorkKind::bulk, true);
        const auto kind = scheduler_.next(steady_now());
        if (!kind) {
            last_message_ = hold_message(scheduler_.status(), "the backup waits");
            publish();
            return std::nullopt;
        }
        scheduler_.started(*kind, "backing up the phone");
        publish();
        Outcome outcome = Outcome::done;
        std::string error;
        paused_ = false;
        try {
            cirrus::backup::BackupStore store(client, keys);
            auto index = backup_index(account, keys);
            cirrus::backup::BackupOptions options;
            options.staging = o_.state;
            options.now = wall_now();
            options.write_queue = cirrus::offline::write_queue_path(cirrus::offline::default_store_path());
            auto registry = cirrus::launcher::Registry::open(cirrus::launcher::default_registry_path());
            const auto report = cirrus::backup::run_backup(store, index, registry, options, [&] {
                scheduler_.set_conditions(read_conditions(o_), steady_now());
                return !stop_requested && scheduler_.may_continue(WorkKind::bulk);
            });
            std::printf("cirrus-sync: backup %s: sent %zu of %zu chunks (%llu bytes) and the manifest (%llu bytes)\n",
                        report.snapshot.c_str(), report.chunks_sent, report.chunks,
                        static_cast<unsigned long long>(report.chunk_bytes_sent),
                        static_cast<unsigned long long>(report.manifest_bytes));
            std::filesystem::remove(backup_request_path(o_.state));
        } catch (const cirrus::backup::BackupPaused& e) {
            paused_ = true;
            std::printf("cirrus-sync: %s\n", e.what());
        } catch (const cirrus::backup::BackupError& e) {
            outcome = e.needs_user() ? Outcome::needs_user : Outcome::transient_error;
            error = std::string("backup: ") + e.what();
        } catch (const cirrus::dav::UnreachableError& e) {
            outcome = Outcome::transient_error;
            error = std::string("backup: ") + e.what();
        } catch (const std::exception& e) {
            outcome = Outcome::transient_error;
            error = std::string("backup: ") + e.what();
        }
        if (!error.empty()) std::fprintf(stderr, "cirrus-sync: %s\n", error.c_str());
        std::fflush(stdout);
        scheduler_.finished(*kind, outcome, error, steady_now(), wall_now());
        scheduler_.set_pending(WorkKind::bulk, paused_);
        scheduler_.next(steady_now());
        last_message_ = paused_ ? hold_message(scheduler_.status(), "the backup waits") : "";
        publish();
        return outcome;
    }

    void publish() {
        nlohmann::json json = status_json(scheduler_.status(), scheduler_.conditions(), steady_now());
        json["message"] = last_message_.empty() ? urgent_message_ : last_message_;
        json["photos_uploaded"] = journal_.done_count();
        json["photos_pending"] = photos_pending_;  // at the last look
        for (const auto& [key, value] : urgent_status_.items()) json[key] = value;
        write_status_file(o_.status, json);
    }

    // Contacts and notes: the urgent kind. Runs when the phone changed one or
    // the server's changes are due; nullopt when nothing ran.
    std::optional<Outcome> sync_contacts_and_notes(const Account& account) {
        ContactStore contacts(o_.data / "contacts.sqlite");
        NoteStore notes(o_.data / "Notes", o_.data / "notes.sqlite");
        bool changed_here = false;
        for (const Contact& contact : contacts.contacts(true)) changed_here = changed_here || contact.changed;
        for (const LocalItem& note : notes.local_items()) changed_here = changed_here || note.changed;
        const bool due = o_.once || changed_here || !next_pull_ || steady_now() >= *next_pull_;
        scheduler_.set_pending(WorkKind::urgent, due);
        if (!due || scheduler_.next(steady_now()) != WorkKind::urgent) {
            // Held (offline, backing off): say why while the phone has changes waiting.
            urgent_message_ = due && changed_here ? hold_message(scheduler_.status()) : "";
            scheduler_.set_pending(WorkKind::urgent, false);
            return std::nullopt;
        }
        scheduler_.started(WorkKind::urgent, "syncing contacts and notes");
        publish();
        Outcome outcome = Outcome::done;
        std::string error;
        std::vector<std::string> conflicts;
        auto run = [&](const char* what, auto&& work) {
            try {
                const ItemSyncReport report = work();
                for (const std::string& event : report.events)
                    std::printf("cirrus-sync: %s: %s\n", what, event.c_str());
                // The service says nothing for a look that found nothing (every --pull-seconds).
                if (o_.once || !report.events.empty())
                    std::printf("cirrus-sync: %s: %s\n", what, report.summary().c_str());
                conflicts.insert(conflicts.end(), report.conflicts.begin(), report.conflicts.end());
            } catch (const UploadError& e) {
                if (outcome != Outcome::needs_user) outcome = e.outcome();
                error += (error.empty() ? "" : "; ") + std::string(e.what());
                std::fprintf(stderr, "cirrus-sync: %s: %s\n", what, e.what());
            }
        };
        if (!account.contacts_url.empty()) {
            cirrus::dav::ClientOptions options;
            options.max_response_bytes = 16u << 20;  // a multiget of 20 cards with photos
            cirrus::dav::Client client(account.contacts_url, account.credentials(), options);
            run("contacts", [&] { return CardDavSync(client, contacts).sync(); });
        }
        cirrus::dav::Client files(account.url, account.credentials());
        run("notes", [&] { return NoteSync(files, notes).sync(); });
        std::fflush(stdout);
        scheduler_.finished(WorkKind::urgent, outcome, error, steady_now(), wall_now());
        scheduler_.set_pending(WorkKind::urgent, false);
        next_pull_ = steady_now() + std::chrono::duration_cast<SyncTime>(o_.pull);
        urgent_message_ = !error.empty() ? error : conflicts.empty() ? "" : conflicts.back();
        if (conflicts.size() > 1) urgent_message_ += " (and " + std::to_string(conflicts.size() - 1) + " more)";
        urgent_status_ = {{"contacts", contacts.contacts().size()},
                          {"notes", notes.local_items().size()},
                          {"conflicts", contacts.conflicts().size() + notes.conflicts().size()}};
        return outcome;
    }

    Options o_;
    std::optional<Outcome> urgent_outcome_;
    std::optional<SyncTime> next_pull_;
    std::string urgent_message_;
    std::size_t photos_pending_ = 0;
    nlohmann::json urgent_status_ = nlohmann::json::object();
    UploadJournal journal_;
    WakeWatch wake_watch_;
    Scheduler scheduler_;
    std::string last_message_;
    bool paused_ = false;
};

}  // namespace

int main(int argc, char** argv) {
    try {
        Options options = parse(argc, argv);
        const bool once = options.once;
        std::signal(SIGTERM, on_stop_signal);
        std::signal(SIGINT, on_stop_signal);
        Service service(std::move(options));
        return once ? service.run_once() : service.run();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "cirrus-sync: %s (see the usage at the top of sync/main.cpp)\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-sync: %s\n", e.what());
        return 1;
    }
}
