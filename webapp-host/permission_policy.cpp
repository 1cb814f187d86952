#include "permission_policy.hpp"

namespace cirrus::webapp {

using launcher::PermissionState;
namespace permission = launcher::permission;

std::vector<std::string> permission_names_for(const PermissionRequest& request) {
    switch (request.kind) {
    case RequestKind::geolocation:
        return {std::string(permission::kGeolocation)};
    case RequestKind::notifications:
        return {std::string(permission::kNotifications)};
    case RequestKind::user_media: {
        std::vector<std::string> names;
        if (request.video) names.emplace_back(permission::kCamera);
        if (request.audio) names.emplace_back(permission::kMicrophone);
        return names;
    }
    case RequestKind::display_capture:
    case RequestKind::website_data_access:
    case RequestKind::other:
        return {};
    }
    return {};
}

PermissionDecision decide_one(std::string_view name, std::optional<PermissionState> state) {
    PermissionDecision d;
    d.name = std::string(name);
    if (!state) {
        d.why = "no decision in the registry; denied by default";
    } else if (*state == PermissionState::granted) {
        d.allow = true;
        d.why = "granted in the registry";
    } else if (*state == PermissionState::denied) {
        d.why = "denied in the registry";
    } else {
        // The shell's prompt arrives with the shell issue; until then "ask"
        // means no, and the request is noted so that the prompt can follow.
        d.asked = true;
        d.why = "the user has not been asked yet (no prompt before the shell); denied";
    }
    return d;
}

PermissionDecision decide_unnamed(const PermissionRequest& request) {
    PermissionDecision d;
    switch (request.kind) {
    case RequestKind::display_capture:
        d.name = "display-capture";
        d.why = "screen sharing is not offered to apps";
        break;
    case RequestKind::website_data_access:
        // WebKit's WebKitWebsiteDataAccessPermissionRequest is the Storage
        // Access API (a third-party frame asking for its cookies), not
        // navigator.storage.persist(): an app's storage is its own anyway.
        d.name = "website-data-access";
        d.why = "third-party storage access is not offered to apps";
        break;
    case RequestKind::user_media:
        d.name = "user-media";
        d.why = "asked for neither a camera nor a microphone";
        break;
    default:
        d.name = "other";
        d.why = "not a permission Cirrus grants";
        break;
    }
    return d;
}

PermissionDecision combine(const std::vector<PermissionDecision>& parts) {
    if (parts.size() == 1) return parts.front();
    PermissionDecision d;
    d.allow = !parts.empty();
    for (const PermissionDecision& part : parts) {
        if (!d.name.empty()) {
            d.name += "+";
            d.why += "; ";
        }
        d.name += part.name;
        d.why += part.name + ": " + part.why;
        d.allow = d.allow && part.allow;
        d.asked = d.asked || part.asked;
    }
    return d;
}

std::string permission_log_line(std::string_view app_id, const PermissionDecision& decision) {
    return "cirrus-webapp-host[" + std::string(app_id) + "]: permission " + decision.name + " " +
           (decision.allow ? "granted" : "denied") + " (" + decision.why + ")";
}

}  // namespace cirrus::webapp
