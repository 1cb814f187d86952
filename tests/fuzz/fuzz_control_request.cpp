// libFuzzer target: parse_control_request() (compositor/policy/control_request)
// on arbitrary bytes, as any process of the user can write them to the
// control socket, must never crash, hang or trip a sanitizer (a cast of an
// out-of-range number included), must give exactly one of a request or an
// error, and a request it accepts must hold only what its command allows
// (the compositor acts on it as is).
#include "common/app_id.hpp"
#include "compositor/policy/control_request.hpp"
#include "common/control_commands.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

namespace {

using namespace cirrus;
namespace args = control_arguments;

void require(bool condition) {
    if (!condition) std::abort();
}

bool finite(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

void check(const args::None&) {}
void check(const args::Window&) {}
void check(const args::Touch& touch) {
    for (const ControlTouchEvent& event : touch.events) require(finite(event.x, event.y));
}
void check(const args::Swipe& swipe) {
    require(finite(swipe.x1, swipe.y1) && finite(swipe.x2, swipe.y2));
    require(swipe.steps >= 1 && swipe.steps <= 1000);
    require(swipe.ms >= 0 && swipe.ms <= 10000);
}
void check(const args::Key& key) { require(key.keycode <= args::kMaxKeycode); }
void check(const args::Screenshot& shot) { require(!shot.path.empty() && shot.path[0] == '/'); }
void check(const args::Spawn& spawn) { require(!spawn.argv.empty()); }
void check(const args::Launch&) {}
void check(const args::KeyboardDevice&) {}
void check(const args::MemoryPressure&) {}
// Only a valid app id reaches the lifecycle.
void check(const args::Freeze& freeze) { require(cirrus::valid_app_id(freeze.app)); }
// A kind comes only with a class ("auto" clears both).
void check(const args::LinkOverride& link) { require(link.link_class.has_value() || !link.kind.has_value()); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The compositor never hands over a line longer than this.
    if (size > kMaxControlRequestLine) return 0;
    const std::string_view line(reinterpret_cast<const char*>(data), size);
    const ParsedControlRequest parsed = parse_control_request(line);
    require(parsed.request.has_value() == parsed.error.empty());
    if (!parsed.request) {
        // The error goes back as JSON, bytes from the request included.
        (void)nlohmann::json{{"ok", false}, {"error", parsed.error}}.dump(-1, ' ', false,
                                                                          nlohmann::json::error_handler_t::replace);
        return 0;
    }
    require(control::find_control_command(parsed.request->command) != nullptr);
    std::visit([](const auto& arguments) { check(arguments); }, parsed.request->arguments);
    return 0;
}
