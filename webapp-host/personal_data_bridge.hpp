// window.cirrus.contacts and window.cirrus.notes for an app's page: a WebKit
// script message handler with replies (as catalogue_bridge.hpp's) that asks
// for the call's permission ("contacts", "notes") through the host's hook
// the first time, then hands the call to PersonalData (personal_data.hpp,
// plain C++) on the phone's own stores. A refused permission answers every
// call with an error the page can tell apart (NotAllowedError).
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <webkit2/webkit2.h>

#include "personal_data.hpp"
#include "script_call.hpp"

namespace cirrus::webapp {

class PersonalDataBridge {
public:
    // Settles `permission` for the app: `done("")` when granted, else
    // `done(why)` (denied, or nobody could ask). It may answer later (the
    // shell's prompt).
    using Gate = std::function<void(const std::string& permission, std::function<void(const std::string& refusal)>)>;

    // `changed` runs after a call that changed a contact or a note (the host
    // asks the sync service to send it now).
    PersonalDataBridge(WebKitWebView* view, std::filesystem::path data_folder, Gate gate,
                       std::function<void()> changed);
    ~PersonalDataBridge();
    PersonalDataBridge(const PersonalDataBridge&) = delete;
    PersonalDataBridge& operator=(const PersonalDataBridge&) = delete;

private:
    static gboolean handle_message(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                   gpointer data);

    PersonalData data_;
    Gate gate_;
    std::function<void()> changed_;
    // Calls waiting for a permission's answer: one question at a time per
    // name, however many calls the page makes meanwhile.
    std::map<std::string, std::vector<std::function<void(const std::string&)>>> waiting_;
    // Set while the bridge lives: a late answer after it is gone does nothing.
    std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
    ScriptHandler handler_;  // last: no call comes before the rest is ready
};

}  // namespace cirrus::webapp
