#include "test_support.hpp"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include <nlohmann/json.hpp>

namespace webapp_test {

TempDir::TempDir() {
    char templ[] = "/tmp/cirrus-webapp-test-XXXXXX";
    if (!mkdtemp(templ)) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
}

TempDir::~TempDir() {
    const char* keep = std::getenv("CIRRUS_TEST_KEEP");
    if (keep && std::string(keep) == "1") return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

cirrus::launcher::AppRecord hosted_app(const std::string& id, const std::string& start_url, const std::string& scope) {
    cirrus::launcher::AppRecord app = packaged_app(id, {});
    app.start_url = start_url;
    app.scope = scope;
    app.source_kind = cirrus::launcher::SourceKind::manifest_url;
    app.source = start_url;
    app.package_dir.clear();
    return app;
}

void write_file(const std::filesystem::path& file, const std::string& text) {
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
}

cirrus::launcher::AppRecord packaged_app(const std::string& id, const std::filesystem::path& package_dir,
                                         const std::string& manifest_members) {
    const nlohmann::json members = nlohmann::json::parse(manifest_members);
    cirrus::launcher::AppRecord app;
    app.id = id;
    app.name = members.value("name", "Test " + id);
    app.start_url = "app://" + id + "/index.html";
    app.scope = "app://" + id + "/";
    app.display = members.value("display", "standalone");
    if (members.contains("theme_color")) app.theme_color = members["theme_color"].get<std::string>();
    if (members.contains("background_color")) app.background_color = members["background_color"].get<std::string>();
    nlohmann::json full = members;
    full["display"] = app.display;
    app.manifest_json = stored_manifest_json(id, full.dump());
    app.source_kind = cirrus::launcher::SourceKind::folder;
    app.source = package_dir.string();
    app.package_dir = package_dir.string();
    return app;
}

}  // namespace webapp_test
