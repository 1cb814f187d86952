// The offline write queue for real: a hosted app from a loopback origin
// behind the weak link, run by the real host under the real headless
// compositor, POSTs notes to an endpoint its manifest declares while the
// link carries nothing. What must survive: every note the page was told is
// queued (202) reaches the origin, in the page's order, each exactly once by
// its Idempotency-Key, and the page hears each outcome (the cirrus-write
// event); also when the host is killed in the middle of the replay: the
// queued writes, their keys and the outcomes no page has heard yet are on
// disk, and the next run of the app finishes the work.
#include <doctest/doctest.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <glib.h>

#include "host_session.hpp"
#include "install.hpp"
#include "common/registry.hpp"
#include "test_support.hpp"
#include "weak_link_process.hpp"
#include "common/write_queue.hpp"

using namespace cirrus_it;
using namespace webapp_test;
using cirrus::test::HttpTestServer;
using cirrus::test::WeakLinkProcess;

namespace {

// The page pings its origin (through the offline cache) every 250 ms.
// When the link goes (TRIGGER "failure": its first failed ping; "offline":
// navigator.onLine turning false, i.e. the compositor has called the link
// offline) it POSTs three notes, one after the other, as an app would whose
// user saves while offline; the third carries the page's own
// Idempotency-Key. With "failure" the first note's attempt fails for a
// network reason and the others wait behind it; with "offline" none is
// attempted. The title reports what the page was told: the queued ids and
// keys from the 202 answers, and every cirrus-write event. With "failure"
// the pings go on (as a page's own traffic would), so the compositor sees
// the link return; with "offline" the page goes quiet once it has posted,
// so that only the queue's own probes can find the link back.
const char* kNotesPage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest"></head><body><script>
const TRIGGER = 'TRIGGER_NAME';
const state = { phase: 'ready', queued: [], keys: [], events: [] };
function report() {
  document.title = 'notes ' + state.phase + ' queued=' + state.queued.join(',') +
    ' events=' + state.events.join(',') + ' keys=' + state.keys.join(',');
}
window.addEventListener('cirrus-write', (e) => {
  const d = e.detail;
  state.events.push(d.id + ':' + d.outcome + ':' + d.status + ':' + d.method + ':' + (d.body || ''));
  report();
});
async function post(text, ownKey) {
  const headers = { 'Content-Type': 'text/plain' };
  if (ownKey) headers['Idempotency-Key'] = '"' + ownKey + '"';
  const r = await fetch('api/notes', { method: 'POST', headers, body: text });
  const j = await r.json();
  if (r.status !== 202 || r.headers.get('X-Cirrus-Queued') !== '1' || j.queued !== true) {
    throw new Error('not queued: ' + r.status + ' ' + JSON.stringify(j));
  }
  state.queued.push(j.id);
  state.keys.push(j.key);
  report();
}
async function writeNotes() {
  state.phase = 'posting';
  report();
  try {
    await post('note 1');
    await post('note 2');
    await post('note 3', 'page-key-3');
    state.phase = 'posted';
  } catch (e) {
    state.phase = 'error ' + e;
  }
  report();
}
setInterval(() => {
  if (TRIGGER === 'offline' && state.phase !== 'ready') return;
  fetch('api/ping?' + Date.now()).then(() => {}, () => {
    if (TRIGGER === 'failure' && state.phase === 'ready') writeNotes();
  });
}, 250);
window.addEventListener('offline', () => { if (TRIGGER === 'offline' && state.phase === 'ready') writeNotes(); });
report();
</script></body></html>
)";

// The origin's notes API, deduplicating by Idempotency-Key as
// draft-ietf-httpapi-idempotency-key-header asks: a key seen before gets
// the first answer again and creates nothing. Every arrival is recorded,
// repeats too. The handler runs on the server's thread.
struct NotesApi {
    struct Arrival {
        std::string body;
        std::string key;
    };
    std::mutex mutex;
    std::vector<Arrival> arrivals;
    std::vector<std::string> notes;              // created, in order
    std::map<std::string, std::string> answers;  // key -> the answer it got
    std::atomic<int> delay_ms{0};                // the slow origin
    std::atomic<bool> hold{false};               // a dead zone: requests read, never answered until false

    void handle(SoupServerMessage* message) {
        if (g_strcmp0(soup_server_message_get_method(message), "POST") != 0) {
            soup_server_message_set_status(message, 405, nullptr);
            return;
        }
        SoupMessageBody* request = soup_server_message_get_request_body(message);
        const std::string body(request->data ? request->data : "", static_cast<std::size_t>(request->length));
        const char* key_header =
            soup_message_headers_get_one(soup_server_message_get_request_headers(message), "Idempotency-Key");
        const std::string key = key_header ? key_header : "";
        std::string answer;
        {
            std::lock_guard lock(mutex);
            arrivals.push_back({body, key});
            auto seen = answers.find(key);
            if (!key.empty() && seen != answers.end()) {
                answer = seen->second;
            } else {
                notes.push_back(body);
                answer = "{\"note\":" + std::to_string(notes.size()) + "}";
                if (!key.empty()) answers[key] = answer;
            }
        }
        // The answer takes a while: a host killed meanwhile never hears it,
        // though the note is made.
        if (const int delay = delay_ms.load(); delay > 0) g_usleep(static_cast<gulong>(delay) * 1000);
        if (hold.load()) {
            // The connection stays open and silent until the hold ends
            // (checked on the server's own loop, which goes on serving).
            soup_server_message_pause(message);
            struct Held {
                NotesApi* api;
                SoupServerMessage* message;
                std::string answer;
            };
            GSource* check = g_timeout_source_new(50);
            g_source_set_callback(
                check,
                [](gpointer data) -> gboolean {
                    auto* held = static_cast<Held*>(data);
                    if (held->api->hold.load()) return G_SOURCE_CONTINUE;
                    soup_server_message_set_status(held->message, 201, nullptr);
                    soup_server_message_set_response(held->message, "application/json", SOUP_MEMORY_COPY,
                                                     held->answer.data(), held->answer.size());
                    soup_server_message_unpause(held->message);
                    return G_SOURCE_REMOVE;
                },
                new Held{this, SOUP_SERVER_MESSAGE(g_object_ref(message)), answer},
                [](gpointer data) {
                    auto* held = static_cast<Held*>(data);
                    g_object_unref(held->message);
                    delete held;
                });
            g_source_attach(check, g_main_context_get_thread_default());
            g_source_unref(check);
            return;
        }
        soup_server_message_set_status(message, 201, nullptr);
        soup_server_message_set_response(message, "application/json", SOUP_MEMORY_COPY, answer.data(), answer.size());
    }

    std::vector<Arrival> seen() {
        std::lock_guard lock(mutex);
        return arrivals;
    }
    std::vector<std::string> created() {
        std::lock_guard lock(mutex);
        return notes;
    }
};

std::map<std::string, HttpTestServer::Handler> notes_routes(std::shared_ptr<NotesApi> api, const std::string& trigger) {
    const std::string manifest =
        R"({"name":"Notes Online","start_url":"/notes/","scope":"/notes/","display":"standalone",)"
        R"("cirrus_offline":{"write_endpoints":["/notes/api/notes"]}})";
    return {
        {"/notes/", respond("text/html", replace_all(kNotesPage, "TRIGGER_NAME", trigger), "no-store")},
        {"/notes/manifest.webmanifest", respond("application/manifest+json", manifest, "")},
        {"/notes/api/ping", respond("application/json", "{}", "no-store")},
        {"/notes/api/notes", [api](SoupServerMessage* message) { api->handle(message); }},
    };
}

// "a,b,c" -> {"a", "b", "c"}
std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    for (std::string part; std::getline(stream, part, separator);) {
        if (!part.empty()) parts.push_back(part);
    }
    return parts;
}

// The value of `name=` in the page's title (up to the next space).
std::string title_field(const std::string& title, const std::string& name) {
    const auto at = title.find(" " + name + "=");
    if (at == std::string::npos) return "";
    const auto start = at + name.size() + 2;
    return title.substr(start, title.find(' ', start) - start);
}

// The app installed from `link`, and a compositor whose hosts find it.
struct NotesSession {
    std::shared_ptr<NotesApi> api = std::make_shared<NotesApi>();
    HttpTestServer origin;
    WeakLinkProcess link{origin.port(), "none"};
    TempDir tmp;
    std::string id;
    std::unique_ptr<Compositor> c;

    explicit NotesSession(const std::string& trigger) : origin(notes_routes(api, trigger)) {
        const std::filesystem::path db = tmp.path() / "registry.db";
        {
            auto registry = cirrus::launcher::Registry::open(db);
            cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
            id = installer.install(link.url("/notes/")).app.id;
        }
        setenv("CIRRUS_REGISTRY", db.c_str(), 1);  // the compositor passes CIRRUS_* on to hosts
        Compositor::Options options;
        options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
        c = std::make_unique<Compositor>(options);
        unsetenv("CIRRUS_REGISTRY");
    }

    std::filesystem::path queue_path() const {
        return std::filesystem::path(c->runtime_dir()) / "data" / "cirrus" / "write-queue.sqlite";
    }
    std::int64_t pending() const { return cirrus::offline::WriteQueue::open(queue_path()).pending_count(id); }
    std::size_t unheard_outcomes() const { return cirrus::offline::WriteQueue::open(queue_path()).outcomes(id).size(); }

    // Launches the app, waits for its page, cuts the link and waits until
    // the page has been told that its three notes are queued. Returns the
    // title then.
    std::string post_offline(HostGuard& host) {
        window_with_title(*c, id, "notes ready", kPageTimeout, host.pid);
        link.set_profile("offline");  // every connection is reset
        const json w = window_with_title(*c, id, "notes posted", 20, host.pid);
        return w["title"].get<std::string>();
    }
};

}  // namespace

TEST_CASE("write queue: POSTs made offline reach the origin once each, in order, when the link returns") {
    NotesSession s("failure");
    HostGuard host{*s.c, launch(*s.c, s.id)};
    const std::string posted = s.post_offline(host);
    const std::vector<std::string> ids = split(title_field(posted, "queued"), ',');
    const std::vector<std::string> keys = split(title_field(posted, "keys"), ',');
    REQUIRE_MESSAGE(ids.size() == 3, posted);
    REQUIRE(keys.size() == 3);
    CHECK(std::set<std::string>(keys.begin(), keys.end()).size() == 3);
    CHECK(keys[2] == "page-key-3");  // the page's own key is kept

    // Queued, on disk, and nothing reached the origin.
    CHECK(s.pending() == 3);
    sleep_ms(1000);
    CHECK(s.api->seen().empty());

    // The link returns: the page's pings get through, the compositor calls
    // the link online, and the queue is replayed.
    s.link.set_profile("none");
    std::string expected_events;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        expected_events += (i ? "," : "") + ids[i] + ":delivered:201:POST:{\"note\":" + std::to_string(i + 1) + "}";
    }
    window_with_title(*s.c, s.id, "events=" + expected_events + " ", 30, host.pid);

    const auto arrivals = s.api->seen();
    REQUIRE_MESSAGE(arrivals.size() == 3, s.c->log_tail(4000));
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(arrivals[i].body == "note " + std::to_string(i + 1));
        // The key the page was given, as a structured-field string.
        CHECK(arrivals[i].key == "\"" + keys[i] + "\"");
    }
    CHECK(s.api->created() == std::vector<std::string>{"note 1", "note 2", "note 3"});
    // Nothing left: no pending write, and every outcome heard and forgotten.
    CHECK(wait_until([&] { return s.pending() == 0 && s.unheard_outcomes() == 0; }, 5));
    sleep_ms(500);
    CHECK(s.api->seen().size() == 3);  // and nothing sent twice
}

TEST_CASE("write queue: a host killed in the middle of the replay loses nothing and sends nothing twice") {
    NotesSession s("offline");
    s.api->delay_ms = 1000;  // each answer takes a second
    pid_t first = launch(*s.c, s.id);
    std::string posted;
    {
        HostGuard guard{*s.c, first};
        posted = s.post_offline(guard);
        guard.pid = -1;  // killed below, not stopped
    }
    const std::vector<std::string> keys = split(title_field(posted, "keys"), ',');
    REQUIRE_MESSAGE(keys.size() == 3, posted);

    // The link returns. Nothing but the queue's probe (with back-off) tries
    // it, and that brings the compositor's estimate back online. The second
    // note reaches the origin and, while the origin is still answering it,
    // the host dies.
    s.link.set_profile("none");
    REQUIRE_MESSAGE(wait_until([&] { return s.api->seen().size() >= 2; }, 30), s.c->log_tail(4000));
    REQUIRE(kill(first, SIGKILL) == 0);
    const std::size_t before_kill = s.api->seen().size();
    const std::string first_title = title_of_app(*s.c, s.id, first);
    stop_host(*s.c, first);  // waits until its window has gone
    MESSAGE("killed with " << before_kill << " arrivals; the page had heard: " << first_title);

    // What survives the kill: the notes whose answer the host had not
    // recorded are still pending on disk, with their keys.
    const std::int64_t pending = s.pending();
    CHECK(pending >= 1);
    CHECK(pending <= 2);

    // The next run replays them (same keys) and tells its page.
    HostGuard second{*s.c, launch(*s.c, s.id)};
    REQUIRE_MESSAGE(wait_until([&] { return s.pending() == 0; }, 30), s.c->log_tail(4000));
    // The outcomes completed in this run reach the new page once it has
    // loaded, then are forgotten.
    CHECK_MESSAGE(wait_until([&] { return s.unheard_outcomes() == 0; }, 10), s.c->log_tail(3000));
    // (The title follows the events a moment later.)
    std::string second_title;
    std::vector<std::string> events;
    CHECK(wait_until(
        [&] {
            second_title = title_of_app(*s.c, s.id, second.pid);
            events = split(title_field(second_title, "events"), ',');
            return events.size() >= static_cast<std::size_t>(pending);
        },
        10));
    MESSAGE("the second page heard: " << second_title);
    for (const std::string& event : events) CHECK(event.find(":delivered:201:POST:") != std::string::npos);

    const auto arrivals = s.api->seen();
    MESSAGE("arrivals: " << arrivals.size());
    // Each note reached the origin under exactly one key, the page's ...
    std::map<std::string, std::set<std::string>> keys_of_note;
    std::vector<std::string> first_arrivals;  // notes, in the order they first arrived
    std::map<std::string, std::size_t> first_seen_at;
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
        keys_of_note[arrivals[i].body].insert(arrivals[i].key);
        if (!first_seen_at.contains(arrivals[i].key)) {
            first_seen_at[arrivals[i].key] = i;
            first_arrivals.push_back(arrivals[i].body);
        } else {
            // ... and a repeat is only of one that had arrived before the kill.
            CHECK_MESSAGE(first_seen_at[arrivals[i].key] < before_kill, arrivals[i].body);
        }
    }
    REQUIRE(keys_of_note.size() == 3);
    for (int n = 1; n <= 3; ++n) {
        const std::string note = "note " + std::to_string(n);
        REQUIRE(keys_of_note[note].size() == 1);
        CHECK(*keys_of_note[note].begin() == "\"" + keys[n - 1] + "\"");
    }
    // ... in the page's order, and the origin's dedupe made each once.
    CHECK(first_arrivals == std::vector<std::string>{"note 1", "note 2", "note 3"});
    CHECK(s.api->created() == std::vector<std::string>{"note 1", "note 2", "note 3"});
    CHECK(arrivals.size() <= 4);  // at most the one cut short went twice
}

namespace {

// Posts one note with its own key 3 s after it loaded, timing the answer; the title says what the page was told and every event.
const char* kDeadZonePage = R"(<!doctype html>
<html><head><meta charset="utf-8"><title>loading</title>
<link rel="manifest" href="manifest.webmanifest"></head><body><script>
const state = { phase: 'ready', answer: '', events: [] };
function report() {
  document.title = 'zone ' + state.phase + ' answer=' + state.answer + ' events=' + state.events.join(',');
}
window.addEventListener('cirrus-write', (e) => {
  const d = e.detail;
  state.events.push(d.id + ':' + d.outcome + ':' + d.status + ':' + d.key);
  report();
});
const postNote = async () => {
  state.phase = 'posting';
  report();
  const t0 = performance.now();
  try {
    const r = await fetch('api/notes', { method: 'POST', headers: { 'Content-Type': 'text/plain',
      'Idempotency-Key': '"zone-key-1"' }, body: 'note in a dead zone' });
    const j = await r.json();
    state.answer = r.status + ':' + Math.round(performance.now() - t0) + ':' + (j.id || '') + ':' + (j.key || '');
    state.phase = 'posted';
  } catch (e) {
    state.phase = 'error ' + e;
  }
  report();
};
report();
setTimeout(postNote, 3000);
</script></body></html>
)";

// The bound the host said it used, from its log line; -1 when absent.
long logged_bound_ms(const std::string& log) {
    const std::string marker = "no answer within the link's bound of ";
    const auto at = log.rfind(marker);
    if (at == std::string::npos) return -1;
    return std::strtol(log.c_str() + at + marker.size(), nullptr, 10);
}

}  // namespace

TEST_CASE(
    "write queue: an origin that never answers: the page has its 202 within the link's bound, and the "
    "attempt already sent delivers the note exactly once") {
    auto api = std::make_shared<NotesApi>();
    const std::string manifest = R"({"name":"Zone","start_url":"/zone/","scope":"/zone/","display":"standalone",)"
                                 R"("cirrus_offline":{"write_endpoints":["/zone/api/notes"]}})";
    HttpTestServer origin({
        {"/zone/", respond("text/html", kDeadZonePage, "no-store")},
        {"/zone/manifest.webmanifest", respond("application/manifest+json", manifest, "")},
        {"/zone/api/notes", [api](SoupServerMessage* message) { api->handle(message); }},
    });
    TempDir tmp;
    const std::filesystem::path db = tmp.path() / "registry.db";
    std::string id;
    {
        auto registry = cirrus::launcher::Registry::open(db);
        cirrus::launcher::Installer installer(registry, tmp.path() / "apps");
        id = installer.install(origin.url("/zone/")).app.id;
    }
    setenv("CIRRUS_REGISTRY", db.c_str(), 1);
    Compositor::Options options;
    options.extra_args = {"--app-host", program("CIRRUS_WEBAPP_HOST")};
    Compositor c(options);
    unsetenv("CIRRUS_REGISTRY");
    const auto queue_path = std::filesystem::path(c.runtime_dir()) / "data" / "cirrus" / "write-queue.sqlite";

    HostGuard host{c, launch(c, id)};
    window_with_title(c, id, "zone ready", kPageTimeout, host.pid);
    api->hold = true;  // from now on the origin reads requests and says nothing
    // The page posts its note 3 s after it loaded (as a user's save would).
    const json posted = window_with_title(c, id, "zone posted", 20, host.pid);
    const std::string title = title_of(posted);
    MESSAGE("the page was told: " << title);
    const std::vector<std::string> answer = split(title_field(title, "answer"), ':');
    REQUIRE(answer.size() == 4);
    CHECK(answer[0] == "202");
    const long waited_ms = std::strtol(answer[1].c_str(), nullptr, 10);
    const long bound_ms = logged_bound_ms(c.log_tail(20000));
    MESSAGE("202 after " << waited_ms << " ms; the host's bound " << bound_ms << " ms");
    REQUIRE(bound_ms >= 2000);  // write_answer_wait's floor
    CHECK(bound_ms <= 8000);    // and its cap: never a minute
    CHECK(waited_ms >= bound_ms - 100);
    CHECK(waited_ms <= bound_ms + 1500);
    CHECK(answer[3] == "zone-key-1");
    CHECK(api->seen().size() == 1);  // the one attempt, still open
    CHECK(cirrus::offline::WriteQueue::open(queue_path).pending_count(id) == 1);

    // The origin answers the attempt it has held all along: that is the
    // queued write's first try, and nothing else was sent.
    g_usleep(1000 * 1000);
    CHECK(api->seen().size() == 1);
    api->hold = false;
    CHECK_MESSAGE(wait_until([&] { return cirrus::offline::WriteQueue::open(queue_path).pending_count(id) == 0; }, 15),
                  c.log_tail(4000));
    std::string heard;
    CHECK(wait_until(
        [&] {
            heard = title_of_app(c, id, host.pid);
            return title_field(heard, "events").find(":delivered:201:zone-key-1") != std::string::npos;
        },
        10));
    MESSAGE("then the page heard: " << heard);
    const auto arrivals = api->seen();
    REQUIRE(arrivals.size() == 1);
    CHECK(arrivals[0].key == "\"zone-key-1\"");
    CHECK(api->created() == std::vector<std::string>{"note in a dead zone"});
}
