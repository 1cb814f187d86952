// The permission names Cirrus keeps per app in the registry's permissions
// table: the `cirrus` CLI, the host (which asks for them), the compositor
// (which passes the shell's answers on) and the shell (which words the
// prompt) all use these, never their own spelling.
#pragma once

#include <array>
#include <string_view>

namespace cirrus::launcher {

namespace permission {
inline constexpr std::string_view kGeolocation = "geolocation";
inline constexpr std::string_view kNotifications = "notifications";
inline constexpr std::string_view kCamera = "camera";
inline constexpr std::string_view kMicrophone = "microphone";
inline constexpr std::string_view kPersistentStorage = "persistent-storage";
// The phone's contacts and notes, through window.cirrus.contacts and
// window.cirrus.notes (webapp-host/personal_data.hpp), asked for when a page
// first calls them.
inline constexpr std::string_view kContacts = "contacts";
inline constexpr std::string_view kNotes = "notes";
}  // namespace permission

inline constexpr std::array<std::string_view, 7> kPermissionNames = {
    permission::kGeolocation,       permission::kNotifications, permission::kCamera, permission::kMicrophone,
    permission::kPersistentStorage, permission::kContacts,      permission::kNotes};

constexpr bool is_permission_name(std::string_view name) {
    for (std::string_view known : kPermissionNames) {
        if (known == name) return true;
    }
    return false;
}

}  // namespace cirrus::launcher
