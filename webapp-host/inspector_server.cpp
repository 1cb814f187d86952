#include "inspector_server.hpp"

#include <arpa/inet.h>
#include <glib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <system_error>

#include "common/file_text.hpp"
#include "common/remote_inspector.hpp"

namespace cirrus::webapp {

namespace {

std::optional<std::string> g_address;

// A port the kernel has free now. WebKit binds it a moment later; another
// program taking it meanwhile leaves this host without an inspector (WebKit
// warns), which the dev session reports when `i` finds nothing listening.
std::optional<unsigned> free_loopback_port() {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    std::optional<unsigned> port;
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    close(fd);
    return port;
}

}  // namespace

void prepare_inspector_server() {
    const char* dir = g_getenv(std::string(kInspectorDirVariable).c_str());
    if (!dir || !*dir) return;
    const auto port = free_loopback_port();
    if (!port) {
        std::fprintf(stderr, "cirrus-webapp-host: no free loopback port for the Web Inspector\n");
        return;
    }
    g_address = "127.0.0.1:" + std::to_string(*port);
    g_setenv("WEBKIT_INSPECTOR_HTTP_SERVER", g_address->c_str(), TRUE);
}

void publish_inspector_server(const std::string& app_id) {
    const char* dir = g_getenv(std::string(kInspectorDirVariable).c_str());
    if (!g_address || !dir || !*dir) return;
    // Renamed into place whole: the dev session never reads half an address.
    const std::filesystem::path file = inspector_address_file(dir, app_id);
    std::error_code ignored;
    std::filesystem::create_directories(dir, ignored);
    if (!write_file_replacing(file, *g_address + "\n"))
        std::fprintf(stderr, "cirrus-webapp-host: cannot write %s: %s\n", file.c_str(), std::strerror(errno));
}

}  // namespace cirrus::webapp
