// The note a damaged offline store leaves behind: whoever sets the store
// aside (a web-app host, or the `cirrus` CLI, through OfflineStore) writes
// `<store>.damaged` beside it, saying where the damaged file went and why.
// The store itself starts empty, so only this note can tell the user that
// the hosted apps lost their offline copies: `cirrus info` and `cirrus list`
// report it and mark those apps not offline-ready, and the shell shows a
// banner while it is there. It is removed once every hosted app is stored
// again (`cirrus install` of each), or by hand.
//
// A file beside the store rather than a message through the compositor:
// whichever process sets the store aside needs no connection to anyone, and
// a note survives every restart until the loss is repaired.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cirrus::offline {

struct StoreDamage {
    std::filesystem::path moved_to;  // the damaged file, kept
    std::string problem;             // what SQLite said
    std::int64_t at = 0;             // Unix ms
    // The hosted apps that lost their offline copy, once someone who knows
    // the installed apps (the CLI) has named them; empty until then.
    std::vector<std::string> apps;
    bool apps_named = false;
};

std::filesystem::path store_damage_note_path(const std::filesystem::path& store_path);

// Best effort (a full disk cannot take the note either): false if not written.
bool write_store_damage(const std::filesystem::path& store_path, const StoreDamage& damage) noexcept;
std::optional<StoreDamage> read_store_damage(const std::filesystem::path& store_path) noexcept;
void clear_store_damage(const std::filesystem::path& store_path) noexcept;

}  // namespace cirrus::offline
