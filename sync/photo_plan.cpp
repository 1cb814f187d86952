// See photo_plan.hpp.
#include "photo_plan.hpp"

#include <array>

namespace cirrus::sync {

ResumePlan plan_resume(std::uint64_t file_size, std::optional<std::uint64_t> part_size,
                       std::optional<std::uint64_t> final_size) {
    using Action = ResumePlan::Action;
    if (final_size) {
        // Same name, same size: this photo, uploaded before the journal said so.
        if (*final_size == file_size) return {Action::already_there, file_size};
        return {Action::name_taken, 0};
    }
    if (!part_size) return {Action::upload_from, 0};
    if (*part_size > file_size) return {Action::restart, 0};
    if (*part_size == file_size) return {Action::move_only, file_size};
    return {Action::upload_from, *part_size};
}

std::string part_name(std::string_view name) { return "." + std::string(name) + ".cirrus-part"; }

std::string conflict_name(std::string_view name, unsigned n) {
    const std::size_t dot = name.rfind('.');
    const bool has_extension = dot != std::string_view::npos && dot > 0;
    const std::string_view stem = has_extension ? name.substr(0, dot) : name;
    const std::string_view extension = has_extension ? name.substr(dot) : std::string_view();
    return std::string(stem) + " (" + std::to_string(n) + ")" + std::string(extension);
}

bool is_upload_candidate(std::string_view file_name) {
    if (file_name.empty() || file_name.front() == '.' || file_name.back() == '~') return false;
    constexpr std::array<std::string_view, 5> kUnfinished{".part", ".tmp", ".crdownload", ".partial", ".cirrus-part"};
    for (std::string_view suffix : kUnfinished)
        if (file_name.ends_with(suffix)) return false;
    return true;
}

}  // namespace cirrus::sync
