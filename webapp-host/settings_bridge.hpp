// The runtime calls the Settings app's page gets (window.cirrus.settings),
// and only it: the compositor names the Settings app on bind
// (cirrus_app_v1.settings_role, [apps] settings). The host is not sandboxed
// (only WebKit's web process is), so it does the work itself: it reads the
// cloud account (common/account.hpp) and hands the page everything but the
// secret; it checks and saves an account the page describes (the network
// check in a thread of its own: the host's main loop keeps drawing and
// answering); it removes the account; it reads the sync service's status
// file; and it asks the service for a backup (common/sync_paths.hpp). What
// the page may see and send is settings_policy.hpp, plain C++. Every
// message is hostile: bounded, parsed, and answered with an error.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <webkit2/webkit2.h>

#include "common/account.hpp"
#include "script_call.hpp"

namespace cirrus::webapp {

class SettingsBridge {
public:
    SettingsBridge(WebKitWebView* view, std::string log_prefix);
    ~SettingsBridge();
    SettingsBridge(const SettingsBridge&) = delete;
    SettingsBridge& operator=(const SettingsBridge&) = delete;

private:
    static gboolean handle_message(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                   gpointer data);
    // Checks the account in a thread; `save` keeps it when both servers
    // answer well. The answer comes back on the main loop.
    void check_in_thread(sync::Account account, bool save, ScriptCall pending);

    std::string prefix_;
    // Cleared when the bridge goes: a check finishing later answers no one.
    std::shared_ptr<std::atomic<bool>> alive_ = std::make_shared<std::atomic<bool>>(true);
    // One check at a time: a page cannot start a crowd of network threads.
    bool checking_ = false;
    ScriptHandler page_;  // last: its handler goes first
};

}  // namespace cirrus::webapp
