#include <stdexcept>
#include <string>

#include "common/manifest.hpp"

namespace webapp_test {

std::string stored_manifest_json(const std::string& id, const std::string& members) {
    nlohmann::json manifest = nlohmann::json::parse(members);
    manifest["name"] = manifest.value("name", "Test " + id);
    manifest["start_url"] = manifest.value("start_url", "index.html");
    const std::string base = "app://" + id + "/";
    const auto processed =
        cirrus::launcher::process_manifest(manifest.dump(), base + "manifest.webmanifest", base + "index.html");
    if (!processed) throw std::runtime_error("test manifest refused: " + processed.error->text());
    return cirrus::launcher::to_json(*processed.manifest).dump();
}

}  // namespace webapp_test
