#include "input_mode.hpp"

namespace cirrus::webapp {

std::optional<FieldPurpose> purpose_for_input_mode(std::string_view message) {
    const std::string_view mode = message;  // " password" at its end matches nothing
    if (mode == "numeric") return FieldPurpose::digits;
    if (mode == "decimal") return FieldPurpose::number;
    if (mode == "tel") return FieldPurpose::phone;
    if (mode == "email") return FieldPurpose::email;
    if (mode == "url") return FieldPurpose::url;
    if (mode == "text" || mode == "search") return FieldPurpose::normal;
    return std::nullopt;
}

}  // namespace cirrus::webapp
