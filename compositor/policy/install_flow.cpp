#include "install_flow.hpp"

#include <nlohmann/json.hpp>

#include "common/protocol_text.hpp"

namespace cirrus {
namespace {

using nlohmann::json;

std::string text(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t count(const json& object, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || !it->is_number()) return 0;
    const double value = it->get<double>();
    return value > 0 ? static_cast<std::uint64_t>(value) : 0;
}

bool flag(const json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

}  // namespace

std::string install_refusal(const InstallRequestContext& request) {
    const bool browser = !request.browser_app.empty() && request.app == request.browser_app;
    const bool catalogue = !request.catalogue_app.empty() && request.app == request.catalogue_app;
    if (!browser && !catalogue) return request.app + " may not install apps (only the browser and the catalogue)";
    if (request.url.size() > protocol_text::kMaxUrlBytes) {
        return "the URL is longer than " + std::to_string(protocol_text::kMaxUrlBytes) + " bytes";
    }
    if (!request.url.starts_with("http://") && !request.url.starts_with("https://")) {
        return "only http and https pages can be installed";
    }
    for (const unsigned char c : request.url) {
        if (c < 0x20 || c == 0x7f) return "the URL holds control characters";
    }
    if (request.sheet_up) return "another install is being asked about";
    if (!request.shell_bound) return "no shell to ask the user";
    return {};
}

InstallerLine parse_installer_line(std::string_view line) {
    const json parsed = json::parse(line, nullptr, false);
    if (!parsed.is_object()) return {};
    if (const auto it = parsed.find("progress"); it != parsed.end() && it->is_object()) {
        return InstallerProgress{count(*it, "done"), count(*it, "total"), flag(*it, "files")};
    }
    if (const auto it = parsed.find("plan"); it != parsed.end() && it->is_object()) {
        return InstallerPlan{text(*it, "id"),
                             text(*it, "name"),
                             text(*it, "origin"),
                             flag(*it, "installed"),
                             count(*it, "offline_bytes_known"),
                             count(*it, "offline_files")};
    }
    if (const auto it = parsed.find("installed"); it != parsed.end() && it->is_object()) {
        InstallerDone done{text(*it, "id"),      text(*it, "name"),   flag(*it, "offline_ready"),
                           count(*it, "stored"), count(*it, "total"), {}};
        if (const auto missing = it->find("missing");
            missing != it->end() && missing->is_array() && !missing->empty() && missing->front().is_string()) {
            done.first_missing = missing->front().get<std::string>();
        }
        return done;
    }
    if (const auto it = parsed.find("error"); it != parsed.end()) {
        return InstallerError{it->is_string() ? it->get<std::string>() : std::string("the installer failed")};
    }
    if (flag(parsed, "cancelled")) return InstallerCancelled{};
    if (const auto it = parsed.find("update"); it != parsed.end() && it->is_object()) {
        return UpdateChecked{text(*it, "id"), text(*it, "result"), text(*it, "message")};
    }
    if (const auto it = parsed.find("update_plan"); it != parsed.end() && it->is_object()) {
        return InstallerUpdatePlan{text(*it, "id"),          text(*it, "name"),   text(*it, "old_name"),
                                   text(*it, "origin"),      text(*it, "source"), flag(*it, "name_changed"),
                                   flag(*it, "icon_changed")};
    }
    if (const auto it = parsed.find("declined"); it != parsed.end() && it->is_object()) return InstallerDeclined{};
    return {};
}

std::optional<std::string> install_failure(const InstallerDone& done) {
    if (done.offline_ready) return std::nullopt;
    std::string reason = "Not stored for offline use";
    if (done.total > 0) reason += " (" + std::to_string(done.stored) + " of " + std::to_string(done.total) + " files)";
    if (!done.first_missing.empty()) reason += ": " + done.first_missing;
    return reason;
}

std::vector<std::string> LineSplitter::feed(std::string_view bytes) {
    std::vector<std::string> lines;
    while (!bytes.empty()) {
        const std::size_t end = bytes.find('\n');
        const std::string_view piece = bytes.substr(0, end);
        if (!dropping_) {
            if (partial_.size() + piece.size() > kMaxLineBytes) {
                dropping_ = true;
                partial_.clear();
            } else {
                partial_.append(piece);
            }
        }
        if (end == std::string_view::npos) break;
        if (!dropping_) lines.push_back(std::move(partial_));
        partial_.clear();
        dropping_ = false;
        bytes.remove_prefix(end + 1);
    }
    return lines;
}

}  // namespace cirrus
