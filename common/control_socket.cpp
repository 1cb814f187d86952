#include "control_socket.hpp"

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace cirrus::control {

namespace {

constexpr std::string_view kPrefix = "cirrus-";
constexpr std::string_view kControlSuffix = ".sock";
constexpr std::string_view kTrustedSuffix = "-trusted.sock";
constexpr std::string_view kDefaultDisplay = "wayland-0";
constexpr auto kConnectRetry = std::chrono::milliseconds(50);

const char* const kRunningHint = "is cirrus-compositor running? set WAYLAND_DISPLAY or CIRRUS_CONTROL";

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

std::chrono::steady_clock::time_point deadline_after(double seconds) {
    return std::chrono::steady_clock::now() +
           std::chrono::milliseconds(static_cast<long long>(seconds > 0 ? seconds * 1000 : 0));
}

std::string seconds_text(double seconds) {
    std::string text = std::to_string(seconds);
    text.erase(text.find_last_not_of('0') + 1);
    if (!text.empty() && text.back() == '.') text.pop_back();
    return text;
}

}  // namespace

std::string control_socket_name(std::string_view display) {
    return std::string(kPrefix) + std::string(display) + std::string(kControlSuffix);
}

std::string trusted_socket_name(std::string_view display) {
    return std::string(kPrefix) + std::string(display) + std::string(kTrustedSuffix);
}

std::string control_socket_path(std::string_view runtime_dir, std::string_view display) {
    return std::string(runtime_dir) + "/" + control_socket_name(display);
}

std::string trusted_socket_path(std::string_view runtime_dir, std::string_view display) {
    return std::string(runtime_dir) + "/" + trusted_socket_name(display);
}

std::string display_name(std::string_view wayland_display) {
    if (wayland_display.empty()) return std::string(kDefaultDisplay);
    if (wayland_display.front() != '/') return std::string(wayland_display);
    std::string_view name = wayland_display.substr(wayland_display.rfind('/') + 1);
    // A trusted client's WAYLAND_DISPLAY is the trusted socket's path: the
    // compositor's display is inside its name.
    if (name.size() > kPrefix.size() + kTrustedSuffix.size() && name.starts_with(kPrefix) &&
        name.ends_with(kTrustedSuffix)) {
        name = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kTrustedSuffix.size());
    }
    return std::string(name);
}

SocketEnvironment SocketEnvironment::from_process() {
    return {env_or_empty("CIRRUS_CONTROL"), env_or_empty("XDG_RUNTIME_DIR"), env_or_empty("WAYLAND_DISPLAY")};
}

std::string find_control_socket(const SocketEnvironment& env) {
    if (!env.cirrus_control.empty()) return env.cirrus_control;
    if (env.xdg_runtime_dir.empty()) {
        throw ControlError(ControlError::Kind::no_path,
                           "XDG_RUNTIME_DIR is not set, so the compositor's control socket cannot be found: set "
                           "XDG_RUNTIME_DIR (and WAYLAND_DISPLAY) as the compositor has them, or CIRRUS_CONTROL "
                           "to the control socket's path");
    }
    return control_socket_path(env.xdg_runtime_dir, display_name(env.wayland_display));
}

std::string find_control_socket() { return find_control_socket(SocketEnvironment::from_process()); }

ControlClient ControlClient::connect(const std::string& path, double wait_seconds) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
        throw ControlError(ControlError::Kind::unreachable,
                           "the control socket's path is too long for a unix socket (" + std::to_string(path.size()) +
                               " bytes, at most " + std::to_string(sizeof(address.sun_path) - 1) + "): " + path);
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    const auto deadline = deadline_after(wait_seconds);
    for (;;) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            throw ControlError(ControlError::Kind::unreachable,
                               std::string("cannot make a unix socket: ") + std::strerror(errno));
        }
        if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
            return ControlClient(fd, path);
        }
        const int error = errno;
        close(fd);
        if (std::chrono::steady_clock::now() >= deadline) {
            const std::string why = error == ENOENT ? "there is no such socket" : std::strerror(error);
            throw ControlError(ControlError::Kind::unreachable,
                               "cannot reach the compositor at " + path + ": " + why + " (" + kRunningHint + ")");
        }
        std::this_thread::sleep_for(kConnectRetry);
    }
}

ControlClient::~ControlClient() {
    if (fd_ >= 0) close(fd_);
}

ControlClient::ControlClient(ControlClient&& other) noexcept
    : fd_(other.fd_), path_(std::move(other.path_)), buffer_(std::move(other.buffer_)) {
    other.fd_ = -1;
}

ControlClient& ControlClient::operator=(ControlClient&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) close(fd_);
        fd_ = other.fd_;
        path_ = std::move(other.path_);
        buffer_ = std::move(other.buffer_);
        other.fd_ = -1;
    }
    return *this;
}

void ControlClient::send(std::string_view bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            throw ControlError(ControlError::Kind::no_answer,
                               "cannot send to the compositor at " + path_ + ": " + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
}

std::string ControlClient::read_line(double timeout_seconds) {
    const auto deadline = deadline_after(timeout_seconds);
    for (;;) {
        if (const auto newline = buffer_.find('\n'); newline != std::string::npos) {
            std::string line = buffer_.substr(0, newline);
            buffer_.erase(0, newline + 1);
            return line;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) {
            throw ControlError(ControlError::Kind::no_answer, "no answer from the compositor at " + path_ + " within " +
                                                                  seconds_text(timeout_seconds) + " s");
        }
        pollfd pfd{fd_, POLLIN, 0};
        const int ready = poll(&pfd, 1, static_cast<int>(left));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) {
            throw ControlError(ControlError::Kind::no_answer,
                               "cannot wait for the compositor at " + path_ + ": " + std::strerror(errno));
        }
        if (ready == 0) continue;
        char chunk[4096];
        const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            throw ControlError(ControlError::Kind::no_answer,
                               "cannot read from the compositor at " + path_ + ": " + std::strerror(errno));
        }
        if (n == 0) {
            throw ControlError(ControlError::Kind::no_answer,
                               "the compositor at " + path_ + " closed the connection without an answer");
        }
        buffer_.append(chunk, static_cast<std::size_t>(n));
    }
}

std::string ControlClient::exchange(std::string_view line, double timeout_seconds) {
    std::string bytes(line);
    bytes += '\n';
    send(bytes);
    return read_line(timeout_seconds);
}

nlohmann::json ControlClient::request(const nlohmann::json& request, double timeout_seconds) {
    const std::string answer = exchange(request.dump(), timeout_seconds);
    try {
        return nlohmann::json::parse(answer);
    } catch (const nlohmann::json::exception&) {
        throw ControlError(ControlError::Kind::bad_answer,
                           "the compositor at " + path_ + " answered something that is not JSON: " + answer);
    }
}

nlohmann::json control_request(const std::string& path, const nlohmann::json& request, double timeout_seconds) {
    return ControlClient::connect(path).request(request, timeout_seconds);
}

}  // namespace cirrus::control
