// App ids, the one rule every program holds them to. An id names folders
// (the app's package and data), a registry row, the app:// host of a
// packaged app, and the app on the compositor's side of cirrus_app_v1 and
// the standby channel; the installer makes ids, and the compositor, the
// host and the board profiles refuse anything else.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace cirrus {

inline constexpr std::size_t kMaxAppIdLength = 128;

// Lowercase ASCII letters, digits, '.', '_' and '-', 1 to kMaxAppIdLength
// bytes, starting with a letter or digit (so never "..", ".hidden" or a
// command-line flag).
bool valid_app_id(std::string_view id);

// The id of an app installed from `name` (a folder or zip name, or a host
// and path): lowercased, every run of other characters made one '-'
// ("My App/v2" -> "my-app-v2"), cut to kMaxAppIdLength; "app" when nothing
// is left. Always a valid_app_id.
std::string app_id_from_name(std::string_view name);

// A packaged app's files are served as app://ID/PATH: the installer writes
// its URLs so (manifest, start URL, scope) and the host registers the scheme
// and serves them, which makes each packaged app its own origin.
inline constexpr std::string_view kPackageScheme = "app";
// "app://ID/".
std::string package_base_url(std::string_view id);

}  // namespace cirrus
