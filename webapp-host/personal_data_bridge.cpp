#include "personal_data_bridge.hpp"

#include <nlohmann/json.hpp>

namespace cirrus::webapp {

namespace {

using nlohmann::json;

constexpr const char* kPersonalDataHandler = "cirrusPersonalData";

// In the page's own world, top frame only. window.cirrus may already hold
// another bridge's calls (it is kept, and these added to it when it can
// take them); otherwise it is made, configurable so that a later bridge can
// add its own.
constexpr const char* kPersonalDataScript = R"JS((() => {
  const handler = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.cirrusPersonalData;
  if (!handler) return;
  const call = (message) => handler.postMessage(JSON.stringify(message)).then((text) => {
    const answer = JSON.parse(text);
    if (answer && typeof answer === 'object' && !Array.isArray(answer) && answer.error) {
      const error = new Error(answer.error);
      error.name = answer.denied ? 'NotAllowedError' : 'Error';
      throw error;
    }
    return answer;
  });
  const api = {
    contacts: Object.freeze({
      list: () => call({ op: 'contacts.list' }),
      get: (id) => call({ op: 'contacts.get', id: id }),
      save: (contact) => call({ op: 'contacts.save', contact: contact }),
      remove: (id) => call({ op: 'contacts.remove', id: id }),
    }),
    notes: Object.freeze({
      list: () => call({ op: 'notes.list' }),
      read: (name) => call({ op: 'notes.read', name: String(name) }),
      write: (name, text) => call({ op: 'notes.write', name: String(name), text: String(text) }),
      remove: (name) => call({ op: 'notes.remove', name: String(name) }),
    }),
  };
  const existing = window.cirrus;
  if (existing && typeof existing === 'object' && Object.isExtensible(existing)) {
    Object.defineProperty(existing, 'contacts', { value: api.contacts });
    Object.defineProperty(existing, 'notes', { value: api.notes });
  } else if (!existing) {
    Object.defineProperty(window, 'cirrus', { value: api, configurable: true });
  }
})();)JS";

}  // namespace

PersonalDataBridge::PersonalDataBridge(WebKitWebView* view, std::filesystem::path data_folder, Gate gate,
                                       std::function<void()> changed)
    : data_(std::move(data_folder)),
      gate_(std::move(gate)),
      changed_(std::move(changed)),
      handler_(view, kPersonalDataHandler, kPersonalDataScript, handle_message, this) {}

PersonalDataBridge::~PersonalDataBridge() {
    *alive_ = false;
    // Calls still waiting for the user are answered now, not left hanging.
    auto waiting = std::move(waiting_);
    for (auto& [name, calls] : waiting)
        for (auto& call : calls) call("the app is closing");
}

gboolean PersonalDataBridge::handle_message(WebKitUserContentManager*, JSCValue* message,
                                            WebKitScriptMessageReply* reply, gpointer data) {
    auto& self = *static_cast<PersonalDataBridge*>(data);
    const ScriptCall pending = hold_call(message, reply);
    std::string text = message_text(message);
    // The op alone decides the permission; PersonalData checks the rest
    // (sizes first, so a huge call is refused before it is parsed).
    std::string op;
    if (text.size() <= kMaxPersonalMessageBytes) {
        const json request = json::parse(text, nullptr, false);
        if (request.is_object() && request.value("op", json()).is_string()) op = request["op"];
    }
    const std::string permission = permission_for_call(op);
    if (permission.empty()) {
        answer_call(self.data_.call(text), pending);
        return TRUE;
    }
    auto run = [&self, pending, text = std::move(text), op, permission](const std::string& refusal) {
        if (!refusal.empty()) {
            answer_call(json{{"error", "the user has not allowed this app to use " + permission + " (" + refusal + ")"},
                             {"denied", true}}
                            .dump(-1, ' ', false, json::error_handler_t::replace),
                        pending);
            return;
        }
        const std::string answer = self.data_.call(text);
        answer_call(answer, pending);
        if (self.changed_ && changes_personal_data(op) && !json::parse(answer, nullptr, false).contains("error"))
            self.changed_();
    };
    auto& calls = self.waiting_[permission];
    calls.push_back(std::move(run));
    if (calls.size() > 1) return TRUE;  // the question is already out
    self.gate_(permission, [&self, alive = self.alive_, permission](const std::string& refusal) {
        if (!*alive) return;
        auto calls = std::move(self.waiting_[permission]);
        self.waiting_.erase(permission);
        for (auto& call : calls) call(refusal);
    });
    return TRUE;
}

}  // namespace cirrus::webapp
