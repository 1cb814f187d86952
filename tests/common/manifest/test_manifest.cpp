// Whole-manifest behaviour: fatal errors and their positions, warnings with
// lines, limits, the JSON round trip the registry relies on, best_icon.
#include "manifest_test_support.hpp"

#include <nlohmann/json.hpp>
#include <algorithm>

using namespace cirrus::launcher;
using namespace manifest_test;

namespace {

const char* const kFullManifest = R"json({
  "name": "Weather Now",
  "short_name": "Weather",
  "description": "Forecasts that work offline",
  "id": "/weather",
  "start_url": "/app/index.html?source=home",
  "scope": "/app/",
  "display": "standalone",
  "display_override": ["fullscreen", "minimal-ui"],
  "orientation": "portrait",
  "icons": [
    {"src": "icons/48.png", "sizes": "48x48", "type": "image/png"},
    {"src": "icons/192.png", "sizes": "192x192 144x144", "type": "image/png", "purpose": "any maskable"},
    {"src": "icons/mono.png", "sizes": "96x96", "purpose": "monochrome"},
    {"src": "icons/logo.svg", "sizes": "any", "type": "image/svg+xml"}
  ],
  "theme_color": "#336699",
  "background_color": "rgba(255, 255, 255, 0.5)",
  "lang": "en-GB",
  "dir": "ltr",
  "categories": ["weather", "utilities"],
  "shortcuts": [{"name": "Today", "url": "today", "icons": [{"src": "today.png", "sizes": "96x96"}]}],
  "share_target": {"action": "share", "method": "POST", "enctype": "multipart/form-data",
                   "params": {"title": "t", "files": [{"name": "f", "accept": ["image/*"]}]}},
  "protocol_handlers": [{"protocol": "web+weather", "url": "/app/go?where=%s"}],
  "cirrus_offline": {"assets": ["index.html", "app.js"], "write_endpoints": ["/app/api/"]},
  "screenshots": [{"src": "shot.png"}]
})json";

}  // namespace

TEST_CASE("a complete manifest processes without warnings") {
    auto result = process(kFullManifest);
    REQUIRE(result.manifest);
    CHECK_MESSAGE(result.warnings.empty(), all_warnings(result));
    const auto& manifest = *result.manifest;
    CHECK(manifest.id == "https://app.example/weather");
    CHECK(manifest.start_url == "https://app.example/app/index.html?source=home");
    CHECK(manifest.scope == "https://app.example/app/");
    CHECK(manifest.icons.size() == 4);
    CHECK(manifest.shortcuts.size() == 1);
    CHECK(manifest.share_target);
    CHECK(manifest.protocol_handlers.size() == 1);
    CHECK(home_screen_label(manifest) == "Weather");
}

TEST_CASE("to_json and manifest_from_json round trip") {
    auto original = processed(kFullManifest);
    auto stored = to_json(original);
    CHECK(stored["theme_color"] == "#336699");
    CHECK(stored["background_color"] == "#ffffff80");
    CHECK(stored["icons"][1]["sizes"] == "192x192 144x144");
    CHECK(stored["icons"][1]["purpose"] == "any maskable");
    CHECK(stored["display"] == "standalone");
    CHECK(stored["screenshots"][0]["src"] == "shot.png");
    auto read_back = manifest_from_json(nlohmann::json::parse(stored.dump()));
    REQUIRE(read_back);
    CHECK(*read_back == original);
    // The stored form is itself a manifest that processes to the same thing.
    CHECK(processed(stored.dump()) == original);
    // And a minimal one.
    auto minimal = processed("{}");
    CHECK(manifest_from_json(to_json(minimal)) == minimal);
}

TEST_CASE("manifest_from_json refuses what to_json did not write") {
    CHECK_FALSE(manifest_from_json(nlohmann::json::array()));
    CHECK_FALSE(manifest_from_json(nlohmann::json::parse(R"j({"name": "no start url"})j")));
    CHECK_FALSE(manifest_from_json(nlohmann::json::parse(R"j({"start_url": "relative.html"})j")));
    auto stored = to_json(processed(kFullManifest));
    stored["display"] = "kiosk";
    CHECK_FALSE(manifest_from_json(stored));
    stored = to_json(processed(kFullManifest));
    stored["icons"][0]["src"] = 5;
    CHECK_FALSE(manifest_from_json(stored));
}

TEST_CASE("not JSON is fatal and says where: line and column") {
    auto result = process("{\n  \"name\": \"x\",\n  \"display\": standalone\n}");
    REQUIRE(result.error);
    CHECK_FALSE(result.manifest);
    CHECK(result.error->line == 3);
    CHECK(result.error->column == 14);
    CHECK(result.error->text().starts_with(kManifestUrl + ":3:14: not valid JSON: "));
    auto truncated = process("{\"name\": \"x\",\n\"icons\": [");
    REQUIRE(truncated.error);
    CHECK(truncated.error->line == 2);
    CHECK(truncated.error->message.find("unexpected end of input") != std::string::npos);
    CHECK(process("{\"a\": 1} trailing").error);
    CHECK(process("{'single': 'quotes'}").error);
    CHECK(process("{\"n\": 1e999}").error);  // out of range for a double: not a parse_error in nlohmann
}

TEST_CASE("a JSON value that is not an object is fatal") {
    for (const char* text : {"[]", "\"manifest\"", "42", "null", "true"}) {
        CAPTURE(text);
        auto result = process(text);
        REQUIRE(result.error);
        CHECK(result.error->message.find("not an object") != std::string::npos);
    }
}

TEST_CASE("empty text is fatal") {
    for (const char* text : {"", "  \n\t "}) {
        auto result = process(text);
        REQUIRE(result.error);
        CHECK(result.error->message == "manifest is empty");
    }
}

TEST_CASE("text over 1 MiB is refused") {
    std::string text = R"j({"name": ")j" + std::string(kMaxManifestBytes, 'a') + "\"}";
    auto result = process(text);
    REQUIRE(result.error);
    CHECK(result.error->message.find("limit is 1048576 bytes (1 MiB)") != std::string::npos);
    // Exactly at the limit is fine.
    std::string at_limit = R"j({"name": ")j";
    at_limit += std::string(kMaxManifestBytes - at_limit.size() - 2, 'a') + "\"}";
    CHECK(process(at_limit).manifest);
}

TEST_CASE("invalid UTF-8 is fatal, with its line") {
    auto result = process("{\n\"name\": \"caf\xE9\"\n}");
    REQUIRE(result.error);
    CHECK(result.error->line == 2);
    CHECK(result.error->column == 13);
    CHECK(result.error->message == "not valid UTF-8 (byte 0xE9)");
    for (const char* bad : {"{\"a\": \"\xC0\xAF\"}", "{\"a\": \"\xED\xA0\x80\"}", "{\"a\": \"\xF4\x90\x80\x80\"}",
                            "{\"a\": \"\xE2\x82\"}", "\xFF{}", "{\"a\": \"\x80\"}"}) {
        CHECK(process(bad).error);
    }
    // Well-formed multi-byte text, and a byte order mark, are fine.
    CHECK(processed("\xEF\xBB\xBF{\"name\": \"caf\xC3\xA9 \xE2\x98\x81 \xF0\x9F\x8C\xA7\"}").name ==
          "caf\xC3\xA9 \xE2\x98\x81 \xF0\x9F\x8C\xA7");
    // An escaped lone surrogate is not valid JSON text for nlohmann either.
    CHECK(process(R"j({"name": "\ud800"})j").error);
}

namespace {
// A manifest whose root object holds "x": levels - 1 nested arrays, so the
// text nests `levels` deep counting the root, as Chromium counts.
std::string nested_manifest(std::size_t levels) {
    return "{\"x\": " + std::string(levels - 1, '[') + std::string(levels - 1, ']') + "}";
}
}  // namespace

TEST_CASE("nesting: as deep as Chromium's JSON parser reads, and a clear error beyond") {
    // base::JSONReader (kAbsoluteMaxDepth 200) reads 199 levels and refuses
    // the container at level 200 (its own unit test: 201 nested arrays fail
    // at column 200).
    CHECK(kChromiumJsonMaxDepth == 200);
    CHECK(kMaxNestingDepth == 199);
    CHECK(process(nested_manifest(64)).manifest);
    CHECK(process(nested_manifest(65)).manifest);  // refused before issue 17
    auto at_limit = process(nested_manifest(199));
    REQUIRE(at_limit.manifest);
    // What is accepted survives the registry's round trip (dump, parse, read back).
    auto stored = nlohmann::json::parse(to_json(*at_limit.manifest).dump());
    auto read_back = manifest_from_json(stored);
    REQUIRE(read_back);
    CHECK(*read_back == *at_limit.manifest);

    for (std::size_t levels : {std::size_t{200}, std::size_t{201}}) {
        CAPTURE(levels);
        auto result = process(nested_manifest(levels));
        REQUIRE(result.error);
        CHECK(result.error->message.find("nests deeper than 199 levels") != std::string::npos);
        CHECK(result.error->message.find("flatten") != std::string::npos);
        CHECK(result.error->member == "x");
        // The error points at the 200th bracket, as Chromium's does.
        CHECK(result.error->line == 1);
        CHECK(result.error->column == 7 + 198);
        CHECK(result.error->text().find("manifest.json:1:205: x") != std::string::npos);
    }
    // Brackets inside strings do not count.
    CHECK(process("{\"x\": \"" + std::string(1000, '[') + "\"}").manifest);
    // Objects count as arrays do.
    std::string objects = "{";
    for (int i = 1; i < 200; ++i) objects += "\"o\": {";
    objects += std::string(200, '}');
    CHECK(process(objects).error);
}

TEST_CASE("nesting: a megabyte of brackets is refused without recursing (no stack overflow under ASan)") {
    std::string deep =
        "{\"x\": " + std::string(kMaxManifestBytes / 2 - 8, '[') + std::string(kMaxManifestBytes / 2 - 8, ']') + "}";
    REQUIRE(deep.size() <= kMaxManifestBytes);
    auto result = process(deep);
    REQUIRE(result.error);
    CHECK(result.error->message.find("nests deeper than 199 levels") != std::string::npos);
    // Unbalanced and unterminated: still refused at the limit, not parsed.
    CHECK(process(std::string(100000, '[')).error);
    CHECK(process("{\"x\": " + std::string(100000, '{')).error);
}

TEST_CASE("warnings name the member and give its line") {
    auto result = process(
        "{\n  \"name\": \"ok\",\n  \"icons\": [\n    {\"src\": \"a.png\"},\n"
        "    {\"src\": \"b.png\", \"sizes\": \"big\"}\n  ],\n  \"display\": 3\n}");
    REQUIRE(result.manifest);
    REQUIRE(result.warnings.size() == 2);
    auto warning_about = [&](std::string_view member) {
        auto found = std::find_if(result.warnings.begin(), result.warnings.end(),
                                  [&](const ManifestDiagnostic& warning) { return warning.member == member; });
        REQUIRE(found != result.warnings.end());
        return *found;
    };
    auto sizes = warning_about("icons[1].sizes");
    CHECK(sizes.line == 5);
    CHECK(sizes.text() == kManifestUrl + ":5:31: icons[1].sizes: \"big\" is neither WxH nor \"any\"; ignored");
    CHECK(warning_about("display").line == 7);
    CHECK(warning_about("display").column == 14);
}

TEST_CASE("the number of warnings is bounded") {
    std::string text = R"j({"categories": [)j";
    for (int i = 0; i < 5000; ++i) text += (i ? "," : "") + std::string("1");
    text += "]}";
    auto result = process(text);
    REQUIRE(result.manifest);
    CHECK(result.warnings.size() == 201);
    CHECK(result.warnings.back().message.find("the rest are not shown") != std::string::npos);
}

TEST_CASE("duplicate members: the last one wins, as in JSON.parse") {
    CHECK(processed(R"j({"name": "first", "name": "second"})j").name == "second");
}

TEST_CASE("best_icon: smallest at or above the size, else the largest") {
    auto manifest = processed(R"j({"icons": [
        {"src": "48.png", "sizes": "48x48"},
        {"src": "192.png", "sizes": "192x192"},
        {"src": "96.png", "sizes": "96x96"},
        {"src": "multi.ico", "sizes": "16x16 64x64"},
        {"src": "unsized.png"},
        {"src": "mask.png", "sizes": "512x512", "purpose": "maskable"}
    ]})j");
    auto src_of = [&](int size, IconPurpose purpose = IconPurpose::any) {
        const ImageResource* icon = best_icon(manifest, size, purpose);
        return icon ? icon->src.substr(icon->src.rfind('/') + 1) : std::string("none");
    };
    CHECK(src_of(48) == "48.png");
    CHECK(src_of(60) == "multi.ico");
    CHECK(src_of(72) == "96.png");
    CHECK(src_of(100) == "192.png");
    CHECK(src_of(1000) == "192.png");
    CHECK(src_of(8) == "multi.ico");
    CHECK(src_of(100, IconPurpose::maskable) == "mask.png");
    CHECK(src_of(100, IconPurpose::monochrome) == "none");
    CHECK(best_icon(processed("{}"), 48) == nullptr);
}

TEST_CASE("best_icon: sizes any counts as infinite only for SVG") {
    auto manifest = processed(R"j({"icons": [
        {"src": "any.png", "sizes": "any", "type": "image/png"},
        {"src": "logo.svg", "sizes": "any"},
        {"src": "64.png", "sizes": "64x64"}
    ]})j");
    CHECK(best_icon(manifest, 48)->src.ends_with("64.png"));  // a fitting raster beats "infinite"
    CHECK(best_icon(manifest, 128)->src.ends_with("logo.svg"));
    auto no_svg =
        processed(R"j({"icons": [{"src": "any.png", "sizes": "any"}, {"src": "64.png", "sizes": "64x64"}]})j");
    CHECK(best_icon(no_svg, 128)->src.ends_with("64.png"));
    auto only_unsized = processed(R"j({"icons": [{"src": "a.png"}]})j");
    CHECK(best_icon(only_unsized, 128)->src.ends_with("a.png"));
}

TEST_CASE("home_screen_label: short_name, name, then host") {
    CHECK(home_screen_label(processed(R"j({"name": "Long Name"})j")) == "Long Name");
    CHECK(home_screen_label(processed(R"j({"name": "Long", "short_name": "S"})j")) == "S");
    CHECK(home_screen_label(processed("{}")) == "app.example");
}

TEST_CASE("enumerations spell as the manifest does") {
    CHECK(to_string(DisplayMode::minimal_ui) == "minimal-ui");
    CHECK(to_string(TextDirection::auto_) == "auto");
    CHECK(to_string(IconPurpose::monochrome) == "monochrome");
    CHECK(to_string(Orientation::landscape_secondary) == "landscape-secondary");
}
