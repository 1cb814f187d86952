// Which path an app's loads take (worker_routing.hpp), and the record of its
// service worker that the decision reads (common/service_worker_record.hpp).
#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "../temp_dir.hpp"
#include "common/service_worker_record.hpp"
#include "worker_routing.hpp"

using namespace cirrus::webapp;
using cirrus::offline::ServiceWorkerRecord;

namespace {

constexpr const char* kOrigin = "http://127.0.0.1:8080";
constexpr const char* kStart = "http://127.0.0.1:8080/app/";

WorkerReport active(std::string scope = "http://127.0.0.1:8080/app/",
                    std::string script = "http://127.0.0.1:8080/app/sw.js", bool controlled = false) {
    return WorkerReport{true, std::move(scope), std::move(script), "activated", controlled};
}

const ServiceWorkerRecord kRecord{"http://127.0.0.1:8080/app/", "http://127.0.0.1:8080/app/sw.js", 1000};

}  // namespace

TEST_CASE("an app without a recorded worker keeps Cirrus's path; one with a worker for its start page takes WebKit's") {
    CHECK(launch_path(std::nullopt, kStart) == LaunchPath::cirrus_document);
    CHECK(launch_path(kRecord, kStart) == LaunchPath::webkit_navigation);
    CHECK(launch_path(kRecord, "http://127.0.0.1:8080/app/notes?id=3") == LaunchPath::webkit_navigation);
    // A page the worker's scope does not hold: the worker would not answer it.
    CHECK(launch_path(kRecord, "http://127.0.0.1:8080/other/") == LaunchPath::cirrus_document);
    CHECK(rewrite_requests(false));
    CHECK_FALSE(rewrite_requests(true));
}

TEST_CASE("an active worker whose scope holds the start page is recorded once") {
    const RecordChange first = apply_report(std::nullopt, active(), kOrigin, kStart, 5000);
    CHECK(first.kind == RecordChange::Kind::write);
    CHECK(first.record == ServiceWorkerRecord{"http://127.0.0.1:8080/app/", "http://127.0.0.1:8080/app/sw.js", 5000});
    // Reported again (every page load): nothing to write.
    CHECK(apply_report(first.record, active(), kOrigin, kStart, 6000).kind == RecordChange::Kind::keep);
    // A new script (the app renamed its worker): written.
    const RecordChange renamed =
        apply_report(first.record, active(kStart, "http://127.0.0.1:8080/app/sw2.js"), kOrigin, kStart, 7000);
    CHECK(renamed.kind == RecordChange::Kind::write);
    CHECK(renamed.record.script_url == "http://127.0.0.1:8080/app/sw2.js");
    // "activating" counts: it controls pages as soon as it is activated.
    WorkerReport activating = active();
    activating.active_state = "activating";
    CHECK(apply_report(std::nullopt, activating, kOrigin, kStart, 1).kind == RecordChange::Kind::write);
}

TEST_CASE("a worker not yet active, of another origin, or whose scope misses the start page records nothing") {
    WorkerReport installing = active();
    installing.active_script.clear();
    installing.active_state.clear();
    CHECK(apply_report(std::nullopt, installing, kOrigin, kStart, 1).kind == RecordChange::Kind::keep);
    // Installing an update while the old one is recorded: the record stays.
    CHECK(apply_report(kRecord, installing, kOrigin, kStart, 1).kind == RecordChange::Kind::keep);
    CHECK(apply_report(std::nullopt, active("http://127.0.0.1:9090/app/", "http://127.0.0.1:9090/app/sw.js"), kOrigin,
                       kStart, 1)
              .kind == RecordChange::Kind::keep);
    CHECK(apply_report(std::nullopt, active(kStart, "http://evil.example/sw.js"), kOrigin, kStart, 1).kind ==
          RecordChange::Kind::keep);
    CHECK(apply_report(std::nullopt,
                       active("http://127.0.0.1:8080/app/deeper/", "http://127.0.0.1:8080/app/deeper/sw.js"), kOrigin,
                       kStart, 1)
              .kind == RecordChange::Kind::keep);
    WorkerReport redundant = active();
    redundant.active_state = "redundant";
    CHECK(apply_report(std::nullopt, redundant, kOrigin, kStart, 1).kind == RecordChange::Kind::keep);
}

TEST_CASE("a worker unregistered later: the record goes and the app is back on Cirrus's path") {
    WorkerReport none;
    none.registered = false;
    const RecordChange change = apply_report(kRecord, none, kOrigin, kStart, 1);
    CHECK(change.kind == RecordChange::Kind::erase);
    CHECK(launch_path(std::nullopt, kStart) == LaunchPath::cirrus_document);
    // Nothing recorded, nothing registered: nothing to do.
    CHECK(apply_report(std::nullopt, none, kOrigin, kStart, 1).kind == RecordChange::Kind::keep);
}

TEST_CASE("a page's report is read only when it is the script's JSON, bounded") {
    const auto report = parse_worker_report(
        R"({"registered":true,"scope":"http://127.0.0.1:8080/app/","script":"http://127.0.0.1:8080/app/sw.js",)"
        R"("state":"activated","controlled":true})");
    REQUIRE(report);
    CHECK(report->registered);
    CHECK(report->controlled);
    CHECK(report->active_state == "activated");
    CHECK_FALSE(parse_worker_report("not json"));
    CHECK_FALSE(parse_worker_report("[]"));
    CHECK_FALSE(parse_worker_report(R"({"registered":"yes","controlled":false})"));
    CHECK_FALSE(parse_worker_report(R"({"registered":true,"controlled":false,"scope":7})"));
    const std::string huge = R"({"registered":true,"controlled":false,"scope":")" + std::string(5000, 'a') + "\"}";
    CHECK_FALSE(parse_worker_report(huge));
}

TEST_CASE("the record round-trips through its file; a damaged or hostile file counts as none") {
    cirrus::test::TempDir dir;
    CHECK_FALSE(cirrus::offline::read_service_worker_record(dir.path()));
    REQUIRE(cirrus::offline::write_service_worker_record(dir.path(), kRecord));
    CHECK(cirrus::offline::read_service_worker_record(dir.path()) == kRecord);
    CHECK(cirrus::offline::parse_service_worker_record(cirrus::offline::format_service_worker_record(kRecord)) ==
          kRecord);

    CHECK_FALSE(cirrus::offline::parse_service_worker_record("scope=http://a/\nscript=http://a/sw.js\n"));  // no time
    CHECK_FALSE(cirrus::offline::parse_service_worker_record("scope=file:///etc/\nscript=http://a/sw.js\nseen_at=1\n"));
    CHECK_FALSE(cirrus::offline::parse_service_worker_record("garbage"));
    CHECK_FALSE(cirrus::offline::parse_service_worker_record("scope=http://a/\nscript=http://a/sw.js\nseen_at=1x\n"));
    std::string error;
    CHECK_FALSE(cirrus::offline::write_service_worker_record(
        dir.path(), ServiceWorkerRecord{"http://a/\nscope=http://b/", "http://a/sw.js", 1}, &error));
    CHECK(error.find("at most") != std::string::npos);
    { std::ofstream(cirrus::offline::service_worker_record_path(dir.path())) << "scope=\x01"; }
    CHECK_FALSE(cirrus::offline::read_service_worker_record(dir.path()));
    CHECK(cirrus::offline::remove_service_worker_record(dir.path()));
    CHECK(cirrus::offline::remove_service_worker_record(dir.path()));  // none afterwards either way
}
