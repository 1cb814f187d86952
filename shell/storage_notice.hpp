// Banners about the phone's storage, which the user must hear of because
// nothing else on screen shows it: the data folder cannot be written (read-
// only or full: installs fail, changes are not kept), the app registry was
// damaged and rebuilt, the offline store was damaged and hosted apps lost
// their offline copies (common/store_damage.hpp). Each is shown once per
// shell start, and again only when it changes.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "app_list.hpp"
#include "banner_queue.hpp"

namespace cirrus::shell {

class StorageNotices {
public:
    // `offline_store`: the store whose damage note is read (by default the
    // one the web-app hosts use, offline::default_store_path()).
    explicit StorageNotices(const AppList& apps, std::filesystem::path offline_store = {});

    // What has not been shown yet (at start, and after each registry change).
    std::vector<Notice> take_new();

private:
    const AppList& apps_;
    std::filesystem::path offline_store_;
    std::set<std::string> shown_;  // by their text
    std::uint32_t next_id_ = kFirstId;
    // Far above the compositor's notification ids: a tap on one of these
    // asks the compositor to activate an id it does not know, which it ignores.
    static constexpr std::uint32_t kFirstId = 0xfff00000u;
};

}  // namespace cirrus::shell
