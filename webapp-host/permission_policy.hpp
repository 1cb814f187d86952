// What the host answers to a page's permission request, from the app's
// permissions table in the registry. Plain C++ (no WebKit): host.cpp maps
// the WebKit request type to the kinds here and applies the decision.
//
// Denied by default: only an explicit "granted" allows. A state that is
// "ask" (or absent) is put to the user through the compositor and the
// shell's prompt (host.cpp, cirrus_app_v1); with nobody to ask it is denied
// and the host notes that the app asked.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/permission_names.hpp"
#include "common/registry.hpp"

namespace cirrus::webapp {

using launcher::is_permission_name;
using launcher::kPermissionNames;

// What WebKit asked for, as the host sees it (host.cpp fills it in).
enum class RequestKind {
    geolocation,
    notifications,
    user_media,           // camera and/or microphone (see the flags)
    display_capture,      // screen sharing: never offered to apps
    website_data_access,  // the Storage Access API (third-party cookies)
    other,                // pointer lock, clipboard, media keys, ...
};

struct PermissionRequest {
    RequestKind kind = RequestKind::other;
    bool audio = false;  // user_media: a microphone is asked for
    bool video = false;  // user_media: a camera is asked for
};

// The registry names a request needs ("camera", "microphone", ...); empty
// for requests no registry entry can grant.
std::vector<std::string> permission_names_for(const PermissionRequest& request);

struct PermissionDecision {
    bool allow = false;
    std::string name;    // "camera+microphone" when both were asked for
    std::string why;     // for the log line
    bool asked = false;  // some needed state is "ask": record that the app asked
};

// `lookup(name)` reads the app's state for one name (nullopt: no entry).
template <typename Lookup>
PermissionDecision decide_permission(const PermissionRequest& request, Lookup&& lookup);

// One state, alone: granted → allow; denied, ask and absent → deny.
PermissionDecision decide_one(std::string_view name, std::optional<launcher::PermissionState> state);

// "cirrus-webapp-host[<id>]: permission <name> <granted|denied> (<why>)"
std::string permission_log_line(std::string_view app_id, const PermissionDecision& decision);

// --- template ------------------------------------------------------------

PermissionDecision decide_unnamed(const PermissionRequest& request);
PermissionDecision combine(const std::vector<PermissionDecision>& parts);

template <typename Lookup>
PermissionDecision decide_permission(const PermissionRequest& request, Lookup&& lookup) {
    const std::vector<std::string> names = permission_names_for(request);
    if (names.empty()) return decide_unnamed(request);
    std::vector<PermissionDecision> parts;
    for (const std::string& name : names) parts.push_back(decide_one(name, lookup(name)));
    return combine(parts);
}

}  // namespace cirrus::webapp
