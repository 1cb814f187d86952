// The compositor's link class for programs that are not Wayland clients
// (cirrus-sync): one short file, $XDG_RUNTIME_DIR/cirrus-link, holding
// "offline", "2g", "3g" or "good" and a newline. The compositor replaces it
// atomically (a temporary file renamed over it) whenever its estimator
// changes the class, and removes it when it exits; a reader opens it when it
// needs the class and may watch its folder (inotify) to hear of a change.
//
// A file rather than a control-socket subscription: the class changes a few
// times an hour, the reader needs no connection kept, no reconnection when
// either side restarts and no JSON, and a service started apart from the
// compositor (on the device, or by hand) finds it at a fixed place.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cirrus::link_file {

inline constexpr std::string_view kFileName = "cirrus-link";

// $XDG_RUNTIME_DIR/cirrus-link; nullopt without an absolute XDG_RUNTIME_DIR.
std::optional<std::filesystem::path> default_path();

// Replaces the file with `link_class` and a newline (temporary file, then
// rename: a reader sees the old class or the new one, never half). False
// (errno set) when it could not be written.
bool write(const std::filesystem::path& path, std::string_view link_class);

// The first line, trimmed, at most 16 bytes read; nullopt when the file is
// missing or unreadable. Whether it names a class is the reader's check.
std::optional<std::string> read(const std::filesystem::path& path);

}  // namespace cirrus::link_file
