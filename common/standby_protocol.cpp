#include "standby_protocol.hpp"

#include <algorithm>

namespace cirrus::webapp {

StandbyRequest::State StandbyRequest::add(std::string_view bytes) {
    if (state_ != State::waiting) return state_;  // one request per host
    buffer_.append(bytes);
    const auto newline = buffer_.find('\n');
    if (newline == std::string::npos) {
        if (buffer_.size() > kStandbyMaxLine) {
            error_ = "a line of more than " + std::to_string(kStandbyMaxLine) + " bytes";
            state_ = State::refused;
        }
        return state_;
    }
    const std::string_view line = std::string_view(buffer_).substr(0, newline);
    constexpr std::string_view verb = "open ";
    if (!line.starts_with(verb)) {
        error_ = "'" + std::string(line.substr(0, 40)) + "' is not 'open ID'";
        state_ = State::refused;
    } else if (const std::string_view id = line.substr(verb.size()); !plausible_app_id(id)) {
        error_ = "'" + std::string(id.substr(0, 40)) + "' is not an app id";
        state_ = State::refused;
    } else {
        app_id_ = std::string(id);
        state_ = State::open;
    }
    return state_;
}

bool plausible_app_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(id.front())) return false;
    return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '.' || c == '_' || c == '-'; });
}

}  // namespace cirrus::webapp
