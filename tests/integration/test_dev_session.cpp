// `cirrus dev` for real, in a headless desktop session: the real compositor
// on the headless backend stands in for the developer's desktop, and
// `cirrus dev` runs as its client (the nested Cirrus on wlroots' Wayland
// backend, the real shell and web-app host inside). Checked: the window's
// title and size as the desktop sees them, a saved colour on screen within
// a second (storage kept across the reload), the console in the terminal
// with file and line, a manifest change reaching the home-screen entry, a
// folder without a manifest, and nothing left behind at exit.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/control_socket.hpp"
#include "http_test_server.hpp"
#include "common/registry.hpp"
#include "harness.hpp"

using namespace cirrus_it;

namespace {

// WebKit under pixman beside other tests can be slow to start.
constexpr double kStartTimeout = 90;

void write_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

// The desktop: 1280x900, a size that a phone window must not take.
Compositor::Options desktop_options() {
    Compositor::Options o;
    o.size = "1280x900";
    return o;
}

struct DevRun {
    std::unique_ptr<Process> process;

    // `source`: a folder or a URL; `extra`: more of cirrus dev's arguments.
    DevRun(Compositor& desktop, const std::string& source, const std::string& log,
           const std::vector<std::string>& extra = {}) {
        Process::Options o;
        o.argv = {program("CIRRUS_CLI"), "dev", source};
        o.argv.insert(o.argv.end(), extra.begin(), extra.end());
        o.env = desktop.client_env(false);
        o.env["WLR_BACKENDS"] = "wayland";
        o.env["WLR_RENDERER"] = "pixman";
        o.env["TMPDIR"] = desktop.runtime_dir();
        if (const char* log = std::getenv("CIRRUS_IT_DEV_LOG")) o.env["CIRRUS_LOG"] = log;
        o.unset_env = {"DISPLAY", "CIRRUS_REGISTRY", "XDG_DATA_HOME"};
        o.log_path = log;
        process = std::make_unique<Process>(o);
    }

    // The first line printed so far that holds `text`; waits up to timeout_s.
    std::optional<std::string> line_with(const std::string& text, double timeout_s = kStartTimeout) {
        std::optional<std::string> found;
        wait_until(
            [&] {
                process->events();
                for (const std::string& line : process->other_lines()) {
                    if (line.find(text) != std::string::npos) {
                        found = line;
                        return true;
                    }
                }
                return !process->alive();
            },
            timeout_s);
        return found;
    }

    // The lines printed so far, from the `from`th on, that hold `text`.
    std::size_t count_with(const std::string& text, std::size_t from) {
        process->events();
        const auto& lines = process->other_lines();
        std::size_t count = 0;
        for (std::size_t i = from; i < lines.size(); ++i) count += lines[i].find(text) != std::string::npos;
        return count;
    }
    std::size_t printed_lines() {
        process->events();
        return process->other_lines().size();
    }

    std::size_t count_with(const std::string& text) {
        process->events();
        std::size_t count = 0;
        for (const std::string& line : process->other_lines()) count += line.find(text) != std::string::npos;
        return count;
    }

    // What it printed so far, for a failure's message.
    std::string printed() {
        process->events();
        std::string text;
        for (const std::string& line : process->other_lines()) text += line + "\n";
        return text;
    }

    std::string control_socket() {
        const auto line = line_with("control socket: ");
        REQUIRE_MESSAGE(line.has_value(), process->describe());
        return line->substr(line->find("control socket: ") + 16);
    }
};

Image::Pixel page_pixel(const std::string& control, const std::string& shot) {
    cirrus::control::control_request(control, {{"cmd", "screenshot"}, {"path", shot}}, 10);
    return read_png(shot).at(240, 500);  // below the status bar and the heading
}

// One request to a loopback address ("127.0.0.1:PORT"), raw: the answer's
// bytes until the server closes, its headers end (an upgrade keeps the
// connection open), or 5 s pass.
std::string loopback_exchange(const std::string& address, const std::string& request) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<std::uint16_t>(std::stoi(address.substr(address.find(':') + 1))));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string answer;
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
        send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        char buffer[4096];
        for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;) {
            answer.append(buffer, static_cast<std::size_t>(n));
            if (answer.starts_with("HTTP/1.1 101") && answer.find("\r\n\r\n") != std::string::npos) break;
        }
    }
    close(fd);
    return answer;
}

std::filesystem::path session_registry(const std::string& runtime_dir) {
    for (const auto& entry : std::filesystem::directory_iterator(runtime_dir)) {
        if (entry.path().filename().string().starts_with("cirrus-dev-") && entry.is_directory())
            return entry.path() / "data" / "cirrus" / "registry.db";
    }
    return {};
}

}  // namespace

TEST_CASE("cirrus dev: a phone-sized window titled with the app, live reload, the console with file and line") {
    Compositor desktop(desktop_options());
    const std::filesystem::path folder = std::filesystem::path(desktop.runtime_dir()) / "colour-probe";
    write_file(folder / "index.html",
               "<!doctype html><html><head><title>Colour Probe</title><link rel=stylesheet href=style.css></head>"
               "<body><h1>Probe</h1><script src=app.js></script></body></html>");
    write_file(folder / "style.css", "body { background: #ff0000; }\n");
    write_file(folder / "app.js",
               "localStorage.setItem('runs', String(Number(localStorage.getItem('runs') || 0) + 1));\n"
               "console.log('probe loaded', localStorage.getItem('runs'));\n"
               "setTimeout(() => { throw new Error('probe failure'); }, 0);\n");
    write_file(folder / "manifest.webmanifest",
               R"({"name": "Colour Probe", "start_url": "index.html", "display": "standalone",)"
               "\n"
               R"( "theme_color": "not a colour", "background_color": "#ffffff"})");

    DevRun dev(desktop, folder, desktop.new_path("dev.log"));
    const std::string control = dev.control_socket();
    REQUIRE_MESSAGE(dev.line_with("is on screen").has_value(), dev.process->describe());

    // The manifest's warning as `cirrus install` prints it: file:line:column.
    const std::string log = dev.process->log_tail(20000);
    CHECK_MESSAGE(log.find("warning: " + (std::filesystem::canonical(folder) / "manifest.webmanifest").string() +
                           ":2:") != std::string::npos,
                  log);

    // The desktop sees one window: titled with Cirrus and the app's name, and
    // drawn at the phone's size although the desktop gives it all 1280x900.
    const json windows = desktop.windows();
    REQUIRE(windows.size() == 1);
    CHECK(windows[0]["title"] == "Cirrus \xE2\x80\x94 Colour Probe");
    CHECK(windows[0]["content"]["width"] == 480);
    CHECK(windows[0]["content"]["height"] == 800);
    CHECK(windows[0]["width"] == 1280);  // what the desktop forced: the phone is letterboxed in it

    // The checklist at start: the dropped theme colour, the package offline,
    // the start page's weight priced on 3G.
    REQUIRE(dev.line_with("cirrus dev: checklist (", 20));
    CHECK(dev.line_with("  warn  status bar: no theme_color", 5));
    CHECK(dev.line_with("  pass  offline: a package: every file it loads is on the phone", 5));
    CHECK(dev.line_with("  pass  weight on 3G: ", 5));
    CHECK(dev.line_with("  fail  icons: none usable", 5));

    // The page's console.log in the terminal, with its file and line.
    CHECK(dev.line_with("[colour-probe] console.log: probe loaded 1 (at app://colour-probe/app.js:2:", 20));
    CHECK(same_rgb(page_pixel(control, desktop.new_path("red.png")), 0xff0000, 8));
    // An uncaught error with where it was thrown and its stack; the request log.
    CHECK(dev.line_with("[colour-probe] console.uncaught: Error: probe failure (at app://colour-probe/app.js:3:", 20));
    const auto request = dev.line_with("[colour-probe] GET app://colour-probe/style.css 200 ", 20);
    REQUIRE(request.has_value());
    CHECK(request->ends_with(" package"));

    // A saved colour is on screen within a second, and storage survives the reload.
    const auto saved = std::chrono::steady_clock::now();
    write_file(folder / "style.css", "body { background: #00ff00; }\n");
    const bool green =
        wait_until([&] { return same_rgb(page_pixel(control, desktop.new_path("g.png")), 0x00ff00, 8); }, 10);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - saved).count();
    REQUIRE_MESSAGE(green, dev.process->describe());
    CHECK_MESSAGE(seconds < 1.0, "the new colour took ", seconds, " s");
    CHECK(dev.line_with("reloaded (style.css)", 10));
    CHECK(dev.line_with("probe loaded 2 (at app://colour-probe/app.js:2:", 20));

    // A manifest change updates the home screen's entry (the session's own registry).
    write_file(folder / "manifest.webmanifest",
               R"({"name": "Probe Two", "start_url": "index.html", "theme_color": "#123456"})");
    REQUIRE(dev.line_with("home screen entry updated: Probe Two", 10));
    const std::filesystem::path registry_path = session_registry(desktop.runtime_dir());
    REQUIRE_FALSE(registry_path.empty());
    {
        auto registry = cirrus::launcher::Registry::open(registry_path);
        const auto app = registry.get("colour-probe");
        REQUIRE(app.has_value());
        CHECK(app->name == "Probe Two");
        CHECK(app->theme_color == "#123456");
        CHECK(app->package_dir == std::filesystem::canonical(folder).string());  // served in place
    }

    // `c`: the checklist again, on the manifest as it is now.
    CHECK(dev.count_with("cirrus dev: checklist (") == 1);
    dev.process->send_line("c");
    REQUIRE(wait_until([&] { return dev.count_with("cirrus dev: checklist (") == 2; }, 10));
    CHECK(dev.line_with("  pass  status bar: #123456: white text and icons at ", 5));

    // Keys (from a pipe here, a terminal's single keys otherwise): the memory line.
    // (one memory line is printed at start: the key's is the next one)
    const std::size_t memory_lines = dev.count_with("cirrus dev: memory: ");
    CHECK(memory_lines == 1);
    dev.process->send_line("m");
    REQUIRE(wait_until([&] { return dev.count_with("cirrus dev: memory: ") == memory_lines + 1; }, 10));
    CHECK(dev.printed().find(" MiB (host and its WebKit processes), state front") != std::string::npos);

    // `i`: the app's Web Inspector, served by its host on a loopback port of
    // its own; the inspector's page for the app's document, and its socket
    // takes a WebSocket as the inspector's page opens it.
    dev.process->send_line("i");
    const auto inspector =
        dev.line_with("cirrus dev: inspector for app://colour-probe/index.html: http://127.0.0.1:", 20);
    REQUIRE_MESSAGE(inspector.has_value(), dev.printed());
    const std::smatch found = [&] {
        std::smatch m;
        std::regex_search(
            *inspector, m,
            std::regex(R"(http://(127\.0\.0\.1:\d+)/Main\.html\?ws=127\.0\.0\.1:\d+/(socket/\d+/\d+/WebPage))"));
        return m;
    }();
    REQUIRE_MESSAGE(found.size() == 3, *inspector);
    const std::string address = found[1];
    const std::string index = loopback_exchange(address, "GET / HTTP/1.0\r\nHost: " + address + "\r\n\r\n");
    CHECK_MESSAGE(index.find("<div class=\"targeturl\">app://colour-probe/index.html</div>") != std::string::npos,
                  index);
    const std::string page = loopback_exchange(address, "GET /Main.html HTTP/1.0\r\nHost: " + address + "\r\n\r\n");
    CHECK_MESSAGE(page.substr(0, page.find('\r')).ends_with(" 200 OK"), page.substr(0, 200));
    const std::string upgrade =
        loopback_exchange(address, "GET /" + std::string(found[2]) + " HTTP/1.1\r\nHost: " + address +
                                       "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                                       "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    CHECK_MESSAGE(upgrade.starts_with("HTTP/1.1 101"), upgrade.substr(0, 200));

    // `f`: frozen now (home first), not 10 s later; `o` thaws it, in front
    // with its page as it was.
    const auto app_state = [&] {
        const json apps = cirrus::control::control_request(control, {{"cmd", "apps"}}, 5);
        for (const json& app : apps["apps"]) {
            if (app["app"] == "colour-probe") return app.value("state", std::string());
        }
        return std::string("gone");
    };
    const auto freeze_asked = std::chrono::steady_clock::now();
    dev.process->send_line("f");
    REQUIRE_MESSAGE(dev.line_with("cirrus dev: frozen: the app's processes are stopped (o thaws it)", 10).has_value(),
                    dev.printed());
    CHECK(std::chrono::steady_clock::now() - freeze_asked < std::chrono::seconds(8));  // the delay is 10 s
    CHECK(app_state() == "frozen");
    dev.process->send_line("f");
    CHECK(wait_until([&] { return dev.count_with("cirrus dev: frozen: ") == 2; }, 10));  // already: said again
    dev.process->send_line("o");
    REQUIRE(wait_until([&] { return app_state() == "front"; }, 10));
    CHECK(wait_until([&] { return same_rgb(page_pixel(control, desktop.new_path("thawed.png")), 0x00ff00, 8); }, 10));

    // Ctrl-C: the window goes, the session's data goes, the app's files stay.
    dev.process->signal(SIGINT);
    const auto status = dev.process->wait_exit(20);
    REQUIRE(status.has_value());
    CHECK(describe_status(*status) == "exit 0");
    CHECK_FALSE(std::filesystem::exists(registry_path.parent_path().parent_path().parent_path()));
    CHECK(std::filesystem::exists(folder / "style.css"));
    CHECK(wait_until([&] { return desktop.windows().empty(); }, 5));
}

TEST_CASE("cirrus dev: a folder without a manifest runs as a site, with a hint") {
    Compositor desktop(desktop_options());
    const std::filesystem::path folder = std::filesystem::path(desktop.runtime_dir()) / "bare";
    write_file(folder / "index.html", "<!doctype html><title>Bare Page</title><body style='background:#0000ff'>hi");
    DevRun dev(desktop, folder, desktop.new_path("dev.log"));
    const std::string control = dev.control_socket();
    CHECK(dev.line_with("running it as a site").has_value());
    CHECK(dev.line_with("  fail  manifest: none: the app runs as a site").has_value());
    REQUIRE_MESSAGE(dev.line_with("is on screen").has_value(), dev.process->describe());
    const json windows = desktop.windows();
    REQUIRE(windows.size() == 1);
    CHECK(windows[0]["title"] == "Cirrus \xE2\x80\x94 Bare Page");
    CHECK(wait_until([&] { return same_rgb(page_pixel(control, desktop.new_path("b.png")), 0x0000ff, 8); }, 10));
    dev.process->signal(SIGINT);
    CHECK(dev.process->wait_exit(20).has_value());
}

namespace {

cirrus::test::HttpTestServer::Handler net_answer(const std::string& type, const std::string& body,
                                                 std::shared_ptr<std::atomic<int>> proxied = nullptr) {
    return [type, body, proxied](SoupServerMessage* message) {
        // cirrus-weak-link --proxy passes each request on with
        // "Connection: close" (one request per connection); libsoup on its
        // own never sends it: the header says the request crossed the weak link.
        const char* connection =
            soup_message_headers_get_one(soup_server_message_get_request_headers(message), "Connection");
        if (proxied && connection && std::string(connection) == "close") ++*proxied;
        soup_message_headers_append(soup_server_message_get_response_headers(message), "Cache-Control", "no-cache");
        soup_server_message_set_status(message, 200, nullptr);
        soup_server_message_set_response(message, type.c_str(), SOUP_MEMORY_COPY, body.data(), body.size());
    };
}

}  // namespace

TEST_CASE(
    "cirrus dev --network: the app's traffic crosses the weak link, and offline reaches navigator.onLine and "
    "the store") {
    auto proxied = std::make_shared<std::atomic<int>>(0);
    const std::string manifest =
        R"({"name":"Net Probe","start_url":"/net/","scope":"/net/","display":"standalone","background_color":"#ffffff"})";
    cirrus::test::HttpTestServer origin({
        {"/net/", net_answer("text/html",
                             "<!doctype html><html><head><meta charset=utf-8><title>Net Probe</title>"
                             "<link rel=manifest href=manifest.webmanifest><script src=net.js></script></head>"
                             "<body style='background:#208020'>net</body></html>",
                             proxied)},
        {"/net/manifest.webmanifest", net_answer("application/manifest+json", manifest)},
        {"/net/net.js", net_answer("text/javascript",
                                   "console.log('onLine ' + navigator.onLine);\n"
                                   "addEventListener('online', () => console.log('onLine ' + navigator.onLine));\n"
                                   "addEventListener('offline', () => console.log('onLine ' + navigator.onLine));\n"
                                   "fetch('ping.json').then(r => r.json()).then(j => console.log('ping ' + j.ok));\n",
                                   proxied)},
        {"/net/ping.json", net_answer("application/json", R"({"ok":true})", proxied)},
    });
    Compositor desktop(desktop_options());
    DevRun dev(desktop, origin.url("/net/"), desktop.new_path("dev.log"), {"--network", "good"});
    const std::string control = dev.control_socket();
    REQUIRE_MESSAGE(dev.line_with("is on screen").has_value(), dev.process->describe());
    CHECK(dev.line_with("cirrus dev: network: good (10000/5000 kbit/s, +40 ms)", 5));
    REQUIRE_MESSAGE(dev.line_with("console.log: onLine true", 20).has_value(), dev.printed());
    // The page's own request went to the origin, through the weak link.
    REQUIRE_MESSAGE(dev.line_with("console.log: ping true", 20).has_value(), dev.printed());
    CHECK(dev.line_with("GET " + origin.url("/net/ping.json") + " 200 ", 10).value_or("").ends_with(" network"));
    CHECK(proxied->load() >= 1);
    CHECK(cirrus::control::control_request(control, {{"cmd", "apps"}}, 5).dump().find("first_frame_ms") !=
          std::string::npos);

    // n, n, n, n: 3g, 3g-slow, 2g, offline. The page hears at once.
    const std::size_t before_offline = dev.printed_lines();
    dev.process->send_line("nnnn");
    REQUIRE_MESSAGE(dev.line_with("cirrus dev: network: offline", 10).has_value(), dev.printed());
    REQUIRE_MESSAGE(wait_until([&] { return dev.count_with("console.log: onLine false", before_offline) == 1; }, 10),
                    dev.printed());
    // A reload offline: the page and its script are answered from the store,
    // and the new document starts offline.
    const std::size_t before_reload = dev.printed_lines();
    dev.process->send_line("r");
    REQUIRE_MESSAGE(wait_until([&] { return dev.count_with("console.log: onLine false", before_reload) == 1; }, 20),
                    dev.printed());
    CHECK(wait_until(
        [&] {
            return dev.count_with("GET " + origin.url("/net/net.js") + " 200 ", before_reload) == 1 &&
                   dev.count_with(" store", before_reload) >= 1;
        },
        10));

    // n, n: this machine's own link, then good: online again, at once.
    const std::size_t before_back = dev.printed_lines();
    dev.process->send_line("nn");
    REQUIRE(dev.line_with("cirrus dev: network: this machine's own link", 10));
    REQUIRE(dev.line_with("cirrus dev: network: good", 10));
    CHECK_MESSAGE(wait_until([&] { return dev.count_with("console.log: onLine true", before_back) >= 1; }, 10),
                  dev.printed());
    const json link = cirrus::control::control_request(control, {{"cmd", "link"}, {"class", "good"}}, 5);
    CHECK(link["link"] == "good");
    CHECK(link["override"] == true);

    // d then o at once (one write): o waits for the discard to be done,
    // then restores the app, which comes back in front with a new host.
    dev.process->send_line("d\no");
    REQUIRE_MESSAGE(dev.line_with("cirrus dev: discarded the app (o restores it)", 20).has_value(), dev.printed());
    REQUIRE(dev.line_with("cirrus dev: open: ", 10));
    const bool restored = wait_until(
        [&] {
            const json apps = cirrus::control::control_request(control, {{"cmd", "apps"}}, 5);
            for (const json& app : apps["apps"]) {
                if (app["state"] == "front" && app["pid"].is_number_integer()) return true;
            }
            return false;
        },
        30);
    CHECK_MESSAGE(restored, cirrus::control::control_request(control, {{"cmd", "apps"}}, 5).dump(), "\n",
                  dev.printed());

    dev.process->signal(SIGINT);
    CHECK(dev.process->wait_exit(20).has_value());
}
