// What a launch did (Server::launch_app and the launches that go through it),
// apart from Server so that the links it owns can return it too.
#pragma once

#include <string>
#include <sys/types.h>

namespace cirrus {

struct LaunchOutcome {
    std::string action;  // "spawned", "focused", "launching"
    pid_t pid = -1;
    std::string error;  // empty on success
};

}  // namespace cirrus
