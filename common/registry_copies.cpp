#include "registry_copies.hpp"
#include "file_text.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include <nlohmann/json.hpp>

namespace cirrus::launcher {
namespace {

constexpr const char* kRecordFile = "record.json";

std::string icon_file_name(const IconImage& icon) {
    return "icon-" + std::to_string(icon.size) + "-" + std::string(to_string(icon.purpose)) + ".png";
}

template <typename T>
nlohmann::json optional_json(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

void write_bytes(const std::filesystem::path& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.flush();
    if (!out) {
        throw std::filesystem::filesystem_error("cannot write the registry's copy", path,
                                                std::make_error_code(std::errc::io_error));
    }
}

std::string read_text(const std::filesystem::path& path) { return read_file_text(path).value_or(std::string()); }

}  // namespace

std::filesystem::path registry_copies_dir(const std::filesystem::path& registry_path) {
    return registry_path.string() + ".copies";
}

nlohmann::json app_record_json(const AppRecord& app) {
    return {
        {"id", app.id},
        {"name", app.name},
        {"short_name", optional_json(app.short_name)},
        {"start_url", app.start_url},
        {"scope", app.scope},
        {"display", app.display},
        {"theme_color", optional_json(app.theme_color)},
        {"background_color", optional_json(app.background_color)},
        {"manifest_json", app.manifest_json},
        {"source_kind", to_string(app.source_kind)},
        {"source", app.source},
        {"package_dir", app.package_dir},
        {"offline_ready", app.offline_ready},
        {"installed_at", app.installed_at},
        {"home_position", optional_json(app.home_position)},
    };
}

AppRecord app_record_from_json(const nlohmann::json& record) {
    AppRecord app;
    app.id = record.at("id").get<std::string>();
    app.name = record.at("name").get<std::string>();
    if (!record.at("short_name").is_null()) app.short_name = record["short_name"].get<std::string>();
    app.start_url = record.at("start_url").get<std::string>();
    app.scope = record.at("scope").get<std::string>();
    app.display = record.at("display").get<std::string>();
    if (!record.at("theme_color").is_null()) app.theme_color = record["theme_color"].get<std::string>();
    if (!record.at("background_color").is_null()) app.background_color = record["background_color"].get<std::string>();
    app.manifest_json = record.at("manifest_json").get<std::string>();
    const auto kind = source_kind_from_string(record.at("source_kind").get<std::string>());
    if (!kind) throw std::runtime_error("unknown source_kind");
    app.source_kind = *kind;
    app.source = record.at("source").get<std::string>();
    app.package_dir = record.at("package_dir").get<std::string>();
    app.offline_ready = record.at("offline_ready").get<bool>();
    app.installed_at = record.at("installed_at").get<std::int64_t>();
    if (!record.at("home_position").is_null()) app.home_position = record["home_position"].get<std::int64_t>();
    return app;
}

void write_registry_copy(const std::filesystem::path& copies_dir, const AppRecord& app,
                         std::span<const IconImage> icons) {
    const nlohmann::json record = app_record_json(app);
    // A new folder, renamed over the old one: a crash leaves one whole copy
    // (and at worst a stray ".new" folder, replaced next time).
    std::filesystem::create_directories(copies_dir);
    const std::filesystem::path target = copies_dir / app.id;
    const std::filesystem::path fresh = copies_dir / (app.id + ".new");
    std::filesystem::remove_all(fresh);
    std::filesystem::create_directory(fresh);
    const std::string text = record.dump(2);
    write_bytes(fresh / kRecordFile, text.data(), text.size());
    for (const IconImage& icon : icons) write_bytes(fresh / icon_file_name(icon), icon.png.data(), icon.png.size());
    const std::filesystem::path old = copies_dir / (app.id + ".old");
    std::filesystem::remove_all(old);
    std::error_code absent;
    std::filesystem::rename(target, old, absent);
    std::filesystem::rename(fresh, target);
    std::filesystem::remove_all(old, absent);
}

void remove_registry_copy(const std::filesystem::path& copies_dir, const std::string& id) noexcept {
    std::error_code ignored;
    std::filesystem::remove_all(copies_dir / id, ignored);
}

std::optional<RegistryCopy> read_registry_copy(const std::filesystem::path& app_copy_dir, std::string& problem) {
    try {
        const nlohmann::json record = nlohmann::json::parse(read_text(app_copy_dir / kRecordFile));
        RegistryCopy copy;
        copy.app = app_record_from_json(record);
        const AppRecord& app = copy.app;
        if (app.id != app_copy_dir.filename().string()) throw std::runtime_error("its id does not match its folder");
        for (const auto& entry : std::filesystem::directory_iterator(app_copy_dir)) {
            const std::string name = entry.path().filename().string();
            if (!name.starts_with("icon-") || !name.ends_with(".png")) continue;
            // icon-<size>-<purpose>.png
            const std::string middle = name.substr(5, name.size() - 9);
            const auto dash = middle.find('-');
            if (dash == std::string::npos) continue;
            const auto purpose = icon_purpose_from_string(middle.substr(dash + 1));
            if (!purpose) continue;
            const std::string bytes = read_text(entry.path());
            copy.icons.push_back({std::stoi(middle.substr(0, dash)), *purpose, {bytes.begin(), bytes.end()}});
        }
        return copy;
    } catch (const std::exception& error) {
        problem = (app_copy_dir / kRecordFile).string() + ": " + error.what();
        return std::nullopt;
    }
}

}  // namespace cirrus::launcher
