// "Add to Home Screen" through the runtime: who may ask, and what the
// installer child's lines mean (compositor/policy/install_flow.hpp).

#include <doctest/doctest.h>

#include "install_flow.hpp"

using namespace cirrus;

TEST_CASE("only the browser and the catalogue may ask, one sheet at a time, with a shell and a bounded web URL") {
    InstallRequestContext r{"browser", "browser", "apps", "http://127.0.0.1:8080/app/", false, true};
    CHECK(install_refusal(r).empty());
    r.app = "apps";
    CHECK(install_refusal(r).empty());
    r.app = "notes";
    CHECK(install_refusal(r) == "notes may not install apps (only the browser and the catalogue)");
    r.app = "";  // an empty configured id names nobody
    r.browser_app = "";
    CHECK(!install_refusal(r).empty());
    r = {"browser", "browser", "", "http://a/", false, true};
    CHECK(install_refusal(r).empty());
    r.sheet_up = true;
    CHECK(install_refusal(r) == "another install is being asked about");
    r.sheet_up = false;
    r.shell_bound = false;
    CHECK(install_refusal(r) == "no shell to ask the user");
    r.shell_bound = true;
    for (const char* bad : {"file:///etc/passwd", "javascript:alert(1)", "app://notes/", "http://a/\nb"}) {
        r.url = bad;
        CHECK_MESSAGE(!install_refusal(r).empty(), bad);
    }
    const std::string long_url = "http://a/" + std::string(3000, 'x');
    r.url = long_url;
    CHECK(install_refusal(r).find("longer than 2048 bytes") != std::string::npos);
}

TEST_CASE("the installer's lines: plan, progress, the result, an error, a cancel; anything else is ignored") {
    const auto plan = std::get<InstallerPlan>(parse_installer_line(
        R"({"plan":{"id":"127.0.0.1-news","name":"News","origin":"http://127.0.0.1:8080","installed":true,)"
        R"("offline_bytes_known":1234,"offline_files":5}})"));
    CHECK(plan.id == "127.0.0.1-news");
    CHECK(plan.name == "News");
    CHECK(plan.origin == "http://127.0.0.1:8080");
    CHECK(plan.installed);
    CHECK(plan.offline_bytes_known == 1234);
    CHECK(plan.offline_files == 5);

    const auto progress = std::get<InstallerProgress>(
        parse_installer_line(R"({"progress":{"step":"x","done":3,"total":8,"files":true}})"));
    CHECK(progress.done == 3);
    CHECK(progress.total == 8);
    CHECK(progress.files);
    const auto download =
        std::get<InstallerProgress>(parse_installer_line(R"({"progress":{"step":"x","done":10,"total":-1}})"));
    CHECK(download.total == 0);  // unknown
    CHECK(!download.files);

    const auto done = std::get<InstallerDone>(
        parse_installer_line(R"({"installed":{"id":"a","name":"A","offline_ready":false,"stored":2,"total":5,)"
                             R"("missing":["http://a/x.css: connection refused"]}})"));
    CHECK(done.id == "a");
    CHECK(!done.offline_ready);
    CHECK(install_failure(done) == "Not stored for offline use (2 of 5 files): http://a/x.css: connection refused");
    CHECK(!install_failure({"a", "A", true, 5, 5, {}}));

    CHECK(std::get<InstallerError>(parse_installer_line(R"({"error":"http://a/: HTTP 404 Not Found"})")).message ==
          "http://a/: HTTP 404 Not Found");
    CHECK(std::holds_alternative<InstallerCancelled>(parse_installer_line(R"({"cancelled":true})")));
    for (const char* junk : {"", "not json", "[1,2]", R"({"plan":3})", R"({"other":{}})", "{\"progress\":"}) {
        CHECK_MESSAGE(std::holds_alternative<std::monostate>(parse_installer_line(junk)), junk);
    }
    // Wrong types are read as absent, never thrown.
    const auto odd = std::get<InstallerPlan>(parse_installer_line(R"({"plan":{"id":7,"offline_files":-3}})"));
    CHECK(odd.id.empty());
    CHECK(odd.offline_files == 0);
}

TEST_CASE("the child's output is cut into lines; an overlong line is dropped whole") {
    LineSplitter lines;
    CHECK(lines.feed("{\"a\"").empty());
    CHECK(lines.feed(":1}\n{\"b\":2}\n{") == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}"});
    CHECK(lines.feed("}\n") == std::vector<std::string>{"{}"});
    const std::string huge(LineSplitter::kMaxLineBytes + 10, 'x');
    CHECK(lines.feed(huge).empty());
    CHECK(lines.feed(huge + "\nok\n") == std::vector<std::string>{"ok"});
}

TEST_CASE("the update lines: a check's result per app, the change asked about, a decline") {
    const auto checked =
        std::get<UpdateChecked>(parse_installer_line(R"({"update":{"id":"paper","result":"needs_confirmation"}})"));
    CHECK(checked.id == "paper");
    CHECK(checked.result == "needs_confirmation");
    const auto failed = std::get<UpdateChecked>(
        parse_installer_line(R"({"update":{"id":"p","result":"failed","message":"HTTP 500: nothing changed"}})"));
    CHECK(failed.message == "HTTP 500: nothing changed");
    const auto plan = std::get<InstallerUpdatePlan>(parse_installer_line(
        R"({"update_plan":{"id":"paper","name":"Evening","old_name":"Daily","origin":"http://127.0.0.1:1",)"
        R"("name_changed":true,"icon_changed":false,"fingerprint":"ab"}})"));
    CHECK(plan.name == "Evening");
    CHECK(plan.old_name == "Daily");
    CHECK(plan.name_changed);
    CHECK_FALSE(plan.icon_changed);
    CHECK(std::holds_alternative<InstallerDeclined>(parse_installer_line(R"({"declined":{"id":"paper"}})")));
    CHECK(std::holds_alternative<std::monostate>(parse_installer_line(R"({"update":"x"})")));
}
