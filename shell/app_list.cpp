#include "app_list.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <exception>
#include <string_view>
#include <system_error>

#include <sys/inotify.h>
#include <unistd.h>

#include "common/icons.hpp"

namespace cirrus::shell {

AppList::AppList(const std::filesystem::path& registry_path)
    : path_(registry_path), registry_(launcher::Registry::open(registry_path)) {
    if (registry_.recovery()) std::fprintf(stderr, "cirrus-shell: %s\n", registry_.recovery_message().c_str());
    if (registry_.read_only()) {
        std::fprintf(stderr,
                     "cirrus-shell: the registry %s is read-only (%s): the apps are shown, changes are not kept\n",
                     path_.c_str(), registry_.read_only_reason()->c_str());
    }
}

std::vector<HomeApp> AppList::load() const {
    std::vector<HomeApp> apps;
    for (const launcher::AppRecord& record : registry_.list()) {
        HomeApp app;
        app.id = record.id;
        app.label = record.short_name && !record.short_name->empty() ? *record.short_name : record.name;
        app.position = record.home_position;
        app.updated_at = record.updated_at;
        apps.push_back(std::move(app));
    }
    return apps;
}

void AppList::store_positions(std::span<const std::pair<std::string, std::int64_t>> positions) {
    for (const auto& [id, position] : positions) {
        const auto current = registry_.get(id);
        if (!current || current->home_position) continue;  // removed, or placed by someone else meanwhile
        // set_position would push an app that took the slot meanwhile along;
        // a slot taken since our load is left alone instead.
        bool taken = false;
        for (const launcher::AppRecord& other : registry_.list()) {
            if (other.home_position == position) taken = true;
        }
        if (!taken) registry_.set_position(id, position);
    }
}

void AppList::move_app(const std::string& id, std::int64_t position) { registry_.set_position(id, position); }

std::optional<std::vector<std::uint8_t>> AppList::icon_png(const std::string& id, int pixels) const {
    std::vector<int> sizes(launcher::kShellIconSizes.begin(), launcher::kShellIconSizes.end());
    std::sort(sizes.begin(), sizes.end());
    // Large enough ones from the smallest up, then smaller ones from the largest down.
    std::vector<int> order;
    for (int s : sizes) {
        if (s >= pixels) order.push_back(s);
    }
    for (auto it = sizes.rbegin(); it != sizes.rend(); ++it) {
        if (*it < pixels) order.push_back(*it);
    }
    for (const launcher::IconPurpose purpose : {launcher::IconPurpose::maskable, launcher::IconPurpose::any}) {
        for (int size : order) {
            if (auto png = registry_.icon(id, size, purpose)) return png;
        }
    }
    return std::nullopt;
}

std::optional<std::string> AppList::label(const std::string& id) const {
    const auto record = registry_.get(id);
    if (!record) return std::nullopt;
    return record->short_name && !record->short_name->empty() ? *record->short_name : record->name;
}

std::string app_display_name(const AppList& apps, const std::string& id) {
    try {
        if (auto label = apps.label(id)) return *label;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus-shell: cannot read %s's name from the registry: %s\n", id.c_str(), e.what());
    }
    return id;
}

RegistryWatch::RegistryWatch(const std::filesystem::path& registry_path)
    : file_name_(registry_path.filename().string()) {
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "inotify_init1");
    const std::filesystem::path folder = registry_path.parent_path().empty() ? "." : registry_path.parent_path();
    // Writes land in the WAL (IN_MODIFY); checkpoints and replacements touch
    // the file itself.
    if (inotify_add_watch(fd_, folder.c_str(), IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE) < 0) {
        const int error = errno;
        close(fd_);
        throw std::system_error(error, std::generic_category(), "inotify on " + folder.string());
    }
}

RegistryWatch::~RegistryWatch() {
    if (fd_ >= 0) close(fd_);
}

bool RegistryWatch::changed() {
    bool relevant = false;
    alignas(inotify_event) char buffer[4096];
    for (;;) {
        const ssize_t n = read(fd_, buffer, sizeof(buffer));
        if (n <= 0) break;  // EAGAIN: drained
        for (char* p = buffer; p < buffer + n;) {
            const auto* event = reinterpret_cast<const inotify_event*>(p);
            const std::string_view name = event->len ? std::string_view(event->name) : std::string_view();
            // registry.db and registry.db-wal; not -shm, which readers touch.
            if (event->mask & IN_Q_OVERFLOW) relevant = true;
            if (name == file_name_ || name == file_name_ + "-wal" || name == file_name_ + "-journal") relevant = true;
            p += sizeof(inotify_event) + event->len;
        }
    }
    return relevant;
}

}  // namespace cirrus::shell
