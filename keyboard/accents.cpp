#include "accents.hpp"

#include <map>

namespace cirrus::keyboard {

const std::vector<std::string>& accent_variants(const std::string& key_text) {
    static const std::map<std::string, std::vector<std::string>> kVariants = {
        {"a", {"à", "á", "â", "ä", "ã", "å", "ā", "æ"}},
        {"c", {"ç", "ć", "č"}},
        {"e", {"é", "è", "ê", "ë", "ē", "ę"}},
        {"i", {"í", "ì", "î", "ï", "ī"}},
        {"n", {"ñ", "ń"}},
        {"o", {"ó", "ò", "ô", "ö", "õ", "ø", "ō", "œ"}},
        {"s", {"ß", "ś", "š"}},
        {"u", {"ú", "ù", "û", "ü", "ū", "ǖ", "ǘ", "ǚ", "ǜ"}},
        {"y", {"ý", "ÿ"}},
        {"z", {"ž", "ź", "ż"}},
        {".", {",", "?", "!", "…", ":", ";"}},
        {"-", {"–", "—", "_"}},
        {"0", {"°"}},
        {"$", {"€", "£", "¥", "¢"}},
        {"'", {"‘", "’", "‚"}},
        {"\"", {"“", "”", "„", "«", "»"}},
    };
    static const std::vector<std::string> kNone;
    const auto it = kVariants.find(key_text);
    return it == kVariants.end() ? kNone : it->second;
}

std::string to_upper(const std::string& text) {
    static const std::map<std::string, std::string> kUpper = {
        {"à", "À"}, {"á", "Á"}, {"â", "Â"}, {"ä", "Ä"}, {"ã", "Ã"}, {"å", "Å"}, {"ā", "Ā"}, {"æ", "Æ"},
        {"ç", "Ç"}, {"ć", "Ć"}, {"č", "Č"}, {"é", "É"}, {"è", "È"}, {"ê", "Ê"}, {"ë", "Ë"}, {"ē", "Ē"},
        {"ę", "Ę"}, {"í", "Í"}, {"ì", "Ì"}, {"î", "Î"}, {"ï", "Ï"}, {"ī", "Ī"}, {"ñ", "Ñ"}, {"ń", "Ń"},
        {"ó", "Ó"}, {"ò", "Ò"}, {"ô", "Ô"}, {"ö", "Ö"}, {"õ", "Õ"}, {"ø", "Ø"}, {"ō", "Ō"}, {"œ", "Œ"},
        {"ś", "Ś"}, {"š", "Š"}, {"ú", "Ú"}, {"ù", "Ù"}, {"û", "Û"}, {"ü", "Ü"}, {"ū", "Ū"}, {"ǖ", "Ǖ"},
        {"ǘ", "Ǘ"}, {"ǚ", "Ǚ"}, {"ǜ", "Ǜ"}, {"ý", "Ý"}, {"ÿ", "Ÿ"}, {"ž", "Ž"}, {"ź", "Ź"}, {"ż", "Ż"},
    };
    if (text.size() == 1 && text[0] >= 'a' && text[0] <= 'z') return std::string(1, static_cast<char>(text[0] - 32));
    const auto it = kUpper.find(text);
    return it == kUpper.end() ? text : it->second;
}

}  // namespace cirrus::keyboard
