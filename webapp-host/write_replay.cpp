#include "write_replay.hpp"

#include <nlohmann/json.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <utility>

#include "common/manifest.hpp"
#include "common/http_cache.hpp"
#include "common/store_path.hpp"
#include "offline_cache.hpp"

namespace cirrus::webapp {

namespace {

using offline::AttemptOutcome;
using offline::NetworkFailure;
using offline::WallTime;
using std::chrono::milliseconds;

// An attempt is in flight, in the store's eyes, this long after it starts:
// longer than UpstreamFetch's own bound on an exchange (60 s), so that no
// other process takes over a write this host is still sending. A host that
// holds the app's lock takes over a dead host's attempt at once anyway.
constexpr std::int64_t kLeaseMs = 90'000;
// What the page is told of an answer is kept with the outcome until the
// page has heard it: enough for a typical API answer, bounded so that a
// large one cannot bloat the queue file.
constexpr std::size_t kMaxOutcomeBody = 64 * 1024;
// Another host holds the app's queue (it should not: one host per app):
// how often this one asks again.
constexpr std::int64_t kLockRetryMs = 30'000;
// After the store refused an operation, before the next try.
constexpr std::int64_t kStoreRetryMs = 2'000;

constexpr std::string_view kEventName = "cirrus-write";

WallTime wall(std::int64_t unix_ms) { return WallTime(milliseconds(unix_ms)); }
std::int64_t unix_ms(WallTime time) { return time.time_since_epoch().count(); }

void log(const std::string& app_id, const std::string& text) {
    std::fprintf(stderr, "cirrus-webapp-host[%s]: write queue: %s\n", app_id.c_str(), text.c_str());
    std::fflush(stderr);
}

offline::HeaderList to_header_list(const offline::Headers& headers) {
    offline::HeaderList list;
    for (const auto& h : headers) list.add(h.name, h.value);
    return list;
}

// What one answer from upstream means to the replay rules. UpstreamFetch
// tells a refused connection (the server is down, the link works) from the
// rest; which of the rest it was (reset, timeout, no route, TLS) the rules
// do not need: all are retried while the link is up, none counts towards
// giving up.
AttemptOutcome attempt_outcome(const UpstreamResponse& response) {
    if (response.network_failed) {
        return AttemptOutcome::network(response.link_failed ? NetworkFailure::other
                                                            : NetworkFailure::connection_refused);
    }
    return AttemptOutcome::http(response.status, offline::header_value(response.headers, "Retry-After"));
}

// The key as the page knows it: the field value is a structured-field
// String ("..." with \" and \\ escaped) when the host made it; a page's own
// value that is not one is given back as it was.
std::string key_for_page(const std::string& field) {
    if (field.size() < 2 || field.front() != '"' || field.back() != '"') return field;
    std::string key;
    for (std::size_t i = 1; i + 1 < field.size(); ++i) {
        if (field[i] == '\\' && i + 2 < field.size()) ++i;
        key += field[i];
    }
    return key;
}

std::string as_text(const std::vector<std::uint8_t>& bytes) { return {bytes.begin(), bytes.end()}; }

// JSON for the page: invalid UTF-8 (a binary answer) is replaced rather
// than thrown about.
std::string to_json_text(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

bool delivered_outcome(const offline::WriteOutcome& outcome) {
    const auto& c = outcome.completion;
    return c.result == offline::WriteResult::responded && c.status &&
           offline::judge_attempt(AttemptOutcome::http(*c.status)) == offline::Verdict::delivered;
}

nlohmann::json event_detail(const offline::WriteOutcome& outcome) {
    const auto& c = outcome.completion;
    nlohmann::json detail = {
        {"id", outcome.id},
        {"key", key_for_page(outcome.idempotency_key)},
        {"url", outcome.url},
        {"method", outcome.method},
        {"status", c.status ? nlohmann::json(*c.status) : nlohmann::json(nullptr)},
        {"outcome", delivered_outcome(outcome) ? "delivered" : "failed"},
    };
    if (!c.response_body.empty()) detail["body"] = as_text(c.response_body);
    if (!c.detail.empty()) detail["error"] = c.detail;
    return detail;
}

}  // namespace

std::vector<std::string> stored_write_endpoints(const std::string& manifest_json) {
    try {
        const auto manifest = launcher::manifest_from_json(nlohmann::json::parse(manifest_json));
        if (manifest && manifest->cirrus_offline) return manifest->cirrus_offline->write_endpoints;
    } catch (const std::exception&) {
        // An unreadable manifest declares nothing (the host has checked it before).
    }
    return {};
}

std::filesystem::path default_write_queue_path() { return offline::write_queue_path(default_offline_store_path()); }

// A declared write the page made, not yet sent or queued.
struct WriteReplay::Incoming {
    UpstreamRequest request;  // without its Idempotency-Key
    std::string key;          // the Idempotency-Key field value, made once
    Answer answer;
};

// An evaluate_javascript() in progress: the cancellable tells the callback
// whether its owner still exists.
struct WriteReplay::Delivery {
    WriteReplay* owner = nullptr;
    GCancellable* cancellable = nullptr;
    std::vector<std::int64_t> ids;
};

WriteReplay::WriteReplay(Options options)
    : options_(std::move(options)),
      random_(offline::system_random_source()),
      replay_(options_.config, random_),
      cancellable_(g_cancellable_new()) {
    std::error_code ec;
    // Nothing to queue and nothing left from before: never opens the file.
    queue_failed_ = options_.write_endpoints.empty() && !std::filesystem::exists(options_.queue_path, ec);
}

WriteReplay::~WriteReplay() {
    cancel_timer(timer_);
    cancel_timer(first_timer_);
    g_cancellable_cancel(cancellable_);  // pending deliveries drop their owner
    g_object_unref(cancellable_);
    if (view_) {
        g_signal_handlers_disconnect_by_data(view_, this);
        g_object_unref(view_);
    }
    if (lock_fd_ >= 0) ::close(lock_fd_);  // also releases the lock
}

offline::WriteQueue* WriteReplay::queue() {
    if (queue_) return &*queue_;
    if (queue_failed_) return nullptr;
    try {
        queue_.emplace(offline::WriteQueue::open(options_.queue_path));
        for (const auto& recovery : queue_->recoveries()) {
            log(options_.app_id, options_.queue_path.string() + " was damaged (" + recovery.problem +
                                     "); set aside as " + recovery.moved_to.string() + ", " +
                                     std::to_string(queue_->salvaged_writes()) + " pending writes salvaged");
        }
    } catch (const std::exception& e) {
        // Without the file nothing can be promised: writes fail as they would
        // without a queue.
        queue_failed_ = true;
        log(options_.app_id, std::string("cannot open ") + options_.queue_path.string() + ": " + e.what());
        return nullptr;
    }
    return &*queue_;
}

bool WriteReplay::take_lock() {
    if (lock_fd_ >= 0) return true;
    std::error_code ec;
    std::filesystem::create_directories(options_.lock_path.parent_path(), ec);
    const int fd = ::open(options_.lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log(options_.app_id, "cannot open " + options_.lock_path.string() + ": " + std::strerror(errno));
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return false;
    }
    lock_fd_ = fd;
    return true;
}

std::int64_t WriteReplay::now_ms() const {
    return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool WriteReplay::handles(std::string_view method, std::string_view url) const {
    return offline::is_queueable_method(method) && offline::matches_write_endpoint(url, options_.write_endpoints);
}

// --- the page's writes -------------------------------------------------------

void WriteReplay::submit(UpstreamRequest request, Answer answer) {
    auto item = std::make_unique<Incoming>();
    // The key is made here, once, before the first attempt: that attempt may
    // be the one that reaches the server, and every later one must match it.
    item->key = offline::idempotency_field_for(to_header_list(request.headers), random_);
    std::erase_if(request.headers, [](const offline::Header& h) {
        return offline::same_header_name(h.name, offline::kIdempotencyKeyHeader);
    });
    item->request = std::move(request);
    item->answer = std::move(answer);
    incoming_.push_back(std::move(item));
    next_incoming();
}

void WriteReplay::next_incoming() {
    while (!first_in_flight_ && !incoming_.empty()) {
        offline::WriteQueue* store = queue();
        bool behind = replay_in_flight_;
        if (store && !behind) {
            try {
                behind = store->pending_count(options_.app_id) > 0;
            } catch (const std::exception& e) {
                log(options_.app_id, e.what());
            }
        }
        const bool offline = options_.link_offline && options_.link_offline();
        if (store && (behind || offline)) {
            // Queued without an attempt: behind earlier writes it must not
            // overtake, or the link is known to carry nothing.
            queue_front(std::nullopt);
            continue;
        }
        Incoming& front = *incoming_.front();
        UpstreamRequest request = front.request;
        request.headers.push_back({std::string(offline::kIdempotencyKeyHeader), front.key});
        first_in_flight_ = true;
        auto attempt = std::make_shared<FirstAttempt>();
        first_attempt_ = attempt;
        const std::size_t body_bytes = request.body.size();
        options_.fetch->send(std::move(request), [this, attempt](UpstreamResponse response) {
            if (!attempt->overdue) {
                first_attempt_answered(std::move(response));
            } else if (attempt->id > 0) {
                head_answered(attempt->id, std::move(response));  // the queued write's first try
            } else if (options_.report_transfer) {
                options_.report_transfer(response);  // not this host's to record: replayed with its key
            }
        });
        // The bound needs the queue and its lock: only then can the attempt
        // out be recorded as the queued write's try.
        if (options_.answer_wait && store && lock_fd_ >= 0) {
            const auto wait = std::max<std::int64_t>(0, options_.answer_wait(body_bytes).count());
            attempt->wait_ms = wait;
            start_timer(first_timer_, wait, &WriteReplay::first_attempt_overdue);
        }
    }
}

// The first attempt has had the time the link deserves: the page is told
// "queued" now, and the attempt goes on as the queued write's first try.
void WriteReplay::first_attempt_overdue() {
    if (!first_in_flight_ || !first_attempt_ || incoming_.empty()) return;
    first_attempt_->overdue = true;
    first_in_flight_ = false;
    queue_front(std::nullopt, true);
    first_attempt_.reset();
    next_incoming();
    pump();
}

void WriteReplay::first_attempt_answered(UpstreamResponse response) {
    cancel_timer(first_timer_);
    first_attempt_.reset();
    first_in_flight_ = false;
    if (options_.report_transfer) options_.report_transfer(response);
    if (response.network_failed && queue()) {
        queue_front(attempt_outcome(response));
    } else {
        // An HTTP answer of any status: the server saw the write, the page
        // hears what it said. (No queue file: fails as without a queue.)
        std::unique_ptr<Incoming> front = std::move(incoming_.front());
        incoming_.pop_front();
        PageAnswer answer;
        answer.network_error = response.network_failed;
        answer.error = "offline: " + response.error;
        answer.status = response.status;
        answer.headers = std::move(response.headers);
        answer.body = std::move(response.body);
        if (!response.network_failed) next_probe_at_ = 0;  // the link carries answers
        front->answer(std::move(answer));
    }
    next_incoming();
    pump();
}

bool WriteReplay::queue_front(std::optional<AttemptOutcome> first_attempt, bool attempt_out) {
    std::unique_ptr<Incoming> front = std::move(incoming_.front());
    incoming_.pop_front();
    offline::WriteRequest write;
    write.method = front->request.method;
    write.url = front->request.url;
    write.headers = front->request.headers;
    write.body.assign(front->request.body.begin(), front->request.body.end());
    write.idempotency_key = front->key;
    const std::int64_t now = now_ms();
    offline::Enqueued enqueued;
    try {
        enqueued = queue()->enqueue(options_.app_id, write, now);  // durable when it returns
    } catch (const std::exception& e) {
        log(options_.app_id, std::string("cannot keep ") + write.method + " " + write.url + ": " + e.what());
        PageAnswer answer;
        answer.network_error = true;
        answer.error = std::string("offline, and the write could not be kept: ") + e.what();
        front->answer(std::move(answer));
        return false;
    }
    if (enqueued.state == offline::EnqueueState::queued && lock_fd_ >= 0) {
        replay_.enqueue({static_cast<std::uint64_t>(enqueued.id), 0, 0, wall(now), false});
    }
    if (attempt_out) {
        claim_attempt_out(enqueued);
        log(options_.app_id, "queued " + write.method + " " + write.url + " as #" + std::to_string(enqueued.id) +
                                 " (no answer within the link's bound of " +
                                 std::to_string(first_attempt_ ? first_attempt_->wait_ms : 0) +
                                 " ms; the attempt goes on as its first try)");
    } else {
        log(options_.app_id,
            "queued " + write.method + " " + write.url + " as #" + std::to_string(enqueued.id) +
                (first_attempt ? " (the network failed)" : " (the link is offline or writes wait ahead)"));
    }

    PageAnswer answer;
    answer.status = 202;
    answer.headers = {{"Content-Type", "application/json"}, {"Cache-Control", "no-store"}, {"X-Cirrus-Queued", "1"}};
    answer.body =
        to_json_text({{"queued", true}, {"id", enqueued.id}, {"key", key_for_page(enqueued.idempotency_key)}});
    front->answer(std::move(answer));

    if (first_attempt && enqueued.state == offline::EnqueueState::queued) {
        record_first_failure(enqueued.id, *first_attempt);
    }
    pump();
    return true;
}

// The overdue first attempt becomes the queued write's first try: claimed
// in the store (one attempt, in flight under a lease longer than the
// exchange's own bound) and in flight for the replay rules, so nothing is
// sent again meanwhile; its answer goes to head_answered(). When the write
// is not this host's head (another's key, a store that disagrees), the
// attempt's answer is dropped and the stored write replayed with its key.
void WriteReplay::claim_attempt_out(const offline::Enqueued& enqueued) {
    if (enqueued.state != offline::EnqueueState::queued || lock_fd_ < 0 || replay_in_flight_ ||
        replay_.writes().empty() || replay_.writes().front().id != static_cast<std::uint64_t>(enqueued.id)) {
        return;
    }
    try {
        if (!queue()->claim(enqueued.id, now_ms(), kLeaseMs)) return;
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
        return;
    }
    replay_.started(static_cast<std::uint64_t>(enqueued.id));
    replay_in_flight_ = true;
    if (options_.replaying) options_.replaying(true);
    if (first_attempt_) first_attempt_->id = enqueued.id;
}

// The first attempt went out before the write was stored: count it, and
// start the back-off from it, as for any failed attempt (after the page has
// its answer: this is book-keeping).
void WriteReplay::record_first_failure(std::int64_t id, const AttemptOutcome& outcome) {
    if (lock_fd_ < 0 || replay_.writes().empty() || replay_.writes().front().id != static_cast<std::uint64_t>(id)) {
        return;  // not this host's to replay yet: restore() reads it from the store
    }
    try {
        const std::int64_t now = now_ms();
        if (!queue()->claim(id, now, kLeaseMs)) return;
        replay_.started(static_cast<std::uint64_t>(id));
        replay_.report(static_cast<std::uint64_t>(id), outcome, wall(now));
        const offline::QueuedWrite& head = replay_.writes().front();
        offline::RetryPlan plan;
        if (head.next_attempt_at) plan.next_attempt_at = unix_ms(*head.next_attempt_at);
        plan.waiting_for_link = head.waiting_for_link;
        plan.error = "the first attempt got no answer";
        queue()->retry_later(id, plan);
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
        restore();
    }
}

// --- replay ------------------------------------------------------------------

void WriteReplay::start() {
    started_ = true;
    schedule(now_ms());  // from the main loop, once the window is up
}

// Rebuilds the replay rules' view from the store. Only the host holding the
// app's lock replays, so an attempt the store shows in flight was a dead
// host's: it is released, due at once, with its key.
void WriteReplay::restore() {
    replay_ = offline::ReplayQueue(options_.config, random_);
    offline::WriteQueue* store = queue();
    if (!store) return;
    try {
        const std::int64_t now = now_ms();
        for (offline::StoredWrite& write : store->pending(options_.app_id)) {
            if (write.claimed_until) {
                offline::RetryPlan plan;
                plan.next_attempt_at = now;
                plan.waiting_for_link = write.waiting_for_link;
                plan.error = "the host stopped during an attempt";
                store->retry_later(write.id, plan);
                write.next_attempt_at = now;
                log(options_.app_id, "#" + std::to_string(write.id) +
                                         " was being sent when the host stopped: sending it again, same key");
            }
            offline::QueuedWrite queued;
            queued.id = static_cast<std::uint64_t>(write.id);
            queued.attempts = static_cast<std::uint32_t>(std::max(0, write.attempts));
            queued.server_retries = static_cast<std::uint32_t>(std::max(0, write.server_retries));
            if (write.next_attempt_at) queued.next_attempt_at = wall(*write.next_attempt_at);
            queued.waiting_for_link = write.waiting_for_link;
            replay_.enqueue(queued);
        }
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
    }
}

void WriteReplay::link_changed(bool offline) {
    if (offline == link_offline_) return;
    link_offline_ = offline;
    if (offline) {
        // The first probe after a short wait: the link may have failed only
        // for a moment; then longer and longer (the usual back-off).
        probes_failed_ = 0;
        next_probe_at_ = now_ms() + offline::backoff_delay(1, random_, options_.config).count();
        return;
    }
    next_probe_at_ = 0;
    if (!replay_.writes().empty()) log(options_.app_id, "the link is back: replaying");
    replay_.link_returned();  // a head that waited for the link is due now
    pump();
}

void WriteReplay::cancel_timer(guint& slot) {
    if (slot) g_source_remove(slot);
    slot = 0;
}

// A one-shot timer whose source id lives in `slot` (cleared as it fires);
// what `run` throws is logged, never let through GLib. A day at most: the
// rules never ask for longer, and guint must hold it.
void WriteReplay::start_timer(guint& slot, std::int64_t delay_ms, void (WriteReplay::*run)()) {
    struct Firing {
        WriteReplay* self;
        guint* slot;
        void (WriteReplay::*run)();
    };
    const std::int64_t delay = std::clamp<std::int64_t>(delay_ms, 0, 24LL * 3600 * 1000);
    slot = g_timeout_add_full(
        G_PRIORITY_DEFAULT, static_cast<guint>(delay),
        [](gpointer data) -> gboolean {
            const auto* firing = static_cast<Firing*>(data);
            *firing->slot = 0;
            try {
                (firing->self->*firing->run)();
            } catch (const std::exception& e) {
                log(firing->self->options_.app_id, e.what());
            }
            return G_SOURCE_REMOVE;
        },
        new Firing{this, &slot, run}, [](gpointer data) { delete static_cast<Firing*>(data); });
}

void WriteReplay::schedule(std::int64_t at_ms) {
    cancel_timer(timer_);
    start_timer(timer_, at_ms - now_ms(), &WriteReplay::pump);
}

void WriteReplay::pump() {
    if (!started_ || replay_in_flight_ || queue_failed_) return;
    if (lock_fd_ < 0) {
        if (!queue() || !take_lock()) {
            if (queue()) {
                log(options_.app_id, "another host replays this app's writes; asking again later");
                schedule(now_ms() + kLockRetryMs);
            }
            return;
        }
        restore();
    }
    cancel_timer(timer_);
    const std::int64_t now = now_ms();
    // Back-off decides; "offline" only spaces the attempts further apart
    // (probes), since only a success brings the compositor's link back.
    const offline::ReplayStep step = replay_.next(true, wall(now));
    switch (step.action) {
    case offline::ReplayAction::idle:
    case offline::ReplayAction::in_flight:
    case offline::ReplayAction::wait_for_link:
        return;
    case offline::ReplayAction::wait_until:
        schedule(std::max(unix_ms(step.at), link_offline_ ? next_probe_at_ : 0));
        return;
    case offline::ReplayAction::send:
        if (link_offline_ && now < next_probe_at_) {
            schedule(next_probe_at_);
            return;
        }
        send_head(static_cast<std::int64_t>(step.id));
        return;
    }
}

void WriteReplay::send_head(std::int64_t id) {
    std::optional<offline::StoredWrite> write;
    try {
        // Durably marks the attempt before anything is sent.
        write = queue()->claim(id, now_ms(), kLeaseMs);
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
    }
    if (!write) {
        // The store and the rules disagree (or the store failed): read it afresh.
        restore();
        schedule(now_ms() + kStoreRetryMs);
        return;
    }
    replay_.started(static_cast<std::uint64_t>(id));
    replay_in_flight_ = true;
    if (options_.replaying) options_.replaying(true);
    UpstreamRequest request{write->method, write->url, write->headers, as_text(write->body)};
    request.headers.push_back({std::string(offline::kIdempotencyKeyHeader), write->idempotency_key});
    log(options_.app_id, "sending #" + std::to_string(id) + " " + write->method + " " + write->url + " (attempt " +
                             std::to_string(write->attempts) + ")");
    options_.fetch->send(std::move(request),
                         [this, id](UpstreamResponse response) { head_answered(id, std::move(response)); });
}

void WriteReplay::head_answered(std::int64_t id, UpstreamResponse response) {
    replay_in_flight_ = false;
    if (options_.replaying) options_.replaying(false);
    if (options_.report_transfer) options_.report_transfer(response);
    const AttemptOutcome outcome = attempt_outcome(response);
    const std::int64_t now = now_ms();
    const std::uint32_t server_retries_before = replay_.writes().empty() ? 0 : replay_.writes().front().server_retries;
    const offline::ReplayReport report = replay_.report(static_cast<std::uint64_t>(id), outcome, wall(now));
    if (!outcome.failure) next_probe_at_ = 0;  // an answer: the link works, whatever the estimate says yet
    try {
        if (report.removed) {
            offline::Completion completion;
            if (outcome.failure || offline::judge_attempt(outcome) == offline::Verdict::retry_later) {
                completion.result = offline::WriteResult::gave_up;  // the server kept asking for later
                completion.detail = "the server asked to retry too many times";
            }
            if (!outcome.failure) {
                completion.status = outcome.status;
                if (auto type = offline::header_value(response.headers, "Content-Type")) {
                    completion.response_headers.push_back({"Content-Type", *type});
                }
                const std::size_t kept = std::min(response.body.size(), kMaxOutcomeBody);
                completion.response_body.assign(response.body.begin(), response.body.begin() + kept);
            }
            log(options_.app_id, "#" + std::to_string(id) + " answered " + std::to_string(outcome.status) +
                                     (report.verdict == offline::Verdict::delivered ? ": delivered" : ": failed"));
            if (queue()->complete(id, completion, now)) deliver_outcomes();
        } else {
            const offline::QueuedWrite& head = replay_.writes().front();
            offline::RetryPlan plan;
            if (head.next_attempt_at) plan.next_attempt_at = unix_ms(*head.next_attempt_at);
            plan.waiting_for_link = head.waiting_for_link;
            plan.server_asked = head.server_retries > server_retries_before;
            plan.error = outcome.failure ? response.error : "HTTP " + std::to_string(outcome.status);
            queue()->retry_later(id, plan);
            if (outcome.failure && link_offline_) {
                ++probes_failed_;
                next_probe_at_ = now + offline::backoff_delay(probes_failed_ + 1, random_, options_.config).count();
            }
            log(options_.app_id, "#" + std::to_string(id) + " not delivered (" + plan.error + "); again in " +
                                     std::to_string(plan.next_attempt_at.value_or(now) - now) + " ms");
        }
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
        restore();  // the store is the truth: what it kept is replayed
    }
    next_incoming();
    pump();
}

// --- the page learns the outcomes ---------------------------------------------

void WriteReplay::attach_view(WebKitWebView* view) {
    if (view_) return;
    view_ = WEBKIT_WEB_VIEW(g_object_ref(view));
    g_signal_connect(view_, "load-changed", G_CALLBACK(&WriteReplay::on_load_changed), this);
    g_signal_connect(view_, "load-failed", G_CALLBACK(&WriteReplay::on_load_failed), this);
}

void WriteReplay::on_load_changed(WebKitWebView*, WebKitLoadEvent event, gpointer data) {
    auto* self = static_cast<WriteReplay*>(data);
    try {
        if (event == WEBKIT_LOAD_STARTED) {
            // Until the new document has run its scripts, nobody listens.
            self->page_ready_ = false;
            self->page_failed_ = false;
        } else if (event == WEBKIT_LOAD_FINISHED) {
            // An error page is not the app's: its outcomes wait for the next.
            self->page_ready_ = !self->page_failed_;
            self->deliver_outcomes();
        }
    } catch (const std::exception& e) {
        log(self->options_.app_id, e.what());
    }
}

gboolean WriteReplay::on_load_failed(WebKitWebView*, WebKitLoadEvent, gchar*, GError*, gpointer data) {
    static_cast<WriteReplay*>(data)->page_failed_ = true;
    return FALSE;  // the host's own handler decides what is shown
}

void WriteReplay::deliver_outcomes() {
    if (!view_ || !page_ready_ || queue_failed_) return;
    offline::WriteQueue* store = queue();
    if (!store) return;
    std::vector<offline::WriteOutcome> outcomes;
    try {
        outcomes = store->outcomes(options_.app_id);
    } catch (const std::exception& e) {
        log(options_.app_id, e.what());
        return;
    }
    nlohmann::json details = nlohmann::json::array();
    auto* delivery = new Delivery{this, G_CANCELLABLE(g_object_ref(cancellable_)), {}};
    for (const auto& outcome : outcomes) {
        if (delivering_.contains(outcome.id)) continue;
        details.push_back(event_detail(outcome));
        delivery->ids.push_back(outcome.id);
        delivering_.insert(outcome.id);
    }
    if (delivery->ids.empty()) {
        g_object_unref(delivery->cancellable);
        delete delivery;
        return;
    }
    // In the page's own world, oldest first, one event each.
    const std::string script = "(() => { for (const detail of " + to_json_text(details) +
                               ") window.dispatchEvent(new CustomEvent('" + std::string(kEventName) +
                               "', { detail })); })();";
    webkit_web_view_evaluate_javascript(
        view_, script.c_str(), static_cast<gssize>(script.size()), nullptr, nullptr, cancellable_,
        [](GObject* source, GAsyncResult* result, gpointer data) {
            auto* delivery = static_cast<Delivery*>(data);
            GError* error = nullptr;
            JSCValue* value = webkit_web_view_evaluate_javascript_finish(WEBKIT_WEB_VIEW(source), result, &error);
            const bool gone = g_cancellable_is_cancelled(delivery->cancellable);
            if (!gone) {
                try {
                    delivery->owner->delivered(delivery->ids, value != nullptr);
                } catch (const std::exception& e) {
                    log(delivery->owner->options_.app_id, e.what());
                }
            }
            if (value) g_object_unref(value);
            g_clear_error(&error);
            g_object_unref(delivery->cancellable);
            delete delivery;
        },
        delivery);
}

void WriteReplay::delivered(const std::vector<std::int64_t>& ids, bool ok) {
    for (std::int64_t id : ids) {
        delivering_.erase(id);
        // Dispatched: the page has heard it. Not dispatched (the page went
        // away meanwhile): the next page that loads hears it.
        if (ok) queue()->forget_outcome(id);
    }
}

}  // namespace cirrus::webapp
