// The "Add to Home Screen" sheet (cirrus_shell_v1.install_offer): the
// browser or the catalogue asked the runtime to install an app, and the
// shell, not the page, asks the user. A dialog centred on a dimmed screen
// (overlay layer; the permission prompt's geometry) shows the app's icon,
// its name, where it comes from and what it stores for offline use, with
// Cancel and Add, or Open when the app is installed already; an offer that
// failed says why, with OK. The name is not editable: the shell has no text
// input of its own (the on-screen keyboard serves app windows).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "home_drawing.hpp"
#include "layer_surface.hpp"
#include "permission_model.hpp"
#include "shell_part.hpp"
#include "shell_protocol.hpp"

namespace cirrus::shell {

// What the sheet says: "Add “News” to the Home Screen?" and the details.
std::string install_sheet_text(const ShellProtocol::InstallOffer& offer);

class InstallSheet : public SurfaceContent, public ShellPart {
public:
    InstallSheet(WaylandClient& client, ShellProtocol& protocol);
    ~InstallSheet() override;

    void show(const ShellProtocol::InstallOffer& offer);
    bool showing() const { return offer_.has_value(); }

    void before_wait() override;
    void outputs_changed() override;
    void layout(int width, int height, int scale) override;
    void draw(cairo_t* cr) override;
    void press(int id, double x, double y, std::uint32_t time) override;
    void move(int id, double x, double y, std::uint32_t time) override;
    void release(int id, std::uint32_t time) override;
    void cancel() override;

private:
    enum class Button { none, cancel, confirm };
    Button hit(double x, double y) const;
    void set_pressed(Button button);
    void answer(std::uint32_t answer);

    WaylandClient& client_;
    ShellProtocol& protocol_;
    std::optional<ShellProtocol::InstallOffer> offer_;
    std::unique_ptr<LayerSurface> surface_;
    bool remove_ = false;
    PromptGeometry geometry_;
    bool laid_out_ = false;
    int scale_ = 1;
    SurfacePtr icon_;
    std::optional<int> touch_id_;
    Button armed_ = Button::none;
    Button pressed_ = Button::none;
};

}  // namespace cirrus::shell
