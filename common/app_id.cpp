#include "app_id.hpp"

#include <algorithm>

#include "strings.hpp"

namespace cirrus {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_app_id_char(char c) { return is_lower_alnum(c) || c == '.' || c == '_' || c == '-'; }

}  // namespace

bool valid_app_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxAppIdLength) return false;
    if (!is_lower_alnum(id.front())) return false;
    return std::all_of(id.begin(), id.end(), is_app_id_char);
}

std::string app_id_from_name(std::string_view name) {
    std::string id;
    for (char c : name) {
        const char lower = ascii_lower(c);
        if (is_app_id_char(lower)) {
            id += lower;
        } else if (!id.empty() && id.back() != '-') {
            id += '-';  // "My App/v2" -> "my-app-v2"
        }
    }
    while (!id.empty() && (id.back() == '-' || id.back() == '.')) id.pop_back();
    while (!id.empty() && !is_lower_alnum(id.front())) id.erase(id.begin());
    if (id.size() > kMaxAppIdLength) id.resize(kMaxAppIdLength);
    return id.empty() ? "app" : id;
}

std::string package_base_url(std::string_view id) {
    return std::string(kPackageScheme) + "://" + std::string(id) + "/";
}

}  // namespace cirrus
