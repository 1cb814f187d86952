// The Settings app (issue 19 items 1 and 2) in the real host under the real
// compositor: the bundled page reads the account file and the sync
// service's status file through the runtime's settings calls and never sees
// the secret; Back up now leaves the request the sync service looks for; an
// account added against a real Apache mod_dav on loopback is checked at once
// (a wrong password, a server that is not WebDAV, one that is not there:
// each a clear error and nothing stored; the right one: stored 0600); and an
// app the compositor did not name as Settings has no such calls at all.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <glib.h>
#include <sys/stat.h>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "../servers/dav_servers.hpp"
#include "common/account.hpp"
#include "common/file_text.hpp"
#include "common/registry.hpp"
#include "host_session.hpp"
#include "install.hpp"
#include "test_support.hpp"

using namespace cirrus_it;

namespace {

constexpr double kSettingsTimeout = 40;
// Only in the account file: no answer, page or log may ever hold it.
constexpr const char* kFileSecret = "file-secret-Qx81";
constexpr const char* kRightPassword = "pw-Right-7731";

// A page that calls window.cirrus.settings as its query says and logs each
// answer whole ("probe STEP: JSON"): everything a page can see of them.
constexpr const char* kProbeJs = R"JS('use strict';
const query = new URLSearchParams(location.search);
const step = query.get('step') || 'read';
const log = (what) => console.log('probe ' + step + ': ' + JSON.stringify(what));
const api = window.cirrus && window.cirrus.settings;
(async () => {
  if (!api) {
    log({ settings: typeof (window.cirrus && window.cirrus.settings),
          handler: typeof (window.webkit && window.webkit.messageHandlers.cirrusSettings) });
    return;
  }
  try {
    if (step === 'read') log({ account: await api.account(), status: await api.status() });
    else if (step === 'backup') log(await api.backup());
    else if (step === 'add') log(await api.add(JSON.parse(query.get('form'))));
    else if (step === 'test') log(await api.test());
    else if (step === 'remove') log({ removed: await api.remove(), account: await api.account() });
    else if (step === 'hostile') {
      const answers = [];
      for (const message of ['', 'x', '[]', '{"op":1}', '{"op":"nope"}', 'y'.repeat(20000)]) {
        try { answers.push(await window.webkit.messageHandlers.cirrusSettings.postMessage(message)); }
        catch (e) { answers.push('threw ' + e.message); }
      }
      log(answers);
    }
  } catch (e) {
    log({ threw: String(e.message || e) });
  }
})();
)JS";

struct SettingsPhone {
    webapp_test::TempDir tmp;
    std::filesystem::path db = tmp.path() / "registry.db";
    std::unique_ptr<Compositor> c;

    // `settings_app`: the [apps] settings the config names ("" the default).
    explicit SettingsPhone(const std::string& settings_app = "") {
        cirrus::launcher::Registry registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        installer.install_bundled(CIRRUS_SOURCE_MANIFESTS);
        for (const char* id : {"probe", "other"}) {
            const auto dir = tmp.path() / "packages" / id;
            webapp_test::write_file(dir / "index.html",
                                    "<!doctype html><html><head><meta charset=utf-8><title>Probe</title>"
                                    "<script src=probe.js></script></head><body>probe</body></html>");
            webapp_test::write_file(dir / "probe.js", kProbeJs);
            registry.install(webapp_test::packaged_app(id, dir), {});
        }
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);
        Compositor::Options o;
        o.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
        if (!settings_app.empty()) {
            const auto config = tmp.path() / "cirrus.conf";
            webapp_test::write_file(config, "[apps]\nsettings = " + settings_app + "\n");
            o.extra_args.insert(o.extra_args.end(), {"--config", config.string()});
        }
        setenv("CIRRUS_WEBAPP_CONSOLE", "1", 1);  // the pages' console in the compositor's log
        c = std::make_unique<Compositor>(o);
        unsetenv("CIRRUS_WEBAPP_CONSOLE");
        unsetenv("CIRRUS_REGISTRY");
    }

    // Where the compositor's children look ($XDG_CONFIG_HOME, $XDG_DATA_HOME
    // and $XDG_RUNTIME_DIR are the harness's private folders).
    std::filesystem::path account_file() const {
        return std::filesystem::path(c->runtime_dir()) / "config" / "cirrus" / "account.json";
    }
    std::filesystem::path status_file() const { return std::filesystem::path(c->runtime_dir()) / "cirrus-sync.json"; }
    std::filesystem::path backup_request() const {
        return std::filesystem::path(c->runtime_dir()) / "data" / "cirrus" / "sync" / "backup.request";
    }

    std::string log() const { return c->log_tail(1 << 22); }

    // The line `prefix` the page logged after `from` (a log offset), whole.
    std::string wait_line(const std::string& prefix, std::size_t from = 0) {
        std::string line;
        const bool found = wait_until(
            [&] {
                const std::string text = log();
                const auto at = text.find(prefix, std::min(from, text.size()));
                if (at == std::string::npos) return false;
                line = text.substr(at, text.find('\n', at) - at);
                return true;
            },
            kSettingsTimeout);
        REQUIRE_MESSAGE(found, "no '" << prefix << "' in\n" << c->log_tail(6000));
        return line;
    }

    // The probe's answer to one step, as JSON.
    json probe(const std::string& app, const std::string& step, const std::string& extra = "") {
        const std::size_t from = log().size();
        const json launched =
            c->request({{"cmd", "launch"}, {"app", app}, {"url", "app://" + app + "/index.html?step=" + step + extra}});
        REQUIRE_MESSAGE(launched["ok"] == true, launched.dump());
        const std::string line = wait_line("probe " + step + ": ", from);
        return json::parse(line.substr(line.find(": ") + 2, line.rfind(" (at ") - line.find(": ") - 2));
    }

    void write_account(const std::string& url) {
        cirrus::sync::Account account;
        account.url = url;
        account.user = "alice";
        account.secret = kFileSecret;
        cirrus::sync::save_account(account_file(), account);
    }
};

std::string query_json(const json& value) {
    gchar* escaped = g_uri_escape_string(value.dump().c_str(), nullptr, FALSE);
    std::string text = escaped;
    g_free(escaped);
    return text;
}

int file_mode(const std::filesystem::path& path) {
    struct stat info {};
    REQUIRE(stat(path.c_str(), &info) == 0);
    return static_cast<int>(info.st_mode & 0777);
}

}  // namespace

TEST_CASE("the bundled Settings page shows the account without its secret and the sync line; Back up now asks") {
    SettingsPhone phone;
    phone.write_account("https://cloud.example/dav/alice/");
    const auto now =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    webapp_test::write_file(phone.status_file(), json{{"active", false},
                                                      {"activity", ""},
                                                      {"hold", "link-too-weak"},
                                                      {"link", "3g"},
                                                      {"last_success", now - 7 * 60},
                                                      {"last_error", ""},
                                                      {"retry_in_s", nullptr},
                                                      {"message", "photos wait for a good link (Wi-Fi or LTE)"},
                                                      {"photos_pending", 2},
                                                      {"photos_uploaded", 17}}
                                                     .dump());

    REQUIRE(phone.c->request({{"cmd", "launch"}, {"app", "settings"}})["ok"] == true);
    phone.wait_line("settings: account https://cloud.example/dav/alice/ user alice");
    const std::string sync = phone.wait_line("settings: sync: ");
    CHECK(sync.find("photos wait for a good link (Wi-Fi or LTE) | synced 7 minutes ago | "
                    "photos: 2 waiting, 17 uploaded") != std::string::npos);

    // Back up now: its own colour, found on screen and tapped.
    const json w = webapp_test::window_with_title(*phone.c, "settings", "Settings", 10);
    const int x = w["x"].get<int>() + w["width"].get<int>() - 40;
    const auto button_top = [&]() -> std::optional<int> {
        const std::string path = phone.c->new_path("settings") + ".png";
        if (phone.c->request({{"cmd", "screenshot"}, {"path", path}})["ok"] != true) return std::nullopt;
        const Image shot = read_png(path);
        for (int y = w["y"].get<int>() + 40; y < w["y"].get<int>() + w["height"].get<int>(); ++y) {
            if (same_rgb(shot.at(x, y), 0x00838f, 6)) return y;
        }
        return std::nullopt;
    };
    // The page has drawn what it logged: the button stays where it is.
    std::optional<int> button_y;
    REQUIRE_MESSAGE(wait_until(
                        [&] {
                            const auto first = button_top();
                            sleep_ms(700);
                            if (!first || button_top() != first) return false;
                            button_y = *first + 12;
                            return true;
                        },
                        kSettingsTimeout),
                    phone.c->log_tail(4000));
    CHECK_FALSE(std::filesystem::exists(phone.backup_request()));
    MESSAGE("Back up now at " << x << "," << *button_y << " in " << w.dump());
    REQUIRE(phone.c->request({{"cmd", "tap"}, {"x", x}, {"y", *button_y}})["ok"] == true);
    phone.wait_line("settings: backup requested");
    CHECK(wait_until([&] { return std::filesystem::exists(phone.backup_request()); }, 5));
    // The page says so until the sync service takes it.
    phone.wait_line("| backup requested");

    // The secret was in no answer, no page line and no log line.
    CHECK(phone.log().find(kFileSecret) == std::string::npos);
    // And it is still only in the file, 0600.
    CHECK(file_mode(phone.account_file()) == 0600);

    // An app the compositor did not name as Settings has no settings calls
    // (its window.cirrus, if any, is the contacts and notes API's).
    const json other = phone.probe("other", "read");
    CHECK(other["settings"] == "undefined");
    CHECK(other["handler"] == "undefined");
}

TEST_CASE("Settings adds an account against a real WebDAV server: each error clear, nothing stored, then 0600") {
    cirrus::test::DavServer::Options dav_options;
    dav_options.password = kRightPassword;
    cirrus::test::DavServer webdav(cirrus::test::DavServer::Kind::webdav, dav_options);
    cirrus::test::HttpTestServer plain(
        {{"/site/", webapp_test::respond("text/html", "<!doctype html><title>a web site</title>")}});
    // The probe is the Settings app here ([apps] settings = probe): the
    // bundled page is not, and gets nothing.
    SettingsPhone phone("probe");
    phone.write_account("https://old.example/dav/");
    const std::string before = cirrus::read_file_text(phone.account_file(), 1 << 16).value_or("");
    REQUIRE_FALSE(before.empty());

    // What the page sees of the stored account: no secret.
    const json read = phone.probe("probe", "read");
    CHECK(read["account"]["account"]["url"] == "https://old.example/dav/");
    CHECK(read["account"]["account"]["user"] == "alice");
    CHECK(read["account"]["account"]["secret_kind"] == "password");
    CHECK(read["account"]["account"].size() == 4);
    CHECK(read["status"]["status"].is_null());  // no sync service: no status file
    CHECK(read.dump().find(kFileSecret) == std::string::npos);

    const auto add = [&](const std::string& url, const std::string& password) {
        return phone.probe("probe", "add",
                           "&form=" + query_json({{"url", url}, {"user", "alice"}, {"secret", password}}));
    };
    // A wrong password: the server refused the user; the old account stays.
    const json wrong = add(webdav.url("/"), "pw-Wrong-1");
    CHECK(wrong["ok"] == false);
    CHECK(wrong["saved"] == false);
    CHECK(wrong["problem"] == "unauthorized");
    CHECK_MESSAGE(wrong["message"].get<std::string>().find("refused user 'alice'") != std::string::npos, wrong);
    CHECK(cirrus::read_file_text(phone.account_file(), 1 << 16).value_or("") == before);
    // A web site that is not WebDAV; a port nothing listens on.
    const json not_dav = add(plain.url("/site/"), kRightPassword);
    CHECK_MESSAGE(not_dav["problem"] == "not-dav", not_dav);
    const json nowhere =
        add("http://127.0.0.1:" + std::to_string(cirrus::test::free_loopback_port()) + "/dav/", kRightPassword);
    CHECK_MESSAGE(nowhere["problem"] == "unreachable", nowhere);
    // Refused before any network: a URL with a password in it.
    const json userinfo = add("http://alice:pw@127.0.0.1/", kRightPassword);
    CHECK(userinfo["problem"] == "bad-input");
    CHECK(cirrus::read_file_text(phone.account_file(), 1 << 16).value_or("") == before);

    // The right password: stored, for this user only.
    const json right = add(webdav.url("/"), kRightPassword);
    CHECK_MESSAGE(right["ok"] == true, right);
    CHECK(right["saved"] == true);
    CHECK(right["replaced"] == true);
    const auto saved = cirrus::sync::load_account(phone.account_file());
    REQUIRE(saved.has_value());
    CHECK(saved->url == webdav.url("/"));
    CHECK(saved->secret == kRightPassword);
    CHECK(file_mode(phone.account_file()) == 0600);
    CHECK(file_mode(phone.account_file().parent_path()) == 0700);
    // Test: the stored account opens the server.
    CHECK(phone.probe("probe", "test")["ok"] == true);
    const json after = phone.probe("probe", "read");
    CHECK(after["account"]["account"]["url"] == webdav.url("/"));
    CHECK(after.dump().find(kRightPassword) == std::string::npos);

    // Remove: the file goes; the page then sees no account.
    const json removed = phone.probe("probe", "remove");
    CHECK(removed["removed"]["removed"] == true);
    CHECK(removed["account"]["account"].is_null());
    CHECK_FALSE(std::filesystem::exists(phone.account_file()));

    // Hostile messages: each an error answer, the host still there.
    const json hostile = phone.probe("probe", "hostile");
    REQUIRE(hostile.size() == 6);
    for (const json& answer : hostile)
        CHECK_MESSAGE(answer.get<std::string>().find("error") != std::string::npos, answer);

    // The bundled Settings page is not the Settings app here: no calls.
    REQUIRE(phone.c->request({{"cmd", "launch"}, {"app", "settings"}})["ok"] == true);
    phone.wait_line("settings: unavailable");
}
