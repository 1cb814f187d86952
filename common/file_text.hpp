// A whole small file read with read(2), for every program that reads a file
// it did not write itself: /proc entries, icons a stranger's manifest named,
// the registry's copies. A read error is an answer (nullopt), never an
// exception: libstdc++'s filebuf throws from underflow on a failed read(2)
// (ESRCH from /proc/PID/stat of a process that ended mid-read, EIO from a
// failing disk), and through istreambuf_iterator nothing catches it. That
// aborted a web-app host once, under load.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus {

inline constexpr std::size_t kFileTextDefaultLimit = std::size_t{256} << 20;

// Nullopt when the file cannot be opened or read, or holds more than
// `max_bytes`.
std::optional<std::string> read_file_text(const std::filesystem::path& path,
                                          std::size_t max_bytes = kFileTextDefaultLimit);

// Writes `text` whole to PATH.new (mode 0644), then renames it over `path`:
// a reader sees the old file or the new one, never half of one. False, with
// errno set and the temporary removed, when any step fails (a full or
// read-only disk, a missing folder).
bool write_file_replacing(const std::filesystem::path& path, std::string_view text);

}  // namespace cirrus
