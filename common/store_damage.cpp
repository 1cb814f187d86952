#include "store_damage.hpp"
#include "file_text.hpp"

#include <fstream>
#include <iterator>
#include <system_error>

#include <nlohmann/json.hpp>

namespace cirrus::offline {

std::filesystem::path store_damage_note_path(const std::filesystem::path& store_path) {
    return store_path.string() + ".damaged";
}

bool write_store_damage(const std::filesystem::path& store_path, const StoreDamage& damage) noexcept {
    try {
        nlohmann::json note = {{"moved_to", damage.moved_to.string()}, {"problem", damage.problem}, {"at", damage.at}};
        if (damage.apps_named) note["apps"] = damage.apps;
        const std::filesystem::path path = store_damage_note_path(store_path);
        const std::filesystem::path fresh = path.string() + ".new";
        {
            std::ofstream out(fresh, std::ios::trunc);
            out << note.dump(2) << "\n";
            out.flush();
            if (!out) return false;
        }
        std::filesystem::rename(fresh, path);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

std::optional<StoreDamage> read_store_damage(const std::filesystem::path& store_path) noexcept {
    try {
        const auto text = read_file_text(store_damage_note_path(store_path), 64 << 10);
        if (!text) return std::nullopt;
        const nlohmann::json note = nlohmann::json::parse(*text, nullptr, false);
        StoreDamage damage;
        if (note.is_object()) {
            damage.moved_to = note.value("moved_to", std::string());
            damage.problem = note.value("problem", std::string());
            damage.at = note.value("at", std::int64_t{0});
            if (note.contains("apps") && note["apps"].is_array()) {
                damage.apps_named = true;
                for (const auto& app : note["apps"])
                    if (app.is_string()) damage.apps.push_back(app.get<std::string>());
            }
        } else {
            damage.problem = "(the note itself is unreadable)";
        }
        return damage;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void clear_store_damage(const std::filesystem::path& store_path) noexcept {
    std::error_code ignored;
    std::filesystem::remove(store_damage_note_path(store_path), ignored);
}

}  // namespace cirrus::offline
