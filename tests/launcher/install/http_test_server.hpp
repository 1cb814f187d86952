// A real HTTP origin on 127.0.0.1 (an ephemeral port) for the fetch tests:
// libsoup's SoupServer running its own main loop on its own thread.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <thread>

#include <glib.h>
#include <libsoup/soup.h>

namespace cirrus::test {

class HttpTestServer {
public:
    // Runs on the server's thread, with the message for one request.
    using Handler = std::function<void(SoupServerMessage*)>;

    // Routes are fixed before the server starts, so no locking is needed.
    // A route "*" answers every path no other route names.
    explicit HttpTestServer(std::map<std::string, Handler> routes);
    ~HttpTestServer();
    HttpTestServer(const HttpTestServer&) = delete;
    HttpTestServer& operator=(const HttpTestServer&) = delete;

    int port() const { return port_; }
    // "http://127.0.0.1:PORT" + path
    std::string url(const std::string& path) const;

private:
    void run();
    static void dispatch(SoupServer*, SoupServerMessage* message, const char* path, GHashTable*, gpointer self);

    std::map<std::string, Handler> routes_;
    GMainContext* context_ = nullptr;
    GMainLoop* loop_ = nullptr;
    int port_ = 0;
    std::thread thread_;
};

// A port on 127.0.0.1 that nothing listens on (bound once, then closed).
int closed_local_port();

}  // namespace cirrus::test
