// The runtime calls the apps catalogue's page gets (window.cirrus), and only
// it (the compositor names the catalogue on bind): the catalogue document
// the device profile names, fetched by the host (no CORS for the maker's
// server to get right) and kept for offline use; the installed apps; a
// request to install an app, which the shell's sheet confirms (the page can
// only ask); opening an installed app. Every message is hostile input:
// bounded, parsed, and answered with an error rather than acted on.
#pragma once

#include <filesystem>
#include <functional>
#include <string>

#include <libsoup/soup.h>
#include <webkit2/webkit2.h>

#include "script_call.hpp"

namespace cirrus::webapp {

class CatalogueBridge {
public:
    struct InstallOutcome {
        std::string result;  // added, opened, cancelled, failed, refused
        std::string app_id;
        std::string message;
    };
    struct Hooks {
        std::function<void(const std::string& url, std::function<void(const InstallOutcome&)> done)> install;
        // Opens the installed app that starts at this URL.
        std::function<void(const std::string& start_url)> open;
    };

    // `catalogue_url` empty: the page lists its own bundled sample. The last
    // good copy of the document is kept in `keep_dir`.
    CatalogueBridge(WebKitWebView* view, std::string catalogue_url, std::filesystem::path keep_dir, Hooks hooks,
                    std::string log_prefix);
    ~CatalogueBridge();
    CatalogueBridge(const CatalogueBridge&) = delete;
    CatalogueBridge& operator=(const CatalogueBridge&) = delete;

private:
    static gboolean handle_message(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                   gpointer data);
    using Pending = ScriptCall;
    static void answer(const std::string& text, Pending pending);
    void fetch_catalogue(Pending pending);
    std::string kept_catalogue(bool stale) const;

    std::string url_;
    std::filesystem::path keep_file_;
    Hooks hooks_;
    std::string prefix_;
    SoupSession* session_ = nullptr;
    GCancellable* cancellable_ = nullptr;
    ScriptHandler page_;  // last: its handler goes first
};

}  // namespace cirrus::webapp
