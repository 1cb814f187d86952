// The web process half of the offline cache, loaded into each app's web
// process by WebKit. It rewrites the app's own-origin subresource and fetch()
// requests to the cache scheme (cirrus-offline://APP-ID/path?query), which the
// host serves from the offline store or the network (offline_cache.*). The
// page keeps its real origin (cookies, storage); only the bytes travel through
// the host. Documents (navigations, iframes) are left alone: a rewritten
// document would take the cache scheme's origin.
//
// An app whose own service worker controls its pages is left alone: a
// rewritten request would never reach the worker (a custom scheme has none).
// The host says so at start (the initialization data) and when it changes
// during a run (kRewriteMessage).
//
// Plain C callbacks on C data: no C++ exception can cross into WebKit.

#include <cstring>
#include <string>

#include <webkit2/webkit-web-extension.h>

#include "../offline_rewrite.hpp"

namespace {

struct Rewrite {
    std::string app_id;
    std::string origin;  // "http://host:port", no trailing slash
    bool active = true;  // false while the app's service worker answers
};

Rewrite* rewrite_rules = nullptr;

bool is_document_request(WebKitWebPage* page, WebKitURIRequest* request) {
    const char* uri = webkit_uri_request_get_uri(request);
    // The main frame's own load (also the one load_alternate_html announces).
    if (g_strcmp0(uri, webkit_web_page_get_uri(page)) == 0) return true;
    // Frames and navigations ask for HTML first; fetch() and subresources
    // do not (their Accept is */* or a type of their own).
    SoupMessageHeaders* headers = webkit_uri_request_get_http_headers(request);
    const char* accept = headers ? soup_message_headers_get_one(headers, "Accept") : nullptr;
    return accept && std::strncmp(accept, "text/html", 9) == 0;
}

gboolean on_send_request(WebKitWebPage* page, WebKitURIRequest* request, WebKitURIResponse* redirected_response,
                         gpointer) {
    if (!rewrite_rules || !rewrite_rules->active || redirected_response)
        return FALSE;  // a redirect is the origin's decision
    const char* uri = webkit_uri_request_get_uri(request);
    const std::string& origin = rewrite_rules->origin;
    if (std::strncmp(uri, origin.c_str(), origin.size()) != 0 || uri[origin.size()] != '/') return FALSE;
    if (is_document_request(page, request)) return FALSE;
    const std::string cached =
        std::string(cirrus::webapp::kOfflineScheme) + "://" + rewrite_rules->app_id + (uri + origin.size());
    webkit_uri_request_set_uri(request, cached.c_str());
    return FALSE;  // FALSE: let the (rewritten) request go on
}

gboolean on_user_message(WebKitWebPage*, WebKitUserMessage* message, gpointer) {
    if (g_strcmp0(webkit_user_message_get_name(message), cirrus::webapp::kRewriteMessage) != 0) return FALSE;
    GVariant* parameters = webkit_user_message_get_parameters(message);
    if (rewrite_rules && parameters &&
        g_variant_is_of_type(parameters, G_VARIANT_TYPE(cirrus::webapp::kRewriteMessageType))) {
        rewrite_rules->active = g_variant_get_boolean(parameters);
    }
    return TRUE;
}

void on_page_created(WebKitWebExtension*, WebKitWebPage* page, gpointer) {
    g_signal_connect(page, "send-request", G_CALLBACK(on_send_request), nullptr);
    g_signal_connect(page, "user-message-received", G_CALLBACK(on_user_message), nullptr);
}

}  // namespace

// The host passes (app id, origin, rewrite) as kRewriteDataType; anything else leaves
// every request untouched (the app then simply has no offline copy).
extern "C" G_MODULE_EXPORT void webkit_web_extension_initialize_with_user_data(WebKitWebExtension* extension,
                                                                               const GVariant* user_data) {
    auto* data = const_cast<GVariant*>(user_data);
    if (data && g_variant_is_of_type(data, G_VARIANT_TYPE(cirrus::webapp::kRewriteDataType))) {
        const char* app_id = nullptr;
        const char* origin = nullptr;
        gboolean rewrite = TRUE;
        g_variant_get(data, "(&s&sb)", &app_id, &origin, &rewrite);
        // Lives as long as the process.
        if (*app_id && *origin) rewrite_rules = new Rewrite{app_id, origin, rewrite != FALSE};
    }
    g_signal_connect(extension, "page-created", G_CALLBACK(on_page_created), nullptr);
}
