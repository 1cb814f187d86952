// The registry's copy of each app's row on disk, beside registry.db:
// <registry>.copies/<id>/record.json and one PNG per rasterised icon. It is
// written with every install (in the install's transaction: an install that
// cannot write its copy fails and leaves the previous app whole) and removed
// with the app. It exists for one reason: a damaged registry.db is rebuilt
// from it (registry_rebuild.hpp) with every app's name, manifest, source,
// home position and icons.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "icons.hpp"
#include "registry.hpp"

namespace cirrus::launcher {

std::filesystem::path registry_copies_dir(const std::filesystem::path& registry_path);

// An app's row as the copy's record.json holds it (the backup's manifest
// holds the same, common/backup_manifest.hpp). Reading throws
// nlohmann::json::exception or std::runtime_error naming what is wrong.
nlohmann::json app_record_json(const AppRecord& app);
AppRecord app_record_from_json(const nlohmann::json& record);

// Replaces the app's copy (a new folder renamed over the old one). Throws
// std::filesystem::filesystem_error (a full or read-only disk).
void write_registry_copy(const std::filesystem::path& copies_dir, const AppRecord& app,
                         std::span<const IconImage> icons);
void remove_registry_copy(const std::filesystem::path& copies_dir, const std::string& id) noexcept;

struct RegistryCopy {
    AppRecord app;
    std::vector<IconImage> icons;
};
// Reads one app's copy folder; nullopt with `problem` set when it is not
// readable (a copy cut short by a crash, or damaged).
std::optional<RegistryCopy> read_registry_copy(const std::filesystem::path& app_copy_dir, std::string& problem);

}  // namespace cirrus::launcher
