// See settings_bridge.hpp.
#include "settings_bridge.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/backup_keys.hpp"
#include "common/file_text.hpp"
#include "common/sync_paths.hpp"
#include "script_call.hpp"
#include "settings_policy.hpp"

namespace cirrus::webapp {

namespace {

using nlohmann::json;

constexpr const char* kSettingsHandler = "cirrusSettings";
// An account form is two addresses, a user and a secret: 8 KiB and change.
constexpr std::size_t kMaxSettingsMessageBytes = 16 * 1024;
// The page waits on the check: a server that says nothing is unreachable
// after this long, not after the sync service's 30 s.
constexpr std::chrono::seconds kCheckTimeout{15};

// In the page's own world, top frame only. An app with the catalogue's role
// too keeps its window.cirrus (frozen): this one is then absent.
constexpr const char* kSettingsScript = R"JS((() => {
  const handler = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.cirrusSettings;
  if (!handler || window.cirrus) return;
  const call = (message) => handler.postMessage(JSON.stringify(message)).then((text) => {
    const answer = JSON.parse(text);
    if (answer && answer.error) throw new Error(answer.error);
    return answer;
  });
  const settings = Object.freeze({
    account: () => call({ op: 'account' }),
    status: () => call({ op: 'status' }),
    add: (form) => call(Object.assign({}, form, { op: 'add' })),
    test: () => call({ op: 'test' }),
    remove: () => call({ op: 'remove' }),
    backup: () => call({ op: 'backup' }),
  });
  Object.defineProperty(window, 'cirrus', { value: Object.freeze({ settings }) });
})();)JS";

std::string dump(const json& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }
json settings_error(const std::string& why) { return json{{"error", page_text(why, 1024)}}; }

void answer(const std::string& text, ScriptCall pending) { answer_call(text, pending); }

std::int64_t wall_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

// {"account": view or null, "backup_key": the phone has a backup key}; a
// file others can read, or not an account, is said as "problem".
json account_answer() {
    const auto path = sync::default_account_path();
    json out = {{"account", nullptr}, {"backup_key", false}};
    try {
        const auto account = sync::load_account(path);
        out["account"] = account_view(account);
        if (account) {
            std::error_code ec;
            out["backup_key"] = std::filesystem::exists(backup::default_key_path(path), ec);
        }
    } catch (const std::exception& e) {
        out["problem"] = page_text(e.what(), 1024);
    }
    return out;
}

json status_answer() {
    const auto text = read_file_text(sync::default_status_path(), kMaxSettingsStatusBytes + 1);
    std::error_code ec;
    return {{"status", status_view(text.value_or(""), wall_now())},
            {"backup_requested", std::filesystem::exists(sync::backup_request_path(sync::default_state_dir()), ec)}};
}

// The request file the sync service looks for (it removes it after the
// backup); its folder made 0700 as the service's own.
json request_backup() {
    const auto path = sync::default_account_path();
    try {
        if (!sync::load_account(path)) return settings_error("no account: add one first");
    } catch (const std::exception& e) {
        return settings_error(e.what());
    }
    const auto state = sync::default_state_dir();
    std::error_code ec;
    std::filesystem::create_directories(state, ec);
    const auto request = sync::backup_request_path(state);
    const int fd = ::open(request.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return settings_error("cannot write " + request.string() + ": " + std::generic_category().message(errno) +
                              ": check that the folder is this user's");
    ::close(fd);
    std::error_code key_ec;
    return {{"requested", true}, {"backup_key", std::filesystem::exists(backup::default_key_path(path), key_ec)}};
}

}  // namespace

SettingsBridge::SettingsBridge(WebKitWebView* view, std::string log_prefix)
    : prefix_(std::move(log_prefix)), page_(view, kSettingsHandler, kSettingsScript, &handle_message, this) {}

SettingsBridge::~SettingsBridge() { alive_->store(false); }

gboolean SettingsBridge::handle_message(WebKitUserContentManager*, JSCValue* message, WebKitScriptMessageReply* reply,
                                        gpointer data) {
    auto& self = *static_cast<SettingsBridge*>(data);
    const ScriptCall pending = hold_call(message, reply);
    std::optional<json> call = parse_call(message, kMaxSettingsMessageBytes);
    if (!call) {
        answer(dump(settings_error("a settings call is a JSON object with an 'op', at most 16 KiB")), pending);
        return TRUE;
    }
    json& request = *call;
    const std::string op = request["op"];
    if (op == "account") {
        answer(dump(account_answer()), pending);
    } else if (op == "status") {
        answer(dump(status_answer()), pending);
    } else if (op == "backup") {
        const json result = request_backup();
        if (!result.contains("error")) std::fprintf(stderr, "%ssettings: backup requested\n", self.prefix_.c_str());
        answer(dump(result), pending);
    } else if (op == "remove") {
        try {
            const bool removed = sync::remove_account(sync::default_account_path());
            std::fprintf(stderr, "%ssettings: account %s\n", self.prefix_.c_str(),
                         removed ? "removed" : "to remove: none");
            answer(dump({{"removed", removed}}), pending);
        } catch (const std::exception& e) {
            answer(dump(settings_error(e.what())), pending);
        }
    } else if (op == "add" || op == "test") {
        if (self.checking_) {
            answer(dump(settings_error("a check is under way: wait for its answer")), pending);
            return TRUE;
        }
        std::optional<sync::Account> account;
        if (op == "add") {
            request.erase("op");
            AccountForm form = parse_account_form(request);
            if (!form.ok()) {
                answer(dump({{"ok", false}, {"problem", "bad-input"}, {"message", form.error}}), pending);
                return TRUE;
            }
            account = std::move(form.account);
        } else {
            try {
                account = sync::load_account(sync::default_account_path());
            } catch (const std::exception& e) {
                answer(dump(settings_error(e.what())), pending);
                return TRUE;
            }
            if (!account) {
                answer(dump(settings_error("no account to test: add one first")), pending);
                return TRUE;
            }
        }
        self.check_in_thread(std::move(*account), op == "add", pending);
    } else {
        answer(dump(settings_error("no settings call '" + op.substr(0, 40) + "'")), pending);
    }
    return TRUE;
}

void SettingsBridge::check_in_thread(sync::Account account, bool save, ScriptCall pending) {
    struct Check {
        SettingsBridge* bridge;
        std::shared_ptr<std::atomic<bool>> alive;
        sync::Account account;
        bool save;
        ScriptCall pending;
        json result;
    };
    checking_ = true;
    auto* check = new Check{this, alive_, std::move(account), save, pending, {}};
    std::thread([check] {
        // Blocking libsoup calls in a session of this thread's own.
        dav::ClientOptions options;
        options.io_timeout = kCheckTimeout;
        const auto files =
            sync::check_server(check->account.url, check->account.credentials(), sync::ServerRole::files, options);
        std::optional<sync::CheckResult> contacts;
        if (files.ok() && !check->account.contacts_url.empty())
            contacts = sync::check_server(check->account.contacts_url, check->account.credentials(),
                                          sync::ServerRole::contacts, options);
        check->result = check_view(files, contacts);
        g_idle_add_full(
            G_PRIORITY_DEFAULT,
            [](gpointer data) -> gboolean {
                std::unique_ptr<Check> check(static_cast<Check*>(data));
                if (!check->alive->load()) {
                    drop_call(check->pending);  // the bridge is gone: the page is not answered
                    return G_SOURCE_REMOVE;
                }
                SettingsBridge& self = *check->bridge;
                self.checking_ = false;
                json& result = check->result;
                if (check->save && result["ok"] == true) {
                    try {
                        const auto path = sync::default_account_path();
                        const bool replaced = std::filesystem::exists(path);
                        sync::save_account(path, check->account);
                        result["saved"] = true;
                        result["replaced"] = replaced;
                        std::fprintf(stderr, "%ssettings: account %s for %s\n", self.prefix_.c_str(),
                                     replaced ? "replaced" : "added", page_text(check->account.url).c_str());
                    } catch (const std::exception& e) {
                        result = {{"ok", false}, {"problem", "not-saved"}, {"message", page_text(e.what(), 1024)}};
                    }
                } else {
                    std::fprintf(stderr, "%ssettings: %s %s: %s\n", self.prefix_.c_str(),
                                 check->save ? "account not added," : "account test",
                                 page_text(check->account.url).c_str(),
                                 result["ok"] == true ? "fine" : result.value("problem", std::string("?")).c_str());
                    if (check->save) result["saved"] = false;
                }
                answer(dump(result), check->pending);
                return G_SOURCE_REMOVE;
            },
            check, nullptr);
    }).detach();
}

}  // namespace cirrus::webapp
