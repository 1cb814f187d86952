// `cirrus backup`; see backup_command.hpp.
#include "backup_command.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>

#include "backup_restore.hpp"
#include "common/account.hpp"
#include "common/backup_index.hpp"
#include "common/backup_keys.hpp"
#include "common/backup_run.hpp"
#include "common/store_path.hpp"
#include "terminal_text.hpp"

namespace cirrus::launcher {

namespace {

constexpr std::size_t kMaxPassphraseBytes = 1024;

std::string read_passphrase() {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty())
        throw BackupUsageError("--passphrase-stdin: no passphrase on stdin (give it as one line)");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw BackupUsageError("--passphrase-stdin: the passphrase on stdin is empty");
    if (line.size() > kMaxPassphraseBytes) throw BackupUsageError("--passphrase-stdin: the passphrase is over 1 KiB");
    return line;
}

std::string kilobytes(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f KB", static_cast<double>(bytes) / 1000.0);
    return text;
}

std::int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

int run_backup_command(Registry& registry, const std::filesystem::path& apps_dir,
                       const std::vector<std::string>& args) {
    std::string command;
    std::string snapshot_name;
    bool passphrase_stdin = false;
    for (const std::string& arg : args) {
        if (arg == "--passphrase-stdin") {
            passphrase_stdin = true;
        } else if (arg == "--passphrase" || arg.starts_with("--passphrase=")) {
            throw BackupUsageError(
                "a passphrase is never an argument (others can see it in the process list): give it on stdin with "
                "--passphrase-stdin");
        } else if (arg.starts_with("--")) {
            throw BackupUsageError("unknown option '" + arg + "'");
        } else if (command.empty()) {
            command = arg;
        } else if (command == "restore" && snapshot_name.empty()) {
            snapshot_name = arg;
        } else {
            throw BackupUsageError("unexpected argument '" + arg + "'");
        }
    }
    if (command != "now" && command != "list" && command != "restore")
        throw BackupUsageError(command.empty() ? "backup: which? now, list or restore SNAPSHOT"
                                               : "unknown backup command '" + command + "' (now, list, restore)");
    if (command == "restore" && snapshot_name.empty())
        throw BackupUsageError("backup restore: which snapshot? (see cirrus backup list)");

    const auto account_path = sync::default_account_path();
    const auto account = sync::load_account(account_path);
    if (!account)
        throw std::runtime_error(
            "no account to back up to: add one with cirrus account add URL --user NAME "
            "--password-stdin");
    const std::optional<std::string> passphrase =
        passphrase_stdin ? std::optional<std::string>(read_passphrase()) : std::nullopt;
    dav::Client client(account->url, account->credentials());
    const backup::Keys keys =
        backup::keys_for_account(client, backup::default_key_path(account_path), account->url, passphrase);
    backup::BackupStore store(client, keys);
    const std::filesystem::path state = backup::default_backup_state_dir();

    if (command == "list") {
        const auto names = store.list_snapshots();
        if (names.empty()) std::printf("no snapshots yet: make one with cirrus backup now\n");
        for (const std::string& name : names) std::printf("%s\n", name.c_str());
        return 0;
    }
    if (command == "now") {
        backup::ChunkIndex index(state / "backup.sqlite", account->url + " " + backup::key_fingerprint(keys));
        backup::BackupOptions options;
        options.staging = state;
        options.now = unix_now();
        options.write_queue = offline::write_queue_path(offline::default_store_path());
        const backup::BackupReport report = backup::run_backup(store, index, registry, options);
        for (const std::string& warning : report.warnings)
            std::fprintf(stderr, "cirrus backup: warning: %s\n", terminal_safe(warning).c_str());
        std::printf(
            "snapshot %s: %zu apps, %zu files (%s); sent %zu of %zu chunks (%llu bytes) and the manifest "
            "(%llu bytes)\n",
            report.snapshot.c_str(), report.apps, report.files, kilobytes(report.file_bytes).c_str(),
            report.chunks_sent, report.chunks, static_cast<unsigned long long>(report.chunk_bytes_sent),
            static_cast<unsigned long long>(report.manifest_bytes));
        std::printf("sent %llu bytes in all\n", static_cast<unsigned long long>(client.bytes_sent()));
        return 0;
    }
    if (registry.read_only())
        throw std::runtime_error("cannot restore: the registry cannot be written (" + *registry.read_only_reason() +
                                 ")");
    const backup::Snapshot snapshot = store.get_snapshot(snapshot_name);
    Installer installer(registry, apps_dir, {}, offline::default_store_path());
    const RestoreReport report =
        restore_snapshot(store, snapshot, registry, keys, installer, state,
                         offline::write_queue_path(offline::default_store_path()), [](const std::string& line) {
                             std::printf("%s\n", terminal_safe(line).c_str());
                             std::fflush(stdout);
                         });
    for (const std::string& failure : report.failed)
        std::fprintf(stderr, "cirrus backup: not restored: %s\n", terminal_safe(failure).c_str());
    std::printf(
        "restored %s: %zu apps installed, %zu kept, %zu failed; %zu files (%s) from %zu chunks, %zu unsent "
        "writes queued again; received %llu bytes\n",
        snapshot.name.c_str(), report.installed.size(), report.kept.size(), report.failed.size(), report.files,
        kilobytes(report.file_bytes).c_str(), report.chunks_fetched, report.writes,
        static_cast<unsigned long long>(client.bytes_received() + report.bytes_received));
    return report.failed.empty() ? 0 : 1;
}

}  // namespace cirrus::launcher
