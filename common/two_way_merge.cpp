// See two_way_merge.hpp.
#include "two_way_merge.hpp"

#include <unordered_map>
#include <unordered_set>

namespace cirrus::sync {

namespace {

std::string_view strong(std::string_view etag) {
    if (etag.starts_with("W/")) etag.remove_prefix(2);
    return etag;
}

}  // namespace

std::string_view to_string(MergeStep step) {
    switch (step) {
    case MergeStep::pull:
        return "pull";
    case MergeStep::push:
        return "push";
    case MergeStep::push_new:
        return "push-new";
    case MergeStep::delete_remote:
        return "delete-remote";
    case MergeStep::delete_local:
        return "delete-local";
    case MergeStep::forget:
        return "forget";
    case MergeStep::keep_both:
        return "keep-both";
    }
    return "?";
}

bool same_etag(std::string_view a, std::string_view b) { return !a.empty() && strong(a) == strong(b); }

std::vector<MergeAction> plan_merge(const std::vector<LocalItem>& local, const std::vector<RemoteItem>& remote) {
    std::unordered_map<std::string, const RemoteItem*> on_server;
    for (const RemoteItem& item : remote) on_server.emplace(item.href, &item);
    std::unordered_set<std::string> known;
    std::vector<MergeAction> actions;
    for (const LocalItem& item : local) {
        if (item.href.empty()) {
            // Never on the server: a new item goes up, one deleted before it went is forgotten.
            actions.push_back({item.deleted ? MergeStep::forget : MergeStep::push_new, item.key, "", ""});
            continue;
        }
        known.insert(item.href);
        const auto found = on_server.find(item.href);
        if (found == on_server.end()) {
            // Gone from the server. An edit on the phone since is kept: it goes up again.
            if (item.deleted) actions.push_back({MergeStep::forget, item.key, item.href, ""});
            else if (item.changed) actions.push_back({MergeStep::push_new, item.key, item.href, ""});
            else actions.push_back({MergeStep::delete_local, item.key, item.href, ""});
            continue;
        }
        const std::string& etag = found->second->etag;
        const bool server_changed = !same_etag(etag, item.etag);
        if (!server_changed) {
            if (item.deleted) actions.push_back({MergeStep::delete_remote, item.key, item.href, etag});
            else if (item.changed) actions.push_back({MergeStep::push, item.key, item.href, etag});
            continue;
        }
        // Edited on the server. A deletion on the phone yields to it (the
        // item comes back); an edit on the phone too means both are kept.
        if (item.changed && !item.deleted) actions.push_back({MergeStep::keep_both, item.key, item.href, etag});
        else actions.push_back({MergeStep::pull, item.key, item.href, etag});
    }
    for (const RemoteItem& item : remote)
        if (!known.contains(item.href)) actions.push_back({MergeStep::pull, "", item.href, item.etag});
    return actions;
}

std::vector<RemoteItem> apply_delta(const std::vector<LocalItem>& local, const std::vector<RemoteItem>& changed,
                                    const std::vector<std::string>& removed) {
    const std::unordered_set<std::string> gone(removed.begin(), removed.end());
    std::unordered_map<std::string, std::string> fresh;
    for (const RemoteItem& item : changed) fresh[item.href] = item.etag;
    std::vector<RemoteItem> listing;
    std::unordered_set<std::string> listed;
    for (const LocalItem& item : local) {
        if (item.href.empty() || gone.contains(item.href) || !listed.insert(item.href).second) continue;
        const auto newer = fresh.find(item.href);
        listing.push_back({item.href, newer == fresh.end() ? item.etag : newer->second});
    }
    for (const RemoteItem& item : changed)
        if (!gone.contains(item.href) && listed.insert(item.href).second) listing.push_back(item);
    return listing;
}

std::string conflict_name(std::string_view name, const std::function<bool(const std::string&)>& taken) {
    const std::size_t dot = name.rfind('.');
    // A leading dot is part of the name, not an extension.
    const bool has_extension = dot != std::string_view::npos && dot > 0;
    const std::string stem(has_extension ? name.substr(0, dot) : name);
    const std::string extension(has_extension ? name.substr(dot) : std::string_view{});
    const std::string suffix(kConflictSuffix);
    for (int number = 1;; ++number) {
        std::string candidate = stem + suffix;
        if (number > 1) {
            candidate.pop_back();
            candidate += " " + std::to_string(number) + ")";
        }
        candidate += extension;
        if (!taken(candidate) || number > 1000) return candidate;
    }
}

}  // namespace cirrus::sync
