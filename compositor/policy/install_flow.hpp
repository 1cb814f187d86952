// "Add to Home Screen" through the runtime, as plain C++: who may ask the
// runtime to install an app, what the installer child (`cirrus install
// --progress=json --confirm`) says line by line, and whether a finished
// install is done or failed. The glue (app_install.hpp) runs the child and
// talks to the shell and the hosts; everything it decides is here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace cirrus {

// Why a request to install is not put to the user; empty when it is.
struct InstallRequestContext {
    std::string app;            // the app asking (its host's pid named it)
    std::string browser_app;    // config: the system browser ("" none)
    std::string catalogue_app;  // config: the apps catalogue ("" none)
    std::string_view url;
    bool sheet_up = false;     // one sheet at a time
    bool shell_bound = false;  // nobody to ask without a shell
};
std::string install_refusal(const InstallRequestContext& request);

// One line the installer printed (launcher/cli.cpp's JSON install modes).
struct InstallerPlan {
    std::string id;
    std::string name;
    std::string origin;
    bool installed = false;
    std::uint64_t offline_bytes_known = 0;
    std::uint64_t offline_files = 0;
};
struct InstallerProgress {
    std::uint64_t done = 0;
    std::uint64_t total = 0;  // 0: not known
    bool files = false;       // precaching (done/total are files), else a download or a step
};
struct InstallerDone {
    std::string id;
    std::string name;
    bool offline_ready = false;
    std::uint64_t stored = 0;
    std::uint64_t total = 0;
    std::string first_missing;  // "URL: why", of the files not stored
};
struct InstallerError {
    std::string message;
};
struct InstallerCancelled {};
// Updates (`cirrus update --json`, one line per app checked; `cirrus update
// ID --progress=json --confirm`: the change, then as an install).
struct UpdateChecked {
    std::string id;
    std::string result;  // "updated", "needs_confirmation", "declined", "failed"
    std::string message;
};
struct InstallerUpdatePlan {
    std::string id;
    std::string name;
    std::string old_name;
    std::string origin;
    std::string source;  // the URL it is installed from (a retry installs from it)
    bool name_changed = false;
    bool icon_changed = false;
};
struct InstallerDeclined {};
using InstallerLine = std::variant<std::monostate, InstallerPlan, InstallerProgress, InstallerDone, InstallerError,
                                   InstallerCancelled, UpdateChecked, InstallerUpdatePlan, InstallerDeclined>;

// A line that is not one of these (or not JSON) is monostate: ignored.
InstallerLine parse_installer_line(std::string_view line);

// What a finished install means for its tile: nullopt when it is done (the
// icon opens the app); else the badge's reason. An app installed without
// its offline copy works online, but the user added it to have it: the
// badge says what is missing and a tap retries.
std::optional<std::string> install_failure(const InstallerDone& done);

// Bytes from the child's stdout, cut into lines. A line longer than
// kMaxLineBytes is dropped whole (the installer never writes one; a
// runaway must not grow the compositor).
class LineSplitter {
public:
    static constexpr std::size_t kMaxLineBytes = 64 * 1024;
    // The whole lines `bytes` completes.
    std::vector<std::string> feed(std::string_view bytes);

private:
    std::string partial_;
    bool dropping_ = false;
};

}  // namespace cirrus
