// What the Settings app's page may see and send (webapp-host/settings_policy):
// never the secret; the status file reduced to bounded, clean fields; the
// page's account form refused with a message the page can show.
#include <doctest/doctest.h>

#include <string>

#include "settings_policy.hpp"

using cirrus::sync::Account;
using cirrus::sync::SecretKind;
using cirrus::webapp::account_view;
using cirrus::webapp::ago_in_words;
using cirrus::webapp::page_text;
using cirrus::webapp::parse_account_form;
using cirrus::webapp::status_view;
using nlohmann::json;

namespace {

json settings_form(json fields) {
    json form = {{"url", "https://cloud.example/remote.php/dav/files/alice"},
                 {"user", "alice"},
                 {"secret", "hunter2-secret"},
                 {"secret_kind", "password"}};
    for (const auto& [key, value] : fields.items()) form[key] = value;
    return form;
}

}  // namespace

TEST_CASE("the page sees the account's addresses and user, never its secret") {
    Account account;
    account.url = "https://cloud.example/dav/";
    account.contacts_url = "https://cloud.example/card/";
    account.user = "alice";
    account.secret = "hunter2-secret";
    const json view = account_view(account);
    CHECK(view["url"] == "https://cloud.example/dav/");
    CHECK(view["contacts_url"] == "https://cloud.example/card/");
    CHECK(view["user"] == "alice");
    CHECK(view["secret_kind"] == "password");
    CHECK(view.dump().find("hunter2") == std::string::npos);
    CHECK(view.size() == 4);
    account.secret_kind = SecretKind::token;
    CHECK(account_view(account)["secret_kind"] == "token");
    CHECK(account_view(std::nullopt).is_null());
}

TEST_CASE("the page's account form: the URL rules of common/account, bounds, no control characters") {
    const auto good = parse_account_form(settings_form({}));
    REQUIRE(good.ok());
    CHECK(good.account.url == "https://cloud.example/remote.php/dav/files/alice/");  // the '/' added
    CHECK(good.account.user == "alice");
    CHECK(good.account.secret == "hunter2-secret");
    CHECK(good.account.secret_kind == SecretKind::password);
    CHECK(good.account.contacts_url.empty());

    const auto token = parse_account_form(settings_form({{"user", ""}, {"secret_kind", "token"}}));
    CHECK(token.ok());
    CHECK(token.account.secret_kind == SecretKind::token);
    const auto contacts = parse_account_form(settings_form({{"contacts_url", " https://card.example/home "}}));
    REQUIRE(contacts.ok());
    CHECK(contacts.account.contacts_url == "https://card.example/home/");

    const auto refused = [](json fields, const std::string& part) {
        const auto form = parse_account_form(settings_form(std::move(fields)));
        CHECK_MESSAGE(form.error.find(part) != std::string::npos, form.error);
        CHECK_FALSE(form.ok());
    };
    refused({{"url", "ftp://cloud.example/"}}, "not an http:// or https:// URL");
    refused({{"url", "https://alice:pw@cloud.example/"}}, "User and Password fields");
    refused({{"url", ""}}, "'url' is empty");
    refused({{"url", 42}}, "'url' is not text");
    refused({{"url", "https://cloud.example/" + std::string(2100, 'a')}}, "longer than 2048");
    refused({{"contacts_url", "javascript:alert(1)"}}, "contacts:");
    refused({{"user", "alice\nbob"}}, "control character");
    refused({{"secret", std::string("pass\0word", 9)}}, "control character");
    refused({{"secret", std::string(5000, 's')}}, "longer than 4096");
    refused({{"secret", ""}}, "'secret' is empty");
    refused({{"user", ""}}, "a password needs a user name");
    refused({{"secret_kind", "cookie"}}, "password or token");
    CHECK_FALSE(parse_account_form(json::array()).ok());
    const auto no_secret = parse_account_form(json{{"url", "https://cloud.example/"}, {"user", "a"}});
    CHECK(no_secret.error == "'secret' is missing");
}

TEST_CASE("when the service last succeeded, in words") {
    CHECK(ago_in_words(-30) == "just now");
    CHECK(ago_in_words(59) == "just now");
    CHECK(ago_in_words(60) == "1 minute ago");
    CHECK(ago_in_words(5 * 60 + 10) == "5 minutes ago");
    CHECK(ago_in_words(3600) == "1 hour ago");
    CHECK(ago_in_words(23 * 3600) == "23 hours ago");
    CHECK(ago_in_words(30 * 3600) == "yesterday");
    CHECK(ago_in_words(4 * 86400) == "4 days ago");
}

TEST_CASE("the status file as the page sees it: the line, when it last succeeded, the counts") {
    const std::int64_t now = 1'800'000'000;
    const json uploading = status_view(
        R"J({"active":true,"activity":"uploading 3 photos","hold":"none","held_kind":null,"link":"good",)J"
        R"J("last_success":1799999700,"last_error":"","retry_in_s":null,"message":"","photos_uploaded":17,)J"
        R"J("photos_pending":3,"contacts":40,"notes":2,"conflicts":0})J",
        now);
    CHECK(uploading["line"] == "uploading 3 photos");
    CHECK(uploading["last_success_words"] == "synced 5 minutes ago");
    CHECK(uploading["last_success"] == 1799999700);
    CHECK(uploading["photos_pending"] == 3);
    CHECK(uploading["photos_uploaded"] == 17);
    CHECK(uploading["contacts"] == 40);
    CHECK(uploading["link"] == "good");
    CHECK(uploading["retry_in_s"].is_null());

    // Idle with a message (a hold, a conflict): the message is the line.
    const json waiting = status_view(R"J({"active":false,"hold":"link-too-weak","link":"3g","last_success":null,)J"
                                     R"J("message":"photos wait for a good link (Wi-Fi or LTE)"})J",
                                     now);
    CHECK(waiting["line"] == "photos wait for a good link (Wi-Fi or LTE)");
    CHECK(waiting["last_success_words"] == "never synced");
    CHECK(waiting["photos_pending"] == 0);
    const json refused = status_view(
        R"J({"active":false,"hold":"needs-user","last_error":"the server refused user 'alice' (401)","message":""})J",
        now);
    CHECK(refused["line"] == "the server refused user 'alice' (401)");
    CHECK(status_view(R"J({"active":false,"hold":"none","message":""})J", now)["line"] == "up to date");
}

TEST_CASE("a hostile status file: not a status, too big, wrong types, control characters, long strings") {
    const std::int64_t now = 1'800'000'000;
    CHECK(status_view("", now).is_null());
    CHECK(status_view("not json", now).is_null());
    CHECK(status_view("[1,2]", now).is_null());
    CHECK(status_view(std::string(20 * 1024, ' ') + "{}", now).is_null());
    const json odd =
        status_view(R"J({"active":"yes","activity":["x"],"last_success":"yesterday","photos_pending":-5,)J"
                    R"J("photos_uploaded":1e300,"retry_in_s":99999999999,"message":"<b>evil</b>\u0007\nnext line"})J",
                    now);
    CHECK(odd["active"] == false);
    CHECK(odd["activity"] == "");
    CHECK(odd["last_success"].is_null());
    CHECK(odd["photos_pending"] == 0);
    CHECK(odd["photos_uploaded"] == 0);
    CHECK(odd["retry_in_s"] == 7 * 86400);
    // Text is shown as text by the page; here only controls go.
    CHECK(odd["message"] == "<b>evil</b> next line");
    const json long_one = status_view("{\"message\":\"" + std::string(2000, 'm') + "\"}", now);
    CHECK(long_one["message"].get<std::string>().size() == cirrus::webapp::kMaxStatusTextBytes);
}

TEST_CASE("text for the page: valid UTF-8, cut on a character, no controls") {
    CHECK(page_text("caf\xc3\xa9", 4) == "caf");  // not half of é
    CHECK(page_text("caf\xc3\xa9", 5) == "caf\xc3\xa9");
    CHECK(page_text("bad \xff byte") == "bad \xef\xbf\xbd byte");  // U+FFFD
    CHECK(page_text("tab\there") == "tab here");
}
