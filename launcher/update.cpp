#include "update.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>

#include <nlohmann/json.hpp>

#include "common/store_path.hpp"
#include "install.hpp"
#include "terminal_text.hpp"
#include "update_policy.hpp"

namespace cirrus::launcher {

namespace {

using nlohmann::json;

void json_line(const json& line) {
    std::fputs((line.dump(-1, ' ', false, json::error_handler_t::replace) + "\n").c_str(), stdout);
    std::fflush(stdout);
}

struct UpdateArgs {
    std::string id;
    bool json = false;
    bool progress_json = false;
    bool confirm = false;
    std::filesystem::path icon_out;
};

UpdateArgs parse_update_args(const std::vector<std::string>& args) {
    UpdateArgs a;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--json") a.json = true;
        else if (arg == "--progress=json") a.progress_json = true;
        else if (arg == "--confirm") a.confirm = true;
        else if (arg == "--icon-out" && i + 1 < args.size()) a.icon_out = args[++i];
        else if (arg.starts_with("--")) throw UpdateUsageError("unknown update option '" + arg + "'");
        else if (a.id.empty()) a.id = arg;
        else throw UpdateUsageError("too many arguments");
    }
    if ((a.confirm || !a.icon_out.empty()) && !a.progress_json)
        throw UpdateUsageError("--confirm and --icon-out need --progress=json");
    if (a.progress_json && (!a.confirm || a.id.empty()))
        throw UpdateUsageError("--progress=json needs --confirm and an app ID (the update the user is asked about)");
    return a;
}

// What a fresh plan of an installed app is; the plan is kept for install_plan.
struct Checked {
    AppRecord app;
    std::optional<InstallPlan> plan;
    std::optional<UpdateDecision> decision;
    std::string error;  // the check failed: why (nothing changed)
};

Checked check(Registry& registry, Installer& installer, const AppRecord& app) {
    Checked checked{app, std::nullopt, std::nullopt, ""};
    try {
        InstallPlan plan = installer.plan_from_url(app.source);
        if (const auto refusal = update_refusal(app, plan.id, plan.kind, plan.warnings)) {
            checked.error = *refusal;
            return checked;
        }
        const AppRecord fresh = record_from_manifest(plan.id, plan.manifest);
        checked.decision = classify_update(
            app, [&](int size, IconPurpose purpose) { return registry.icon(app.id, size, purpose); }, fresh,
            plan.icons);
        checked.plan = std::move(plan);
    } catch (const std::exception& e) {
        checked.error = std::string(e.what()) + ": nothing changed";
    }
    return checked;
}

std::string fresh_name(const Checked& checked) {
    return checked.plan ? record_from_manifest(checked.plan->id, checked.plan->manifest).name : checked.app.name;
}

json installed_json(const InstallResult& result) {
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
    return done;
}

// The compositor's confirmation: the change, then "install", "decline" or
// anything else (cancel: asked again at the next check) on stdin.
int confirm_update(Registry& registry, Installer& installer, UpdateDeclines& declines, const AppRecord& app,
                   const UpdateArgs& args) {
    Checked checked = check(registry, installer, app);
    if (!checked.plan) {
        json_line({{"error", checked.error}});
        return 1;
    }
    const UpdateDecision& decision = *checked.decision;
    if (!args.icon_out.empty()) write_plan_icon(*checked.plan, args.icon_out);
    json_line({{"update_plan",
                {{"id", app.id},
                 {"name", fresh_name(checked)},
                 {"old_name", app.name},
                 {"origin", checked.plan->origin},
                 {"source", app.source},
                 {"name_changed", decision.name_changed},
                 {"icon_changed", decision.icon_changed},
                 {"fingerprint", decision.fingerprint}}}});
    char answer[64] = {};
    const std::string_view said = std::fgets(answer, sizeof answer, stdin) ? std::string_view(answer) : "";
    if (said.starts_with("decline")) {
        declines.decline(app.id, decision.fingerprint);
        json_line({{"declined", {{"id", app.id}, {"fingerprint", decision.fingerprint}}}});
        return 0;
    }
    if (!said.starts_with("install")) {
        json_line({{"cancelled", true}});
        return 0;
    }
    try {
        const InstallResult result = installer.install_plan(std::move(*checked.plan));
        declines.forget(app.id);
        json_line({{"installed", installed_json(result)}});
        return 0;
    } catch (const std::exception& e) {
        json_line({{"error", e.what()}});
        return 1;
    }
}

}  // namespace

int run_update(Registry& registry, const std::filesystem::path& registry_path, const std::filesystem::path& apps_dir,
               const std::vector<std::string>& arguments) {
    const UpdateArgs args = parse_update_args(arguments);
    if (registry.read_only())
        throw std::runtime_error("cannot update: the data folder cannot be written (" + *registry.read_only_reason() +
                                 "): free space on it or make it writable");
    std::vector<AppRecord> apps;
    if (!args.id.empty()) {
        const auto app = registry.get(args.id);
        if (!app) throw std::runtime_error("no app '" + args.id + "' is installed (see cirrus list)");
        if (!updatable(*app))
            throw std::runtime_error(args.id + " was not installed from a web address: install it again from " +
                                     app->source + " to update it");
        apps.push_back(*app);
    } else {
        for (const AppRecord& app : registry.list()) {
            if (updatable(app)) apps.push_back(app);
        }
    }
    UpdateDeclines declines(UpdateDeclines::beside(registry_path));
    const bool lines = args.progress_json;
    Installer installer(
        registry, apps_dir,
        [&](const InstallProgress& p) {
            if (!lines || !p.counts_files) return;
            json_line(
                {{"progress", {{"step", p.step}, {"done", p.done}, {"total", p.total}, {"files", p.counts_files}}}});
        },
        cirrus::offline::default_store_path());
    if (args.confirm) return confirm_update(registry, installer, declines, apps.front(), args);

    int status = 0;
    for (const AppRecord& app : apps) {
        Checked checked = check(registry, installer, app);
        json out = {{"id", app.id}, {"name", app.name}};
        std::string said;
        if (!checked.plan) {
            status = 1;
            out["result"] = "failed";
            out["message"] = checked.error;
            said = "not checked: " + checked.error;
        } else if (checked.decision->kind == UpdateKind::identity) {
            const bool declined = declines.declined(app.id, checked.decision->fingerprint);
            out["result"] = declined ? "declined" : "needs_confirmation";
            out["new_name"] = fresh_name(checked);
            out["name_changed"] = checked.decision->name_changed;
            out["icon_changed"] = checked.decision->icon_changed;
            const std::string what = checked.decision->name_changed && checked.decision->icon_changed
                                         ? "its name and icon change"
                                     : checked.decision->name_changed ? "its name changes"
                                                                      : "its icon changes";
            said = declined ? what + "; declined before, kept as it is"
                            : what + " (to \"" + fresh_name(checked) + "\"): waits for the user (the home screen asks)";
        } else {
            try {
                const InstallResult result = installer.install_plan(std::move(*checked.plan));
                declines.forget(app.id);
                out["result"] = "updated";
                out["offline_ready"] = result.app.offline_ready;
                said = std::string("updated") + (result.app.offline_ready ? ", offline-ready" : ", not offline-ready");
            } catch (const std::exception& e) {
                status = 1;
                out["result"] = "failed";
                out["message"] = e.what();
                said = std::string("failed: ") + e.what();
            }
        }
        if (args.json) json_line({{"update", out}});
        else std::printf("%s: %s\n", app.id.c_str(), terminal_safe(said).c_str());
    }
    if (apps.empty() && !args.json) std::printf("no app installed from a web address\n");
    return status;
}

}  // namespace cirrus::launcher
