#include "standby_protocol.hpp"

namespace cirrus::standby {

std::string open_line(std::string_view app) { return std::string(kOpenVerb) + std::string(app) + "\n"; }

OpenRequest::State OpenRequest::add(std::string_view bytes) {
    if (state_ != State::waiting) return state_;  // one request per host
    buffer_.append(bytes);
    const auto newline = buffer_.find('\n');
    if (newline == std::string::npos) {
        if (buffer_.size() > kMaxLine) {
            error_ = "a line of more than " + std::to_string(kMaxLine) + " bytes";
            state_ = State::refused;
        }
        return state_;
    }
    const std::string_view line = std::string_view(buffer_).substr(0, newline);
    if (!line.starts_with(kOpenVerb)) {
        error_ = "'" + std::string(line.substr(0, 40)) + "' is not 'open ID'";
        state_ = State::refused;
    } else if (const std::string_view id = line.substr(kOpenVerb.size()); !valid_app_id(id)) {
        error_ = "'" + std::string(id.substr(0, 40)) + "' is not an app id";
        state_ = State::refused;
    } else {
        app_id_ = std::string(id);
        state_ = State::open;
    }
    return state_;
}

bool ReadySignal::add(std::string_view bytes) {
    if (received_.size() < kMaxLine) received_.append(bytes);
    if (received_.find(kReadyLine) == std::string::npos) return false;
    received_.clear();
    return true;
}

}  // namespace cirrus::standby
