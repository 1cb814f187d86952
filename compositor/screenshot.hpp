// Renders what an output shows to a PNG file, independently of the frame
// loop, so that a screenshot never needs (or causes) a frame on screen.
#pragma once

#include <string>

namespace cirrus {

class Server;
class Output;

struct ScreenshotResult {
    int width = 0;
    int height = 0;
    std::string error;  // empty on success
};

ScreenshotResult write_screenshot(Server& server, Output& output, const std::string& path);

}  // namespace cirrus
