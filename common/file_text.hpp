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

namespace cirrus {

inline constexpr std::size_t kFileTextDefaultLimit = std::size_t{256} << 20;

// Nullopt when the file cannot be opened or read, or holds more than
// `max_bytes`.
std::optional<std::string> read_file_text(const std::filesystem::path& path,
                                          std::size_t max_bytes = kFileTextDefaultLimit);

}  // namespace cirrus
