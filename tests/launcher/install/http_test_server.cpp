// The loopback HTTP origin the fetch tests talk to; see http_test_server.hpp.
#include "http_test_server.hpp"

#include <future>
#include <stdexcept>

#include <gio/gio.h>

namespace cirrus::test {

HttpTestServer::HttpTestServer(std::map<std::string, Handler> routes) : routes_(std::move(routes)) {
    context_ = g_main_context_new();
    loop_ = g_main_loop_new(context_, FALSE);
    std::promise<int> listening;
    auto port = listening.get_future();
    thread_ = std::thread([this, &listening] {
        g_main_context_push_thread_default(context_);
        SoupServer* server = soup_server_new("server-header", "cirrus-test", nullptr);
        soup_server_add_handler(server, nullptr, &HttpTestServer::dispatch, this, nullptr);
        GError* error = nullptr;
        if (!soup_server_listen_local(server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error)) {
            listening.set_value(-1);
            g_clear_error(&error);
        } else {
            GSList* uris = soup_server_get_uris(server);
            listening.set_value(g_uri_get_port(static_cast<GUri*>(uris->data)));
            g_slist_free_full(uris, reinterpret_cast<GDestroyNotify>(g_uri_unref));
            g_main_loop_run(loop_);
        }
        // Drops paused requests (the "slow" routes) and closes the socket.
        soup_server_disconnect(server);
        g_object_unref(server);
        while (g_main_context_iteration(context_, FALSE)) {}
        g_main_context_pop_thread_default(context_);
    });
    port_ = port.get();
    if (port_ < 0) {
        thread_.join();
        g_main_loop_unref(loop_);
        g_main_context_unref(context_);
        throw std::runtime_error("the test HTTP server could not listen on 127.0.0.1");
    }
}

HttpTestServer::~HttpTestServer() {
    g_main_context_invoke(
        context_,
        [](gpointer loop) {
            g_main_loop_quit(static_cast<GMainLoop*>(loop));
            return G_SOURCE_REMOVE;
        },
        loop_);
    thread_.join();
    g_main_loop_unref(loop_);
    g_main_context_unref(context_);
}

std::string HttpTestServer::url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpTestServer::dispatch(SoupServer*, SoupServerMessage* message, const char* path, GHashTable*, gpointer self) {
    auto& routes = static_cast<HttpTestServer*>(self)->routes_;
    auto route = routes.find(path);
    if (route == routes.end()) route = routes.find("*");  // a catch-all (a proxy)
    if (route == routes.end()) {
        soup_server_message_set_status(message, 404, nullptr);
        return;
    }
    route->second(message);
}

int closed_local_port() {
    GError* error = nullptr;
    GSocket* socket = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
    GInetAddress* loopback = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
    GSocketAddress* any_port = g_inet_socket_address_new(loopback, 0);
    g_socket_bind(socket, any_port, FALSE, &error);
    GSocketAddress* bound = g_socket_get_local_address(socket, &error);
    const int port = g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
    g_object_unref(bound);
    g_object_unref(any_port);
    g_object_unref(loopback);
    g_socket_close(socket, nullptr);
    g_object_unref(socket);
    return port;
}

}  // namespace cirrus::test
