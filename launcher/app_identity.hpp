// Which installed app an install is, if any, and the local id of a new one.
//
// A local id names the app's registry row, its package and data folders and,
// for a packaged app, its app:// origin: whoever gets an id gets that app's
// localStorage, IndexedDB and cookies. Ids are made from names (a folder or
// zip name, a host and path) and names collide, so an id is never handed on
// by name alone: the app's identity is its manifest's `id` (W3C, as
// manifest.cpp processes it: start_url when the manifest declares none).
//  - Hosted apps: the processed id is an absolute URL of the app's origin
//    (scheme, host and port), which only that origin can serve: the same id
//    anywhere in the registry is the same app (an update); any other id is
//    another app, even on the same host.
//  - Packaged apps: the origin is ours (app://<local id>/), so only the path
//    the manifest declares as its id ("/notes/") says anything, and it is
//    compared among the apps whose local id was made from the same name.
//    Lacking a declared id, the app's name and the place it was installed
//    from (the registry's source) identify it. A bundled app is updated only
//    by install-bundled from its own folder: a package that merely claims its
//    id cannot take it over (nor the browser's role, which goes by id).
// Anything else is another app and gets a local id of its own: the name's id
// with "-2", "-3", ... for a package (the numbers say "another app of this
// name", like a file manager's copies), and for a hosted app the id spelled
// with its scheme and port ("http-127.0.0.1-8081-app"), which tells the user
// which of two same-host apps it is.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/manifest.hpp"
#include "common/registry.hpp"

namespace cirrus::launcher {

// The id path a packaged app's manifest declares ("browser/" for the id
// app://browser/browser/ of the app installed as "browser"); nullopt when it
// declares none (the id is then its start URL) or `local_id` is not its origin.
std::optional<std::string> declared_package_id(const Manifest& manifest, std::string_view local_id);
// The same from an installed app's stored manifest.
std::optional<std::string> declared_package_id(const AppRecord& app);

// What identifies a package being installed.
struct PackagedIdentity {
    std::string name;                        // the name it is recorded with
    std::string source;                      // the absolute path it is installed from
    SourceKind kind = SourceKind::folder;    // bundled, folder or zip
    std::optional<std::string> declared_id;  // declared_package_id()
};

// Why `installed` is or is not the app `incoming` updates; empty when it is.
std::string packaged_difference(const AppRecord& installed, const PackagedIdentity& incoming);
// The same for a hosted app of processed manifest id `manifest_id` and
// start URL `start_url`.
std::string hosted_difference(const AppRecord& installed, std::string_view manifest_id, std::string_view start_url);

struct IdChoice {
    std::string id;
    bool update = false;  // `id` is the installed app this install updates
    // When an installed app holds the id the name would give and is another
    // app: a sentence naming both, for the user.
    std::optional<std::string> beside;
};

// Whether a local id that is not the name's own may be given to a new app
// (no app has it): nothing of an earlier app (its data or package folders)
// is left under it, which a new app would otherwise inherit.
using LeavesNothingBehind = std::function<bool(const std::string& id)>;

IdChoice choose_package_id(std::span<const AppRecord> apps, const std::string& name_id,
                           const PackagedIdentity& incoming, const LeavesNothingBehind& unused);

// `name_id`: the id today's rule makes from the host and path; `origin_id`:
// the same with the scheme and port spelled out.
IdChoice choose_hosted_id(std::span<const AppRecord> apps, const std::string& name_id, const std::string& origin_id,
                          std::string_view manifest_id, std::string_view start_url, const LeavesNothingBehind& unused);

// `id` with "-<n>" appended, cut so the whole stays a valid_app_id.
std::string numbered_app_id(const std::string& id, int n);

}  // namespace cirrus::launcher
