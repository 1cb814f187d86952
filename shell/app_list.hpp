// The installed apps as the home screen needs them, read from the app
// registry (common/registry.hpp), and a watch that says when the registry
// changed (an install, a removal, a move by another program).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/registry.hpp"

namespace cirrus::shell {

struct HomeApp {
    std::string id;
    std::string label;  // short_name, else name
    std::optional<std::int64_t> position;
    std::int64_t updated_at = 0;  // changes when an update may have changed the icon
    bool operator==(const HomeApp&) const = default;
};

class AppList {
public:
    // Opens (creating if missing) the registry; throws what Registry::open
    // throws. The connection stays open for the shell's life: reading is
    // then cheap, and closing it would checkpoint the file and wake the
    // watch for nothing.
    explicit AppList(const std::filesystem::path& registry_path);

    const std::filesystem::path& path() const { return path_; }
    // The registry could not be opened for writing (a read-only or full data
    // folder): the apps are shown, nothing the shell changes is kept.
    bool read_only() const { return registry_.read_only(); }
    // What opening it recovered, if it was damaged (Registry::recovery_message).
    std::string recovery_message() const { return registry_.recovery_message(); }
    // Every installed app, in registry order (home screen first).
    std::vector<HomeApp> load() const;
    // Stores positions the shell chose for apps that had none; an app that
    // is gone or whose slot was taken meanwhile is skipped (the next load
    // places it again).
    void store_positions(std::span<const std::pair<std::string, std::int64_t>> positions);
    // Moves an app (edit mode's drop): the registry makes room there.
    void move_app(const std::string& id, std::int64_t position);
    // The PNG to draw an app's icon `pixels` wide: a maskable icon (already
    // cut to the shell's mask) else an `any` one, at the smallest stored size
    // at least that large, else the largest.
    std::optional<std::vector<std::uint8_t>> icon_png(const std::string& id, int pixels) const;
    // The app's name as the home screen shows it (short_name, else name),
    // for banners and prompts; nullopt when it is not installed. Throws what
    // the registry throws.
    std::optional<std::string> label(const std::string& id) const;

private:
    std::filesystem::path path_;
    launcher::Registry registry_;
};

// The name to show for an app (its home-screen label), else its id: a
// registry that cannot be read must not hide a question or a notification.
std::string app_display_name(const AppList& apps, const std::string& id);

// inotify on the registry's folder, for the registry file and its WAL.
class RegistryWatch {
public:
    explicit RegistryWatch(const std::filesystem::path& registry_path);  // throws std::system_error
    ~RegistryWatch();
    RegistryWatch(const RegistryWatch&) = delete;
    RegistryWatch& operator=(const RegistryWatch&) = delete;

    int fd() const { return fd_; }
    // Drains the pending events; true if one was about the registry.
    bool changed();

private:
    int fd_ = -1;
    std::string file_name_;
};

}  // namespace cirrus::shell
