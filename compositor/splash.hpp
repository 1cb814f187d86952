// The launch splash: the instant an app is launched the compositor shows its
// background colour, icon and name (from the registry), and keeps them over
// the app's window until its host reports the first frame of the app's own
// content (cirrus_app_v1.first_frame), or, for a client that does not speak
// that protocol, until its window maps. Drawn as scene nodes on top of the
// apps layer: a rectangle, and one small Cairo buffer for icon and label.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "geometry.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

// What a splash shows, from the app's registry entry.
struct SplashContent {
    std::string name;                       // short_name, else name
    std::optional<std::string> background;  // a CSS colour; none: white
    std::optional<std::vector<std::uint8_t>> icon_png;
    bool fullscreen = false;  // display: fullscreen covers the status bar
};

class Splash {
public:
    explicit Splash(Server& server) : server_(server) {}
    ~Splash();
    Splash(const Splash&) = delete;
    Splash& operator=(const Splash&) = delete;

    // Shows the app's splash, replacing one already up.
    bool show(const std::string& app, const SplashContent& content);
    void remove(const std::string& app);
    void remove_all();
    bool showing(const std::string& app) const { return splashes_.count(app) != 0; }
    // Keeps the splashes above the windows after the policy restacked them,
    // and fitted to the work area after it changed.
    void restack();

private:
    struct Entry {
        wlr_scene_tree* tree = nullptr;
        wlr_scene_rect* background = nullptr;
        wlr_scene_buffer* label = nullptr;  // icon and name
        Size label_size;                    // logical px
        bool fullscreen = false;            // covers the status bar too
    };
    Rect area_for(const Entry& entry) const;
    void place(Entry& entry);

    Server& server_;
    std::map<std::string, Entry> splashes_;
};

}  // namespace cirrus
