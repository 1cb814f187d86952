// The bundled apps in manifests/: valid JSON with the members the runtime
// relies on, icon files that exist, and each app small enough to ship.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "package.hpp"

using namespace cirrus::launcher;
namespace fs = std::filesystem;

namespace {

fs::path manifests_dir() {
    const char* dir = std::getenv("CIRRUS_MANIFESTS_DIR");
    REQUIRE_MESSAGE(dir, "CIRRUS_MANIFESTS_DIR is not set (run through meson test)");
    return dir;
}

// The PNG's width and height from its IHDR chunk.
std::pair<int, int> png_size(const std::string& bytes) {
    REQUIRE(bytes.size() > 24);
    REQUIRE(bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    auto be32 = [&](std::size_t at) {
        return (static_cast<unsigned char>(bytes[at]) << 24) | (static_cast<unsigned char>(bytes[at + 1]) << 16) |
               (static_cast<unsigned char>(bytes[at + 2]) << 8) | static_cast<unsigned char>(bytes[at + 3]);
    };
    return {be32(16), be32(20)};
}

void check_app(const std::string& id) {
    CAPTURE(id);
    const Package package = open_package(manifests_dir() / id);
    CHECK(package.total_size() < 50u * 1024);
    for (const char* file : {"index.html", "manifest.webmanifest"}) CHECK(package.contains(file));
    REQUIRE(package.find_manifest() == "manifest.webmanifest");

    const auto manifest = nlohmann::json::parse(package.read("manifest.webmanifest"));
    for (const char* member : {"name", "short_name", "id", "start_url", "scope", "display", "theme_color",
                               "background_color", "icons", "description", "categories", "lang"}) {
        CAPTURE(member);
        CHECK(manifest.contains(member));
    }
    // Apps are standalone; the browser keeps a back/reload bar.
    CHECK(manifest["display"] == (id == std::string("browser") ? "minimal-ui" : "standalone"));
    CHECK(manifest["short_name"].get<std::string>().size() <= 12);
    CHECK(manifest["theme_color"].get<std::string>().front() == '#');
    CHECK(manifest["categories"].is_array());

    std::set<std::string> purposes;
    std::set<int> maskable_sizes;
    for (const auto& icon : manifest["icons"]) {
        const std::string src = icon["src"];
        CAPTURE(src);
        REQUIRE(package.contains(src));
        const std::string purpose = icon.value("purpose", "any");
        purposes.insert(purpose);
        if (icon.value("type", "") == "image/png") {
            const auto [width, height] = png_size(package.read(src));
            CHECK(icon["sizes"] == std::to_string(width) + "x" + std::to_string(height));
            if (purpose == "maskable") maskable_sizes.insert(width);
        }
    }
    CHECK(purposes.count("any"));
    CHECK(purposes.count("maskable"));
    CHECK(maskable_sizes == std::set<int>{192, 512});

    // Everything index.html refers to locally is in the package.
    const std::string html = package.read("index.html");
    CHECK(html.find("<meta name=\"viewport\"") != std::string::npos);
}

}  // namespace

TEST_CASE("bundled apps: notes") {
    check_app("notes");
    const auto manifest = nlohmann::json::parse(open_package(manifests_dir() / "notes").read("manifest.webmanifest"));
    CHECK(manifest["description"].get<std::string>().find("笔记") != std::string::npos);
    // Its notes are the phone's (window.cirrus.notes), localStorage only without it.
    const std::string script = open_package(manifests_dir() / "notes").read("notes.js");
    CHECK(script.find("window.cirrus.notes.write(") != std::string::npos);
    CHECK(script.find("localStorage") != std::string::npos);
}

TEST_CASE("bundled apps: calculator") { check_app("calculator"); }

TEST_CASE("bundled apps: contacts, on the runtime's window.cirrus.contacts") {
    check_app("contacts");
    const auto package = open_package(manifests_dir() / "contacts");
    const auto manifest = nlohmann::json::parse(package.read("manifest.webmanifest"));
    CHECK(manifest["description"].get<std::string>().find("通讯录") != std::string::npos);
    const std::string script = package.read("contacts.js");
    for (const char* call : {"contacts.list()", "contacts.save(", "contacts.remove("}) {
        CAPTURE(call);
        CHECK(script.find(call) != std::string::npos);
    }
    // The page writes names as text, never as markup.
    CHECK(script.find("innerHTML") == std::string::npos);
}

TEST_CASE("bundled apps: weather") {
    check_app("weather");
    const auto package = open_package(manifests_dir() / "weather");
    const auto manifest = nlohmann::json::parse(package.read("manifest.webmanifest"));
    CHECK(manifest["start_url"].get<std::string>().find("forecast=http%3A%2F%2F127.0.0.1%3A8088%2Fforecast.json") !=
          std::string::npos);
    // The sample forecast documents the format the app reads.
    CHECK(nlohmann::json::parse(package.read("forecast.example.json")).contains("days"));
}

TEST_CASE("bundled apps: browser, the default system browser") {
    check_app("browser");
    const auto manifest = nlohmann::json::parse(open_package(manifests_dir() / "browser").read("manifest.webmanifest"));
    CHECK(manifest["description"].get<std::string>().find("浏览器") != std::string::npos);
}

TEST_CASE("bundled apps: apps, the catalogue, with a sample that lists web apps in two languages") {
    check_app("apps");
    const auto package = open_package(manifests_dir() / "apps");
    const auto sample = nlohmann::json::parse(package.read("sample-catalogue.json"));
    REQUIRE(sample["apps"].is_array());
    CHECK(sample["apps"].size() >= 3);
    for (const auto& app : sample["apps"]) {
        CHECK(app["manifest_url"].get<std::string>().starts_with("https://"));
        CHECK_FALSE(app["translations"]["zh"]["name"].get<std::string>().empty());
        // Its icon is in the package: the list draws offline.
        CHECK_NOTHROW(package.read(app["icon"].get<std::string>()));
    }
}

TEST_CASE("bundled apps: settings, the one the runtime gives the account and sync calls") {
    check_app("settings");
    const auto package = open_package(manifests_dir() / "settings");
    const auto manifest = nlohmann::json::parse(package.read("manifest.webmanifest"));
    // Its id is the compositor's default [apps] settings: the bundled app
    // installs as "settings" and gets the settings_role.
    CHECK(manifest["id"] == "/settings/");
    CHECK(manifest["translations"]["zh"]["name"] == "设置");
    // No network of its own: the page talks only to the runtime.
    const std::string html = package.read("index.html");
    CHECK(html.find("default-src 'self'") != std::string::npos);
    const std::string script = package.read("settings.js");
    CHECK(script.find("window.cirrus && window.cirrus.settings") != std::string::npos);
    // Strings from the runtime are shown as text, never as markup.
    CHECK(script.find("innerHTML") == std::string::npos);
    CHECK(html.find("Back up now") != std::string::npos);
    CHECK(html.find("cirrus backup restore") != std::string::npos);
}

TEST_CASE("bundled apps: every folder in manifests/ is an app") {
    int apps = 0;
    for (const auto& entry : fs::directory_iterator(manifests_dir())) {
        if (!entry.is_directory()) continue;
        ++apps;
        CHECK(fs::exists(entry.path() / "manifest.webmanifest"));
    }
    CHECK(apps >= 6);  // notes, calculator, weather, browser, apps, contacts (and more to come)
}
