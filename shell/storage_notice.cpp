#include "storage_notice.hpp"

#include <sys/statvfs.h>

#include "common/store_damage.hpp"
#include "common/store_path.hpp"

namespace cirrus::shell {
namespace {

// The name on the banner's card (not an app id: it draws its initial).
constexpr const char* kSender = "Storage";

bool folder_full(const std::filesystem::path& folder) {
    struct statvfs info {};
    if (statvfs(folder.empty() ? "." : folder.c_str(), &info) != 0) return false;
    return info.f_bavail == 0;
}

}  // namespace

StorageNotices::StorageNotices(const AppList& apps, std::filesystem::path offline_store)
    : apps_(apps), offline_store_(offline_store.empty() ? offline::default_store_path() : std::move(offline_store)) {}

std::vector<Notice> StorageNotices::take_new() {
    std::vector<Notice> found;
    const std::filesystem::path folder = apps_.path().parent_path();
    if (apps_.read_only()) {
        found.push_back({0, kSender, "Storage is read-only or full",
                         "Apps cannot be installed or changed: " + folder.string() +
                             " cannot be written. Free space or make it writable; your apps are kept."});
    } else if (folder_full(folder)) {
        found.push_back({0, kSender, "Storage is full",
                         "Apps cannot be installed or changed until space is freed on " + folder.string() + "."});
    }
    if (const std::string recovered = apps_.recovery_message(); !recovered.empty()) {
        found.push_back({0, kSender, "App list recovered", recovered});
    }
    if (const auto damage = offline::read_store_damage(offline_store_)) {
        std::string apps;
        for (const std::string& id : damage->apps) apps += (apps.empty() ? "" : ", ") + id;
        found.push_back({0, kSender, "Offline copies lost",
                         "The offline store was damaged and set aside as " + damage->moved_to.string() + ". " +
                             (apps.empty() ? std::string("Hosted apps") : apps) +
                             " will not work offline until installed again."});
    }
    std::vector<Notice> fresh;
    for (Notice& notice : found) {
        if (!shown_.insert(notice.title + "\n" + notice.body).second) continue;
        notice.id = next_id_++;
        fresh.push_back(std::move(notice));
    }
    return fresh;
}

}  // namespace cirrus::shell
