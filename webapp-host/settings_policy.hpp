// What the Settings app's page may see and ask (issue 19 items 1 and 2), as
// plain C++ so that it is unit-tested without WebKit: the glue is
// settings_bridge.hpp. The page is hostile input like any other: what it
// sends is bounded, parsed and refused with a message the page shows; what
// it gets is the account without its secret and the sync service's status
// file reduced to known fields, every string bounded and cleaned (the file
// is anything a process of the user could write).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/account.hpp"

namespace cirrus::webapp {

// Bounds on what the page sends: an address of 2 KiB is already a long one;
// a secret of 4 KiB is `cirrus account add`'s bound too.
inline constexpr std::size_t kMaxSettingsUrlBytes = 2048;
inline constexpr std::size_t kMaxSettingsUserBytes = 256;
inline constexpr std::size_t kMaxSettingsSecretBytes = 4096;
// The status file is a few hundred bytes; larger is not the service's.
inline constexpr std::size_t kMaxSettingsStatusBytes = 16 * 1024;
// A string of the status as the page gets it, at most (cut on a character).
inline constexpr std::size_t kMaxStatusTextBytes = 400;

// {"url", "contacts_url", "user", "secret_kind": "password"|"token"}: never
// the secret. null without an account.
nlohmann::json account_view(const std::optional<sync::Account>& account);

// The account the page's "add" call describes: {"url", "contacts_url"
// (optional), "user", "secret", "secret_kind": "password"|"token"}. The
// URLs get their trailing '/', as `cirrus account add` gives them.
struct AccountForm {
    sync::Account account;
    std::string error;  // what is wrong and how to fix it; "" when fine
    bool ok() const { return error.empty(); }
};
AccountForm parse_account_form(const nlohmann::json& request);

// "just now", "5 minutes ago", "3 hours ago", "yesterday", "4 days ago";
// a time ahead of `now` (a clock set back) is "just now".
std::string ago_in_words(std::int64_t seconds_ago);

// The status file's text as the page gets it, or null when there is none
// or it is not a status (the page then says the service is not running):
//   {"line": what the service does or why it waits, "active", "hold",
//    "link", "last_success" (epoch seconds or null), "last_success_words"
//    ("synced 5 minutes ago" / "never synced"), "last_error", "message",
//    "retry_in_s", "photos_pending", "photos_uploaded", "contacts", "notes",
//    "conflicts"}
nlohmann::json status_view(std::string_view status_text, std::int64_t now_epoch);

// Text for the page: valid UTF-8 (bad bytes replaced), no control
// characters, at most `max` bytes, cut on a character boundary.
std::string page_text(std::string_view text, std::size_t max = kMaxStatusTextBytes);

// What the "check" and "add" calls answer: {"ok": true} or {"ok": false,
// "problem": "unauthorized"…, "message"}, each server's result in turn.
nlohmann::json check_view(const sync::CheckResult& files, const std::optional<sync::CheckResult>& contacts);

}  // namespace cirrus::webapp
