// A proxy on 127.0.0.1 in front of a real DAV server (Apache, Radicale) that
// answers some requests itself, as a server whose disk or quota is full does
// (507), and forwards the rest with their headers and bodies, the answer's
// headers (ETag, DAV) included. `Destination` (MOVE) is rewritten to the
// server's address.
//
//   std::atomic<bool> full{false};
//   ForwardingProxy proxy(apache.url("/"), [&](const std::string& method, const std::string& path) {
//       return full && method == "PUT" ? 507 : 0;   // 0: forward it
//   });
#pragma once

#include <functional>
#include <memory>
#include <string>

#include <glib.h>
#include <libsoup/soup.h>

#include "http_test_server.hpp"

namespace cirrus::test {

class ForwardingProxy {
public:
    // The status to answer with, or 0 to forward. Runs on the proxy's thread.
    using Refusal = std::function<int(const std::string& method, const std::string& path)>;

    ForwardingProxy(std::string server_base, Refusal refusal)
        : server_base_(std::move(server_base)),
          refusal_(std::move(refusal)),
          session_(soup_session_new()),
          proxy_({{"*", [this](SoupServerMessage* m) { handle(m); }}}) {
        if (server_base_.ends_with('/')) server_base_.pop_back();
    }
    ForwardingProxy(const ForwardingProxy&) = delete;
    ForwardingProxy& operator=(const ForwardingProxy&) = delete;

    // "http://127.0.0.1:PORT" + path
    std::string url(const std::string& path) const { return proxy_.url(path); }

private:
    void handle(SoupServerMessage* m) {
        const std::string method = soup_server_message_get_method(m);
        const std::string path = g_uri_get_path(soup_server_message_get_uri(m));
        if (const int status = refusal_(method, path); status != 0) {
            soup_server_message_set_status(m, static_cast<guint>(status), nullptr);
            return;
        }
        SoupMessage* forward = soup_message_new(method.c_str(), (server_base_ + path).c_str());
        SoupMessageHeaders* in = soup_server_message_get_request_headers(m);
        SoupMessageHeaders* out = soup_message_get_request_headers(forward);
        const std::string own_base = proxy_.url("");
        SoupMessageHeadersIter iter;
        soup_message_headers_iter_init(&iter, in);
        const char* name = nullptr;
        const char* value = nullptr;
        while (soup_message_headers_iter_next(&iter, &name, &value)) {
            std::string text = value;
            if (g_ascii_strcasecmp(name, "Destination") == 0 && text.starts_with(own_base))
                text = server_base_ + text.substr(own_base.size());
            if (g_ascii_strcasecmp(name, "Host") != 0 && g_ascii_strcasecmp(name, "Content-Length") != 0)
                soup_message_headers_replace(out, name, text.c_str());
        }
        GBytes* body = soup_message_body_flatten(soup_server_message_get_request_body(m));
        soup_message_set_request_body_from_bytes(forward, soup_message_headers_get_content_type(in, nullptr), body);
        g_bytes_unref(body);
        GBytes* answer = soup_session_send_and_read(session_.get(), forward, nullptr, nullptr);
        soup_server_message_set_status(m, soup_message_get_status(forward), nullptr);
        SoupMessageHeaders* answer_headers = soup_message_get_response_headers(forward);
        SoupMessageHeaders* back = soup_server_message_get_response_headers(m);
        soup_message_headers_iter_init(&iter, answer_headers);
        while (soup_message_headers_iter_next(&iter, &name, &value)) {
            if (g_ascii_strcasecmp(name, "Content-Length") != 0 && g_ascii_strcasecmp(name, "Transfer-Encoding") != 0 &&
                g_ascii_strcasecmp(name, "Connection") != 0 && g_ascii_strcasecmp(name, "Content-Type") != 0)
                soup_message_headers_replace(back, name, value);
        }
        gsize size = 0;
        const char* data = answer ? static_cast<const char*>(g_bytes_get_data(answer, &size)) : "";
        const char* type = soup_message_headers_get_content_type(answer_headers, nullptr);
        soup_server_message_set_response(m, type ? type : "application/octet-stream", SOUP_MEMORY_COPY, data, size);
        if (answer) g_bytes_unref(answer);
        g_object_unref(forward);
    }

    std::string server_base_;
    Refusal refusal_;
    struct Unref {
        void operator()(SoupSession* session) const { g_object_unref(session); }
    };
    std::unique_ptr<SoupSession, Unref> session_;
    HttpTestServer proxy_;  // last: its thread stops before the session goes
};

}  // namespace cirrus::test
