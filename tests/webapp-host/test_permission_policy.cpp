// The permission policy: granted only when the registry says so.
#include <doctest/doctest.h>

#include <map>

#include "permission_policy.hpp"

using namespace cirrus::webapp;
using cirrus::launcher::PermissionState;

namespace {

struct Table {
    std::map<std::string, PermissionState> states;
    std::optional<PermissionState> operator()(const std::string& name) const {
        const auto it = states.find(name);
        if (it == states.end()) return std::nullopt;
        return it->second;
    }
};

PermissionRequest media(bool audio, bool video) { return {RequestKind::user_media, audio, video}; }

}  // namespace

TEST_CASE("request kinds map to registry names") {
    CHECK(permission_names_for({RequestKind::geolocation}) == std::vector<std::string>{"geolocation"});
    CHECK(permission_names_for({RequestKind::notifications}) == std::vector<std::string>{"notifications"});
    CHECK(permission_names_for(media(true, false)) == std::vector<std::string>{"microphone"});
    CHECK(permission_names_for(media(false, true)) == std::vector<std::string>{"camera"});
    CHECK(permission_names_for(media(true, true)) == std::vector<std::string>{"camera", "microphone"});
    CHECK(permission_names_for({RequestKind::display_capture}).empty());
    CHECK(permission_names_for({RequestKind::website_data_access}).empty());
    CHECK(permission_names_for({RequestKind::other}).empty());
    for (const auto& name : {"geolocation", "notifications", "camera", "microphone"}) CHECK(is_permission_name(name));
    CHECK(is_permission_name("persistent-storage"));
    CHECK(is_permission_name("contacts"));
    CHECK(is_permission_name("notes"));
    CHECK_FALSE(is_permission_name("Camera"));
    CHECK_FALSE(is_permission_name(""));
}

TEST_CASE("only granted allows; absent, denied and ask deny") {
    CHECK(decide_one("geolocation", PermissionState::granted).allow);
    CHECK_FALSE(decide_one("geolocation", PermissionState::denied).allow);
    CHECK_FALSE(decide_one("geolocation", std::nullopt).allow);
    const PermissionDecision ask = decide_one("geolocation", PermissionState::ask);
    CHECK_FALSE(ask.allow);
    CHECK(ask.asked);
    CHECK_FALSE(decide_one("geolocation", std::nullopt).asked);
}

TEST_CASE("decisions read the table") {
    Table table{{{"notifications", PermissionState::granted},
                 {"camera", PermissionState::granted},
                 {"microphone", PermissionState::ask}}};
    CHECK(decide_permission({RequestKind::notifications}, table).allow);
    CHECK_FALSE(decide_permission({RequestKind::geolocation}, table).allow);
    CHECK(decide_permission(media(false, true), table).allow);
    const PermissionDecision both = decide_permission(media(true, true), table);
    CHECK_FALSE(both.allow);  // the microphone is not granted
    CHECK(both.asked);
    CHECK(both.name == "camera+microphone");
    CHECK_FALSE(decide_permission(media(false, false), table).allow);
    CHECK_FALSE(decide_permission({RequestKind::website_data_access}, table).allow);
    CHECK_FALSE(decide_permission({RequestKind::display_capture}, Table{}).allow);
}

TEST_CASE("every decision logs one line") {
    const PermissionDecision granted = decide_one("notifications", PermissionState::granted);
    CHECK(permission_log_line("notes", granted) ==
          "cirrus-webapp-host[notes]: permission notifications granted (granted in the registry)");
    const PermissionDecision absent = decide_one("geolocation", std::nullopt);
    CHECK(permission_log_line("notes", absent) ==
          "cirrus-webapp-host[notes]: permission geolocation denied (no decision in the registry; denied by default)");
}
