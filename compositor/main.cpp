// cirrus-compositor: the phone compositor. Parses the config, runs the
// server, and turns every start-up failure into one clear line and exit 1.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "config.hpp"
#include "server.hpp"
#include "trust.hpp"
#include "unix_socket.hpp"

namespace {

std::string default_config_path() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        return std::string(xdg) + "/cirrus/compositor.conf";
    if (const char* home = std::getenv("HOME"); home && *home)
        return std::string(home) + "/.config/cirrus/compositor.conf";
    return {};
}

wlr_log_importance log_level() {
    const char* level = std::getenv("CIRRUS_LOG");
    const std::string value = level ? level : "";
    if (value == "debug") return WLR_DEBUG;
    if (value == "info") return WLR_INFO;
    return WLR_ERROR;
}

}  // namespace

int main(int argc, char** argv) {
    cirrus::Config config;
    try {
        config = cirrus::parse_command_line(argc, argv, default_config_path());
    } catch (const cirrus::ConfigError& e) {
        std::fprintf(stderr, "cirrus-compositor: %s\n", e.what());
        return 2;
    }
    if (config.show_help) {
        std::fputs(cirrus::usage_text().c_str(), stdout);
        return 0;
    }
    if (config.show_version) {
        std::puts("cirrus-compositor " CIRRUS_VERSION);
        return 0;
    }
    wlr_log_init(log_level(), nullptr);
    cirrus::raise_fd_limit();
    cirrus::reserve_spare_fd();  // for accept_connection, out of fds

    cirrus::Server server(std::move(config));
    if (!server.start()) {
        std::fprintf(stderr, "cirrus-compositor: could not start (see the error above)\n");
        return 1;
    }
    return server.run();
}
