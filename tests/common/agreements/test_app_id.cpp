// The one app id rule, and the installer's ids: every id it makes is one the
// compositor, the host and the board profiles take.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/app_id.hpp"

using cirrus::app_id_from_name;
using cirrus::kMaxAppIdLength;
using cirrus::valid_app_id;

TEST_CASE("app ids are folder- and SQL-safe names") {
    for (const char* good : {"notes", "org.example.app", "a", "app_2-x", "0day", "a.", "x-"}) {
        CAPTURE(good);
        CHECK(valid_app_id(good));
    }
    for (const char* bad : {"", "Notes", "../x", "a/b", ".hidden", "-flag", "_x", "a b", "é", "a\n", "a:b"}) {
        CAPTURE(bad);
        CHECK_FALSE(valid_app_id(bad));
    }
    CHECK(kMaxAppIdLength == 128);
    CHECK(valid_app_id(std::string(128, 'a')));
    CHECK_FALSE(valid_app_id(std::string(129, 'a')));
    CHECK_FALSE(valid_app_id(std::string_view("a\0b", 3)));
}

TEST_CASE("the installer's ids: lowercased, other runs made one '-', never empty") {
    CHECK(app_id_from_name("notes") == "notes");
    CHECK(app_id_from_name("My App/v2") == "my-app-v2");
    CHECK(app_id_from_name("example.com/tools/") == "example.com-tools");
    CHECK(app_id_from_name("Weather_2.0") == "weather_2.0");
    CHECK(app_id_from_name("--x--") == "x");
    CHECK(app_id_from_name("..hidden.") == "hidden");
    CHECK(app_id_from_name("Café au lait") == "caf-au-lait");
    CHECK(app_id_from_name("") == "app");
    CHECK(app_id_from_name("///") == "app");
    CHECK(app_id_from_name(std::string(300, 'Z')) == std::string(128, 'z'));
}

TEST_CASE("every id the installer makes is a valid app id") {
    const std::vector<std::string> names = {"notes",
                                            "My App/v2",
                                            "",
                                            "...",
                                            "-",
                                            "é",
                                            "Ünïcödé",
                                            "a b c",
                                            "_under",
                                            "x.",
                                            "0",
                                            std::string(200, '.'),
                                            std::string(127, 'a') + "/b",
                                            std::string(129, 'a'),
                                            "host.example:8080/path?q=1#f",
                                            std::string("a\0b", 3)};
    for (const std::string& name : names) {
        CAPTURE(name);
        const std::string id = app_id_from_name(name);
        CAPTURE(id);
        CHECK(valid_app_id(id));
    }
}

TEST_CASE("a packaged app's base URL: its own app:// origin") {
    CHECK(cirrus::kPackageScheme == "app");
    CHECK(cirrus::package_base_url("notes") == "app://notes/");
    CHECK(cirrus::package_base_url(app_id_from_name("My App")) == "app://my-app/");
}
