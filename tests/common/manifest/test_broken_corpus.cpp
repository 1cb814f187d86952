// The broken-manifest corpus: every broken/NAME.json is processed and must
// give what broken/NAME.expect says, and never crash. An .expect file holds
// lines "ok" (a manifest results), "fatal: TEXT" (the error's text contains
// TEXT), "warning: TEXT" (some warning's text contains TEXT); '#' comments.
#include "manifest_test_support.hpp"

#include <nlohmann/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cirrus::launcher;
using namespace manifest_test;

namespace {

std::filesystem::path corpus_dir() {
    const char* dir = std::getenv("CIRRUS_BROKEN_MANIFESTS");
    return dir ? dir : "";
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void check_expectations(const ProcessedManifest& result, const std::string& expectations) {
    std::istringstream lines(expectations);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.empty() || line.starts_with('#')) continue;
        CAPTURE(line);
        if (line == "ok") {
            CHECK_MESSAGE(result.manifest, (result.error ? result.error->text() : ""));
        } else if (line.starts_with("fatal: ")) {
            REQUIRE(result.error);
            CHECK_MESSAGE(result.error->text().find(line.substr(7)) != std::string::npos, result.error->text());
        } else if (line.starts_with("warning: ")) {
            bool found = false;
            for (const auto& warning : result.warnings)
                found |= warning.text().find(line.substr(9)) != std::string::npos;
            CHECK_MESSAGE(found, all_warnings(result));
        } else {
            FAIL("bad line in .expect file: " << line);
        }
    }
}

}  // namespace

TEST_CASE("every broken manifest gives its expected error or warnings") {
    auto dir = corpus_dir();
    REQUIRE_MESSAGE(std::filesystem::is_directory(dir), "set CIRRUS_BROKEN_MANIFESTS to tests/common/manifest/broken");
    int checked = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        CAPTURE(entry.path().filename().string());
        auto expect_path = std::filesystem::path(entry.path()).replace_extension(".expect");
        REQUIRE_MESSAGE(std::filesystem::exists(expect_path), "every broken manifest needs an .expect file");
        auto result = process(read_file(entry.path()));
        CHECK(result.manifest.has_value() != result.error.has_value());
        check_expectations(result, read_file(expect_path));
        ++checked;
    }
    CHECK(checked >= 20);
}

TEST_CASE("a 2 MiB manifest is refused before parsing") {
    // Generated rather than committed: a valid manifest with 2 MiB of icons.
    std::string text = R"({"name": "Big", "icons": [)";
    while (text.size() < 2 * 1024 * 1024) text += R"({"src": "icon.png", "sizes": "48x48"},)";
    text += R"({"src": "last.png"}]})";
    auto result = process(text);
    REQUIRE(result.error);
    CHECK(result.error->text() ==
          kManifestUrl + ": manifest is " + std::to_string(text.size()) + " bytes; the limit is 1048576 bytes (1 MiB)");
}

TEST_CASE("every prefix of a valid manifest is handled without crashing") {
    // Truncation at every byte: all must end in a fatal error or a manifest.
    auto text = read_file(corpus_dir() / "wrong_types_nested.json");
    REQUIRE(!text.empty());
    for (std::size_t length = 0; length <= text.size(); ++length) {
        auto result = process(std::string_view(text).substr(0, length));
        CHECK(result.manifest.has_value() != result.error.has_value());
    }
}
