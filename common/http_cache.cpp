#include "http_cache.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

#include "strings.hpp"

namespace cirrus::offline {
namespace {

using namespace std::chrono;

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The elements of a comma-separated list field, trimmed, empty ones left
// out, commas inside quoted strings kept (RFC 9110 §5.6.1).
std::vector<std::string_view> list_elements(std::string_view value) {
    std::vector<std::string_view> elements;
    std::size_t start = 0;
    bool quoted = false;
    for (std::size_t i = 0; i <= value.size(); ++i) {
        if (i < value.size()) {
            char c = value[i];
            if (quoted && c == '\\' && i + 1 < value.size()) {
                ++i;  // the escaped character cannot end the string or the element
                continue;
            }
            if (c == '"') quoted = !quoted;
            if (quoted || c != ',') continue;
        }
        auto element = trim(value.substr(start, i - start), kHttpWhitespace);
        if (!element.empty()) elements.push_back(element);
        start = i + 1;
    }
    return elements;
}

std::string unquote(std::string_view text) {
    if (text.size() < 2 || text.front() != '"' || text.back() != '"') return std::string(text);
    std::string plain;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] == '\\' && i + 2 < text.size()) ++i;
        plain += text[i];
    }
    return plain;
}

// delta-seconds (RFC 9111 §1.2.2): digits only; too large reads as 2^31.
std::optional<Seconds> parse_delta_seconds(std::string_view text) {
    if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
    constexpr std::int64_t kLargest = std::int64_t{1} << 31;
    std::int64_t value = 0;
    for (char c : text) {
        value = value * 10 + (c - '0');
        if (value >= kLargest) return Seconds(kLargest);
    }
    return Seconds(value);
}

bool is_hop_by_hop(std::string_view name) {
    static constexpr std::array<std::string_view, 6> kHopByHop = {"connection", "keep-alive",        "proxy-connection",
                                                                  "te",         "transfer-encoding", "upgrade"};
    return std::any_of(kHopByHop.begin(), kHopByHop.end(),
                       [&](std::string_view hop) { return equals_ignoring_case(name, hop); });
}

// Fields a cache never keeps from a response: hop-by-hop ones, those its
// Connection field names, and Set-Cookie.
bool is_never_stored(std::string_view name, const std::vector<std::string_view>& connection_options) {
    if (is_hop_by_hop(name) || equals_ignoring_case(name, "set-cookie") || equals_ignoring_case(name, "set-cookie2")) {
        return true;
    }
    return std::any_of(connection_options.begin(), connection_options.end(),
                       [&](std::string_view option) { return equals_ignoring_case(name, option); });
}

CacheControl response_cache_control(const HeaderList& headers) {
    return parse_cache_control(headers.combined("Cache-Control").value_or(""));
}

// Date of the response; the time it arrived when it has none (RFC 9110
// §6.6.1: a recipient with a clock adds one) or an unreadable one.
HttpTime date_value(const StoredResponse& response) {
    auto date = response.headers.first("Date");
    auto parsed = date ? parse_http_date(*date) : std::nullopt;
    return parsed.value_or(response.response_time);
}

// ---- HTTP-date pieces

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

std::optional<unsigned> parse_month(std::string_view name) {
    for (std::size_t i = 0; i < kMonths.size(); ++i) {
        if (equals_ignoring_case(name, kMonths[i])) return static_cast<unsigned>(i + 1);
    }
    return std::nullopt;
}

std::optional<int> parse_digits(std::string_view text, std::size_t min_length, std::size_t max_length) {
    if (text.size() < min_length || text.size() > max_length) return std::nullopt;
    if (!std::all_of(text.begin(), text.end(), is_digit)) return std::nullopt;
    int value = 0;
    for (char c : text) value = value * 10 + (c - '0');
    return value;
}

// "08:49:37"
std::optional<seconds> parse_time_of_day(std::string_view text) {
    if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
    auto hour = parse_digits(text.substr(0, 2), 2, 2);
    auto minute = parse_digits(text.substr(3, 2), 2, 2);
    auto second = parse_digits(text.substr(6, 2), 2, 2);
    if (!hour || !minute || !second || *hour > 23 || *minute > 59 || *second > 60) return std::nullopt;
    return hours(*hour) + minutes(*minute) + seconds(*second);
}

std::vector<std::string_view> date_tokens(std::string_view text) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    auto is_separator = [](char c) { return c == ' ' || c == ',' || c == '-'; };
    while (i < text.size()) {
        while (i < text.size() && is_separator(text[i])) ++i;
        std::size_t start = i;
        while (i < text.size() && !is_separator(text[i])) ++i;
        if (i > start) tokens.push_back(text.substr(start, i - start));
    }
    return tokens;
}

std::optional<HttpTime> make_time(int year, unsigned month, int day, seconds time_of_day) {
    year_month_day date{std::chrono::year(year), std::chrono::month(month),
                        std::chrono::day(static_cast<unsigned>(day))};
    if (!date.ok()) return std::nullopt;
    return HttpTime(sys_days(date).time_since_epoch() + time_of_day);
}

// Whitespace around the commas of a list value does not change it.
std::optional<std::string> normalised_list_value(const HeaderList& headers, std::string_view name) {
    auto value = headers.combined(name);
    if (!value) return std::nullopt;
    std::string normal;
    for (auto element : list_elements(*value)) normal += (normal.empty() ? "" : ",") + std::string(element);
    return normal;
}

std::vector<std::string> vary_names(const HeaderList& response_headers) {
    std::vector<std::string> names;
    auto vary = response_headers.combined("Vary");
    if (!vary) return names;
    for (auto element : list_elements(*vary)) names.emplace_back(element);
    return names;
}

bool varies_on_everything(const HeaderList& response_headers) {
    auto names = vary_names(response_headers);
    return std::find(names.begin(), names.end(), "*") != names.end();
}

bool is_weak(std::string_view etag) { return etag.starts_with("W/"); }
std::string_view opaque_tag(std::string_view etag) { return is_weak(etag) ? etag.substr(2) : etag; }

}  // namespace

// ---------------------------------------------------------------------------
// HeaderList

void HeaderList::add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }

void HeaderList::set(std::string_view name, std::string value) {
    remove(name);
    add(std::string(name), std::move(value));
}

void HeaderList::remove(std::string_view name) {
    std::erase_if(fields_, [&](const Field& field) { return equals_ignoring_case(field.first, name); });
}

bool HeaderList::contains(std::string_view name) const { return first(name).has_value(); }

std::optional<std::string> HeaderList::first(std::string_view name) const {
    for (const auto& [field_name, value] : fields_) {
        if (equals_ignoring_case(field_name, name)) return value;
    }
    return std::nullopt;
}

std::optional<std::string> HeaderList::combined(std::string_view name) const {
    std::optional<std::string> joined;
    for (const auto& [field_name, value] : fields_) {
        if (!equals_ignoring_case(field_name, name)) continue;
        joined = joined ? *joined + ", " + value : value;
    }
    return joined;
}

// ---------------------------------------------------------------------------
// Cache-Control

CacheControl parse_cache_control(std::string_view field_value) {
    CacheControl result;
    bool seen_max_age = false;
    bool seen_stale_while_revalidate = false;
    for (auto element : list_elements(field_value)) {
        auto equals = element.find('=');
        auto name = trim(element.substr(0, equals), kHttpWhitespace);
        std::optional<std::string> argument;
        if (equals != std::string_view::npos) argument = unquote(trim(element.substr(equals + 1), kHttpWhitespace));
        auto is = [&](std::string_view directive) { return equals_ignoring_case(name, directive); };

        if (is("no-store")) result.no_store = true;
        else if (is("no-cache")) result.no_cache = true;
        else if (is("must-revalidate")) result.must_revalidate = true;
        else if (is("private")) result.is_private = true;
        else if (is("public")) result.is_public = true;
        else if (is("immutable")) result.immutable = true;
        else if (is("max-age") && !seen_max_age) {
            seen_max_age = true;
            result.max_age = argument ? parse_delta_seconds(*argument) : std::nullopt;
            result.max_age_invalid = !result.max_age;
        } else if (is("stale-while-revalidate") && !seen_stale_while_revalidate) {
            seen_stale_while_revalidate = true;
            result.stale_while_revalidate = argument ? parse_delta_seconds(*argument) : std::nullopt;
        }
    }
    return result;
}

CacheControl request_cache_control(const HeaderList& request_headers) {
    if (auto value = request_headers.combined("Cache-Control")) return parse_cache_control(*value);
    CacheControl result;
    if (auto pragma = request_headers.combined("Pragma")) {
        for (auto element : list_elements(*pragma)) result.no_cache |= equals_ignoring_case(element, "no-cache");
    }
    return result;
}

// ---------------------------------------------------------------------------
// HTTP-date

std::optional<HttpTime> parse_http_date(std::string_view text) {
    auto tokens = date_tokens(trim(text, kHttpWhitespace));
    if (tokens.size() == 6) {
        // IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" or RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT".
        if (tokens[5] != "GMT") return std::nullopt;
        auto day = parse_digits(tokens[1], 1, 2);
        auto month = parse_month(tokens[2]);
        auto year = parse_digits(tokens[3], 2, 4);
        auto time_of_day = parse_time_of_day(tokens[4]);
        if (!day || !month || !year || !time_of_day || tokens[3].size() == 3) return std::nullopt;
        if (tokens[3].size() == 2) *year += *year < 70 ? 2000 : 1900;
        return make_time(*year, *month, *day, *time_of_day);
    }
    if (tokens.size() == 5) {
        // asctime "Sun Nov  6 08:49:37 1994"
        auto month = parse_month(tokens[1]);
        auto day = parse_digits(tokens[2], 1, 2);
        auto time_of_day = parse_time_of_day(tokens[3]);
        auto year = parse_digits(tokens[4], 4, 4);
        if (!day || !month || !year || !time_of_day) return std::nullopt;
        return make_time(*year, *month, *day, *time_of_day);
    }
    return std::nullopt;
}

std::string format_http_date(HttpTime time) {
    auto day_start = floor<days>(time);
    year_month_day date{day_start};
    hh_mm_ss time_of_day{time - day_start};
    auto weekday_index = weekday{day_start}.c_encoding();
    char text[40];
    std::snprintf(text, sizeof text, "%s, %02u %s %04d %02d:%02d:%02d GMT", kWeekdays[weekday_index].data(),
                  static_cast<unsigned>(date.day()), kMonths[static_cast<unsigned>(date.month()) - 1].data(),
                  static_cast<int>(date.year()), static_cast<int>(time_of_day.hours().count()),
                  static_cast<int>(time_of_day.minutes().count()), static_cast<int>(time_of_day.seconds().count()));
    return text;
}

// ---------------------------------------------------------------------------
// Storing

bool is_heuristically_cacheable(int status) {
    static constexpr std::array<int, 11> kStatuses = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501};
    return std::find(kStatuses.begin(), kStatuses.end(), status) != kStatuses.end();
}

bool storable(std::string_view method, const HeaderList& request_headers, int status,
              const HeaderList& response_headers) {
    if (method != "GET") return false;
    if (status < 200 || status > 599 || status == 206 || status == 304) return false;
    auto response = response_cache_control(response_headers);
    if (response.no_store || request_cache_control(request_headers).no_store) return false;
    if (varies_on_everything(response_headers)) return false;
    return response.is_public || response.is_private || response.max_age || response.max_age_invalid ||
           response_headers.contains("Expires") || is_heuristically_cacheable(status);
}

HeaderList headers_to_store(const HeaderList& response_headers) {
    auto connection = response_headers.combined("Connection").value_or("");
    auto connection_options = list_elements(connection);
    HeaderList kept;
    for (const auto& [name, value] : response_headers.fields()) {
        if (!is_never_stored(name, connection_options)) kept.add(name, value);
    }
    return kept;
}

// ---------------------------------------------------------------------------
// Freshness

Seconds freshness_lifetime(const StoredResponse& response) {
    auto control = response_cache_control(response.headers);
    if (control.max_age_invalid) return Seconds(0);
    if (control.max_age) return *control.max_age;
    auto date = date_value(response);
    if (auto expires = response.headers.first("Expires")) {
        // An Expires that is not a date ("0") means already expired (§5.3).
        auto expiry = parse_http_date(*expires);
        return expiry ? std::max(Seconds(0), *expiry - date) : Seconds(0);
    }
    if (!is_heuristically_cacheable(response.status) && !control.is_public) return Seconds(0);
    auto last_modified_text = response.headers.first("Last-Modified");
    auto last_modified = last_modified_text ? parse_http_date(*last_modified_text) : std::nullopt;
    if (!last_modified || *last_modified >= date) return Seconds(0);
    return std::min(kMaxHeuristicFreshness, (date - *last_modified) / 10);
}

Seconds current_age(const StoredResponse& response, HttpTime now) {
    auto age_text = response.headers.first("Age");
    auto age_value = age_text ? parse_delta_seconds(trim(*age_text, kHttpWhitespace)).value_or(Seconds(0)) : Seconds(0);
    auto apparent_age = std::max(Seconds(0), response.response_time - date_value(response));
    auto response_delay = std::max(Seconds(0), response.response_time - response.request_time);
    auto corrected_age_value = age_value + response_delay;
    auto corrected_initial_age = std::max(apparent_age, corrected_age_value);
    auto resident_time = std::max(Seconds(0), now - response.response_time);
    return corrected_initial_age + resident_time;
}

bool is_fresh(const StoredResponse& response, HttpTime now) { return staleness(response, now) == Staleness::fresh; }

Staleness staleness(const StoredResponse& response, HttpTime now) {
    auto control = response_cache_control(response.headers);
    auto lifetime = freshness_lifetime(response);
    auto age = current_age(response, now);
    if (!control.no_cache && lifetime > age) return Staleness::fresh;
    if (control.must_revalidate) return Staleness::stale_forbidden;
    if (!control.no_cache && control.stale_while_revalidate && age < lifetime + *control.stale_while_revalidate) {
        return Staleness::stale_revalidating;
    }
    return Staleness::stale;
}

// ---------------------------------------------------------------------------
// Revalidation

HeaderList revalidation_headers(const HeaderList& stored_headers) {
    HeaderList conditional;
    if (auto etag = stored_headers.first("ETag")) conditional.add("If-None-Match", *etag);
    if (auto last_modified = stored_headers.first("Last-Modified"))
        conditional.add("If-Modified-Since", *last_modified);
    return conditional;
}

bool not_modified_matches(const HeaderList& stored_headers, const HeaderList& not_modified_headers) {
    if (auto new_etag = not_modified_headers.first("ETag")) {
        auto stored_etag = stored_headers.first("ETag");
        if (!stored_etag) return false;
        auto fresh_tag = trim(*new_etag, kHttpWhitespace);
        auto stored_tag = trim(*stored_etag, kHttpWhitespace);
        if (!is_weak(fresh_tag)) return !is_weak(stored_tag) && fresh_tag == stored_tag;
        return opaque_tag(fresh_tag) == opaque_tag(stored_tag);
    }
    if (auto new_modified = not_modified_headers.first("Last-Modified")) {
        auto stored_modified = stored_headers.first("Last-Modified");
        if (!stored_modified) return false;
        auto a = parse_http_date(*new_modified);
        auto b = parse_http_date(*stored_modified);
        return a && b ? *a == *b : *new_modified == *stored_modified;
    }
    return true;
}

void apply_not_modified(StoredResponse& stored, const HeaderList& not_modified_headers, HttpTime request_time,
                        HttpTime response_time) {
    auto connection = not_modified_headers.combined("Connection").value_or("");
    auto connection_options = list_elements(connection);
    auto describes_stored_body = [](std::string_view name) {
        return equals_ignoring_case(name, "content-length") || equals_ignoring_case(name, "content-encoding") ||
               equals_ignoring_case(name, "content-range");
    };
    std::vector<std::string> replaced;
    for (const auto& [name, value] : not_modified_headers.fields()) {
        if (is_never_stored(name, connection_options) || describes_stored_body(name)) continue;
        bool first_of_name = std::none_of(replaced.begin(), replaced.end(),
                                          [&](const std::string& done) { return equals_ignoring_case(done, name); });
        if (first_of_name) {
            stored.headers.remove(name);
            replaced.push_back(name);
        }
        stored.headers.add(name, value);
    }
    stored.request_time = request_time;
    stored.response_time = response_time;
}

// ---------------------------------------------------------------------------
// Vary

HeaderList vary_request_fields(const HeaderList& response_headers, const HeaderList& request_headers) {
    HeaderList fields;
    for (const auto& name : vary_names(response_headers)) {
        if (name == "*" || fields.contains(name)) continue;
        if (auto value = request_headers.combined(name)) fields.add(name, *value);
    }
    return fields;
}

bool vary_matches(const HeaderList& stored_response_headers, const HeaderList& stored_request_fields,
                  const HeaderList& new_request_headers) {
    for (const auto& name : vary_names(stored_response_headers)) {
        if (name == "*") return false;
        if (normalised_list_value(stored_request_fields, name) != normalised_list_value(new_request_headers, name)) {
            return false;
        }
    }
    return true;
}

}  // namespace cirrus::offline
