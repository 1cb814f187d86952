// cirrus-test-registry — connects, roundtrips, prints the globals it was
// offered as {"globals":[names...],"versions":{name:version}} and exits 0.

#include "common.hpp"

#include <map>

using namespace cirrus_test;

namespace cirrus_test::registry {

int run(int, char**) {
    wl_display* display = wl_display_connect(nullptr);
    if (!display) die("cannot connect to the Wayland display");
    std::vector<std::string> names;
    std::map<std::string, uint32_t> versions;
    struct State {
        std::vector<std::string>* names;
        std::map<std::string, uint32_t>* versions;
    } state{&names, &versions};
    static const wl_registry_listener listener = {
        [](void* data, wl_registry*, uint32_t, const char* iface, uint32_t version) {
            auto* s = static_cast<State*>(data);
            s->names->push_back(iface);
            auto& v = (*s->versions)[iface];
            v = std::max(v, version);
        },
        [](void*, wl_registry*, uint32_t) {},
    };
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &listener, &state);
    if (wl_display_roundtrip(display) < 0) {
        report_disconnect(display);
        return 1;
    }
    emit({{"globals", names}, {"versions", versions}});
    wl_registry_destroy(registry);
    wl_display_disconnect(display);
    return 0;
}

}  // namespace cirrus_test::registry
