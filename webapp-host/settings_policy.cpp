// See settings_policy.hpp.
#include "settings_policy.hpp"

#include <algorithm>

#include "common/strings.hpp"

namespace cirrus::webapp {

namespace {

using nlohmann::json;

bool has_control(std::string_view text) {
    return std::any_of(text.begin(), text.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// A field of the form: a string, within its bound, one line. "" when fine.
std::string field_problem(const json& request, const char* name, std::size_t max, bool required, std::string& out) {
    const auto it = request.find(name);
    if (it == request.end() || it->is_null()) {
        if (required) return std::string("'") + name + "' is missing";
        return "";
    }
    if (!it->is_string()) return std::string("'") + name + "' is not text";
    const std::string& value = it->get_ref<const std::string&>();
    if (value.size() > max) return std::string("'") + name + "' is longer than " + std::to_string(max) + " bytes";
    if (has_control(value)) return std::string("'") + name + "' holds a line break or another control character";
    out = value;
    if (required && out.empty()) return std::string("'") + name + "' is empty";
    return "";
}

std::string with_slash(std::string url) {
    if (!url.empty() && url.back() != '/') url += '/';
    return url;
}

// url_problem's words name the CLI's options; the page has fields.
std::string page_url_problem(const std::string& url, const char* field) {
    std::string why = sync::url_problem(url);
    if (why.empty()) return why;
    if (why.starts_with("the URL holds a user or password"))
        why = "the address holds a user or password: give them in the User and Password fields instead";
    return std::string(field) + ": " + page_text(why);
}

std::int64_t bounded_count(const json& status, const char* name) {
    const auto it = status.find(name);
    if (it == status.end() || !it->is_number_integer()) return 0;
    return std::clamp<std::int64_t>(it->get<std::int64_t>(), 0, 1'000'000'000);
}

std::string status_string(const json& status, const char* name) {
    const auto it = status.find(name);
    return it != status.end() && it->is_string() ? page_text(it->get_ref<const std::string&>()) : "";
}

}  // namespace

std::string page_text(std::string_view text, std::size_t max) {
    // Made valid UTF-8 first (nlohmann's dump replaces what is not), then
    // controls dropped and the text cut before a character's lead byte.
    const std::string valid = json(std::string(text)).dump(-1, ' ', false, json::error_handler_t::replace);
    const std::string decoded = json::parse(valid).get<std::string>();
    std::string out;
    for (unsigned char c : decoded) {
        if (c < 0x20 || c == 0x7f) {
            if (!out.empty() && out.back() != ' ') out += ' ';
            continue;
        }
        out += static_cast<char>(c);
    }
    if (out.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
    }
    return out;
}

json account_view(const std::optional<sync::Account>& account) {
    if (!account) return nullptr;
    return {{"url", page_text(account->url, kMaxSettingsUrlBytes)},
            {"contacts_url", page_text(account->contacts_url, kMaxSettingsUrlBytes)},
            {"user", page_text(account->user, kMaxSettingsUserBytes)},
            {"secret_kind", account->secret_kind == sync::SecretKind::token ? "token" : "password"}};
}

AccountForm parse_account_form(const json& request) {
    AccountForm form;
    if (!request.is_object()) {
        form.error = "the account is a JSON object";
        return form;
    }
    sync::Account& a = form.account;
    std::string kind = "password";
    for (std::string why : {field_problem(request, "url", kMaxSettingsUrlBytes, true, a.url),
                            field_problem(request, "contacts_url", kMaxSettingsUrlBytes, false, a.contacts_url),
                            field_problem(request, "user", kMaxSettingsUserBytes, false, a.user),
                            field_problem(request, "secret", kMaxSettingsSecretBytes, true, a.secret),
                            field_problem(request, "secret_kind", 16, false, kind)}) {
        if (!why.empty()) {
            form.error = page_text(why);
            return form;
        }
    }
    a.url = with_slash(std::string(trim(a.url, kAsciiWhitespace)));
    a.contacts_url = with_slash(std::string(trim(a.contacts_url, kAsciiWhitespace)));
    a.user = std::string(trim(a.user, kAsciiWhitespace));
    if (kind != "password" && kind != "token") {
        form.error = "'secret_kind' is password or token";
        return form;
    }
    a.secret_kind = kind == "token" ? sync::SecretKind::token : sync::SecretKind::password;
    if (a.secret_kind == sync::SecretKind::password && a.user.empty()) {
        form.error = "a password needs a user name (an app token alone may go without one)";
        return form;
    }
    if (std::string why = page_url_problem(a.url, "server"); !why.empty()) {
        form.error = why;
        return form;
    }
    if (!a.contacts_url.empty()) form.error = page_url_problem(a.contacts_url, "contacts");
    return form;
}

std::string ago_in_words(std::int64_t seconds) {
    if (seconds < 60) return "just now";
    const auto plural = [](std::int64_t n, const char* unit) {
        return std::to_string(n) + " " + unit + (n == 1 ? "" : "s") + " ago";
    };
    if (seconds < 3600) return plural(seconds / 60, "minute");
    if (seconds < 86400) return plural(seconds / 3600, "hour");
    if (seconds < 2 * 86400) return "yesterday";
    return plural(seconds / 86400, "day");
}

json status_view(std::string_view status_text, std::int64_t now_epoch) {
    if (status_text.empty() || status_text.size() > kMaxSettingsStatusBytes) return nullptr;
    const json status = json::parse(status_text, nullptr, false);
    if (!status.is_object()) return nullptr;
    json view;
    const auto active = status.find("active");
    view["active"] = active != status.end() && active->is_boolean() && active->get<bool>();
    for (const char* name : {"activity", "hold", "link", "last_error", "message"})
        view[name] = status_string(status, name);
    for (const char* name : {"photos_pending", "photos_uploaded", "contacts", "notes", "conflicts"})
        view[name] = bounded_count(status, name);
    const auto retry = status.find("retry_in_s");
    view["retry_in_s"] = retry != status.end() && retry->is_number_integer()
                             ? json(std::clamp<std::int64_t>(retry->get<std::int64_t>(), 0, 7 * 86400))
                             : json();
    const auto last = status.find("last_success");
    if (last != status.end() && last->is_number_integer() && last->get<std::int64_t>() > 0) {
        const std::int64_t when = last->get<std::int64_t>();
        view["last_success"] = when;
        view["last_success_words"] = "synced " + ago_in_words(now_epoch - when);
    } else {
        view["last_success"] = nullptr;
        view["last_success_words"] = "never synced";
    }
    // The line: what it does now, else why it waits (the service's own
    // message: the hold, an error to fix, a conflict), else all is done.
    const std::string activity = view["activity"];
    const std::string message = view["message"];
    const std::string hold = view["hold"];
    if (view["active"] == true && !activity.empty()) view["line"] = activity;
    else if (!message.empty()) view["line"] = message;
    else if (hold == "needs-user" || hold == "backing-off")
        view["line"] = view["last_error"].get<std::string>().empty() ? "waiting after an error" : view["last_error"];
    else if (hold == "offline") view["line"] = "offline: waiting for a link";
    else view["line"] = "up to date";
    return view;
}

json check_view(const sync::CheckResult& files, const std::optional<sync::CheckResult>& contacts) {
    for (const auto& [role, result] :
         {std::pair<const char*, const sync::CheckResult*>{"files", &files},
          std::pair<const char*, const sync::CheckResult*>{"contacts", contacts ? &*contacts : nullptr}}) {
        if (!result || result->ok()) continue;
        return {{"ok", false},
                {"role", role},
                {"problem", std::string(sync::to_string(result->problem))},
                {"message", page_text(result->message, 1024)}};
    }
    return {{"ok", true}};
}

}  // namespace cirrus::webapp
