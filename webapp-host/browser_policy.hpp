// The system browser's chrome as plain C++ (no GTK): what a typed address
// opens, and which of the menu's entries the page in view allows. The GTK
// half is browser_bar.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cirrus::webapp {

// What the address field opens for `typed`: a URL with its scheme (http,
// https) as typed; a bare host ("example.com/a", "localhost:8080",
// "127.0.0.1:8080/x") with https://; nothing for an empty field, another
// scheme (javascript:, file:, data:, ...) or words with spaces (there is no
// search engine to send them to), with the reason the user is shown.
struct AddressOutcome {
    std::optional<std::string> url;
    std::string refusal;  // when url is empty
};
AddressOutcome address_to_url(std::string_view typed);

// The menu's entries for the page in view (its URI; `installed_app` is the
// installed app whose scope holds it, if any, other than the browser).
struct BrowserMenuState {
    bool add_to_home = false;  // a web page, and the runtime can install
    bool open_in_app = false;  // an installed app holds the page
    bool copy_link = false;    // a web page (the browser's own pages are not worth a link)
};
BrowserMenuState browser_menu_state(std::string_view uri, const std::optional<std::string>& installed_app,
                                    bool can_install);

}  // namespace cirrus::webapp
