// The write queue in a hosted app's host: the glue between the page's
// writes (reaching the host through the cache scheme, offline_cache.hpp),
// the durable queue (common/write_queue.hpp), its rules
// (common/replay_policy.hpp) and the network (upstream_fetch.hpp).
//
// A write (POST, PUT, PATCH, DELETE...) to an endpoint the app declares in
// its manifest (cirrus_offline.write_endpoints):
//  - gets an Idempotency-Key on its first attempt (the page's own when it
//    sent one), so that a first attempt that reached the server but whose
//    answer was lost is deduplicated like any replay;
//  - is sent at once when nothing of the app's is waiting ahead of it and
//    the link is not known to be offline; an HTTP answer of any status goes
//    to the page as it is;
//  - is stored durably, then answered "202 Accepted" with
//    {"queued":true,"id":N,"key":"..."} and X-Cirrus-Queued: 1, when that
//    attempt fails for a network reason, when the link is known offline,
//    or when earlier writes are still queued (it must not overtake them);
//  - also when that attempt has no answer within the bound the link
//    estimate gives (write_answer_wait, common/request_policy.hpp: a few
//    seconds, never a minute): the attempt goes on in the background as
//    the queued write's first try (claimed in the store, same key), and its
//    late answer is that try's outcome.
// Declared writes are taken one at a time in the order the page made them:
// one that arrives while another's first attempt is out waits for its
// outcome (in memory: the page has no answer yet), so that the durable
// queue's order is the page's order.
//
// Replay: strictly in order, one at a time, the head blocking the rest,
// with the stored key; at host start (what a killed host or an earlier run
// left), when the link returns, and on the back-off timer. While the link
// is known offline the head is still tried now and then (a probe, with
// back-off up to 5 min): the compositor calls the link back online only
// after a success, and nothing else may be making requests.
//
// Outcomes: a CustomEvent 'cirrus-write' on window, detail {id, key, url,
// method, status, outcome: 'delivered' | 'failed', body?, error?}, sent
// once the page has loaded and forgotten when it was dispatched. Outcomes
// that no page saw (the host was killed, the page was navigating) are sent
// to the next page that loads, in this run or the next. Delivery of events
// is at least once: a host killed between dispatching and forgetting sends
// it again, with the same id and key.
//
// One host replays an app's queue at a time: it holds a lock (flock) on a
// file in the app's data folder; holding it, any attempt the store shows in
// flight for the app belongs to a dead host and is taken over at once
// rather than after its lease.
//
// Every entry point is a GLib callback or called from one: no exception
// leaves this module.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <webkit2/webkit2.h>

#include "common/replay_policy.hpp"
#include "common/write_queue.hpp"
#include "upstream_fetch.hpp"

namespace cirrus::webapp {

// The app's declared write endpoints from the manifest the registry
// stores (absolute URLs); none when it declares none or cannot be read.
std::vector<std::string> stored_write_endpoints(const std::string& manifest_json);

// The queue file: write-queue.sqlite beside the offline store
// (default_offline_store_path()).
std::filesystem::path default_write_queue_path();

class WriteReplay {
public:
    struct Options {
        std::string app_id;
        std::string origin;  // "http://host:port": sent as the writes' Origin
        std::vector<std::string> write_endpoints;
        std::filesystem::path queue_path;
        std::filesystem::path lock_path;  // flock'ed while this host replays the app's queue
        UpstreamFetch* fetch = nullptr;   // outlives this object
        // Every real transfer, for the compositor's link estimate.
        std::function<void(const UpstreamResponse&)> report_transfer;
        // Whether the compositor says the link is offline now.
        std::function<bool()> link_offline;
        // A queued write goes upstream (true) or has its answer (false).
        std::function<void(bool)> replaying;
        // How long a first attempt with this many body bytes waits for its
        // answer before the write is queued; none: as long as the exchange.
        std::function<std::chrono::milliseconds(std::size_t)> answer_wait;
        offline::ReplayConfig config;
    };

    // Opens the queue file only when it is needed: when the app declares
    // endpoints, or the file exists (writes from an earlier manifest).
    explicit WriteReplay(Options options);
    ~WriteReplay();
    WriteReplay(const WriteReplay&) = delete;
    WriteReplay& operator=(const WriteReplay&) = delete;

    // Whether `method` to `url` goes through here: a queueable method to a
    // declared endpoint.
    bool handles(std::string_view method, std::string_view url) const;

    struct PageAnswer {
        bool network_error = false;  // fail the page's request with `error`
        std::string error;
        int status = 0;
        offline::Headers headers;  // as received (the caller strips encodings)
        std::string body;
    };
    using Answer = std::function<void(PageAnswer)>;
    // A write handles() accepted, as it goes upstream (Origin set). `answer`
    // is called exactly once, unless this object is destroyed first.
    void submit(UpstreamRequest request, Answer answer);

    // The view whose pages learn the outcomes (its loads are watched).
    void attach_view(WebKitWebView* view);
    // Once the host runs its main loop: replays what is left from before.
    void start();
    // From CompositorLink::on_link_state.
    void link_changed(bool offline);

private:
    struct Incoming;
    struct Delivery;
    // The first attempt out now; overdue once its bound passed and the
    // write was queued with it as its first try (then `id` is that write's
    // when the attempt was claimed for it, else 0).
    struct FirstAttempt {
        bool overdue = false;
        std::int64_t id = 0;
        std::int64_t wait_ms = 0;  // its bound
    };

    offline::WriteQueue* queue();
    bool take_lock();
    std::int64_t now_ms() const;
    void restore();
    void pump();
    void schedule(std::int64_t at_ms);
    static void cancel_timer(guint& slot);
    void start_timer(guint& slot, std::int64_t delay_ms, void (WriteReplay::*run)());
    void send_head(std::int64_t id);
    void head_answered(std::int64_t id, UpstreamResponse response);
    void next_incoming();
    void first_attempt_answered(UpstreamResponse response);
    void first_attempt_overdue();
    // attempt_out: the first attempt is still on its way (overdue): claimed
    // as the queued write's first try.
    bool queue_front(std::optional<offline::AttemptOutcome> first_attempt, bool attempt_out = false);
    void record_first_failure(std::int64_t id, const offline::AttemptOutcome& outcome);
    void claim_attempt_out(const offline::Enqueued& enqueued);
    void completed(const offline::WriteOutcome& outcome);
    void deliver_outcomes();
    void delivered(const std::vector<std::int64_t>& ids, bool ok);
    static void on_load_changed(WebKitWebView* view, WebKitLoadEvent event, gpointer self);
    static gboolean on_load_failed(WebKitWebView* view, WebKitLoadEvent event, gchar* uri, GError* error,
                                   gpointer self);

    Options options_;
    offline::RandomSource random_;
    std::optional<offline::WriteQueue> queue_;
    bool queue_failed_ = false;  // could not be opened: writes fail as before
    int lock_fd_ = -1;
    // The app's pending writes as the replay rules see them; mirrors the
    // store while this host holds the lock.
    offline::ReplayQueue replay_;
    bool started_ = false;
    bool replay_in_flight_ = false;
    guint timer_ = 0;
    // While the link is known offline: when the next probe may go.
    bool link_offline_ = false;
    std::uint32_t probes_failed_ = 0;
    std::int64_t next_probe_at_ = 0;
    // Declared writes not yet sent or queued, in the page's order; the
    // front's first attempt may be out.
    std::deque<std::unique_ptr<Incoming>> incoming_;
    bool first_in_flight_ = false;
    std::shared_ptr<FirstAttempt> first_attempt_;  // while first_in_flight_
    guint first_timer_ = 0;                        // its bound
    // The page and what it has been told.
    WebKitWebView* view_ = nullptr;
    bool page_ready_ = false;
    bool page_failed_ = false;
    std::set<std::int64_t> delivering_;    // outcomes whose event is being dispatched
    GCancellable* cancellable_ = nullptr;  // cancelled on destruction
};

}  // namespace cirrus::webapp
