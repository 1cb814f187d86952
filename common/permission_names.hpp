// The permission names Cirrus keeps per app in the registry's permissions
// table: the `cirrus` CLI, the host and the compositor all check against
// this one list.
#pragma once

#include <array>
#include <string_view>

namespace cirrus::launcher {

inline constexpr std::array<std::string_view, 5> kPermissionNames = {
    "geolocation", "notifications", "camera", "microphone", "persistent-storage"};

constexpr bool is_permission_name(std::string_view name) {
    for (std::string_view known : kPermissionNames) {
        if (known == name) return true;
    }
    return false;
}

}  // namespace cirrus::launcher
