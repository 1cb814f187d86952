// The Web Inspector of an app in `cirrus dev`, opened in the developer's own
// browser: WebKitGTK's remote inspector over HTTP
// (WEBKIT_INSPECTOR_HTTP_SERVER), which serves the inspector's pages and a
// list of the pages it can inspect. `cirrus dev` names a folder; each host it
// starts listens on a loopback port of its own and, once it knows its app,
// writes that address into the folder, where the `i` key finds it.
//
// Why a port per host: WebKit reads the variable once, when its first web
// context is made, which a standby host does before it knows its app; two
// hosts given one port leave the second without a server (WebKit only
// warns), and a restored app's host is the standby that could not bind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace cirrus {

inline constexpr std::string_view kInspectorDirVariable = "CIRRUS_WEBAPP_INSPECTOR_DIR";

// DIR/APP.address: one line, "127.0.0.1:PORT".
std::filesystem::path inspector_address_file(const std::filesystem::path& dir, std::string_view app_id);

// Whether `text` is "127.0.0.1:PORT" (what a host writes; anything else in
// the file is not followed).
bool valid_inspector_address(std::string_view text);

struct InspectorTarget {
    std::string title;
    std::string url;
    // "socket/C/T/WebPage": the connection and target the inspector's
    // page attaches to.
    std::string socket_path;
};

// The pages listed on the remote inspector's index page (WebKit's own
// HTML: a targetname and targeturl per row, then its Inspect button's
// "/socket/C/T/WebPage"). Rows whose socket path is not digits, '/' and the
// fixed words are skipped.
std::vector<InspectorTarget> parse_inspector_targets(std::string_view index_html);

// http://ADDRESS/Main.html?ws=ADDRESS/socket/C/T/WebPage: the inspector for
// one target, as its Inspect button opens it.
std::string inspector_page_url(std::string_view address, const InspectorTarget& target);

}  // namespace cirrus
