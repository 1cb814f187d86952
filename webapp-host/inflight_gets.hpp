// Identical GETs in flight are fetched once (issue 17): while the host is
// fetching an own-origin URL for one request of the page, every other request
// for it that would go upstream too waits for that answer instead of sending
// its own. A page that asks for one unstored image 30 times within a second
// then costs one transfer, not 30, as in a browser's HTTP cache (Chromium's
// cache lock, WebKit's network process).
//
// Which requests may share: the same method and URL and the same request
// fields that choose another answer whatever the response's Vary says
// (conditionals, Range, credentials, the page's cache directives): those
// make the key. The response's Vary is known only when it arrives; then
// each joiner shares it only if its own values for the Vary fields are the
// leader's (shares_answer), else it is sent on its own.
//
// Plain C++: the host's glue (offline_cache.cpp) keeps one of these, keyed
// requests in, waiters out.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/http_headers.hpp"

namespace cirrus::webapp {

// The coalescing key of a request going upstream with `headers` (the page's
// and the cache's conditionals): "" when it must never share (methods
// other than GET and HEAD).
std::string inflight_key(const std::string& method, const std::string& url, const offline::Headers& headers);

// Whether a joiner whose request carried `joiner_headers` may be given the
// answer `response_headers` to a request that carried `leader_headers`
// (RFC 9111 4.1: the Vary fields agree; never for "Vary: *").
bool shares_answer(const offline::Headers& leader_headers, const offline::Headers& joiner_headers,
                   const offline::Headers& response_headers);

template <typename Waiter>
class InFlightGets {
public:
    // True when the caller leads: nothing with this key is in flight, so it
    // sends the fetch and must call finish(key) with its answer. False when
    // it joined: `waiter` is handed back by the leader's finish(). An empty
    // key always leads and is never recorded.
    bool lead_or_join(const std::string& key, Waiter waiter) {
        if (key.empty()) return true;
        auto [entry, inserted] = waiting_.try_emplace(key);
        if (inserted) return true;
        entry->second.push_back(std::move(waiter));
        return false;
    }

    // The answer for `key` came: the waiters that joined it, in the order
    // they came, and the key is free for the next fetch.
    std::vector<Waiter> finish(const std::string& key) {
        auto entry = waiting_.find(key);
        if (entry == waiting_.end()) return {};
        std::vector<Waiter> joined = std::move(entry->second);
        waiting_.erase(entry);
        return joined;
    }

    bool in_flight(const std::string& key) const { return waiting_.contains(key); }
    std::size_t fetches_in_flight() const { return waiting_.size(); }

private:
    std::map<std::string, std::vector<Waiter>> waiting_;
};

}  // namespace cirrus::webapp
