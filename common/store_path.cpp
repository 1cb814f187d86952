#include "store_path.hpp"

#include <cstdlib>

namespace cirrus::offline {

std::filesystem::path default_store_path() {
    if (const char* path = std::getenv("CIRRUS_OFFLINE_STORE"); path && *path) return path;
    if (const char* dir = std::getenv("XDG_DATA_HOME"); dir && *dir)
        return std::filesystem::path(dir) / "cirrus" / "offline.sqlite";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home && *home ? home : "/") / ".local" / "share" / "cirrus" / "offline.sqlite";
}

std::filesystem::path write_queue_path(const std::filesystem::path& store_path) {
    return store_path.parent_path() / "write-queue.sqlite";
}

}  // namespace cirrus::offline
