// arrange_layers(): where layer-shell surfaces go and what is left for apps.
#include <doctest/doctest.h>

#include <vector>

#include "geometry_support.hpp"
#include "layer_layout.hpp"

using namespace cirrus;
using cirrus::test::phone;

namespace {

constexpr std::uint32_t kAllEdges = anchor::top | anchor::bottom | anchor::left | anchor::right;
constexpr std::uint32_t kTopBarAnchor = anchor::top | anchor::left | anchor::right;
constexpr std::uint32_t kBottomBarAnchor = anchor::bottom | anchor::left | anchor::right;

LayerRequest bar(std::uint32_t edges, Size size, int zone, Layer layer = Layer::top) {
    LayerRequest request;
    request.layer = layer;
    request.anchor = edges;
    request.desired = size;
    request.exclusive_zone = zone;
    return request;
}

LayerArrangement arrange(const std::vector<LayerRequest>& requests, Rect output = phone) {
    return arrange_layers(output, requests);
}

}  // namespace

TEST_CASE("no layer surfaces leave the whole output for apps") {
    const LayerArrangement result = arrange({});
    CHECK(result.boxes.empty());
    CHECK(result.work_area == phone);
}

TEST_CASE("a top status bar with a 30px zone takes the top 30 rows") {
    const LayerArrangement result = arrange({bar(kTopBarAnchor, {0, 30}, 30)});
    REQUIRE(result.boxes.size() == 1);
    CHECK(result.boxes[0] == Rect{0, 0, 480, 30});
    CHECK(result.work_area == Rect{0, 30, 480, 770});
}

TEST_CASE("a bottom bar reserves from the bottom edge") {
    const LayerArrangement result = arrange({bar(kBottomBarAnchor, {0, 48}, 48)});
    CHECK(result.boxes[0] == Rect{0, 752, 480, 48});
    CHECK(result.work_area == Rect{0, 0, 480, 752});
}

TEST_CASE("top and bottom bars together shrink both edges") {
    const LayerArrangement result = arrange({bar(kTopBarAnchor, {0, 30}, 30), bar(kBottomBarAnchor, {0, 48}, 48)});
    CHECK(result.boxes[0] == Rect{0, 0, 480, 30});
    CHECK(result.boxes[1] == Rect{0, 752, 480, 48});
    CHECK(result.work_area == Rect{0, 30, 480, 722});
}

TEST_CASE("the margin on the anchored edge is reserved along with the zone") {
    LayerRequest request = bar(kTopBarAnchor, {0, 30}, 30);
    request.margin = {.top = 5, .right = 10, .bottom = 7, .left = 20};
    const LayerArrangement result = arrange({request});
    // Stretched width loses both horizontal margins; it sits below the top margin.
    CHECK(result.boxes[0] == Rect{20, 5, 450, 30});
    // Reserved: zone 30 + top margin 5 (the bottom margin does not count).
    CHECK(result.work_area == Rect{0, 35, 480, 765});
}

TEST_CASE("left and right zones shrink the width") {
    const LayerArrangement result = arrange({
        bar(anchor::left | anchor::top | anchor::bottom, {40, 0}, 40),
        bar(anchor::right, {60, 100}, 60),
    });
    CHECK(result.boxes[0] == Rect{0, 0, 40, 800});
    // Anchored to the right only, height fixed: vertically centred in the usable area.
    CHECK(result.boxes[1] == Rect{420, 350, 60, 100});
    CHECK(result.work_area == Rect{40, 0, 380, 800});
}

TEST_CASE("a later exclusive surface is placed in the area left by earlier ones") {
    const LayerArrangement result = arrange({
        bar(kTopBarAnchor, {0, 30}, 30),
        bar(anchor::left | anchor::top | anchor::bottom, {40, 0}, 40),
    });
    CHECK(result.boxes[1] == Rect{0, 30, 40, 770});
    CHECK(result.work_area == Rect{40, 30, 440, 770});
}

TEST_CASE("higher layers claim space first, whatever the request order") {
    const LayerArrangement result = arrange({
        bar(kTopBarAnchor, {0, 20}, 20, Layer::background),
        bar(kTopBarAnchor, {0, 30}, 30, Layer::overlay),
    });
    CHECK(result.boxes[1] == Rect{0, 0, 480, 30});   // overlay at the very top
    CHECK(result.boxes[0] == Rect{0, 30, 480, 20});  // background below it
    CHECK(result.work_area == Rect{0, 50, 480, 750});
}

TEST_CASE("a zone counts only for one edge, or one edge plus both perpendicular ones") {
    SUBCASE("corner anchoring reserves nothing") {
        const LayerArrangement result = arrange({bar(anchor::top | anchor::left, {100, 30}, 30)});
        CHECK(result.boxes[0] == Rect{0, 0, 100, 30});
        CHECK(result.work_area == phone);
    }
    SUBCASE("opposite edges reserve nothing") {
        const LayerArrangement result = arrange({bar(anchor::top | anchor::bottom, {100, 0}, 30)});
        CHECK(result.work_area == phone);
    }
    SUBCASE("all four edges reserve nothing") {
        const LayerArrangement result = arrange({bar(kAllEdges, {0, 0}, 30)});
        CHECK(result.work_area == phone);
    }
    SUBCASE("a lone top anchor reserves") {
        const LayerArrangement result = arrange({bar(anchor::top, {200, 30}, 30)});
        CHECK(result.boxes[0] == Rect{140, 0, 200, 30});  // centred horizontally
        CHECK(result.work_area == Rect{0, 30, 480, 770});
    }
}

TEST_CASE("a surface anchored to three edges stretches along the two and hugs the third") {
    const LayerArrangement result = arrange({bar(kBottomBarAnchor, {0, 60}, 0)});
    CHECK(result.boxes[0] == Rect{0, 740, 480, 60});
    CHECK(result.work_area == phone);  // zone 0 reserves nothing
}

TEST_CASE("non-exclusive surfaces avoid exclusive zones") {
    LayerRequest home = bar(kAllEdges, {0, 0}, 0, Layer::bottom);
    const LayerArrangement result = arrange({home, bar(kTopBarAnchor, {0, 30}, 30)});
    CHECK(result.boxes[0] == Rect{0, 30, 480, 770});
    CHECK(result.work_area == Rect{0, 30, 480, 770});
}

TEST_CASE("zone -1 ignores other surfaces' zones and covers the whole output") {
    LayerRequest lock = bar(kAllEdges, {0, 0}, -1, Layer::overlay);
    const LayerArrangement result = arrange({bar(kTopBarAnchor, {0, 30}, 30), lock});
    CHECK(result.boxes[1] == phone);
    CHECK(result.work_area == Rect{0, 30, 480, 770});
}

TEST_CASE("a fixed size with no anchors, or with both opposite anchors, is centred") {
    const LayerArrangement result = arrange({
        bar(0, {200, 100}, 0),
        bar(kAllEdges, {200, 100}, 0),
    });
    CHECK(result.boxes[0] == Rect{140, 350, 200, 100});
    CHECK(result.boxes[1] == Rect{140, 350, 200, 100});
}

TEST_CASE("single anchors put the surface at that edge plus its margin") {
    LayerRequest banner = bar(anchor::top | anchor::right, {200, 50}, 0, Layer::overlay);
    banner.margin = {.top = 8, .right = 12, .bottom = 0, .left = 0};
    LayerRequest toast = bar(anchor::bottom | anchor::left, {100, 40}, 0);
    toast.margin = {.top = 0, .right = 0, .bottom = 16, .left = 4};
    const LayerArrangement result = arrange({banner, toast});
    CHECK(result.boxes[0] == Rect{268, 8, 200, 50});
    CHECK(result.boxes[1] == Rect{4, 744, 100, 40});
}

TEST_CASE("boxes are relative to the output rectangle that is passed in") {
    const Rect output{100, 50, 480, 800};
    const LayerArrangement result = arrange({bar(kTopBarAnchor, {0, 30}, 30)}, output);
    CHECK(result.boxes[0] == Rect{100, 50, 480, 30});
    CHECK(result.work_area == Rect{100, 80, 480, 770});
}

TEST_CASE("nothing gets a negative size") {
    SUBCASE("margins wider than the output") {
        LayerRequest request = bar(kTopBarAnchor, {0, 30}, 0);
        request.margin = {.top = 0, .right = 300, .bottom = 0, .left = 300};
        const LayerArrangement result = arrange({request});
        CHECK(result.boxes[0].width == 0);
        CHECK(result.boxes[0].height == 30);
    }
    SUBCASE("zones larger than the output") {
        const LayerArrangement result = arrange({
            bar(kTopBarAnchor, {0, 30}, 500),
            bar(kBottomBarAnchor, {0, 30}, 500),
        });
        CHECK(result.work_area.width == 480);
        CHECK(result.work_area.height == 0);
        CHECK(result.work_area.empty());
    }
}

// A fullscreen app covers the top-edge bars below the overlay layer (the
// status bar); the keyboard and overlay surfaces keep their zones.

TEST_CASE("the fullscreen area ignores the status bar's zone but keeps the keyboard's") {
    const LayerArrangement without_keyboard = arrange({bar(kTopBarAnchor, {0, 24}, 24)});
    CHECK(without_keyboard.work_area == Rect{0, 24, 480, 776});
    CHECK(without_keyboard.fullscreen_area == phone);

    const LayerArrangement with_keyboard =
        arrange({bar(kTopBarAnchor, {0, 24}, 24), bar(kBottomBarAnchor, {0, 260}, 260)});
    CHECK(with_keyboard.boxes[1] == Rect{0, 540, 480, 260});
    CHECK(with_keyboard.work_area == Rect{0, 24, 480, 516});
    CHECK(with_keyboard.fullscreen_area == Rect{0, 0, 480, 540});
}

TEST_CASE("which surfaces yield to a fullscreen app") {
    CHECK(yields_to_fullscreen(bar(kTopBarAnchor, {0, 24}, 24)));                       // the status bar
    CHECK(yields_to_fullscreen(bar(anchor::top, {200, 24}, 24, Layer::bottom)));        // a top panel, lower layer
    CHECK_FALSE(yields_to_fullscreen(bar(kBottomBarAnchor, {0, 260}, 260)));            // the keyboard
    CHECK_FALSE(yields_to_fullscreen(bar(kTopBarAnchor, {0, 60}, 0, Layer::overlay)));  // banners
    CHECK_FALSE(yields_to_fullscreen(bar(kAllEdges, {0, 0}, -1, Layer::overlay)));      // lock screen, switcher
    CHECK_FALSE(yields_to_fullscreen(bar(kAllEdges, {0, 0}, -1, Layer::background)));   // home screen
}

TEST_CASE("an overlay bar's zone shrinks the fullscreen area too") {
    const LayerArrangement result =
        arrange({bar(kTopBarAnchor, {0, 24}, 24), bar(kTopBarAnchor, {0, 40}, 40, Layer::overlay)});
    CHECK(result.work_area == Rect{0, 64, 480, 736});
    CHECK(result.fullscreen_area == Rect{0, 40, 480, 760});
}
