// `cirrus dev`'s checklist rules (dev_checklist.hpp) on manifests processed
// as install processes them.

#include <doctest/doctest.h>

#include "common/css_colour.hpp"
#include "dev_checklist.hpp"

using namespace cirrus::launcher;

namespace {

Manifest checklist_manifest(const std::string& json) {
    const ProcessedManifest processed =
        process_manifest(json, "app://demo/manifest.webmanifest", "app://demo/index.html");
    REQUIRE(processed);
    return *processed.manifest;
}

const CheckLine& line_about(const std::vector<CheckLine>& lines, const std::string& topic) {
    for (const CheckLine& line : lines)
        if (line.topic == topic) return line;
    FAIL("no line about " << topic);
    return lines.front();
}

constexpr const char* kCompleteManifest =
    R"J({"name": "Field Notes", "short_name": "Notes", "start_url": "index.html", "display": "standalone",
         "theme_color": "#336699", "background_color": "#ffffff",
         "icons": [{"src": "icon-192.png", "sizes": "192x192", "type": "image/png"},
                   {"src": "icon-512.png", "sizes": "512x512", "type": "image/png"},
                   {"src": "mask.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"}]})J";

}  // namespace

TEST_CASE("checklist: a complete packaged app passes every line") {
    ChecklistFacts facts;
    facts.manifest = checklist_manifest(kCompleteManifest);
    facts.packaged = true;
    facts.page_bytes = 40'000;
    facts.files = 3;
    const auto lines = run_checklist(facts);
    REQUIRE(lines.size() == 10);
    for (const CheckLine& line : lines) {
        CHECK_MESSAGE(line.status == CheckStatus::pass, format_check_line(line));
        CHECK(line.fix.empty());
    }
    CHECK(checklist_summary(lines) == "10 pass, 0 warn, 0 fail");
    CHECK(format_check_line(line_about(lines, "name")) == "pass  name: \"Field Notes\"");
    CHECK(line_about(lines, "icons").finding == "192 px and 512 px");
    CHECK(line_about(lines, "maskable icon").finding == "app://demo/mask.png");
    // #336699 is dark: white text, as the shell draws it (shell/theme.cpp).
    CHECK(line_about(lines, "status bar").finding == "#336699: white text and icons at 6.0:1");
    CHECK(line_about(lines, "weight on 3G").finding ==
          "39.1 KiB in 3 files: 0.5 s on 3G (1600 kbit/s, +300 ms); installed as a package it loads from the phone");
}

TEST_CASE("checklist: a site without a manifest fails the manifest line and says what one would add") {
    ChecklistFacts facts;
    facts.site = true;
    facts.packaged = true;
    facts.manifest =
        checklist_manifest(R"J({"name": "Plain page", "start_url": "index.html", "display": "minimal-ui"})J");
    const auto lines = run_checklist(facts);
    const CheckLine& manifest = line_about(lines, "manifest");
    CHECK(manifest.status == CheckStatus::fail);
    CHECK(manifest.fix.find("short_name, icons, theme_color") != std::string::npos);
    CHECK(line_about(lines, "icons").status == CheckStatus::fail);
    CHECK(line_about(lines, "icons").finding == "none usable: the home screen draws the app's initial");
    CHECK(line_about(lines, "maskable icon").status == CheckStatus::warn);
    CHECK(line_about(lines, "status bar").status == CheckStatus::warn);
    CHECK(line_about(lines, "background_color").status == CheckStatus::warn);
    CHECK(line_about(lines, "display").status == CheckStatus::pass);
    CHECK(checklist_summary(lines) == "5 pass, 3 warn, 2 fail");
}

TEST_CASE("checklist: a long name without short_name, the browser display and small or missing icons") {
    ChecklistFacts facts;
    facts.manifest = checklist_manifest(
        R"J({"name": "Field Notes Professional", "start_url": "index.html",
             "icons": [{"src": "small.png", "sizes": "96x96"}]})J");
    auto lines = run_checklist(facts);
    const CheckLine& label = line_about(lines, "short_name");
    CHECK(label.status == CheckStatus::warn);
    CHECK(label.finding == "\"Field Notes Professional\" is cut on the home screen after 12 characters");
    CHECK(line_about(lines, "display").status == CheckStatus::warn);
    CHECK(line_about(lines, "icons").status == CheckStatus::fail);
    CHECK(line_about(lines, "icons").finding.starts_with("the largest is 96 px"));

    facts.manifest = checklist_manifest(
        R"J({"name": "Notes", "start_url": "index.html", "icons": [{"src": "a.png", "sizes": "192x192"},
             {"src": "b.png", "sizes": "512x512"}]})J");
    lines = run_checklist(facts);
    CHECK(line_about(lines, "icons").status == CheckStatus::pass);
    facts.missing_icons = {"app://demo/b.png"};
    lines = run_checklist(facts);
    // Without its 512 px icon: enough for the home screen, not for a splash.
    CHECK(line_about(lines, "icons").status == CheckStatus::warn);
    CHECK(line_about(lines, "icons").fix == "add a 512x512 icon");
    CHECK(line_about(lines, "icons").finding.find("listed but not there: app://demo/b.png") != std::string::npos);

    facts.missing_icons.clear();
    facts.manifest = checklist_manifest(
        R"J({"name": "Notes", "start_url": "index.html",
             "icons": [{"src": "i.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any maskable"}]})J");
    lines = run_checklist(facts);
    CHECK(line_about(lines, "icons").status == CheckStatus::pass);
    CHECK(line_about(lines, "maskable icon").status == CheckStatus::pass);
}

TEST_CASE("checklist: the status bar's text on the theme colour, as the shell chooses it") {
    CHECK(contrast_ratio(relative_luminance(Rgba{0, 0, 0}), relative_luminance(Rgba{255, 255, 255})) ==
          doctest::Approx(21.0));
    CHECK(black_reads_better_on(relative_luminance(Rgba{255, 255, 0})));
    CHECK_FALSE(black_reads_better_on(relative_luminance(Rgba{0, 0, 128})));
    ChecklistFacts facts;
    facts.manifest = checklist_manifest(R"J({"name": "N", "start_url": "index.html", "theme_color": "#777777"})J");
    CHECK(line_about(run_checklist(facts), "status bar").finding == "#777777: black text and icons at 4.7:1");
    facts.manifest =
        checklist_manifest(R"J({"name": "N", "start_url": "index.html", "theme_color": "rgba(255, 0, 0, 0.5)"})J");
    const CheckLine translucent = line_about(run_checklist(facts), "status bar");
    CHECK(translucent.status == CheckStatus::warn);
    CHECK(translucent.finding.starts_with("#ff000080 is translucent: the status bar draws it opaque"));
    CHECK(translucent.fix == "an opaque \"theme_color\" (#ff0000)");
}

TEST_CASE("checklist: offline readiness of a package and of a hosted app after its runs") {
    ChecklistFacts facts;
    facts.manifest = checklist_manifest(kCompleteManifest);
    facts.packaged = true;
    facts.network_urls = {"https://cdn.example/lib.js", "https://fonts.example/a.woff2"};
    CheckLine line = line_about(run_checklist(facts), "offline");
    CHECK(line.status == CheckStatus::fail);
    CHECK(line.finding ==
          "2 files its start page loads come from the network and fail offline: https://cdn.example/lib.js, "
          "https://fonts.example/a.woff2");

    facts.packaged = false;
    facts.network_urls.clear();
    cirrus::offline::Readiness readiness;
    readiness.stored = 3;
    readiness.total = 3;
    facts.readiness = readiness;
    line = line_about(run_checklist(facts), "offline");
    CHECK(line.status == CheckStatus::warn);
    CHECK(line.fix == "use the app, then press c again");

    readiness.online_runs = 1;
    facts.readiness = readiness;
    CHECK(line_about(run_checklist(facts), "offline").status == CheckStatus::pass);

    readiness.total = 5;
    readiness.missing = {"http://127.0.0.1:8080/api/items", "http://127.0.0.1:8080/late.png"};
    facts.readiness = readiness;
    line = line_about(run_checklist(facts), "offline");
    CHECK(line.status == CheckStatus::fail);
    CHECK(line.finding == "missing 2 of 5: http://127.0.0.1:8080/api/items, http://127.0.0.1:8080/late.png");

    facts.service_worker = true;
    CHECK(line_about(run_checklist(facts), "offline").status == CheckStatus::pass);
}

TEST_CASE("checklist: the pages' weight priced at the 3g profile's rate") {
    CHECK(seconds_on_3g(0) == doctest::Approx(0.3));
    CHECK(seconds_on_3g(200'000) == doctest::Approx(1.3));  // 1600 kbit/s: 200 kB a second
    ChecklistFacts facts;
    facts.manifest = checklist_manifest(kCompleteManifest);
    facts.files = 12;
    facts.page_bytes = 1'500'000;  // 7.8 s
    CheckLine line = line_about(run_checklist(facts), "weight on 3G");
    CHECK(line.status == CheckStatus::warn);
    CHECK(line.finding.find("7.8 s on 3G") != std::string::npos);
    facts.page_bytes = 2'000'000;  // 10.3 s
    facts.files_of_unknown_size = 2;
    line = line_about(run_checklist(facts), "weight on 3G");
    CHECK(line.status == CheckStatus::fail);
    CHECK(line.finding.ends_with("10.3 s on 3G (1600 kbit/s, +300 ms), and 2 from elsewhere not counted"));
    CHECK_FALSE(line.fix.empty());
}
