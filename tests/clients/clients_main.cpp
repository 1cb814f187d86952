// The test clients as one program, called by the name it was run as (the
// build makes a link per client: cirrus-test-layer, cirrus-test-client, ...),
// as busybox is. One program, compiled as one unit: each client alone
// parsed nlohmann/json and the protocol headers again, eleven times in each
// build tree of CI.
#include <cstdio>
#include <cstring>
#include <string_view>

namespace cirrus_test {
namespace app_link {
int run(int, char**);
}
namespace client {
int run(int, char**);
}
namespace input_method {
int run(int, char**);
}
namespace layer {
int run(int, char**);
}
namespace registry {
int run(int, char**);
}
namespace screencopy {
int run(int, char**);
}
namespace shell_protocol {
int run(int, char**);
}
namespace system_services {
int run(int, char**);
}
namespace text_input {
int run(int, char**);
}
namespace toplevels {
int run(int, char**);
}
namespace virtual_input {
int run(int, char**);
}
}  // namespace cirrus_test

namespace {

struct ClientProgram {
    std::string_view name;
    int (*run)(int, char**);
};

constexpr ClientProgram kClients[] = {
    {"cirrus-test-app-link", cirrus_test::app_link::run},
    {"cirrus-test-client", cirrus_test::client::run},
    {"cirrus-test-input-method", cirrus_test::input_method::run},
    {"cirrus-test-layer", cirrus_test::layer::run},
    {"cirrus-test-registry", cirrus_test::registry::run},
    {"cirrus-test-screencopy", cirrus_test::screencopy::run},
    {"cirrus-test-shell-protocol", cirrus_test::shell_protocol::run},
    {"cirrus-test-system-services", cirrus_test::system_services::run},
    {"cirrus-test-text-input", cirrus_test::text_input::run},
    {"cirrus-test-toplevels", cirrus_test::toplevels::run},
    {"cirrus-test-virtual-input", cirrus_test::virtual_input::run},
};

}  // namespace

int main(int argc, char** argv) {
    const char* slash = argc > 0 ? std::strrchr(argv[0], '/') : nullptr;
    const std::string_view called = argc > 0 ? (slash ? slash + 1 : argv[0]) : "";
    for (const ClientProgram& client : kClients) {
        if (client.name == called) return client.run(argc, argv);
    }
    std::fprintf(stderr, "cirrus-test-clients: run as one of the clients' names (a link to this program), not '%.*s':",
                 static_cast<int>(called.size()), called.data());
    for (const ClientProgram& client : kClients)
        std::fprintf(stderr, " %.*s", static_cast<int>(client.name.size()), client.name.data());
    std::fputc('\n', stderr);
    return 2;
}
