// See vcard.hpp.
#include "vcard.hpp"

#include <vector>

#include "strings.hpp"
#include "two_way_merge.hpp"

namespace cirrus::sync {

std::vector<std::string> vcard_lines(std::string_view text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        if (line.ends_with('\r')) line.remove_suffix(1);
        if (!lines.empty() && !line.empty() && (line.front() == ' ' || line.front() == '\t'))
            lines.back().append(line.substr(1));
        else if (!line.empty()) lines.emplace_back(line);
        start = end + 1;
    }
    return lines;
}

std::string_view vcard_property_name(std::string_view line) {
    const std::size_t colon = line.find(':');
    std::string_view head = line.substr(0, colon);
    head = head.substr(0, head.find(';'));
    if (const std::size_t dot = head.find('.'); dot != std::string_view::npos) head.remove_prefix(dot + 1);
    return head;
}

std::string vcard_problem(std::string_view text) {
    if (text.size() > kMaxVcardBytes)
        return "the card is " + std::to_string(text.size() >> 10) + " KiB, over the " +
               std::to_string(kMaxVcardBytes >> 10) + " KiB a contact may have";
    const std::vector<std::string> lines = vcard_lines(text);
    if (lines.empty() || !equals_ignoring_case(lines.front(), "BEGIN:VCARD"))
        return "it does not start with BEGIN:VCARD";
    if (!equals_ignoring_case(lines.back(), "END:VCARD")) return "it does not end with END:VCARD";
    for (std::size_t i = 1; i + 1 < lines.size(); ++i)
        if (equals_ignoring_case(lines[i], "BEGIN:VCARD")) return "it holds more than one card";
    return "";
}

std::string vcard_property(std::string_view text, std::string_view name) {
    for (const std::string& line : vcard_lines(text)) {
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos || !equals_ignoring_case(vcard_property_name(line), name)) continue;
        return line.substr(colon + 1);
    }
    return "";
}

std::string vcard_with_property(std::string_view text, std::string_view name, std::string_view value) {
    std::string card;
    bool done = false;
    for (const std::string& line : vcard_lines(text)) {
        const std::size_t colon = line.find(':');
        if (!done && colon != std::string::npos && equals_ignoring_case(vcard_property_name(line), name)) {
            card += line.substr(0, colon + 1);
            card += value;
            card += "\r\n";
            done = true;
            continue;
        }
        if (!done && equals_ignoring_case(line, "END:VCARD")) {
            card += std::string(name) + ":" + std::string(value) + "\r\n";
            done = true;
        }
        card += line + "\r\n";
    }
    return card;
}

std::string vcard_conflict_copy(std::string_view text, std::string_view new_uid) {
    std::string name = vcard_property(text, "FN");
    if (name.empty()) name = "Contact";
    return vcard_with_property(vcard_with_property(text, "UID", new_uid), "FN", name + std::string(kConflictSuffix));
}

std::string vcard_file_name(std::string_view uid) {
    std::string name;
    for (const char c : uid) {
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.';
        name += plain ? c : '_';
    }
    if (name.empty() || name.front() == '.') name.insert(name.begin(), '_');
    return name.substr(0, 200) + ".vcf";
}

}  // namespace cirrus::sync
