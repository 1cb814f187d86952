// One test case per manifest member: the processing rules of the W3C spec
// (and of Web Share Target, protocol handlers, and Cirrus' cirrus_offline).
#include "manifest_test_support.hpp"

#include <nlohmann/json.hpp>

using namespace cirrus::launcher;
using namespace manifest_test;

TEST_CASE("name, short_name, description: trimmed strings; other types warn") {
    auto manifest = processed(R"j({"name": "  Weather  ", "short_name": "\tWx\n", "description": " Rain. "})j");
    CHECK(manifest.name == "Weather");
    CHECK(manifest.short_name == "Wx");
    CHECK(manifest.description == "Rain.");

    auto result = process(R"j({"name": 42, "short_name": "   ", "description": ["x"]})j");
    REQUIRE(result.manifest);
    CHECK_FALSE(result.manifest->name);
    CHECK_FALSE(result.manifest->short_name);
    CHECK_FALSE(result.manifest->description);
    CHECK(has_warning(result, "name", "expected string, got number"));
    CHECK(has_warning(result, "short_name", "empty"));
    CHECK(has_warning(result, "description", "expected string, got array"));
}

TEST_CASE("start_url: resolved against the manifest URL") {
    CHECK(processed(R"j({"start_url": "start.html?src=pwa"})j").start_url ==
          "https://app.example/app/start.html?src=pwa");
    CHECK(processed(R"j({"start_url": "/"})j").start_url == "https://app.example/");
    CHECK(processed(R"j({"start_url": "https://APP.example:443/x"})j").start_url == "https://app.example/x");
}

TEST_CASE("start_url: absent, empty or invalid gives the document URL") {
    CHECK(processed("{}").start_url == kDocumentUrl);
    CHECK(processed(R"j({"start_url": ""})j").start_url == kDocumentUrl);
    auto wrong_type = process(R"j({"start_url": 7})j");
    CHECK(wrong_type.manifest->start_url == kDocumentUrl);
    CHECK(has_warning(wrong_type, "start_url", "expected string"));
    auto invalid = process(R"j({"start_url": "https://bad:port/"})j");
    CHECK(invalid.manifest->start_url == kDocumentUrl);
    CHECK(has_warning(invalid, "start_url", "not a valid URL"));
}

TEST_CASE("start_url: cross-origin is ignored (spec example)") {
    // The spec: a manifest at https://example.com/ cannot start the app at
    // another origin; the document URL is used instead.
    auto result = process_manifest(R"j({"start_url": "https://evil.example/login"})j",
                                   "https://example.com/manifest.json", "https://example.com/page.html");
    REQUIRE(result.manifest);
    CHECK(result.manifest->start_url == "https://example.com/page.html");
    CHECK(has_warning(result, "start_url", "not same origin as the document"));
    // Another scheme or port is another origin too.
    CHECK(process(R"j({"start_url": "http://app.example/app/"})j").manifest->start_url == kDocumentUrl);
    CHECK(process(R"j({"start_url": "https://app.example:8443/"})j").manifest->start_url == kDocumentUrl);
    CHECK(process(R"j({"start_url": "javascript:alert(1)"})j").manifest->start_url == kDocumentUrl);
}

TEST_CASE("start_url: no usable start URL is fatal and names start_url") {
    auto result = process_manifest(R"j({"name": "x"})j", kManifestUrl, "about:blank");
    REQUIRE(result.error);
    CHECK_FALSE(result.manifest);
    CHECK(result.error->member == "start_url");
    CHECK(result.error->text().find(kManifestUrl) == 0);
    CHECK(result.error->text().find("start_url: no usable start URL") != std::string::npos);
    // A relative document URL is no better.
    CHECK(process_manifest("{}", kManifestUrl, "index.html").error);
    // With a bad document URL, a start_url of the same "origin" cannot exist either.
    CHECK(process_manifest(R"j({"start_url": "/x"})j", kManifestUrl, "garbage").error);
}

TEST_CASE("a manifest URL that is not absolute is fatal") {
    auto result = process_manifest("{}", "manifest.json", kDocumentUrl);
    REQUIRE(result.error);
    CHECK(result.error->message.find("manifest URL") != std::string::npos);
}

TEST_CASE("app: and file: URLs work for packaged and developer-mode apps") {
    auto packaged = process_manifest(R"j({"start_url": "index.html", "scope": "/"})j", "app://weather/manifest.json",
                                     "app://weather/index.html");
    REQUIRE(packaged.manifest);
    CHECK(packaged.manifest->start_url == "app://weather/index.html");
    CHECK(packaged.manifest->scope == "app://weather/");
    CHECK(packaged.manifest->id == "app://weather/index.html");
    auto local = process_manifest(R"j({"start_url": "index.html"})j", "file:///srv/app/manifest.json",
                                  "file:///srv/app/index.html");
    REQUIRE(local.manifest);
    CHECK(local.manifest->start_url == "file:///srv/app/index.html");
    CHECK(local.manifest->scope == "file:///srv/app/");
}

TEST_CASE("id: defaults to start_url, without its fragment") {
    CHECK(processed(R"j({"start_url": "index.html#home"})j").id == "https://app.example/app/index.html");
    CHECK(processed(R"j({"start_url": "index.html?x=1"})j").id == "https://app.example/app/index.html?x=1");
    CHECK(processed(R"j({"id": "", "start_url": "a.html"})j").id == "https://app.example/app/a.html");
}

TEST_CASE("id: resolved against start_url's origin, not the manifest URL (spec examples)") {
    CHECK(processed(R"j({"id": "foo", "start_url": "/app/x"})j").id == "https://app.example/foo");
    CHECK(processed(R"j({"id": "/foo?x=1#frag"})j").id == "https://app.example/foo?x=1");
    CHECK(processed(R"j({"id": "https://app.example/foo"})j").id == "https://app.example/foo");
    CHECK(processed(R"j({"id": "?id=abc"})j").id == "https://app.example/?id=abc");
}

TEST_CASE("id: another origin or a non-string gives start_url, with a warning") {
    auto cross = process(R"j({"id": "https://other.example/foo", "start_url": "s.html"})j");
    CHECK(cross.manifest->id == "https://app.example/app/s.html");
    CHECK(has_warning(cross, "id", "not same origin"));
    auto scheme_relative = process(R"j({"id": "//other.example/foo"})j");
    CHECK(scheme_relative.manifest->id == kDocumentUrl);
    CHECK(has_warning(scheme_relative, "id"));
    auto number = process(R"j({"id": 12})j");
    CHECK(number.manifest->id == kDocumentUrl);
    CHECK(has_warning(number, "id", "expected string"));
}

TEST_CASE("scope: defaults to start_url's directory (spec example)") {
    CHECK(processed("{}").scope == "https://app.example/app/");
    CHECK(processed(R"j({"start_url": "/pages/index.html?x=1#y"})j").scope == "https://app.example/pages/");
    CHECK(processed(R"j({"start_url": "/"})j").scope == "https://app.example/");
    CHECK(processed(R"j({"start_url": "/a/b"})j").scope == "https://app.example/a/");
}

TEST_CASE("scope: resolved against the manifest URL, query and fragment dropped") {
    CHECK(processed(R"j({"scope": "."})j").scope == "https://app.example/app/");
    CHECK(processed(R"j({"scope": "/"})j").scope == "https://app.example/");
    CHECK(processed(R"j({"scope": ""})j").scope == "https://app.example/app/");
    CHECK(processed(R"j({"scope": "/app?x=1#y"})j").scope == "https://app.example/app");
    CHECK(processed(R"j({"scope": "/ap", "start_url": "/app/"})j").scope == "https://app.example/ap");
}

TEST_CASE("scope: start_url outside scope, or another origin, gives the default") {
    auto outside = process(R"j({"scope": "/other/", "start_url": "/app/index.html"})j");
    CHECK(outside.manifest->scope == "https://app.example/app/");
    CHECK(has_warning(outside, "scope", "is outside scope"));
    auto cross = process(R"j({"scope": "https://other.example/"})j");
    CHECK(cross.manifest->scope == "https://app.example/app/");
    CHECK(has_warning(cross, "scope", "not same origin"));
    auto wrong = process(R"j({"scope": false})j");
    CHECK(wrong.manifest->scope == "https://app.example/app/");
    CHECK(has_warning(wrong, "scope", "expected string, got boolean"));
}

TEST_CASE("display: the four modes, case-insensitive; anything else is browser") {
    CHECK(processed("{}").display == DisplayMode::browser);
    CHECK(processed(R"j({"display": "fullscreen"})j").display == DisplayMode::fullscreen);
    CHECK(processed(R"j({"display": " Standalone "})j").display == DisplayMode::standalone);
    CHECK(processed(R"j({"display": "minimal-ui"})j").display == DisplayMode::minimal_ui);
    auto unknown = process(R"j({"display": "kiosk"})j");
    CHECK(unknown.manifest->display == DisplayMode::browser);
    CHECK(has_warning(unknown, "display", "\"kiosk\" is not one of fullscreen, standalone, minimal-ui, browser"));
    CHECK(has_warning(process(R"j({"display": 1})j"), "display", "expected string"));
}

TEST_CASE("display_override: known modes in order, unknown values dropped") {
    auto result = process(R"j({"display_override": ["window-controls-overlay", "MINIMAL-UI", 3, "fullscreen"]})j");
    CHECK(result.manifest->display_override ==
          std::vector<DisplayMode>{DisplayMode::minimal_ui, DisplayMode::fullscreen});
    CHECK(has_warning(result, "display_override[0]", "not a display mode"));
    CHECK(has_warning(result, "display_override[2]", "expected string"));
    auto not_list = process(R"j({"display_override": "standalone"})j");
    CHECK(not_list.manifest->display_override.empty());
    CHECK(has_warning(not_list, "display_override", "expected array"));
}

TEST_CASE("orientation: the eight values; unknown leaves it unset") {
    CHECK_FALSE(processed("{}").orientation);
    const std::pair<const char*, Orientation> cases[] = {
        {"any", Orientation::any},
        {"natural", Orientation::natural},
        {"landscape", Orientation::landscape},
        {"portrait", Orientation::portrait},
        {"portrait-primary", Orientation::portrait_primary},
        {"portrait-secondary", Orientation::portrait_secondary},
        {"landscape-primary", Orientation::landscape_primary},
        {"landscape-secondary", Orientation::landscape_secondary},
    };
    for (const auto& [text, value] : cases) {
        CAPTURE(text);
        CHECK(processed(std::string(R"j({"orientation": ")j") + text + "\"}").orientation == value);
        CHECK(to_string(value) == text);
    }
    auto unknown = process(R"j({"orientation": "sideways"})j");
    CHECK_FALSE(unknown.manifest->orientation);
    CHECK(has_warning(unknown, "orientation"));
}

TEST_CASE("icons: src resolved against the manifest URL; sizes, type and purpose parsed") {
    auto manifest = processed(R"j({"icons": [
        {"src": "icons/48.png", "sizes": "48x48 96X96", "type": "Image/PNG"},
        {"src": "/logo.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"},
        {"src": "https://cdn.example/i.png"},
        {"src": "data:image/png;base64,AAAA"}
    ]})j");
    REQUIRE(manifest.icons.size() == 4);
    const auto& first = manifest.icons[0];
    CHECK(first.src == "https://app.example/app/icons/48.png");
    CHECK(first.sizes == std::vector<IconSize>{{48, 48}, {96, 96}});
    CHECK_FALSE(first.any_size);
    CHECK(first.type == "image/png");
    CHECK(first.purpose == PurposeSet{IconPurpose::any});
    CHECK(manifest.icons[1].src == "https://app.example/logo.svg");
    CHECK(manifest.icons[1].any_size);
    CHECK(manifest.icons[1].purpose == PurposeSet{IconPurpose::any, IconPurpose::maskable});
    CHECK(manifest.icons[2].src == "https://cdn.example/i.png");  // icons may live elsewhere
    CHECK(manifest.icons[3].src.starts_with("data:image/png;base64,"));
}

TEST_CASE("icons: invalid sizes tokens are ignored one by one") {
    auto result =
        process(R"j({"icons": [{"src": "a.png", "sizes": "48x48 0x10 048x48 12 axb 99999999999x1 16x16 48x48"}]})j");
    REQUIRE(result.manifest->icons.size() == 1);
    CHECK(result.manifest->icons[0].sizes == std::vector<IconSize>{{48, 48}, {16, 16}});
    CHECK(has_warning(result, "icons[0].sizes", "\"0x10\""));
    CHECK(has_warning(result, "icons[0].sizes", "\"048x48\""));
    CHECK(has_warning(result, "icons[0].sizes", "\"12\""));
    CHECK(has_warning(result, "icons[0].sizes", "\"99999999999x1\""));
    CHECK(has_warning(process(R"j({"icons": [{"src": "a.png", "sizes": 48}]})j"), "icons[0].sizes", "expected string"));
}

TEST_CASE("icons: purpose is a set; unknown keywords ignored; only unknown drops the icon") {
    auto manifest = processed(R"j({"icons": [
        {"src": "a.png", "purpose": "MASKABLE monochrome maskable"},
        {"src": "b.png", "purpose": ""},
        {"src": "c.png", "purpose": "badge any"},
        {"src": "d.png", "purpose": "badge shortcut"}
    ]})j");
    REQUIRE(manifest.icons.size() == 3);
    CHECK(manifest.icons[0].purpose == PurposeSet{IconPurpose::maskable, IconPurpose::monochrome});
    CHECK_FALSE(manifest.icons[0].purpose.contains(IconPurpose::any));
    CHECK(manifest.icons[1].purpose == PurposeSet{IconPurpose::any});
    CHECK(manifest.icons[2].purpose == PurposeSet{IconPurpose::any});
    auto result = process(R"j({"icons": [{"src": "d.png", "purpose": "badge"}]})j");
    CHECK(result.manifest->icons.empty());
    CHECK(has_warning(result, "icons[0].purpose", "\"badge\" is not a purpose"));
    CHECK(has_warning(result, "icons[0].purpose", "no known purpose; icon ignored"));
}

TEST_CASE("icons: entries without a usable src are dropped with a warning naming them") {
    auto result = process(R"j({"icons": [
        {"sizes": "48x48"}, {"src": 5}, "a.png", {"src": "javascript:alert(1)"},
        {"src": "https://bad:port/"}, {"src": "ok.png", "type": "not a type"}
    ]})j");
    REQUIRE(result.manifest->icons.size() == 1);
    CHECK(result.manifest->icons[0].type.empty());
    CHECK(has_warning(result, "icons[0].src", "missing"));
    CHECK(has_warning(result, "icons[1].src", "expected string, got number"));
    CHECK(has_warning(result, "icons[2]", "expected object, got string"));
    CHECK(has_warning(result, "icons[3].src", "not a usable URL"));
    CHECK(has_warning(result, "icons[4].src"));
    CHECK(has_warning(result, "icons[5].type", "not a MIME type"));
    CHECK(has_warning(process(R"j({"icons": {"src": "a.png"}})j"), "icons", "expected array, got object"));
}

TEST_CASE("icons: more than 100 keeps the first 100") {
    std::string text = R"j({"icons": [)j";
    for (int i = 0; i < 150; ++i)
        text += (i ? "," : "") + std::string(R"j({"src": "i)j") + std::to_string(i) + ".png\"}";
    text += "]}";
    auto result = process(text);
    REQUIRE(result.manifest->icons.size() == 100);
    CHECK(result.manifest->icons.back().src == "https://app.example/app/i99.png");
    CHECK(has_warning(result, "icons", "150 entries; only the first 100"));
}

TEST_CASE("theme_color and background_color: CSS colours, else dropped with a warning") {
    auto manifest = processed(R"j({"theme_color": "#336699", "background_color": "rgb(255 255 255 / 50%)"})j");
    CHECK(manifest.theme_color == Rgba{0x33, 0x66, 0x99, 255});
    CHECK(manifest.background_color == Rgba{255, 255, 255, 128});
    CHECK(processed(R"j({"theme_color": " hsl(0, 100%, 50%) "})j").theme_color == Rgba{255, 0, 0, 255});
    CHECK(processed(R"j({"theme_color": "Transparent"})j").theme_color == Rgba{0, 0, 0, 0});
    auto bad = process(R"j({"theme_color": "bluish", "background_color": 16777215})j");
    CHECK_FALSE(bad.manifest->theme_color);
    CHECK_FALSE(bad.manifest->background_color);
    CHECK(has_warning(bad, "theme_color", "\"bluish\" is not a CSS colour"));
    CHECK(has_warning(bad, "background_color", "expected string, got number"));
}

TEST_CASE("lang: a language tag, else dropped") {
    for (std::string tag :
         {"en", "en-GB", "zh-Hant-TW", "sr-Latn-RS", "de-CH-1996", "x-private", "i-klingon", "es-419"}) {
        CAPTURE(tag);
        CHECK(processed(std::string(R"j({"lang": ")j") + tag + "\"}").lang == tag);
    }
    for (std::string tag : {"", "e", "en_GB", "en--GB", "-en", "en-", "toolonglanguage", "12", "en GB"}) {
        CAPTURE(tag);
        auto result = process(std::string(R"j({"lang": ")j") + tag + "\"}");
        CHECK_FALSE(result.manifest->lang);
        CHECK(has_warning(result, "lang", "not a language tag"));
    }
}

TEST_CASE("dir: ltr, rtl or auto") {
    CHECK(processed("{}").dir == TextDirection::auto_);
    CHECK(processed(R"j({"dir": "rtl"})j").dir == TextDirection::rtl);
    CHECK(processed(R"j({"dir": "LTR"})j").dir == TextDirection::ltr);
    auto bad = process(R"j({"dir": "up"})j");
    CHECK(bad.manifest->dir == TextDirection::auto_);
    CHECK(has_warning(bad, "dir"));
}

TEST_CASE("categories: lowercased strings, duplicates and non-strings dropped") {
    auto result = process(R"j({"categories": ["Games", " weather ", 3, "games", ""]})j");
    CHECK(result.manifest->categories == std::vector<std::string>{"games", "weather"});
    CHECK(has_warning(result, "categories[2]", "expected string, got number"));
    CHECK(has_warning(process(R"j({"categories": "games"})j"), "categories", "expected array"));
}

TEST_CASE("shortcuts: name and url required, url within scope, icons processed") {
    auto result = process(R"j({"shortcuts": [
        {"name": "Today", "short_name": "Now", "description": "Today's weather", "url": "today?src=sc",
         "icons": [{"src": "today.png", "sizes": "96x96"}, {"src": 1}]},
        {"url": "week"},
        {"name": "Outside", "url": "/elsewhere"},
        {"name": "Cross", "url": "https://other.example/app/x"},
        {"name": " ", "url": "x"},
        {"name": "No url"},
        7
    ]})j");
    REQUIRE(result.manifest->shortcuts.size() == 1);
    const auto& shortcut = result.manifest->shortcuts[0];
    CHECK(shortcut.name == "Today");
    CHECK(shortcut.short_name == "Now");
    CHECK(shortcut.description == "Today's weather");
    CHECK(shortcut.url == "https://app.example/app/today?src=sc");
    REQUIRE(shortcut.icons.size() == 1);
    CHECK(shortcut.icons[0].src == "https://app.example/app/today.png");
    CHECK(has_warning(result, "shortcuts[0].icons[1].src", "expected string"));
    CHECK(has_warning(result, "shortcuts[1].name", "missing"));
    CHECK(has_warning(result, "shortcuts[2].url", "outside scope"));
    CHECK(has_warning(result, "shortcuts[3].url", "outside scope"));
    CHECK(has_warning(result, "shortcuts[4].name", "empty"));
    CHECK(has_warning(result, "shortcuts[5].url", "missing"));
    CHECK(has_warning(result, "shortcuts[6]", "expected object"));
}

TEST_CASE("shortcuts: more than 100 keeps the first 100") {
    std::string text = R"j({"shortcuts": [)j";
    for (int i = 0; i < 101; ++i) text += (i ? "," : "") + std::string(R"j({"name": "s", "url": "s"})j");
    text += "]}";
    auto result = process(text);
    CHECK(result.manifest->shortcuts.size() == 100);
    CHECK(has_warning(result, "shortcuts", "101 entries"));
}

TEST_CASE("share_target: GET with url-encoded params") {
    auto manifest =
        processed(R"j({"share_target": {"action": "share", "params": {"title": "t", "text": "x", "url": "u"}}})j");
    REQUIRE(manifest.share_target);
    CHECK(manifest.share_target->action == "https://app.example/app/share");
    CHECK(manifest.share_target->method == ShareTarget::Method::get);
    CHECK(manifest.share_target->enctype == ShareTarget::Enctype::url_encoded);
    CHECK(manifest.share_target->title == "t");
    CHECK(manifest.share_target->text == "x");
    CHECK(manifest.share_target->url == "u");
}

TEST_CASE("share_target: POST multipart with files") {
    auto manifest = processed(R"j({"share_target": {"action": "/app/receive", "method": "post",
        "enctype": "Multipart/Form-Data", "params": {"files": [
            {"name": "photos", "accept": ["image/*", ".JPG"]}, {"name": "doc", "accept": "application/pdf"},
            {"name": "", "accept": "x/y"}, {"name": "none", "accept": []}]}}})j");
    REQUIRE(manifest.share_target);
    CHECK(manifest.share_target->method == ShareTarget::Method::post);
    CHECK(manifest.share_target->enctype == ShareTarget::Enctype::multipart);
    REQUIRE(manifest.share_target->files.size() == 2);
    CHECK(manifest.share_target->files[0] == ShareTargetFile{"photos", {"image/*", ".jpg"}});
    CHECK(manifest.share_target->files[1] == ShareTargetFile{"doc", {"application/pdf"}});
    // A single files object without the array around it is accepted too.
    auto single = processed(R"j({"share_target": {"action": "r", "method": "POST", "enctype": "multipart/form-data",
        "params": {"files": {"name": "f", "accept": "text/plain"}}}})j");
    REQUIRE(single.share_target);
    CHECK(single.share_target->files.size() == 1);
}

TEST_CASE("share_target: invalid combinations drop it, with a warning") {
    const std::pair<const char*, const char*> cases[] = {
        {R"j({"share_target": {"params": {}}})j", "share_target.action"},
        {R"j({"share_target": {"action": "/outside"}})j", "share_target.action"},
        {R"j({"share_target": {"action": "https://other.example/app/s"}})j", "share_target.action"},
        {R"j({"share_target": {"action": "s", "method": "PUT"}})j", "share_target.method"},
        {R"j({"share_target": {"action": "s", "enctype": "text/plain", "method": "POST"}})j", "share_target.enctype"},
        {R"j({"share_target": {"action": "s", "enctype": "multipart/form-data"}})j", "share_target.enctype"},
        {R"j({"share_target": {"action": "s", "method": "POST", "params": {"files": {"name": "f", "accept": "a/b"}}}})j",
         "share_target.params.files"},
        {R"j({"share_target": {"action": "s", "params": []}})j", "share_target.params"},
        {R"j({"share_target": "s"})j", "share_target"},
    };
    for (const auto& [text, member] : cases) {
        CAPTURE(text);
        auto result = process(text);
        CHECK_FALSE(result.manifest->share_target);
        CHECK(has_warning(result, member));
    }
}

TEST_CASE("protocol_handlers: safelisted or web+ schemes, %s, within scope") {
    auto result = process(R"j({"protocol_handlers": [
        {"protocol": "MAILTO", "url": "compose?to=%s"},
        {"protocol": "web+weather", "url": "/app/w?loc=%s"},
        {"protocol": "http", "url": "x?%s"},
        {"protocol": "web+", "url": "x?%s"},
        {"protocol": "web+Caps1", "url": "x?%s"},
        {"protocol": "tel", "url": "call"},
        {"protocol": "sms", "url": "https://other.example/app/s?%s"},
        {"protocol": "geo", "url": "/outside?%s"},
        {"protocol": "irc"},
        "mailto"
    ]})j");
    REQUIRE(result.manifest->protocol_handlers.size() == 2);
    CHECK(result.manifest->protocol_handlers[0] == ProtocolHandler{"mailto", "https://app.example/app/compose?to=%s"});
    CHECK(result.manifest->protocol_handlers[1] == ProtocolHandler{"web+weather", "https://app.example/app/w?loc=%s"});
    for (const char* member : {"protocol_handlers[2].protocol", "protocol_handlers[3].protocol",
                               "protocol_handlers[4].protocol", "protocol_handlers[5].url", "protocol_handlers[6].url",
                               "protocol_handlers[7].url", "protocol_handlers[8]", "protocol_handlers[9]"}) {
        CAPTURE(member);
        CHECK(has_warning(result, member));
    }
}

TEST_CASE("cirrus_offline: same-origin assets and write endpoints") {
    auto result = process(R"j({"cirrus_offline": {
        "assets": ["index.html", "/app/style.css#x", "https://cdn.example/lib.js", 4, "index.html"],
        "write_endpoints": ["/api/save?x=1", "https://other.example/api/"]
    }})j");
    REQUIRE(result.manifest->cirrus_offline);
    CHECK(result.manifest->cirrus_offline->assets ==
          std::vector<std::string>{"https://app.example/app/index.html", "https://app.example/app/style.css"});
    CHECK(result.manifest->cirrus_offline->write_endpoints == std::vector<std::string>{"https://app.example/api/save"});
    CHECK(has_warning(result, "cirrus_offline.assets[2]", "not a URL same origin"));
    CHECK(has_warning(result, "cirrus_offline.assets[3]", "expected string"));
    CHECK(has_warning(result, "cirrus_offline.write_endpoints[1]"));
    auto wrong = process(R"j({"cirrus_offline": {"assets": "index.html"}})j");
    REQUIRE(wrong.manifest->cirrus_offline);
    CHECK(wrong.manifest->cirrus_offline->assets.empty());
    CHECK(has_warning(wrong, "cirrus_offline.assets", "expected array"));
    CHECK_FALSE(processed("{}").cirrus_offline);
}

TEST_CASE("cirrus_offline: write endpoints are exact paths, or prefixes ending in *") {
    auto result = process(R"j({"cirrus_offline": {"write_endpoints": [
        "/api/notes", "/api/forms/*", "queue/*", "/api/*/edit", "/api/x*?draft=1#top",
        "https://APP.example:443/api/y", "/api/notes", "*"
    ]}})j");
    REQUIRE(result.manifest->cirrus_offline);
    CHECK(result.manifest->cirrus_offline->write_endpoints ==
          std::vector<std::string>{"https://app.example/api/notes", "https://app.example/api/forms/*",
                                   "https://app.example/app/queue/*", "https://app.example/api/x*",
                                   "https://app.example/api/y", "https://app.example/app/*"});
    // A '*' inside the path is refused, with a warning naming the entry.
    CHECK(has_warning(result, "cirrus_offline.write_endpoints[3]", "'*' may only end an endpoint"));
    CHECK(result.warnings.size() == 1);
    // An asset is a URL to fetch: a '*' in it is only a character.
    CHECK(processed(R"j({"cirrus_offline": {"assets": ["img/*.png"]}})j").cirrus_offline->assets ==
          std::vector<std::string>{"https://app.example/app/img/*.png"});
}

TEST_CASE("cirrus_offline: same origin is enough, the scope is not required") {
    // The app's pages are under /app/ (its scope); its API is not.
    auto manifest = processed(R"j({"scope": "/app/", "cirrus_offline": {
        "assets": ["/static/app.css"], "write_endpoints": ["/api/*"]}})j");
    CHECK(manifest.scope == "https://app.example/app/");
    CHECK(manifest.cirrus_offline->assets == std::vector<std::string>{"https://app.example/static/app.css"});
    CHECK(manifest.cirrus_offline->write_endpoints == std::vector<std::string>{"https://app.example/api/*"});
    // Packaged apps declare theirs on their app: origin.
    auto packaged =
        process_manifest(R"j({"cirrus_offline": {"write_endpoints": ["/api/*", "https://sync.example/*"]}})j",
                         "app://notes/manifest.json", "app://notes/index.html");
    REQUIRE(packaged.manifest);
    CHECK(packaged.manifest->cirrus_offline->write_endpoints == std::vector<std::string>{"app://notes/api/*"});
    CHECK(has_warning(packaged, "cirrus_offline.write_endpoints[1]", "not a URL same origin"));
}

TEST_CASE("cirrus_offline: a value of the wrong type is dropped with a warning naming it") {
    auto not_object = process(R"j({"cirrus_offline": ["/api/notes"]})j");
    CHECK_FALSE(not_object.manifest->cirrus_offline);
    CHECK(has_warning(not_object, "cirrus_offline", "expected object, got array"));
    auto wrong_list = process(R"j({"cirrus_offline": {"write_endpoints": {"a": 1}, "assets": ["a.css"]}})j");
    REQUIRE(wrong_list.manifest->cirrus_offline);
    CHECK(wrong_list.manifest->cirrus_offline->write_endpoints.empty());
    CHECK(wrong_list.manifest->cirrus_offline->assets == std::vector<std::string>{"https://app.example/app/a.css"});
    CHECK(has_warning(wrong_list, "cirrus_offline.write_endpoints", "expected array, got object"));
    // An empty object is kept: the app declared that it has nothing to add.
    CHECK(processed(R"j({"cirrus_offline": {}})j").cirrus_offline == CirrusOffline{});
}

TEST_CASE("cirrus_offline: the JSON round trip keeps assets and endpoint patterns") {
    auto original = processed(R"j({"cirrus_offline": {
        "assets": ["index.html", "img/logo.png?v=2"], "write_endpoints": ["/api/notes", "/api/forms/*"]}})j");
    auto stored = to_json(original);
    CHECK(stored["cirrus_offline"]["assets"] ==
          nlohmann::json::array({"https://app.example/app/index.html", "https://app.example/app/img/logo.png?v=2"}));
    CHECK(stored["cirrus_offline"]["write_endpoints"] ==
          nlohmann::json::array({"https://app.example/api/notes", "https://app.example/api/forms/*"}));
    auto read_back = manifest_from_json(nlohmann::json::parse(stored.dump()));
    REQUIRE(read_back);
    CHECK(read_back->cirrus_offline == original.cirrus_offline);
    // Without the member there is none in the stored form either.
    CHECK_FALSE(to_json(processed("{}")).contains("cirrus_offline"));
}

TEST_CASE("unknown members are kept as written and do not warn") {
    auto result = process(R"j({"name": "x", "screenshots": [{"src": "s.png"}], "x_custom": {"a": [1, 2]}})j");
    CHECK(result.warnings.empty());
    CHECK(nlohmann::json::parse(result.manifest->unknown_members) ==
          nlohmann::json::parse(R"j({"screenshots": [{"src": "s.png"}], "x_custom": {"a": [1, 2]}})j"));
}
