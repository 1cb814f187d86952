// Install-time precaching; see precache.hpp.
#include "precache.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "common/http_cache.hpp"
#include "common/offline_store.hpp"
#include "site.hpp"
#include "common/url.hpp"

namespace cirrus::launcher {

namespace {

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// One URL of the list and how it was found.
struct Job {
    std::string url;
    bool document = false;  // the start page: its loads are read, and it is keyed with kDocumentAccept
    int css_depth = 0;      // stylesheets between the page and this file
};

// What a fetch thread brings back.
struct Outcome {
    std::size_t job = 0;
    std::optional<FetchResult> response;
    std::string error;  // when there is no response
    std::int64_t sent_ms = 0;
};

// "http://h/x.css: HTTP 500" -> "HTTP 500": the URL is said beside it anyway.
std::string without_url(const std::string& message, const std::string& url) {
    const std::string prefix = url + ": ";
    return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

offline::HeaderList header_list(const std::vector<std::pair<std::string, std::string>>& fields) {
    offline::HeaderList list;
    for (const auto& [name, value] : fields) list.add(name, value);
    return list;
}

// What the host keeps of a response it fetched (offline_cache.cpp's
// body_headers): libsoup decoded the body, so its encoding and length
// fields no longer describe the stored bytes.
offline::Headers headers_to_keep(const offline::HeaderList& received) {
    offline::Headers kept;
    const offline::HeaderList storable = offline::headers_to_store(received);
    for (const auto& [name, value] : storable.fields()) {
        if (offline::same_header_name(name, "Content-Encoding") || offline::same_header_name(name, "Content-Length"))
            continue;
        kept.push_back({name, value});
    }
    return kept;
}

// Why offline::storable() said no, in words.
std::string not_storable_reason(int status, const offline::HeaderList& response) {
    if (offline::parse_cache_control(response.combined("Cache-Control").value_or("")).no_store)
        return "the server forbids keeping it (Cache-Control: no-store), so the app cannot work offline";
    if (auto vary = response.combined("Vary"); vary && vary->find('*') != std::string::npos)
        return "the server answers with Vary: *, so no stored copy could ever be used";
    return "HTTP " + std::to_string(status) + " without caching headers may not be stored";
}

bool is_stylesheet(const FetchResult& response, const std::string& url) {
    if (response.content_type == "text/css") return true;
    if (!response.content_type.empty()) return false;
    const auto parts = parse_url(url);
    return parts && parts->path.ends_with(".css");
}

bool is_html(const FetchResult& response) {
    return response.content_type == "text/html" || response.content_type == "application/xhtml+xml" ||
           response.content_type.empty();
}

// The precache run: the list, the fetch threads and what came back.
class Run {
public:
    Run(const std::string& app_id, const Manifest& manifest, const PrecacheOptions& options)
        : app_id_(app_id),
          options_(options),
          origin_(url_origin(manifest.start_url).value_or("")),
          store_(offline::OfflineStore::open(options.store_path)) {}

    ~Run() {
        // Only reached with threads running when the store threw: they finish
        // their fetch (bounded by its timeouts) and are joined here.
        for (auto& [index, thread] : threads_)
            if (thread.joinable()) thread.join();
    }
    Run(const Run&) = delete;
    Run& operator=(const Run&) = delete;

    PrecacheReport run(const Manifest& manifest) {
        // The start page exactly as the host asks for it: its start_url
        // without fragment (OfflineCache::open_document).
        const std::string start = manifest.start_url.substr(0, manifest.start_url.find('#'));
        add(start, Job{start, true, 0});
        for (const ImageResource& icon : manifest.icons) add_found(icon.src, 1);
        if (manifest.cirrus_offline)
            for (const std::string& asset : manifest.cirrus_offline->assets) add_found(asset, 1);
        store_.set_precache_list(app_id_, report_.urls);  // kept the longest from the first put on

        while (!pending_.empty() || !threads_.empty()) {
            while (!pending_.empty() && threads_.size() < static_cast<std::size_t>(std::max(1, options_.parallel))) {
                const std::size_t index = pending_.front();
                pending_.pop_front();
                start_fetch(index);
            }
            handle(wait_for_outcome());
        }

        store_.set_precache_list(app_id_, report_.urls);
        finish();
        return std::move(report_);
    }

private:
    // A URL found in a page, a stylesheet or the manifest: kept if it is the
    // app's origin, and not yet listed.
    void add_found(const std::string& url, int css_depth) {
        const auto request = request_url(url);
        if (!request) return;  // data:, and nothing a browser would fetch
        if (url_origin(*request) != origin_) {
            if (other_origins_.insert(*request).second && other_origins_.size() <= 3)
                other_examples_.push_back(*request);
            return;
        }
        add(*request, Job{*request, false, css_depth});
    }

    void add(const std::string& url, Job job) {
        if (!listed_.insert(url).second) return;
        if (report_.urls.size() >= options_.max_urls) {
            ++over_limit_;
            return;
        }
        report_.urls.push_back(url);
        jobs_.push_back(std::move(job));
        pending_.push_back(jobs_.size() - 1);
    }

    void start_fetch(std::size_t index) {
        const Job& job = jobs_[index];
        if (auto known = options_.prefetched.find(job.url); known != options_.prefetched.end() && !job.document) {
            Outcome outcome{index, known->second, "", now_ms()};
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(outcome));
            threads_.emplace(index, std::thread());  // none to run: an empty one to stand in the count
            return;
        }
        FetchOptions fetch_options;
        fetch_options.max_bytes = options_.max_bytes;
        fetch_options.io_timeout = options_.io_timeout;
        fetch_options.total_timeout = options_.total_timeout;
        if (job.document) fetch_options.accept = kDocumentAccept;
        threads_.emplace(index, std::thread([this, index, url = job.url, fetch_options] {
                             Outcome outcome{index, std::nullopt, "", now_ms()};
                             try {
                                 outcome.response = fetch(url, fetch_options);
                             } catch (const std::exception& e) {
                                 outcome.error = without_url(e.what(), url);
                             }
                             std::lock_guard lock(mutex_);
                             done_.push_back(std::move(outcome));
                             ready_.notify_one();
                         }));
    }

    Outcome wait_for_outcome() {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return !done_.empty(); });
        Outcome outcome = std::move(done_.front());
        done_.pop_front();
        lock.unlock();
        auto thread = threads_.find(outcome.job);
        if (thread->second.joinable()) thread->second.join();
        threads_.erase(thread);
        return outcome;
    }

    void handle(Outcome outcome) {
        const Job job = jobs_[outcome.job];
        bool stored = false;
        if (!outcome.response) {
            failures_[job.url] = outcome.error;
        } else {
            const FetchResult& response = *outcome.response;
            // What it loads is worth keeping even when it is not.
            if (job.document && is_html(response)) {
                for (const auto& url : page_subresources(response.body, job.url, {.encoding = response.charset}))
                    add_found(url, 1);
            } else if (is_stylesheet(response, job.url) && job.css_depth <= options_.max_css_depth) {
                for (const auto& url : stylesheet_references(response.body, job.url)) add_found(url, job.css_depth + 1);
            }
            stored = keep(job, response, outcome.sent_ms);
        }
        ++done_count_;
        if (options_.progress) options_.progress({done_count_, report_.urls.size(), job.url, stored});
    }

    bool keep(const Job& job, const FetchResult& response, std::int64_t sent_ms) {
        offline::CacheRequest request{"GET", job.url, {}};
        if (job.document) request.headers.push_back({"Accept", kDocumentAccept});
        offline::HeaderList request_headers;
        for (const auto& h : request.headers) request_headers.add(h.name, h.value);
        const offline::HeaderList received = header_list(response.headers);
        const int status = static_cast<int>(response.status);
        if (!offline::storable("GET", request_headers, status, received)) {
            failures_[job.url] = not_storable_reason(status, received);
            return false;
        }
        offline::CacheResponse copy{status, headers_to_keep(received),
                                    std::vector<std::uint8_t>(response.body.begin(), response.body.end())};
        offline::PutResult put;
        try {
            put = store_.put(app_id_, request, copy, sent_ms);
        } catch (const std::invalid_argument& e) {
            failures_[job.url] = std::string("the response cannot be stored: ") + e.what();
            return false;
        }
        switch (put.outcome) {
        case offline::PutOutcome::stored:
            return true;
        case offline::PutOutcome::vary_star:
            failures_[job.url] = "the server answers with Vary: *, so no stored copy could ever be used";
            return false;
        case offline::PutOutcome::too_large:
            failures_[job.url] = "it is larger than the app's offline quota or the offline store's budget (" +
                                 format_bytes(response.body.size()) + ")";
            return false;
        }
        return false;
    }

    // The store says what it holds: a copy kept from before counts (the app
    // works offline with it), and one evicted since does not.
    void finish() {
        const std::vector<std::string> missing = store_.missing_precache(app_id_);
        const std::set<std::string> missing_set(missing.begin(), missing.end());
        report_.stored = report_.urls.size() - missing_set.size();
        for (const std::string& url : missing) {
            const auto failure = failures_.find(url);
            report_.missing.push_back(
                {url, failure != failures_.end()
                          ? failure->second
                          : "stored, then evicted: the offline store is full (free space or raise its budget)"});
        }
        for (const auto& [url, reason] : failures_) {
            if (!missing_set.count(url))
                report_.notes.push_back(url + ": " + reason + "; the copy stored before is kept");
        }
        if (!other_origins_.empty()) {
            std::string examples;
            for (const auto& url : other_examples_) examples += (examples.empty() ? "" : ", ") + url;
            report_.notes.push_back(std::to_string(other_origins_.size()) +
                                    " file(s) from other origins are not kept offline (the host keeps only " + origin_ +
                                    "'s): " + examples + (other_origins_.size() > 3 ? ", ..." : ""));
        }
        if (over_limit_ > 0) {
            report_.notes.push_back("the offline copy stops at " + std::to_string(options_.max_urls) + " files; " +
                                    std::to_string(over_limit_) + " more were found and not kept");
        }
    }

    const std::string& app_id_;
    const PrecacheOptions& options_;
    const std::string origin_;
    offline::OfflineStore store_;

    PrecacheReport report_;
    std::vector<Job> jobs_;  // by index, as report_.urls
    std::deque<std::size_t> pending_;
    std::set<std::string> listed_;
    std::set<std::string> other_origins_;
    std::vector<std::string> other_examples_;
    std::size_t over_limit_ = 0;
    std::size_t done_count_ = 0;
    std::unordered_map<std::string, std::string> failures_;  // url -> why it is not stored

    std::unordered_map<std::size_t, std::thread> threads_;  // running (or done, not yet joined), by job
    std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Outcome> done_;
};

}  // namespace

PrecacheReport precache_app(const std::string& app_id, const Manifest& manifest, const PrecacheOptions& options) {
    const auto start = parse_url(manifest.start_url);
    if (!start || (start->scheme != "http" && start->scheme != "https"))
        throw std::invalid_argument("precache_app: start_url '" + manifest.start_url + "' is not http(s)");
    Run run(app_id, manifest, options);
    return run.run(manifest);
}

}  // namespace cirrus::launcher
