// Shared by the installer and CLI tests: a private data folder per test, a
// small packaged app written on the spot, and a loopback origin serving a
// hosted app.
#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include "../../temp_dir.hpp"
#include "../install/http_test_server.hpp"

namespace cirrus::test {

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// An SVG icon that gdk-pixbuf (through librsvg) can draw.
inline std::string svg_icon(const std::string& colour) {
    return R"(<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96"><rect width="96" height="96" fill=")" +
           colour + R"("/></svg>)";
}

// A packaged app folder: manifest, start page and icon.
inline std::filesystem::path make_package(const std::filesystem::path& dir, const std::string& name,
                                          const std::string& manifest_extra = "") {
    write_file(dir / "index.html", "<!doctype html><title>" + name + "</title><body>" + name);
    write_file(dir / "icon.svg", svg_icon("#336699"));
    write_file(dir / "manifest.webmanifest",
               R"J({"name": ")J" + name +
                   R"J(", "start_url": "./index.html", "display": "standalone",)J"
                   R"J( "theme_color": "#336699", "background_color": "rgb(255, 255, 255)",)J"
                   R"J( "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml"}])J" +
                   manifest_extra + "}");
    return dir;
}

// What a command printed and how it ended.
struct Run {
    int status = -1;
    std::string out;
    std::string err;
};

// Runs a shell command line; its stdout and stderr kept apart (stderr goes
// through `err_path`).
inline Run run_shell(const std::string& script, const std::filesystem::path& err_path) {
    const std::string command = "(" + script + ") 2>'" + err_path.string() + "'";
    Run run;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return run;
    std::array<char, 4096> buffer{};
    size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) run.out.append(buffer.data(), n);
    const int status = pclose(pipe);
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    run.err.assign(std::istreambuf_iterator<char>(err), {});
    return run;
}

inline void respond(SoupServerMessage* message, const char* type, const std::string& body, unsigned status = 200) {
    soup_server_message_set_status(message, status, nullptr);
    soup_server_message_set_response(message, type, SOUP_MEMORY_COPY, body.data(), body.size());
}

// A hosted app with a manifest, and a plain site without one, on 127.0.0.1.
inline std::map<std::string, HttpTestServer::Handler> hosted_routes() {
    return {
        {"/app/",
         [](SoupServerMessage* m) {
             respond(m, "text/html",
                     R"(<!doctype html><html lang="en"><head><title>Hosted</title>)"
                     R"(<link rel="manifest" href="app.webmanifest"></head><body>hi)");
         }},
        {"/app/app.webmanifest",
         [](SoupServerMessage* m) {
             respond(
                 m, "application/manifest+json",
                 R"J({"name": "Hosted News", "short_name": "News", "start_url": "./?from=home",)J"
                 R"J( "display": "standalone", "theme_color": "hsl(120, 100%, 25%)",)J"
                 R"J( "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"},)J"
                 R"J( {"src": "missing.png", "sizes": "192x192", "type": "image/png"}]})J");
         }},
        {"/app/icon.svg", [](SoupServerMessage* m) { respond(m, "image/svg+xml", svg_icon("#008000")); }},
        {"/site/",
         [](SoupServerMessage* m) {
             respond(m, "text/html",
                     R"(<html><head><title>  Plain   Site </title>)"
                     R"(<meta name="theme-color" content="#aa0000">)"
                     R"(<link rel="apple-touch-icon" href="/site/touch.svg" sizes="any"></head>)");
         }},
        {"/site/touch.svg", [](SoupServerMessage* m) { respond(m, "image/svg+xml", svg_icon("#aa0000")); }},
    };
}

// A hosted app whose page loads a stylesheet (which loads an image), a
// script and an image; the stylesheet answers `css_status`.
inline std::map<std::string, HttpTestServer::Handler> offline_app_routes(unsigned css_status = 200) {
    return {
        {"/news/",
         [](SoupServerMessage* m) {
             respond(m, "text/html",
                     R"(<!doctype html><title>News</title><link rel="manifest" href="app.webmanifest">)"
                     R"(<link rel="stylesheet" href="style.css"><script src="app.js"></script>)"
                     R"(<img src="logo.svg">)");
         }},
        {"/news/app.webmanifest",
         [](SoupServerMessage* m) {
             respond(m, "application/manifest+json",
                     R"J({"name": "Offline News", "start_url": "/news/", "display": "standalone",)J"
                     R"J( "icons": [{"src": "icon.svg", "sizes": "any", "type": "image/svg+xml"}],)J"
                     R"J( "cirrus_offline": {"assets": ["offline.html"]}})J");
         }},
        {"/news/style.css",
         [css_status](SoupServerMessage* m) { respond(m, "text/css", "body{background:url(bg.svg)}", css_status); }},
        {"/news/bg.svg", [](SoupServerMessage* m) { respond(m, "image/svg+xml", svg_icon("#1e90ff")); }},
        {"/news/app.js", [](SoupServerMessage* m) { respond(m, "text/javascript", "document.title = 'ran';"); }},
        {"/news/logo.svg", [](SoupServerMessage* m) { respond(m, "image/svg+xml", svg_icon("#000000")); }},
        {"/news/icon.svg", [](SoupServerMessage* m) { respond(m, "image/svg+xml", svg_icon("#008000")); }},
        {"/news/offline.html", [](SoupServerMessage* m) { respond(m, "text/html", "<p>offline</p>"); }},
    };
}

}  // namespace cirrus::test
