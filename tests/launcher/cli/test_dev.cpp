// `cirrus dev`'s policy (its command line, the change debouncer) and the
// in-place install it runs the app folder with, on real files and SQLite.

#include <doctest/doctest.h>

#include "dev_policy.hpp"
#include "fixtures.hpp"
#include "install.hpp"

using namespace cirrus::launcher;
using namespace cirrus::test;

TEST_CASE("cirrus dev: a folder with the default device, or a URL, a device, a network profile and the inspector") {
    const DevOptions plain = parse_dev_args({"./my-app"});
    CHECK(plain.source == "./my-app");
    CHECK_FALSE(plain.url);
    CHECK(plain.device.name == "phone-480x800");
    CHECK(plain.device.width == 480);
    CHECK(plain.device.height == 800);
    CHECK(plain.network == NetworkProfile::good);
    CHECK_FALSE(plain.inspector);

    const DevOptions full =
        parse_dev_args({"--device", "w700", "https://example.org/", "--network=3g-slow", "--inspector"});
    CHECK(full.url);
    CHECK(full.device.name == "w700");
    CHECK(full.network == NetworkProfile::g3_slow);
    CHECK(full.inspector);

    const DevOptions sized = parse_dev_args({"app", "--device=360x640"});
    CHECK(sized.device.width == 360);
    CHECK(sized.device.height == 640);
}

TEST_CASE("cirrus dev: a bad command line names the argument and what would do") {
    auto refusal = [](const std::vector<std::string>& args) {
        try {
            parse_dev_args(args);
        } catch (const DevUsageError& e) {
            return std::string(e.what());
        }
        return std::string("accepted");
    };
    CHECK(refusal({}).find("missing the app") != std::string::npos);
    CHECK(refusal({"a", "b"}).find("one app at a time") != std::string::npos);
    CHECK(refusal({"a", "--device", "brick"}).find("one of: phone-480x800, w700") != std::string::npos);
    CHECK(refusal({"a", "--device", "10x10"}).find("120 to 4096") != std::string::npos);
    CHECK(refusal({"a", "--device"}).find("--device ''") != std::string::npos);
    CHECK(refusal({"a", "--network", "5g"}).find("good, 3g, 3g-slow, 2g, offline") != std::string::npos);
    CHECK(refusal({"a", "--verbose"}).find("unknown option '--verbose'") != std::string::npos);
}

TEST_CASE("cirrus dev: the window's title names the app, on one line, cut on a character") {
    CHECK(dev_window_title("Notes") == "Cirrus \xE2\x80\x94 Notes");
    CHECK(dev_window_title("") == "Cirrus");
    CHECK(dev_window_title("a\nb") == "Cirrus \xE2\x80\x94 a b");
    std::string long_name(79, 'x');
    long_name += "\xC3\xA9";  // é across the 80-byte cut
    CHECK(dev_window_title(long_name) == "Cirrus \xE2\x80\x94 " + std::string(79, 'x'));
}

TEST_CASE("cirrus dev: editors' swap and backup files and hidden folders are no change") {
    for (const char* noise : {".git/index", "css/.style.css.swp", "style.css~", "#index.html#", "4913", ".#app.js",
                              "a/.cache/x", "notes.kate-swp"}) {
        CHECK_MESSAGE(ignored_change(noise), noise);
    }
    for (const char* change : {"index.html", "css/style.css", "img/logo.png", "manifest.webmanifest"}) {
        CHECK_MESSAGE(!ignored_change(change), change);
    }
}

TEST_CASE("cirrus dev: a burst of changes is one reload once quiet, the manifest or a picture also reinstalls") {
    ChangeDebouncer d("manifest.webmanifest");
    CHECK_FALSE(d.due_in(0).has_value());
    d.changed("style.css", 1000);
    d.changed(".style.css.swp", 1010);  // ignored
    d.changed("style.css", 1020);
    CHECK(d.due_in(1020) == ChangeDebouncer::kQuietMs);
    CHECK_FALSE(d.take(1020 + ChangeDebouncer::kQuietMs - 1).has_value());
    const auto action = d.take(1020 + ChangeDebouncer::kQuietMs);
    REQUIRE(action.has_value());
    CHECK(action->reload);
    CHECK_FALSE(action->reinstall);
    CHECK(action->files == std::vector<std::string>{"style.css"});
    CHECK_FALSE(d.due_in(2000).has_value());

    d.changed("manifest.webmanifest", 3000);
    auto manifest = d.take(3000 + ChangeDebouncer::kQuietMs);
    REQUIRE(manifest.has_value());
    CHECK(manifest->reinstall);
    d.changed("img/icon-192.png", 4000);
    CHECK(d.take(4000 + ChangeDebouncer::kQuietMs)->reinstall);

    // A site's home-screen entry comes from its index.html.
    ChangeDebouncer site("index.html");
    site.changed("index.html", 0);
    CHECK(site.take(ChangeDebouncer::kQuietMs)->reinstall);
}

TEST_CASE("cirrus dev: changes without a pause still reload within the longest wait") {
    ChangeDebouncer d("manifest.webmanifest");
    std::int64_t t = 0;
    std::optional<DevAction> action;
    for (; t < 2000 && !action; t += 20) {
        d.changed("app.js", t);
        action = d.take(t);
    }
    REQUIRE(action.has_value());
    CHECK(t - 20 == ChangeDebouncer::kMaxWaitMs);
}

TEST_CASE("cirrus dev: a folder installed in place is served from where it is, updated and never deleted") {
    TempDir dir;
    Registry registry = Registry::open(dir.path() / "registry.db");
    Installer installer{registry, dir.path() / "apps"};
    const auto folder = make_package(dir.path() / "src" / "Live", "Live");
    const Installer::InPlace first = installer.install_in_place(folder);
    CHECK_FALSE(first.site);
    CHECK(first.result.app.id == "live");
    CHECK(std::filesystem::path(first.result.app.package_dir) == std::filesystem::canonical(folder));
    CHECK_FALSE(std::filesystem::exists(dir.path() / "apps"));  // nothing copied

    write_file(folder / "manifest.webmanifest",
               R"({"name": "Live Two", "start_url": "./index.html", "theme_color": "#102030"})");
    const Installer::InPlace second = installer.install_in_place(folder);
    CHECK(second.result.updated);
    CHECK(second.result.app.name == "Live Two");
    CHECK(registry.get("live")->theme_color == "#102030");
    CHECK(std::filesystem::exists(folder / "index.html"));  // the update left the folder alone

    REQUIRE(installer.remove("live").has_value());
    CHECK(std::filesystem::exists(folder / "index.html"));  // the developer's files stay
}

TEST_CASE("cirrus dev: manifest warnings name the file, line and column") {
    TempDir dir;
    Registry registry = Registry::open(dir.path() / "registry.db");
    Installer installer{registry, dir.path() / "apps"};
    const auto folder = dir.path() / "warned";
    write_file(folder / "index.html", "<!doctype html><title>W</title>");
    write_file(folder / "manifest.webmanifest", "{\"name\": \"W\",\n  \"theme_color\": \"not a colour\"}");
    const Installer::InPlace installed = installer.install_in_place(folder);
    bool named = false;
    for (const auto& w : installed.result.warnings) {
        named = named || w.find((std::filesystem::canonical(folder) / "manifest.webmanifest").string() + ":2:") == 0;
    }
    CHECK_MESSAGE(named, installed.result.warnings.size());
}

TEST_CASE("cirrus dev: a folder without a manifest runs as a site, its title and icon links making the entry") {
    TempDir dir;
    Registry registry = Registry::open(dir.path() / "registry.db");
    Installer installer{registry, dir.path() / "apps"};
    const auto folder = dir.path() / "plain-site";
    write_file(folder / "index.html",
               "<!doctype html><html lang=en><head><title>Plain Page</title>"
               "<meta name=theme-color content='#aa2200'><link rel=icon href='logo.svg' sizes=any></head><body>hi");
    write_file(folder / "logo.svg", svg_icon("#aa2200"));
    const Installer::InPlace installed = installer.install_in_place(folder);
    CHECK(installed.site);
    CHECK(installed.result.app.name == "Plain Page");
    CHECK(installed.result.app.start_url == "app://plain-site/index.html");
    CHECK(installed.result.app.theme_color == "#aa2200");
    CHECK(registry.icon("plain-site", kShellIconSizes[0], IconPurpose::any).has_value());

    // No manifest and no index.html: nothing to run, said as install says it.
    const auto empty = dir.path() / "empty";
    std::filesystem::create_directories(empty);
    write_file(empty / "readme.txt", "x");
    CHECK_THROWS_WITH_AS(installer.install_in_place(empty), doctest::Contains("no manifest.webmanifest"), InstallError);
}

TEST_CASE("cirrus dev: the network the app starts on, what `n` switches to, and what the compositor publishes") {
    using cirrus::launcher::DevNetwork;
    CHECK_FALSE(initial_network(parse_dev_args({"app"})).has_value());  // the machine's own link
    CHECK(initial_network(parse_dev_args({"app", "--network", "good"})) == NetworkProfile::good);
    CHECK(initial_network(parse_dev_args({"app", "--network=offline"})) == NetworkProfile::offline);

    // `n` goes round every profile and back to the machine's link.
    DevNetwork network;
    std::string order;
    for (int i = 0; i < 6; ++i) {
        network = next_network(network);
        order += std::string(weak_link_profile(network)) + ":" + std::string(published_link_class(network)) + " ";
    }
    CHECK(order == "good:good 3g:3g 3g-slow:3g 2g:2g offline:offline none:auto ");
    CHECK(describe_network(NetworkProfile::g3) == "3g (1600/750 kbit/s, +300 ms)");
    CHECK(describe_network(NetworkProfile::g2) == "2g (50/20 kbit/s, +650 ms, 1% loss)");
    CHECK(describe_network(std::nullopt) == "this machine's own link");
    CHECK(published_link_kind(NetworkProfile::g3_slow) == "cellular");
    CHECK(published_link_kind(NetworkProfile::g2) == "cellular");
    CHECK(published_link_kind(NetworkProfile::good).empty());  // the machine's Wi-Fi or cable
    CHECK(published_link_kind(std::nullopt).empty());
}
