#include "remote_inspector.hpp"

#include <cctype>

namespace cirrus {

std::filesystem::path inspector_address_file(const std::filesystem::path& dir, std::string_view app_id) {
    return dir / (std::string(app_id) + ".address");
}

bool valid_inspector_address(std::string_view text) {
    constexpr std::string_view host = "127.0.0.1:";
    if (!text.starts_with(host)) return false;
    const std::string_view port = text.substr(host.size());
    if (port.empty() || port.size() > 5) return false;
    unsigned value = 0;
    for (const char c : port) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value > 0 && value <= 65535;
}

namespace {

// The text between `open` and the next '<' after position `from`, and where
// it ends; npos when `open` does not come.
std::string_view text_after(std::string_view html, std::string_view open, std::size_t& from) {
    const std::size_t start = html.find(open, from);
    if (start == std::string_view::npos) {
        from = std::string_view::npos;
        return {};
    }
    const std::size_t begin = start + open.size();
    const std::size_t end = html.find('<', begin);
    from = end == std::string_view::npos ? html.size() : end;
    return html.substr(begin, from - begin);
}

// "socket/C/T/WebPage" with C and T decimal, or "".
std::string socket_path_at(std::string_view html, std::size_t& from) {
    constexpr std::string_view marker = "/socket/";
    const std::size_t start = html.find(marker, from);
    if (start == std::string_view::npos) {
        from = std::string_view::npos;
        return "";
    }
    std::size_t i = start + marker.size();
    std::string path = "socket/";
    for (int number = 0; number < 2; ++number) {
        const std::size_t digits = i;
        while (i < html.size() && std::isdigit(static_cast<unsigned char>(html[i])) && i - digits < 10) ++i;
        if (i == digits || i >= html.size() || html[i] != '/') {
            from = i;
            return "";
        }
        path.append(html.substr(digits, i - digits + 1));
        ++i;
    }
    constexpr std::string_view kind = "WebPage";
    from = i;
    if (html.substr(i, kind.size()) != kind) return "";
    from = i + kind.size();
    return path + std::string(kind);
}

}  // namespace

std::vector<InspectorTarget> parse_inspector_targets(std::string_view index_html) {
    std::vector<InspectorTarget> targets;
    std::size_t at = 0;
    while (at != std::string_view::npos && at < index_html.size()) {
        InspectorTarget target;
        target.title = std::string(text_after(index_html, "<div class=\"targetname\">", at));
        if (at == std::string_view::npos) break;
        target.url = std::string(text_after(index_html, "<div class=\"targeturl\">", at));
        if (at == std::string_view::npos) break;
        target.socket_path = socket_path_at(index_html, at);
        if (!target.socket_path.empty()) targets.push_back(std::move(target));
    }
    return targets;
}

std::string inspector_page_url(std::string_view address, const InspectorTarget& target) {
    return "http://" + std::string(address) + "/Main.html?ws=" + std::string(address) + "/" + target.socket_path;
}

}  // namespace cirrus
