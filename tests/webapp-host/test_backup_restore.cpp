// Backup and restore as the app sees it (issue 19 item 3): on one phone a
// hosted app's page, in the real cirrus-webapp-host under the real headless
// compositor, writes localStorage and IndexedDB; the real `cirrus backup now`
// sends them to Apache mod_dav on loopback; `cirrus backup restore` brings
// the app into an empty phone, whose real host shows the page the same data.
// The sync suite checks the files byte for byte; this checks that WebKit
// reads them back as the page's own storage (its origin, its folders).
#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>

#include "../integration/harness.hpp"
#include "../launcher/install/http_test_server.hpp"
#include "common/account.hpp"
#include "common/registry.hpp"
#include "dav_servers.hpp"
#include "host_session.hpp"
#include "test_support.hpp"

using namespace cirrus_it;
using cirrus::test::HttpTestServer;
using namespace webapp_test;

namespace {

namespace fs = std::filesystem;

constexpr const char* kRestorePassphrase = "correct horse battery staple";

// Reads what it kept; writes it only when there is nothing (the old phone's
// first run); reports both reads in its title.
const char* kKeepingPage = R"(<!doctype html>
<html style="background:#00ff00"><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest"></head>
<body style="margin:0;min-height:100vh;background:#00ff00"><script>
const local = localStorage.getItem('kept');
if (local === null) localStorage.setItem('kept', 'written on the old phone');
const open = indexedDB.open('keeping', 1);
open.onupgradeneeded = () => open.result.createObjectStore('things');
open.onerror = () => { document.title = 'keeping: idb open failed ' + open.error; };
open.onsuccess = () => {
  const tx = open.result.transaction('things', 'readwrite');
  const store = tx.objectStore('things');
  const read = store.get('kept');
  read.onsuccess = () => {
    const found = read.result === undefined ? null : read.result.text;
    if (found === null) store.put({text: 'an IndexedDB record', padding: 'x'.repeat(20000)}, 'kept');
    tx.oncomplete = () => { document.title = 'keeping: local=' + local + ' idb=' + found; };
  };
};
</script></body></html>
)";

// One phone: its data and config folders, signed in to the WebDAV server.
struct RestorePhone {
    TempDir dir;
    fs::path data_home() const { return dir.path() / "data"; }
    fs::path account() const { return dir.path() / "config/cirrus/account.json"; }
    std::map<std::string, std::string> environment() const {
        return {{"HOME", dir.path().string()},
                {"XDG_DATA_HOME", data_home().string()},
                {"XDG_CONFIG_HOME", (dir.path() / "config").string()},
                {"XDG_CACHE_HOME", (dir.path() / "cache").string()},
                {"CIRRUS_ACCOUNT_FILE", account().string()},
                {"CIRRUS_REGISTRY", ""},
                {"CIRRUS_APPS_DIR", ""},
                {"CIRRUS_OFFLINE_STORE", ""}};
    }
    // `cirrus ARGS`, with the passphrase on stdin when one is given.
    RunResult cli(const std::string& arguments, const std::string& passphrase = "") const {
        const std::string line = (passphrase.empty() ? "" : "printf '%s\\n' '" + passphrase + "' | ") + "exec '" +
                                 program("CIRRUS_CLI") + "' " + arguments;
        return run_program({"/bin/sh", "-c", line}, environment(), 120);
    }
    Compositor::Options compositor_options() const {
        Compositor::Options options;
        options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
        options.data_home = data_home().string();
        return options;
    }
};

// The page's report, from a fresh host of `app` on this phone.
std::string page_report(const RestorePhone& phone, const std::string& app) {
    Compositor c(phone.compositor_options());
    HostGuard host{c, launch(c, app)};
    const std::string title = title_of(window_with_title(c, app, "keeping:", kPageTimeout, host.pid));
    // WebKit writes localStorage in batches: let it reach the disk before
    // the host stops.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    return title;
}

}  // namespace

TEST_CASE("a restored app's page reads the localStorage and IndexedDB it wrote on the old phone") {
    HttpTestServer origin(
        {{"/keeping/", respond("text/html", kKeepingPage)},
         {"/keeping/manifest.webmanifest",
          respond("application/manifest+json", R"({"name":"Keeping","start_url":"/keeping/","display":"standalone",)"
                                               R"("background_color":"#00ff00"})")}});
    REQUIRE(origin.url("/").starts_with("http://127.0.0.1:"));  // loopback only
    cirrus::test::DavServer dav(cirrus::test::DavServer::Kind::webdav);

    RestorePhone old_phone;
    cirrus::sync::save_account(old_phone.account(),
                               {dav.url("/"), "", dav.user(), dav.password(), cirrus::sync::SecretKind::password});
    const RunResult installed = old_phone.cli("install '" + origin.url("/keeping/") + "'");
    REQUIRE_MESSAGE(installed.exited_ok(), installed.err);
    std::string app;
    for (const auto& record : cirrus::launcher::Registry::open(old_phone.data_home() / "cirrus/registry.db").list())
        if (record.name == "Keeping") app = record.id;
    REQUIRE(!app.empty());

    // The old phone: nothing kept yet; the page writes both.
    const std::string first = page_report(old_phone, app);
    MESSAGE("old phone: " << first);
    REQUIRE(first == "keeping: local=null idb=null");
    // A second run there reads them back: they are on disk, not in memory.
    REQUIRE(page_report(old_phone, app) == "keeping: local=written on the old phone idb=an IndexedDB record");

    const RunResult backup = old_phone.cli("backup now --passphrase-stdin", kRestorePassphrase);
    REQUIRE_MESSAGE(backup.exited_ok(), backup.err << backup.out);
    std::smatch match;
    REQUIRE_MESSAGE(std::regex_search(backup.out, match, std::regex(R"(snapshot (\S+):)")), backup.out);
    const std::string snapshot = match[1];

    // The new phone: empty, signed in to the same account.
    RestorePhone new_phone;
    cirrus::sync::save_account(new_phone.account(),
                               {dav.url("/"), "", dav.user(), dav.password(), cirrus::sync::SecretKind::password});
    const RunResult listed = new_phone.cli("backup list --passphrase-stdin", kRestorePassphrase);
    REQUIRE_MESSAGE(listed.exited_ok(), listed.err);
    const RunResult restored = new_phone.cli("backup restore " + snapshot);
    REQUIRE_MESSAGE(restored.exited_ok(), restored.err << restored.out);
    MESSAGE(restored.out);

    const std::string after = page_report(new_phone, app);
    MESSAGE("new phone: " << after);
    CHECK(after == "keeping: local=written on the old phone idb=an IndexedDB record");
}
