// Updates of installed hosted apps (issue 20 item 5), as plain rules: what a
// fresh plan of an app's source means for the installed app. A new manifest
// whose name and icons are the installed ones is "content": it is installed
// without asking (the row and the offline copy refreshed). A new name or
// icon changes what the user sees on the home screen, and an origin could
// otherwise turn a trusted icon into another app's look: it waits for the
// user's confirmation (the shell's sheet), as browsers do for installed web
// apps. A declined change is remembered by its fingerprint and not asked
// again; another change is. A plan that cannot be trusted (the origin lost
// its manifest, an icon failed to download, the manifest now names another
// app) changes nothing.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/icons.hpp"
#include "common/registry.hpp"

namespace cirrus::launcher {

struct InstallPlan;

enum class UpdateKind {
    content,   // name and icons as installed: install without asking
    identity,  // the name or an icon changed: ask the user first
};

struct UpdateDecision {
    UpdateKind kind = UpdateKind::content;
    bool name_changed = false;  // name or short_name
    bool icon_changed = false;  // any rasterised icon's pixels (PNG bytes)
    // SHA-256 (hex) of the new name, short name and icons: what the user is
    // asked about, and what a decline is remembered by.
    std::string fingerprint;
};

// The installed icon of `size` and `purpose`, if any (Registry::icon).
using InstalledIcon = std::function<std::optional<std::vector<std::uint8_t>>(int size, IconPurpose purpose)>;

UpdateDecision classify_update(const AppRecord& installed, const InstalledIcon& installed_icon, const AppRecord& fresh,
                               std::span<const IconImage> fresh_icons);

std::string identity_fingerprint(const AppRecord& fresh, std::span<const IconImage> fresh_icons);

// Why a fresh plan of `installed`'s source must not be acted on; nullopt
// when it may. `plan_id`, `plan_kind` and `warnings` are the plan's.
std::optional<std::string> update_refusal(const AppRecord& installed, const std::string& plan_id, SourceKind plan_kind,
                                          std::span<const std::string> warnings);

// Whether an app is one `cirrus update` checks: a hosted app installed from
// an http(s) URL (a manifest or a site); packages update from their files.
bool updatable(const AppRecord& app);

// The declined identity changes, one fingerprint per app, in a small JSON
// file beside the registry. A damaged or oversized file is read as empty
// (the worst that does is ask once more).
class UpdateDeclines {
public:
    static constexpr std::uintmax_t kMaxFileBytes = 256 * 1024;
    explicit UpdateDeclines(std::filesystem::path path);
    static std::filesystem::path beside(const std::filesystem::path& registry_path);

    bool declined(const std::string& app_id, const std::string& fingerprint) const;
    // Remembers the decline (replacing an older one of the app); written at once.
    void decline(const std::string& app_id, const std::string& fingerprint);
    // The app took an update or was removed: nothing declined is kept.
    void forget(const std::string& app_id);

private:
    void save() const;
    std::filesystem::path path_;
    std::map<std::string, std::string> declined_;
};

}  // namespace cirrus::launcher
