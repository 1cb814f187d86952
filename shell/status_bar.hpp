// The status bar: a top-layer band across the screen that reserves its
// height (exclusive zone), with the link state on the left, the clock in the
// middle and the battery on the right, tinted by the front app's theme
// colour. Each part damages only its own rectangle when it changes.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "battery.hpp"
#include "layer_surface.hpp"
#include "theme.hpp"

namespace cirrus::shell {

// The network as the offline cache sees it. `unknown` (nothing published
// yet, or no cache) draws nothing: the bar never claims a link it has not
// been told about.
enum class LinkState { unknown, offline, slow_2g, cellular_3g, good };

class StatusBar : public SurfaceContent {
public:
    explicit StatusBar(WaylandClient& client);
    ~StatusBar() override;

    void set_time(std::time_t now);
    void set_battery(std::optional<BatteryStatus> battery);
    void set_link_state(LinkState state);
    // cirrus_shell_v1.front_app's theme_color (0xAARRGGBB, alpha 0: none).
    void set_theme(std::uint32_t theme_argb);

    LayerSurface& surface() { return *surface_; }
    const std::string& clock() const { return clock_; }

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;

private:
    void draw_link(cairo_t* cr, const Colour& ink) const;
    void draw_battery(cairo_t* cr, const Colour& ink) const;

    std::unique_ptr<LayerSurface> surface_;
    std::string clock_;
    std::optional<BatteryStatus> battery_;
    LinkState link_ = LinkState::unknown;
    Colour background_;
    int width_ = 0;
    int height_ = 0;
    Box link_box_;
    Box clock_box_;
    Box battery_box_;
};

}  // namespace cirrus::shell
