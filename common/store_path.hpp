// Where the offline store lives: one file for the phone, which the installer
// (`cirrus install`, precaching hosted apps) writes and every web-app host
// opens. Both must agree on it, so it is decided here, once.
#pragma once

#include <filesystem>

namespace cirrus::offline {

// $CIRRUS_OFFLINE_STORE when set (tests, developers), else
// $XDG_DATA_HOME/cirrus/offline.sqlite, else ~/.local/share/cirrus/offline.sqlite.
std::filesystem::path default_store_path();

// The write queue's file, beside the store (write-queue.sqlite): kept apart
// so that a damaged cache, set aside, never takes unsent writes with it.
std::filesystem::path write_queue_path(const std::filesystem::path& store_path);

}  // namespace cirrus::offline
