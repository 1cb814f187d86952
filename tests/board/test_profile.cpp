// Board profile parsing: board keys, the compositor sections checked by the
// compositor's parser, and refusals that name the file, line, key and fix.
#include <doctest/doctest.h>

#include <string>

#include "profile.hpp"

using cirrus::board::parse_profile;
using cirrus::board::ProfileError;

namespace {

const std::string kMinimal = "[board]\nname = test-phone\n";

std::string refusal(const std::string& text, const std::string& path = "p.conf") {
    try {
        parse_profile(path, text);
    } catch (const ProfileError& e) {
        return e.what();
    }
    return "(accepted)";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a full profile is read into board and compositor settings") {
    const auto p = parse_profile("full.conf",
                                 "# a phone\n"
                                 "[board]\nname = w700\ndescription = A phone\n"
                                 "[output]\nmode = 480x800@60\nscale = 1.5\ntransform = 90\n"
                                 "[apps]\nprestart = 0  # no standby\n"
                                 "[session]\nrenderer = gles2\nlog = debug\n"
                                 "[touch]\nmatch = *Touchscreen*\ncalibration = 0 1 0 -1 0 1\n"
                                 "[memory]\nzram = 25%\nzram_algorithm = zstd\napps_max = 1G\napp_max = 256M\n"
                                 "[bundled]\napps = notes, calculator ,weather\n");
    CHECK(p.name == "w700");
    CHECK(p.description == "A phone");
    REQUIRE(p.compositor.output.mode);
    CHECK(p.compositor.output.mode->width == 480);
    CHECK(p.compositor.output.mode->height == 800);
    CHECK(p.compositor.output.refresh_mhz == 60000);
    CHECK(p.compositor.output.scale == doctest::Approx(1.5));
    CHECK(p.compositor.output.transform == cirrus::Transform::rot90);
    CHECK(p.compositor.prestart == 0);
    CHECK(p.renderer == "gles2");
    CHECK(p.log == "debug");
    CHECK(p.touch_match == "*Touchscreen*");
    CHECK(p.calibration == std::vector<double>{0, 1, 0, -1, 0, 1});
    CHECK(p.zram_size == "ram * 25 / 100");
    CHECK(p.zram_algorithm == "zstd");
    CHECK(p.apps_max_bytes == 1024LL * 1024 * 1024);
    CHECK(p.app_max_bytes == 256LL * 1024 * 1024);
    CHECK(p.bundled_set);
    CHECK(p.bundled_apps == std::vector<std::string>{"notes", "calculator", "weather"});
}

TEST_CASE("defaults: pixman, zram half of RAM, no app limits, all bundled apps") {
    const auto p = parse_profile("m.conf", kMinimal);
    CHECK(p.renderer == "pixman");
    CHECK(p.zram_size == "ram / 2");
    CHECK(p.apps_max_bytes == 0);
    CHECK(p.app_max_bytes == 0);
    CHECK_FALSE(p.bundled_set);
    CHECK(p.calibration.empty());
    CHECK_FALSE(p.compositor.output.mode);
}

TEST_CASE("zram sizes: off, a share of RAM, a fixed size") {
    CHECK(parse_profile("z", kMinimal + "[memory]\nzram = off\n").zram_size.empty());
    CHECK(parse_profile("z", kMinimal + "[memory]\nzram = 100%\n").zram_size == "ram * 100 / 100");
    CHECK(parse_profile("z", kMinimal + "[memory]\nzram = 1G\n").zram_size == "1024");
    CHECK(contains(refusal(kMinimal + "[memory]\nzram = 0%\n"), "[memory] zram: bad value '0%'"));
    CHECK(contains(refusal(kMinimal + "[memory]\nzram = lots\n"), "expected off, a share of RAM"));
    CHECK(contains(refusal(kMinimal + "[memory]\nzram = 512K\n"), "at least 1M"));
}

TEST_CASE("memory sizes: units, and refusals naming the file, line and key") {
    CHECK(cirrus::board::parse_memory_size("512K", "x") == 512 * 1024);
    CHECK(cirrus::board::parse_memory_size("3M", "x") == 3 * 1024 * 1024);
    CHECK(cirrus::board::parse_memory_size("4096", "x") == 4096);
    CHECK_THROWS_AS(cirrus::board::parse_memory_size("-1M", "x"), ProfileError);
    CHECK_THROWS_AS(cirrus::board::parse_memory_size("M", "x"), ProfileError);
    CHECK_THROWS_AS(cirrus::board::parse_memory_size("12MB", "x"), ProfileError);
    CHECK_THROWS_AS(cirrus::board::parse_memory_size("99999999999G", "x"), ProfileError);

    const std::string message = refusal(kMinimal + "[memory]\napp_max = 200 MB\n", "board/profiles/w700.conf");
    CHECK(contains(message, "board/profiles/w700.conf:4: [memory] app_max: bad value '200 MB'"));
    CHECK(contains(message, "256M"));
    CHECK(contains(refusal(kMinimal + "[memory]\napp_max = 16M\n"), "at least 64M"));
    CHECK(parse_profile("n", kMinimal + "[memory]\napp_max = none\n").app_max_bytes == 0);
}

TEST_CASE("each app's share of swap: a size, 0 (none at all) or none (no limit, the default)") {
    CHECK(parse_profile("s", kMinimal).app_swap_max_bytes == -1);
    CHECK(parse_profile("s", kMinimal + "[memory]\napp_swap_max = 96M\n").app_swap_max_bytes == 96LL * 1024 * 1024);
    CHECK(parse_profile("s", kMinimal + "[memory]\napp_swap_max = 0\n").app_swap_max_bytes == 0);
    CHECK(parse_profile("s", kMinimal + "[memory]\napp_swap_max = none\n").app_swap_max_bytes == -1);
    CHECK(contains(refusal(kMinimal + "[memory]\napp_swap_max = half\n"),
                   "p.conf:4: [memory] app_swap_max: bad value 'half'"));
    CHECK(contains(cirrus::board::shell_variables(parse_profile("s", kMinimal + "[memory]\napp_swap_max = 0\n")),
                   "CIRRUS_APP_SWAP_MAX='0'\n"));
    CHECK(contains(cirrus::board::shell_variables(parse_profile("s", kMinimal)), "CIRRUS_APP_SWAP_MAX=''\n"));
}

TEST_CASE("one app may not be allowed more than all apps together") {
    const std::string message = refusal(kMinimal + "[memory]\napps_max = 256M\napp_max = 512M\n");
    CHECK(contains(message, "p.conf: [memory] app_max (512M) is larger than apps_max (256M)"));
    CHECK(contains(message, "lower app_max or raise apps_max"));
}

TEST_CASE("board keys: bad values are refused with what would be accepted") {
    CHECK(contains(refusal("[board]\nname = My Phone\n"), "p.conf:2: [board] name: bad value 'My Phone'"));
    CHECK(contains(refusal(kMinimal + "[session]\nrenderer = vulkan\n"),
                   "p.conf:4: [session] renderer: bad value 'vulkan' (expected pixman, gles2 or auto)"));
    CHECK(contains(refusal(kMinimal + "[session]\nlog = loud\n"), "[session] log"));
    CHECK(contains(refusal(kMinimal + "[touch]\ncalibration = 1 0 0 0 1\n"), "[touch] calibration: bad value"));
    CHECK(contains(refusal(kMinimal + "[touch]\ncalibration = 1 0 0 0 1 x\n"), "six numbers"));
    CHECK(contains(refusal(kMinimal + "[touch]\nmatch = \"quoted\"\n"), "[touch] match"));
    CHECK(contains(refusal(kMinimal + "[memory]\nzram_algorithm = gzip\n"), "lz4, zstd, lzo-rle or lzo"));
    CHECK(contains(refusal(kMinimal + "[bundled]\napps = notes, Not An Id\n"), "'Not An Id' is not an app id"));
    CHECK(contains(refusal(kMinimal + "[bundled]\napps = notes, notes\n"), "'notes' is named twice"));
    CHECK(parse_profile("b", kMinimal + "[bundled]\napps = none\n").bundled_apps.empty());
}

TEST_CASE("unknown keys and sections, and a missing name") {
    CHECK(contains(refusal(kMinimal + "[memory]\nswap = 1G\n"),
                   "p.conf:4: unknown key 'swap' in [memory] (known: app_max, app_swap_max, apps_max, zram, "
                   "zram_algorithm)"));
    const std::string section = refusal(kMinimal + "[display]\nsize = 1x1\n");
    CHECK(contains(section, "p.conf:3: unknown section [display]"));
    CHECK(contains(section, "board, session, touch, memory, bundled"));
    CHECK(contains(refusal("[memory]\nzram = off\n"), "missing [board] name"));
    CHECK(contains(refusal(kMinimal + "[touch]\njust words\n"), "p.conf:4: expected 'key = value' in [touch]"));
}

TEST_CASE("the compositor's sections are checked by its own parser, with the profile's line numbers") {
    const std::string message = refusal(kMinimal + "[memory]\nzram = off\n\n[output]\nscale = 20\n");
    CHECK(contains(message, "p.conf:7: bad value for output.scale: '20'"));
    CHECK(contains(refusal(kMinimal + "[output]\nmode = big\n"), "p.conf:4: bad value for output.mode"));
    CHECK(contains(refusal(kMinimal + "[apps]\nprestart = 9\n"), "p.conf:4: bad value for apps.prestart"));
    // A board section between two compositor sections does not let its keys
    // leak into the one before it.
    CHECK(contains(refusal(kMinimal + "[output]\nscale = 1\n[touch]\nscale = 2\n"),
                   "p.conf:6: unknown key 'scale' in [touch]"));
}

TEST_CASE("the device's compositor.conf holds the compositor sections only, and reads back the same") {
    const auto p = parse_profile("dev.conf", kMinimal +
                                                 "[output]\nmode = 480x800\n[memory]\nzram = off\n"
                                                 "[apps]\nprestart = 2\n[touch]\nmatch = *touch*\n");
    const std::string conf = cirrus::board::compositor_conf(p);
    CHECK(contains(conf, "[output]\nmode = 480x800\n"));
    CHECK(contains(conf, "[apps]\nprestart = 2\n"));
    CHECK_FALSE(contains(conf, "[memory]"));
    CHECK_FALSE(contains(conf, "[touch]"));
    CHECK_FALSE(contains(conf, "name = test-phone"));
    const auto again = parse_profile("again.conf", "[board]\nname = x\n" + conf);
    CHECK(again.compositor.prestart == 2);
    CHECK(again.compositor.output.mode->width == 480);
}

TEST_CASE("shell variables for the image build are quoted") {
    const auto p = parse_profile("v.conf", kMinimal +
                                               "[board]\ndescription = Costs $5 `today`\n[output]\nsize = 320x480\n"
                                               "[memory]\napp_max = 128M\n[bundled]\napps = notes, weather\n");
    const std::string vars = cirrus::board::shell_variables(p);
    CHECK(contains(vars, "CIRRUS_PROFILE_NAME='test-phone'\n"));
    CHECK(contains(vars, "CIRRUS_PROFILE_DESCRIPTION='Costs $5 `today`'\n"));
    CHECK(contains(vars, "CIRRUS_OUTPUT_MODE='320x480'\n"));
    CHECK(contains(vars, "CIRRUS_APP_MAX='134217728'\n"));
    CHECK(contains(vars, "CIRRUS_APPS_MAX=''\n"));
    CHECK(contains(vars, "CIRRUS_BUNDLED_APPS='notes weather'\n"));
}
