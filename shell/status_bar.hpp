// The status bar: a top-layer band across the screen that reserves its
// height (exclusive zone), with the network on the left (the offline
// cache's link state and the cellular modem, see link_indicator.hpp), the
// clock in the middle and the battery on the right, tinted by the front
// app's theme colour. Each part damages only its own rectangle when it
// changes. The clock follows the minute, the tint the compositor's state
// (ShellPart); the battery, link and modem are set from outside.
#pragma once

#include <cstdint>
#include <ctime>
#include <memory>
#include <optional>
#include <string>

#include "battery.hpp"
#include "cellular.hpp"
#include "layer_surface.hpp"
#include "link_indicator.hpp"
#include "shell_part.hpp"
#include "status_bar_layout.hpp"
#include "sync_indicator.hpp"
#include "theme.hpp"

namespace cirrus::shell {

class StatusBar : public SurfaceContent, public ShellPart {
public:
    explicit StatusBar(WaylandClient& client);
    ~StatusBar() override;

    void set_time(std::time_t now);
    void set_battery(std::optional<BatteryStatus> battery);
    // The compositor's link estimate (cirrus_shell_v1.link_state, from the
    // offline cache's real transfers).
    void set_link_state(LinkState state);
    // ModemManager's primary modem; none without a modem.
    void set_modem(std::optional<ModemReading> modem);
    // cirrus-sync's state (sync_watch.hpp): the icon while it moves data.
    void set_sync(const SyncIndicator& sync);
    // What carries the data (cirrus_shell_v1.link_kind).
    void set_link_kind(LinkKind kind);
    // cirrus_shell_v1.front_app's theme_color (0xAARRGGBB, alpha 0: none).
    void set_theme(std::uint32_t theme_argb);

    LayerSurface& surface() { return *surface_; }
    const std::string& clock() const { return clock_; }

    void before_wait() override;
    void outputs_changed() override;
    // The front app's theme colour; none on the home screen.
    void compositor_state(const CompositorState& state) override;
    void minute(std::time_t now) override;

    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;

private:
    void update_link();
    void draw_link(cairo_t* cr, const Colour& ink) const;
    void draw_link_glyph(cairo_t* cr, const Colour& ink) const;
    void draw_battery(cairo_t* cr, const Colour& ink) const;
    void draw_sync(cairo_t* cr, const Colour& ink) const;

    std::unique_ptr<LayerSurface> surface_;
    std::string clock_;
    std::optional<BatteryStatus> battery_;
    LinkState link_ = LinkState::unknown;
    std::optional<ModemReading> modem_;
    LinkKind kind_ = LinkKind::unknown;
    LinkIndicator indicator_;
    SyncIndicator sync_;
    Colour background_;
    int width_ = 0;
    int height_ = 0;
    StatusBarLayout boxes_;
};

}  // namespace cirrus::shell
