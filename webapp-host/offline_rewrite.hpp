// What the host (offline_cache.cpp) and its web process extension
// (web-extension/offline_extension.cpp) agree on; they run in two processes,
// so each side reads these rather than its own spelling. Plain constants: the
// extension links nothing of Cirrus.
#pragma once

namespace cirrus::webapp {

// The scheme the extension rewrites an app's own-origin subresource requests
// to, and the host serves: cirrus-offline://APP-ID/path?query.
inline constexpr const char* kOfflineScheme = "cirrus-offline";

// The GVariant type of the extension's initialization data: (app id, origin,
// rewrite), the origin as "http://host:port", without a trailing slash;
// rewrite false for an app whose own service worker answers its requests
// (worker_routing.hpp).
inline constexpr const char* kRewriteDataType = "(ssb)";

// The message the host sends a page when that changes during a run (a
// worker took control of the page, or is gone): its parameter is the new
// rewrite flag, of type kRewriteMessageType.
inline constexpr const char* kRewriteMessage = "cirrus-rewrite";
inline constexpr const char* kRewriteMessageType = "b";

}  // namespace cirrus::webapp
