// `cirrus pack`: the real binary packs a folder; its zip installs with
// `cirrus install`, and what install refuses, pack refuses in the same words.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "fixtures.hpp"

using namespace cirrus::test;

namespace {

// `cirrus` on `registry` (its own offline store beside it), from folder `cwd`.
Run run_cirrus_in(const std::filesystem::path& cwd, const std::filesystem::path& registry,
                  const std::vector<std::string>& args) {
    std::string command = "cd '" + cwd.string() + "' && CIRRUS_OFFLINE_STORE='" +
                          (registry.parent_path() / "offline.sqlite").string() + "' '" + std::string(CIRRUS_CLI) +
                          "' --registry '" + registry.string() + "'";
    for (const auto& a : args) command += " '" + a + "'";
    return run_shell(command, registry.parent_path() / "stderr.txt");
}

std::string last_line(const std::string& text) {
    std::string trimmed = text;
    while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
    const auto newline = trimmed.rfind('\n');
    return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

// The warnings a run printed, in order.
std::vector<std::string> warning_lines(const std::string& err) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < err.size()) {
        const auto end = err.find('\n', at);
        const std::string line = err.substr(at, end == std::string::npos ? std::string::npos : end - at);
        if (line.starts_with("cirrus: warning: ")) lines.push_back(line);
        if (end == std::string::npos) break;
        at = end + 1;
    }
    return lines;
}

}  // namespace

TEST_CASE("cirrus pack: the zip it writes installs with cirrus install, as the folder would") {
    TempDir dir;
    std::filesystem::create_directories(dir.path() / "phone");
    const auto registry = dir.path() / "phone" / "registry.db";
    const auto folder =
        make_package(dir.path() / "src" / "Field Notes", "Field Notes", R"J(, "orientation": "sideways")J");
    write_file(folder / "css" / "app.css", "body { color: #123456 }");
    // A large file of zeros deflates 1000:1, which install takes for a zip
    // bomb: pack stores it as it is.
    write_file(folder / "data" / "empty.bin", std::string(1 << 20, '\0'));

    Run pack = run_cirrus_in(dir.path(), registry, {"pack", folder.string()});
    REQUIRE_MESSAGE(pack.status == 0, pack.err);
    const auto zip = dir.path() / "Field Notes.zip";  // the folder's name, here
    CHECK(std::filesystem::is_regular_file(zip));
    CHECK(pack.out.starts_with("packed field-notes (Field Notes): 5 files, "));
    CHECK(pack.out.find("install it with: cirrus install " + zip.string() + "\n") != std::string::npos);
    // The manifest's warning, as install gives it (file:line:column).
    const auto pack_warnings = warning_lines(pack.err);
    REQUIRE(pack_warnings.size() == 1);
    CHECK(pack_warnings[0].find("manifest.webmanifest:1:") != std::string::npos);
    CHECK(pack_warnings[0].find("orientation") != std::string::npos);

    Run folder_install = run_cirrus_in(dir.path(), dir.path() / "registry.db", {"install", folder.string()});
    REQUIRE_MESSAGE(folder_install.status == 0, folder_install.err);
    CHECK(warning_lines(folder_install.err) == pack_warnings);

    Run install = run_cirrus_in(dir.path(), registry, {"install", zip.string()});
    REQUIRE_MESSAGE(install.status == 0, install.err);
    CHECK(install.out == "installed field-notes (Field Notes)\n");
    const auto apps = nlohmann::json::parse(run_cirrus_in(dir.path(), registry, {"list", "--json"}).out);
    REQUIRE(apps.size() == 1);
    CHECK(apps[0]["id"] == "field-notes");
    CHECK(apps[0]["start_url"] == "app://field-notes/index.html");
    CHECK(apps[0]["source"] == "zip:" + zip.string());
    // Every file, byte for byte.
    const std::filesystem::path installed = apps[0]["package_dir"].get<std::string>();
    for (const char* file : {"index.html", "icon.svg", "manifest.webmanifest", "css/app.css", "data/empty.bin"}) {
        CHECK_MESSAGE(std::filesystem::file_size(installed / file) == std::filesystem::file_size(folder / file), file);
    }
}

TEST_CASE("cirrus pack: a zip written into the folder itself is left out of the next pack") {
    TempDir dir;
    const auto registry = dir.path() / "registry.db";
    const auto folder = make_package(dir.path() / "notes", "Notes");
    Run first = run_cirrus_in(folder, registry, {"pack", ".", "-o", "notes.zip"});
    REQUIRE_MESSAGE(first.status == 0, first.err);
    CHECK(first.out.starts_with("packed notes (Notes): 3 files, "));
    Run second = run_cirrus_in(folder, registry, {"pack", ".", "-o", "notes.zip"});
    REQUIRE_MESSAGE(second.status == 0, second.err);
    CHECK(second.out.starts_with("packed notes (Notes): 3 files, "));
    CHECK(second.err.find("left out notes.zip (the zip being written)") != std::string::npos);
    Run install = run_cirrus_in(dir.path(), registry, {"install", (folder / "notes.zip").string()});
    CHECK_MESSAGE(install.status == 0, install.err);
}

TEST_CASE("cirrus pack: what install refuses, pack refuses in the same words, and writes nothing") {
    TempDir dir;
    struct Case {
        const char* name;
        std::function<void(const std::filesystem::path&)> spoil;
        const char* said;
    };
    const std::vector<Case> cases = {
        {"no manifest", [](const auto& f) { std::filesystem::remove(f / "manifest.webmanifest"); },
         "no manifest.webmanifest or manifest.json"},
        {"not JSON", [](const auto& f) { write_file(f / "manifest.webmanifest", "{\"name\": \"x\",\n  oops}"); },
         "manifest.webmanifest:2:"},
        {"start page missing", [](const auto& f) { std::filesystem::remove(f / "index.html"); }, "start_url: 'app://"},
        {"link outside", [](const auto& f) { std::filesystem::create_symlink("/etc/passwd", f / "passwd"); },
         "outside the package"},
        {"file too large", [](const auto& f) { write_file(f / "video.bin", std::string((10 << 20) + 1, 'v')); },
         "per-file limit"},
    };
    for (const Case& c : cases) {
        CAPTURE(c.name);
        const auto folder = make_package(dir.path() / c.name / "app", "App");
        c.spoil(folder);
        const auto registry = dir.path() / c.name / "registry.db";
        Run install = run_cirrus_in(dir.path(), registry, {"install", folder.string()});
        Run pack = run_cirrus_in(dir.path() / c.name, registry, {"pack", folder.string()});
        CHECK(install.status == 1);
        CHECK(pack.status == 1);
        CHECK(last_line(pack.err).find(c.said) != std::string::npos);
        CHECK(last_line(pack.err) == last_line(install.err));
        CHECK_FALSE(std::filesystem::exists(dir.path() / c.name / "app.zip"));
        for (const auto& entry : std::filesystem::directory_iterator(dir.path() / c.name))
            CHECK_MESSAGE(entry.path().extension() != ".zip", entry.path().string());
    }

    Run missing = run_cirrus_in(dir.path(), dir.path() / "registry.db", {"pack", (dir.path() / "nope").string()});
    Run missing_install =
        run_cirrus_in(dir.path(), dir.path() / "registry.db", {"install", (dir.path() / "nope").string()});
    CHECK(missing.status == 1);
    CHECK(last_line(missing.err) == last_line(missing_install.err));
    Run usage = run_cirrus_in(dir.path(), dir.path() / "registry.db", {"pack"});
    CHECK(usage.status == 2);
    CHECK(usage.err.find("missing DIR") != std::string::npos);
}
