// cirrus: install, list, inspect, remove and launch web apps.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_command.hpp"
#include "backup_command.hpp"
#include "dev_policy.hpp"
#include "dev_session.hpp"
#include "fetch.hpp"
#include "install.hpp"
#include "pack.hpp"
#include "terminal_text.hpp"
#include "update.hpp"
#include "common/control_socket.hpp"
#include "common/needed_urls.hpp"
#include "common/offline_store.hpp"
#include "common/service_worker_record.hpp"
#include "common/permission_names.hpp"
#include "common/registry.hpp"
#include "common/store_damage.hpp"
#include "common/store_path.hpp"

using namespace cirrus::launcher;
using nlohmann::json;

namespace {

constexpr const char* kUsage = R"(usage: cirrus [--registry FILE] [--apps-dir DIR] COMMAND

commands:
  install SOURCE         install or update an app from a folder, a .zip, a
                         manifest URL or a site URL (http/https); a hosted
                         app's pages, what they load, its icons and its
                         cirrus_offline assets are stored for offline use
  install --plan --json [--icon-out FILE] URL
                         what installing URL would do, as JSON (its id, name,
                         origin, whether it is installed, what it stores for
                         offline use); nothing is written but FILE, its icon
  install --progress=json [--confirm] [--icon-out FILE] URL
                         install with one JSON line per step on stdout, then
                         the result or the error; with --confirm, the plan
                         first, then a line on stdin: "install" goes on,
                         anything else (or its end) cancels
  install-bundled [DIR]  install the apps Cirrus ships (default: its manifests/)
  update [ID] [--json]   check the apps installed from a web address (or ID)
                         for a new version: one whose name and icon are
                         unchanged is installed and its offline copy
                         refreshed; a new name or icon waits for the user
                         (the home screen asks; a declined one is not asked
                         again); an origin that is down changes nothing
  update ID --progress=json --confirm [--icon-out FILE]
                         the change as JSON, then a line on stdin: "install"
                         takes it, "decline" keeps the app as it is and is
                         remembered, anything else asks again next time
  list [--json]          the installed apps, in home-screen order
  info ID [--json]       everything about one app, and whether all of it is
                         stored for offline use
  remove ID              uninstall an app and delete its files and offline copy
  launch ID [URL]        ask the running compositor to open the app; at URL,
                         a page in its scope (any web page for the browser)
  dev PATH|URL [--device w700|phone-480x800|WxH] [--inspector]
                         run an app from its folder (served in place) or a
                         URL in a phone-sized Cirrus window on this desktop,
                         with data of its own; a saved change reloads it and
                         its console prints here
  pack DIR [-o FILE.zip] the app's folder as a zip to install on a phone
                         (default: DIR's name.zip here); it refuses what
                         install would refuse, and its zip installs
  permission ID [NAME grant|deny|ask|reset]
                         list an app's permissions, or set one (NAME:
                         geolocation, notifications, camera, microphone,
                         persistent-storage, contacts, notes); reset
                         forgets the decision
                         (denied by default)
)";

// After the account commands (account_command.hpp's kAccountUsage).
constexpr const char* kUsageFiles = R"(
The registry is --registry, else $CIRRUS_REGISTRY, else
$XDG_DATA_HOME/cirrus/registry.db; packages go to --apps-dir, else
$CIRRUS_APPS_DIR, else an apps/ folder beside the registry. Hosted apps'
offline copies go to the offline store the web-app hosts read:
$CIRRUS_OFFLINE_STORE, else $XDG_DATA_HOME/cirrus/offline.sqlite.
)";

std::string usage() { return std::string(kUsage) + kAccountUsage + kBackupUsage + kUsageFiles; }

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct Options {
    std::filesystem::path registry;
    std::filesystem::path apps_dir;
    std::vector<std::string> args;  // the command and its arguments
};

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return value && *value ? value : fallback;
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&](const char* flag) {
            if (i + 1 >= argc) throw UsageError(std::string("missing value for ") + flag);
            return std::string(argv[++i]);
        };
        if (arg == "--registry") {
            o.registry = value("--registry");
        } else if (arg == "--apps-dir") {
            o.apps_dir = value("--apps-dir");
        } else if (arg == "-h" || arg == "--help") {
            o.args = {"help"};
            return o;
        } else {
            o.args.push_back(arg);
        }
    }
    if (o.args.empty()) throw UsageError("no command");
    if (o.registry.empty()) o.registry = default_registry_path();
    if (o.apps_dir.empty()) o.apps_dir = env_or("CIRRUS_APPS_DIR", (o.registry.parent_path() / "apps").string());
    return o;
}

// Steps as lines; downloads as one progress line each; precaching as one
// line rewritten in place on a terminal, else a line per file.
class TerminalProgress {
public:
    explicit TerminalProgress(std::FILE* out = stderr) : out_(out), is_terminal_(::isatty(::fileno(out))) {}

    void operator()(const InstallProgress& p) {
        if (p.counts_files) {
            printer_.reset();
            if (is_terminal_) {
                std::fprintf(out_, "\r\033[Kcirrus: %s", terminal_safe(p.step).c_str());
                line_open_ = true;
            } else {
                std::fprintf(out_, "cirrus: %s\n", terminal_safe(p.step).c_str());
            }
            std::fflush(out_);
            return;
        }
        end_line();
        if (p.done == 0 && p.total < 0 && !p.step.starts_with("downloading")) {
            printer_.reset();
            std::fprintf(out_, "cirrus: %s\n", terminal_safe(p.step).c_str());
            return;
        }
        if (!printer_ || label_ != p.step) {
            printer_ = std::make_unique<ProgressPrinter>(terminal_safe(p.step));
            label_ = p.step;
        }
        printer_->update(static_cast<std::uint64_t>(p.done),
                         p.total >= 0 ? std::optional<std::uint64_t>(p.total) : std::nullopt);
    }

    // Ends the line being rewritten, before anything else is printed.
    void end_line() {
        if (!line_open_) return;
        std::fputc('\n', out_);
        line_open_ = false;
    }

private:
    std::FILE* out_;
    bool is_terminal_;
    bool line_open_ = false;
    std::unique_ptr<ProgressPrinter> printer_;
    std::string label_;
};

// A hosted app's offline copy, as the offline store has it now: its
// precache list and what its runs were seen to need (needed_urls.hpp).
struct OfflineState {
    bool packaged = false;
    bool store_exists = false;
    cirrus::offline::Readiness readiness;
    // Its copy was in an offline store that was damaged and set aside.
    std::optional<cirrus::offline::StoreDamage> lost_in;
    // The app's own service worker, installed and active, answers it
    // offline (webapp-host/worker_routing.hpp): that is what ready means then.
    std::optional<cirrus::offline::ServiceWorkerRecord> worker;
    bool ready() const { return packaged || worker || (readiness.ready() && readiness.refused == 0); }
};

// How many missing URLs `cirrus info` names (the rest are counted).
constexpr std::size_t kMissingNamed = 5;

// The damage note's question: is what install stored there again?
bool stored_whole(cirrus::offline::OfflineStore& store, const std::string& id) {
    return store.precache_progress(id).complete();
}

// A damaged offline store, set aside now (opening it finds the damage) or
// before, by this CLI or a web-app host (store_damage.hpp): says so on
// stderr, names the hosted apps that lost their offline copy and marks them
// not offline-ready, and drops the note once each is stored again.
std::optional<cirrus::offline::StoreDamage> check_offline_damage(Registry& registry) {
    using namespace cirrus::offline;
    const std::filesystem::path path = default_store_path();
    std::error_code ec;
    if (!std::filesystem::exists(store_damage_note_path(path), ec) && !std::filesystem::exists(path, ec))
        return std::nullopt;
    std::optional<OfflineStore> store;
    try {
        // A read-only data folder: the note is read, the store left alone.
        if (std::filesystem::exists(path, ec) && !registry.read_only()) store.emplace(OfflineStore::open(path));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus: warning: offline store %s: %s\n", path.c_str(), e.what());
        return std::nullopt;
    }
    std::optional<StoreDamage> damage = read_store_damage(path);
    if (!damage || !store) return damage;
    if (!damage->apps_named) {
        // What the registry believed was stored: those copies were in the damaged file.
        for (const AppRecord& app : registry.list()) {
            if (app.package_dir.empty() && app.offline_ready) damage->apps.push_back(app.id);
        }
        damage->apps_named = true;
        write_store_damage(path, *damage);
    }
    std::vector<std::string> still_lost;
    for (const std::string& id : damage->apps) {
        const auto app = registry.get(id);
        if (!app || stored_whole(*store, id)) continue;  // removed, or stored again
        still_lost.push_back(id);
        if (app->offline_ready && !registry.read_only()) registry.set_offline_ready(id, false);
    }
    if (still_lost.empty()) {
        clear_store_damage(path);
        return std::nullopt;
    }
    damage->apps = still_lost;
    std::string names;
    for (const std::string& id : still_lost) {
        const auto app = registry.get(id);
        names += (names.empty() ? "" : ", ") + id + " (`cirrus install " + (app ? app->source : id) + "`)";
    }
    std::fprintf(stderr,
                 "cirrus: the offline store %s was damaged (%s) and set aside as %s; these apps lost their offline "
                 "copy and are not offline-ready until stored again: %s\n",
                 path.c_str(), damage->problem.c_str(), damage->moved_to.c_str(), names.c_str());
    return damage;
}

OfflineState offline_state(const AppRecord& app) {
    OfflineState state;
    if (!app.package_dir.empty()) {
        state.packaged = true;
        return state;
    }
    state.worker = cirrus::offline::read_service_worker_record(cirrus::launcher::app_data_dirs(app.id).data);
    const std::filesystem::path path = cirrus::offline::default_store_path();
    std::error_code ec;
    state.store_exists = std::filesystem::exists(path, ec);
    if (!state.store_exists) return state;  // not made just to be read
    auto store = cirrus::offline::OfflineStore::open(path);
    state.readiness = store.readiness(app.id, kMissingNamed);
    return state;
}

// "a, b and 3 more"
std::string missing_list(const cirrus::offline::Readiness& readiness) {
    std::string text;
    for (const auto& url : readiness.missing) text += (text.empty() ? "" : ", ") + url;
    const std::int64_t more = readiness.missing_count() - static_cast<std::int64_t>(readiness.missing.size());
    if (more > 0) text += " and " + std::to_string(more) + " more";
    return text;
}

std::string describe(const OfflineState& state, const AppRecord& app) {
    if (state.packaged) return "packaged (always available)";
    if (state.worker) {
        return "ready (its service worker " + state.worker->script_url + " is installed and active for " +
               state.worker->scope + ")";
    }
    const cirrus::offline::Readiness& r = state.readiness;
    if (state.lost_in && !state.ready()) {
        return "not ready (its offline copy was lost: the offline store was damaged (" + state.lost_in->problem +
               ") and set aside as " + state.lost_in->moved_to.string() + "; `cirrus install " + app.source +
               "` stores it again)";
    }
    if (r.total == 0) {
        return "not ready (nothing of it is stored in " + cirrus::offline::default_store_path().string() +
               "; `cirrus install " + app.source + "` stores it)";
    }
    const std::string counts = std::to_string(r.stored) + "/" + std::to_string(r.total) + " stored";
    if (state.ready()) return "ready (" + counts + ")";
    std::string text = "not ready (" + counts;
    if (r.missing_count() > 0) text += "; missing: " + missing_list(r);
    if (!r.learned()) text += "; not run online yet, so what its scripts load is not known";
    if (r.refused > 0) {
        text += "; " + std::to_string(r.refused) + " more URLs it asked for were not tracked (the list holds " +
                std::to_string(cirrus::offline::kMaxNeededUrls) + ")";
    }
    return text + ")";
}

json offline_json(const OfflineState& state) {
    json j = {{"state", state.packaged ? "packaged" : state.ready() ? "ready" : "not-ready"}};
    if (state.lost_in && !state.ready()) {
        j["lost"] = {{"reason", "the offline store was damaged"},
                     {"problem", state.lost_in->problem},
                     {"set_aside_as", state.lost_in->moved_to.string()}};
    }
    if (state.worker) {
        j["service_worker"] = {
            {"scope", state.worker->scope}, {"script", state.worker->script_url}, {"seen_at", state.worker->seen_at}};
    }
    if (!state.packaged) {
        const cirrus::offline::Readiness& r = state.readiness;
        j["stored"] = r.stored;
        j["total"] = r.total;
        j["missing"] = r.missing;  // the first few
        j["missing_count"] = r.missing_count();
        j["online_runs"] = r.online_runs;
        j["untracked"] = r.refused;
    }
    return j;
}

json app_json(const AppRecord& app) {
    json j = {{"id", app.id},
              {"name", app.name},
              {"start_url", app.start_url},
              {"scope", app.scope},
              {"display", app.display},
              {"source", std::string(to_string(app.source_kind)) + ":" + app.source},
              {"package_dir", app.package_dir},
              {"installed_at", app.installed_at},
              {"updated_at", app.updated_at},
              {"launch_count", app.launch_count},
              {"offline_ready", app.offline_ready}};
    j["short_name"] = app.short_name ? json(*app.short_name) : json(nullptr);
    j["theme_color"] = app.theme_color ? json(*app.theme_color) : json(nullptr);
    j["background_color"] = app.background_color ? json(*app.background_color) : json(nullptr);
    j["home_position"] = app.home_position ? json(*app.home_position) : json(nullptr);
    return j;
}

std::filesystem::path bundled_dir() {
    for (const std::string& candidate : {env_or("CIRRUS_BUNDLED_DIR", ""), std::string(CIRRUS_INSTALLED_MANIFESTS),
                                         std::string(CIRRUS_SOURCE_MANIFESTS)}) {
        if (!candidate.empty() && std::filesystem::is_directory(candidate)) return candidate;
    }
    throw std::runtime_error("no bundled apps folder found (set CIRRUS_BUNDLED_DIR or pass DIR)");
}

void print_install(const InstallResult& result) {
    for (const auto& warning : result.warnings) {
        std::fprintf(stderr, "cirrus: warning: %s\n", terminal_safe(warning).c_str());
    }
    std::printf("%s %s (%s)\n", result.updated ? "updated" : "installed", result.app.id.c_str(),
                terminal_safe(result.app.name).c_str());
    if (!result.precache) return;
    const PrecacheReport& report = *result.precache;
    const std::string counts = std::to_string(report.stored) + "/" + std::to_string(report.urls.size()) + " stored";
    if (report.ready()) {
        // What install found is stored; ready also needs what runs learned.
        OfflineState state;
        try {
            state = offline_state(result.app);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "cirrus: warning: offline store: %s\n", terminal_safe(e.what()).c_str());
        }
        if (state.ready()) {
            std::printf("offline-ready (%s)\n", counts.c_str());
        } else if (!state.readiness.learned()) {
            std::printf(
                "precached (%s); offline-ready after its first online run, which learns what its scripts "
                "load\n",
                counts.c_str());
        } else {
            std::printf("not offline-ready: %s\n", terminal_safe(describe(state, result.app)).c_str());
        }
        return;
    }
    std::printf("not offline-ready (%s); missing:\n", counts.c_str());
    for (const auto& miss : report.missing) {
        std::printf("  %s: %s\n", terminal_safe(miss.url).c_str(), terminal_safe(miss.reason).c_str());
    }
}

std::string arg(const Options& o, std::size_t index, const char* what) {
    if (o.args.size() <= index) throw UsageError(std::string("missing ") + what);
    return o.args[index];
}

bool has_flag(const Options& o, const char* flag) {
    for (std::size_t i = 1; i < o.args.size(); ++i) {
        if (o.args[i] == flag) return true;
    }
    return false;
}

// The machine-readable install (cirrus install --plan/--progress=json): what
// the compositor's "Add to Home Screen" runs and reads line by line.
struct JsonInstallMode {
    bool plan_only = false;
    bool confirm = false;
    std::filesystem::path icon_out;
    std::string source;
};

std::optional<JsonInstallMode> json_install_mode(const Options& o) {
    if (o.args[0] != "install") return std::nullopt;
    JsonInstallMode mode;
    bool json_lines = false;
    bool plan_json = false;
    for (std::size_t i = 1; i < o.args.size(); ++i) {
        const std::string& a = o.args[i];
        if (a == "--plan") mode.plan_only = true;
        else if (a == "--json") plan_json = true;
        else if (a == "--progress=json") json_lines = true;
        else if (a == "--confirm") mode.confirm = true;
        else if (a == "--icon-out" && i + 1 < o.args.size()) mode.icon_out = o.args[++i];
        else if (a.starts_with("--")) throw UsageError("unknown install option '" + a + "'");
        else if (mode.source.empty()) mode.source = a;
        else throw UsageError("too many arguments");
    }
    if (!json_lines && !plan_json && !mode.plan_only && !mode.confirm && mode.icon_out.empty()) return std::nullopt;
    if (mode.plan_only && !plan_json) throw UsageError("--plan needs --json");
    if (!mode.plan_only && !json_lines) throw UsageError("--confirm and --icon-out need --plan or --progress=json");
    if (mode.source.empty()) throw UsageError("missing SOURCE (an http(s) URL)");
    if (!mode.source.starts_with("http://") && !mode.source.starts_with("https://"))
        throw UsageError(mode.source + ": --plan and --progress=json install from an http(s) URL only");
    return mode;
}

void json_line(const json& line) {
    // One line per message, flushed: the reader acts on each as it comes.
    std::fputs((line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n").c_str(), stdout);
    std::fflush(stdout);
}

json plan_json(const InstallPlan& plan) {
    const AppRecord record = record_from_manifest(plan.id, plan.manifest);
    return {{"id", plan.id},
            {"name", record.name},
            {"short_name", record.short_name ? json(*record.short_name) : json(nullptr)},
            {"origin", plan.origin},
            {"start_url", plan.manifest.start_url},
            {"kind", std::string(to_string(plan.kind))},
            {"installed", plan.already_installed},
            {"offline_bytes_known", plan.offline_bytes_known},
            {"offline_files", plan.offline_files},
            {"warnings", plan.warnings}};
}

int run_json_install(Registry& registry, const Options& o, const JsonInstallMode& mode) {
    using Clock = std::chrono::steady_clock;
    Clock::time_point last_download{};
    Installer installer(
        registry, o.apps_dir,
        [&](const InstallProgress& p) {
            if (mode.plan_only) return;  // one line: the plan
            // Downloads report every chunk: a line per tenth of a second is plenty.
            const bool download = !p.counts_files && p.done > 0 && p.done != p.total;
            if (download && Clock::now() - last_download < std::chrono::milliseconds(100)) return;
            if (download) last_download = Clock::now();
            json_line(
                {{"progress", {{"step", p.step}, {"done", p.done}, {"total", p.total}, {"files", p.counts_files}}}});
        },
        cirrus::offline::default_store_path());
    try {
        InstallPlan plan = installer.plan_from_url(mode.source);
        if (!mode.icon_out.empty()) write_plan_icon(plan, mode.icon_out);
        if (mode.plan_only || mode.confirm) json_line({{"plan", plan_json(plan)}});
        if (mode.plan_only) return 0;
        if (mode.confirm) {
            char answer[64] = {};
            if (!std::fgets(answer, sizeof answer, stdin) || std::string_view(answer).substr(0, 7) != "install") {
                json_line({{"cancelled", true}});
                return 0;
            }
        }
        if (registry.read_only())
            throw std::runtime_error("the data folder cannot be written (" + *registry.read_only_reason() +
                                     "): free space on it or make it writable, then try again");
        const InstallResult result = installer.install_plan(std::move(plan));
        json done = {{"id", result.app.id},
                     {"name", result.app.name},
                     {"updated", result.updated},
                     {"offline_ready", result.app.offline_ready},
                     {"warnings", result.warnings}};
        if (result.precache) {
            done["stored"] = result.precache->stored;
            done["total"] = result.precache->urls.size();
            json missing = json::array();
            for (const auto& miss : result.precache->missing) missing.push_back(miss.url + ": " + miss.reason);
            done["missing"] = missing;
        }
        json_line({{"installed", done}});
        return 0;
    } catch (const std::exception& e) {
        json_line({{"error", e.what()}});
        return 1;
    }
}

// `cirrus pack DIR [-o FILE.zip]` (pack.hpp): no registry, nothing installed.
int run_pack(const Options& o) {
    std::optional<std::filesystem::path> out;
    std::string folder;
    for (std::size_t i = 1; i < o.args.size(); ++i) {
        const std::string& a = o.args[i];
        if (a == "-o" || a == "--output") {
            if (i + 1 >= o.args.size()) throw UsageError("missing FILE.zip after " + a);
            out = o.args[++i];
        } else if (a.starts_with("-")) {
            throw UsageError("unknown pack option '" + a + "'");
        } else if (folder.empty()) {
            folder = a;
        } else {
            throw UsageError("pack takes one folder");
        }
    }
    if (folder.empty()) throw UsageError("missing DIR (the app's folder)");
    const PackResult result = pack_folder(folder, out);
    for (const auto& warning : result.warnings)
        std::fprintf(stderr, "cirrus: warning: %s\n", terminal_safe(warning).c_str());
    for (const auto& file : result.left_out)
        std::fprintf(stderr, "cirrus: left out %s (the zip being written)\n", terminal_safe(file).c_str());
    std::printf("packed %s (%s): %zu files, %s in %s (%s)\n", result.id.c_str(), terminal_safe(result.name).c_str(),
                result.files, format_bytes(result.bytes).c_str(), terminal_safe(result.zip.string()).c_str(),
                format_bytes(result.zip_bytes).c_str());
    std::printf("install it with: cirrus install %s\n", terminal_safe(result.zip.string()).c_str());
    return 0;
}

int run(const Options& o) {
    const std::string& command = o.args[0];
    if (command == "help") {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    // Before any registry is opened: a dev session has its own (dev_session.hpp).
    if (command == "dev") return run_dev({o.args.begin() + 1, o.args.end()});
    // Nor does the account: it is the user's, not the apps'.
    if (command == "account") return run_account({o.args.begin() + 1, o.args.end()});
    if (command == "pack") return run_pack(o);
    Registry registry = Registry::open(o.registry);
    if (registry.recovery()) std::fprintf(stderr, "cirrus: %s\n", registry.recovery_message().c_str());
    // The JSON modes say every error as JSON, a read-only data folder too.
    if (const auto mode = json_install_mode(o)) return run_json_install(registry, o, *mode);
    if (command == "backup") return run_backup_command(registry, o.apps_dir, {o.args.begin() + 1, o.args.end()});
    if (command == "update") {
        try {
            return run_update(registry, o.registry, o.apps_dir, {o.args.begin() + 1, o.args.end()});
        } catch (const UpdateUsageError& e) {
            throw UsageError(e.what());
        }
    }
    const bool writes = command == "install" || command == "install-bundled" || command == "remove" ||
                        (command == "permission" && o.args.size() > 2);
    if (writes && registry.read_only()) {
        const std::filesystem::path folder = o.registry.parent_path();
        throw std::runtime_error("cannot " + command + ": the data folder " + folder.string() + " cannot be written (" +
                                 *registry.read_only_reason() +
                                 "); it is read-only or full: free space on it or make it writable, then try "
                                 "again (the installed apps are untouched)");
    }
    TerminalProgress progress;
    Installer installer(
        registry, o.apps_dir, [&progress](const InstallProgress& p) { progress(p); },
        cirrus::offline::default_store_path());

    if (command == "install") {
        const InstallResult result = installer.install(arg(o, 1, "SOURCE (a folder, .zip or URL)"));
        progress.end_line();
        print_install(result);
        check_offline_damage(registry);  // drops the note once every lost copy is stored again
    } else if (command == "install-bundled") {
        const std::filesystem::path dir = o.args.size() > 1 ? std::filesystem::path(o.args[1]) : bundled_dir();
        installer.collect_orphans();
        for (const InstallResult& result : installer.install_bundled(dir)) print_install(result);
        check_offline_damage(registry);
    } else if (command == "list") {
        check_offline_damage(registry);
        const auto apps = registry.list();
        if (has_flag(o, "--json")) {
            json list = json::array();
            for (const auto& app : apps) list.push_back(app_json(app));
            std::cout << list.dump(2) << "\n";
        } else {
            for (const auto& app : apps) {
                std::printf("%-24s %-28s %s\n", app.id.c_str(), terminal_safe(app.name).c_str(),
                            terminal_safe(app.start_url).c_str());
            }
        }
    } else if (command == "info") {
        const std::string id = arg(o, 1, "ID");
        const auto app = registry.get(id);
        if (!app) throw std::runtime_error("no app '" + id + "' is installed (see cirrus list)");
        const auto damage = check_offline_damage(registry);
        json info = app_json(*registry.get(id));
        info["manifest"] = json::parse(app->manifest_json);
        // What the offline store holds now (entries may have been evicted
        // since the install, or stored since by the host).
        OfflineState offline = offline_state(*app);
        if (damage && std::find(damage->apps.begin(), damage->apps.end(), id) != damage->apps.end())
            offline.lost_in = damage;
        info["offline_ready"] = offline.ready();
        info["offline"] = offline_json(offline);
        if (has_flag(o, "--json")) {
            std::cout << info.dump(2) << "\n";
        } else {
            for (const char* key : {"id", "name", "short_name", "start_url", "scope", "display", "theme_color",
                                    "background_color", "source", "package_dir", "launch_count", "home_position"}) {
                std::printf(
                    "%-17s %s\n", (std::string(key) + ":").c_str(),
                    terminal_safe(info[key].is_string() ? info[key].get<std::string>() : info[key].dump()).c_str());
            }
            std::printf("%-17s %s\n", "offline:", terminal_safe(describe(offline, *app)).c_str());
        }
    } else if (command == "remove") {
        const std::string id = arg(o, 1, "ID");
        if (!installer.remove(id)) throw std::runtime_error("no app '" + id + "' is installed (see cirrus list)");
        std::printf("removed %s\n", id.c_str());
    } else if (command == "launch") {
        const std::string id = arg(o, 1, "ID");
        if (!registry.get(id)) throw std::runtime_error("no app '" + id + "' is installed (see cirrus list)");
        json request = {{"cmd", "launch"}, {"app", id}};
        if (o.args.size() > 2) request["url"] = o.args[2];
        const json response = cirrus::control::control_request(cirrus::control::find_control_socket(), request);
        if (response.value("ok", false) != true) {
            throw std::runtime_error("the compositor refused: " + response.value("error", std::string("?")));
        }
        std::printf("%s %s (pid %d)\n", response.value("action", std::string("launched")).c_str(), id.c_str(),
                    response.value("pid", -1));
    } else if (command == "permission") {
        const std::string id = arg(o, 1, "ID");
        if (!registry.get(id)) throw std::runtime_error("no app '" + id + "' is installed (see cirrus list)");
        if (o.args.size() == 2) {
            const auto entries = registry.permissions(id);
            if (entries.empty()) std::printf("%s has no permission decisions (all denied by default)\n", id.c_str());
            for (const auto& entry : entries) {
                std::printf("%-20s %s\n", entry.permission.c_str(), std::string(to_string(entry.state)).c_str());
            }
            return 0;
        }
        const std::string name = arg(o, 2, "NAME");
        if (!is_permission_name(name)) {
            std::string known;
            for (const auto n : kPermissionNames) known += (known.empty() ? "" : ", ") + std::string(n);
            throw UsageError("unknown permission '" + name + "' (one of: " + known + ")");
        }
        const std::string action = arg(o, 3, "grant, deny, ask or reset");
        if (o.args.size() > 4) throw UsageError("too many arguments");
        if (action == "reset") {
            registry.database()
                .prepare("DELETE FROM permissions WHERE app_id = ?1 AND permission = ?2")
                .bind(1, id)
                .bind(2, name)
                .run();
            std::printf("%s %s: reset (denied by default)\n", id.c_str(), name.c_str());
            return 0;
        }
        const PermissionState state =
            action == "grant"  ? PermissionState::granted
            : action == "deny" ? PermissionState::denied
            : action == "ask"  ? PermissionState::ask
                               : throw UsageError("unknown action '" + action + "' (grant, deny, ask or reset)");
        registry.set_permission(id, name, state);
        std::printf("%s %s: %s\n", id.c_str(), name.c_str(), std::string(to_string(state)).c_str());
    } else {
        throw UsageError("unknown command '" + command + "'");
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const DevUsageError& e) {
        std::fprintf(stderr, "cirrus dev: %s\n%s\n", terminal_safe(e.what()).c_str(), kDevUsage);
        return 2;
    } catch (const AccountUsageError& e) {
        std::fprintf(stderr, "cirrus account: %s\n\n%s", terminal_safe(e.what()).c_str(), kAccountUsage);
        return 2;
    } catch (const BackupUsageError& e) {
        std::fprintf(stderr, "cirrus backup: %s\n\n%s", terminal_safe(e.what()).c_str(), kBackupUsage);
        return 2;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "cirrus: %s\n\n%s", terminal_safe(e.what()).c_str(), usage().c_str());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "cirrus: %s\n", terminal_safe(e.what()).c_str());
        return 1;
    }
}
