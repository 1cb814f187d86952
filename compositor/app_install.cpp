#include "app_install.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <unistd.h>

#include "cirrus-app-unstable-v1-protocol.h"
#include "cirrus-shell-unstable-v1-protocol.h"
#include "common/protocol_text.hpp"
#include "seat.hpp"
#include "server.hpp"
#include "shell_link.hpp"
#include "supervisor.hpp"
#include "trust.hpp"

extern char** environ;

namespace cirrus {

// One installer process: its pipes and what it is for (the sheet's plan,
// then, after Add, a job; or a retried job).
struct AppInstall::Child {
    AppInstall* owner = nullptr;
    pid_t pid = -1;
    int in_fd = -1;   // its stdin: "install" or "cancel"
    int out_fd = -1;  // its stdout: JSON lines
    wl_event_source* source = nullptr;
    LineSplitter lines;
    std::optional<std::uint32_t> offer;  // the sheet's request id, until answered
    std::string job;                     // the app id it installs, after Add
    bool said_last = false;              // a result, an error or a cancel came
    bool update_check = false;           // `cirrus update --json`
};

namespace {

// The reasons and names go to the shell as Wayland strings: bounded.
std::string bounded(const std::string& text) { return protocol_text::bounded(text, protocol_text::kMaxReasonBytes); }

std::uint32_t clamp32(std::uint64_t value) {
    return value > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(value);
}

constexpr int kUpdateTimerMs = 60 * 1000;

void say_to_child(int& fd, const char* line) {
    if (fd < 0) return;
    // A child that is gone makes this fail (EPIPE; SIGPIPE is ignored).
    [[maybe_unused]] const ssize_t n = write(fd, line, std::strlen(line));
    close(fd);
    fd = -1;
}

}  // namespace

AppInstall::AppInstall(Server& server)
    : server_(server), update_schedule_(UpdateScheduleConfig{}, UpdateSchedule::Clock::now()) {
    update_timer_ = wl_event_loop_add_timer(server_.loop, &AppInstall::handle_update_timer, this);
    if (update_timer_) wl_event_source_timer_update(update_timer_, kUpdateTimerMs);
    else wlr_log(WLR_ERROR, "cannot add the update check's timer: hosted apps are updated on request only");
}

AppInstall::~AppInstall() {
    if (update_timer_) wl_event_source_remove(update_timer_);
    for (auto& [pid, child] : children_) {
        if (child->source) wl_event_source_remove(child->source);
        if (child->in_fd >= 0) close(child->in_fd);
        if (child->out_fd >= 0) close(child->out_fd);
        kill(pid, SIGTERM);
    }
}

std::string AppInstall::icon_path(std::uint32_t n) const {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    const std::string dir = runtime && *runtime ? runtime : "/tmp";
    return dir + "/cirrus-install-" + std::to_string(getpid()) + "-" + std::to_string(n) + ".png";
}

pid_t AppInstall::spawn(const std::vector<std::string>& argv) {
    int in[2];
    int out[2];
    if (pipe2(in, O_CLOEXEC) != 0) return -1;
    if (pipe2(out, O_CLOEXEC) != 0) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    std::vector<std::string> args = argv;
    std::vector<char*> raw;
    for (auto& a : args) raw.push_back(a.data());
    raw.push_back(nullptr);
    const pid_t pid = fork();
    if (pid == 0) {
        reset_signals_for_child();
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        execvpe(raw[0], raw.data(), environ);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    if (pid < 0) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    auto child = std::make_unique<Child>();
    child->owner = this;
    child->pid = pid;
    child->in_fd = in[1];
    child->out_fd = out[0];
    child->source =
        wl_event_loop_add_fd(server_.loop, out[0], WL_EVENT_READABLE, &AppInstall::handle_readable, child.get());
    if (!child->source) wlr_log(WLR_ERROR, "installer %d: cannot watch its output", static_cast<int>(pid));
    children_[pid] = std::move(child);
    return pid;
}

void AppInstall::request(wl_resource* host, const std::string& app, std::uint32_t serial, const std::string& url) {
    const std::string refusal = install_refusal({app, server_.config.browser_app, server_.config.catalogue_app, url,
                                                 offer_.has_value(), server_.shell && server_.shell->can_install()});
    if (!refusal.empty()) {
        wlr_log(WLR_INFO, "install request from %s refused: %s", app.c_str(), refusal.c_str());
        cirrus_app_v1_send_install_answered(host, serial, CIRRUS_APP_V1_INSTALL_RESULT_REFUSED, "", refusal.c_str());
        return;
    }
    Offer offer;
    offer.request_id = next_id_++;
    offer.host = host;
    offer.serial = serial;
    offer.url = url;
    offer.icon = icon_path(offer.request_id);
    const std::string program = server_.supervisor->find_program("cirrus", "launcher");
    offer.pid = spawn({program, "install", "--progress=json", "--confirm", "--icon-out", offer.icon, url});
    if (offer.pid < 0) {
        cirrus_app_v1_send_install_answered(host, serial, CIRRUS_APP_V1_INSTALL_RESULT_FAILED, "",
                                            "cannot start the installer");
        return;
    }
    children_[offer.pid]->offer = offer.request_id;
    wlr_log(WLR_INFO, "%s asks to install %s: planning", app.c_str(), url.c_str());
    offer_ = std::move(offer);
}

void AppInstall::forget_host(wl_resource* host) {
    if (offer_ && offer_->host == host) offer_->host = nullptr;
}

void AppInstall::answer_host(std::uint32_t result, const std::string& app_id, const std::string& message) {
    if (!offer_ || !offer_->host) return;
    cirrus_app_v1_send_install_answered(offer_->host, offer_->serial, result, app_id.c_str(), bounded(message).c_str());
    offer_->host = nullptr;  // answered once
}

void AppInstall::send_offer(const Offer& offer) {
    if (!server_.shell) return;
    if (offer.update) {
        if (!offer.update_plan) return;
        const InstallerUpdatePlan& plan = *offer.update_plan;
        std::error_code ec;
        const std::string icon = std::filesystem::exists(offer.icon, ec) ? offer.icon : "";
        server_.shell->update_offer(offer.request_id, plan.id, bounded(plan.old_name), bounded(plan.name),
                                    bounded(plan.origin), icon, plan.name_changed, plan.icon_changed);
        server_.shell->done();
        return;
    }
    const InstallerPlan plan = offer.plan.value_or(InstallerPlan{});
    std::error_code ec;
    const std::string icon = offer.plan && std::filesystem::exists(offer.icon, ec) ? offer.icon : "";
    server_.shell->install_offer(offer.request_id, plan.id, bounded(plan.name), bounded(plan.origin), icon,
                                 clamp32(plan.offline_bytes_known), clamp32(plan.offline_files), plan.installed,
                                 bounded(offer.reason));
    server_.shell->done();
}

void AppInstall::answer(std::uint32_t request_id, std::uint32_t answer) {
    answer_offer(request_id, answer);
    offer_next_update();
}

void AppInstall::answer_offer(std::uint32_t request_id, std::uint32_t answer) {
    if (!offer_ || offer_->request_id != request_id) return;
    auto child = children_.find(offer_->pid);
    Child* running = child != children_.end() ? child->second.get() : nullptr;
    if (offer_->update) {
        answer_update(answer, running);
        return;
    }
    const bool planned = offer_->plan && offer_->reason.empty();
    if (answer == CIRRUS_SHELL_V1_INSTALL_ANSWER_ADD && planned && running) {
        const InstallerPlan& plan = *offer_->plan;
        Job& job = jobs_[plan.id];
        job = Job{plan.name, offer_->icon, offer_->url, 0, 0, std::nullopt, offer_->pid};
        running->offer.reset();
        running->job = plan.id;
        say_to_child(running->in_fd, "install\n");
        wlr_log(WLR_INFO, "installing %s from %s", plan.id.c_str(), offer_->url.c_str());
        // The tile, at once: the registry row follows when the child records it.
        job_progress(plan.id);
        answer_host(CIRRUS_APP_V1_INSTALL_RESULT_ADDED, plan.id, "");
        offer_.reset();
        return;
    }
    if (running) say_to_child(running->in_fd, "cancel\n");
    if (running) running->offer.reset();
    std::error_code ec;
    std::filesystem::remove(offer_->icon, ec);
    if (answer == CIRRUS_SHELL_V1_INSTALL_ANSWER_OPEN && planned && offer_->plan->installed) {
        const std::string id = offer_->plan->id;
        answer_host(CIRRUS_APP_V1_INSTALL_RESULT_OPENED, id, "");
        offer_.reset();
        server_.launch_app(id);
        return;
    }
    if (!offer_->reason.empty()) answer_host(CIRRUS_APP_V1_INSTALL_RESULT_FAILED, "", offer_->reason);
    else answer_host(CIRRUS_APP_V1_INSTALL_RESULT_CANCELLED, "", "");
    offer_.reset();
}

void AppInstall::job_progress(const std::string& app_id) {
    const auto it = jobs_.find(app_id);
    if (it == jobs_.end() || !server_.shell) return;
    const Job& job = it->second;
    server_.shell->install_progress(app_id, bounded(job.name), job.icon, clamp32(job.done), clamp32(job.total));
    server_.shell->done();
}

void AppInstall::fail_job(const std::string& app_id, const std::string& reason) {
    const auto it = jobs_.find(app_id);
    if (it == jobs_.end()) return;
    it->second.failure = reason;
    wlr_log(WLR_ERROR, "installing %s failed: %s", app_id.c_str(), reason.c_str());
    if (!server_.shell) return;
    server_.shell->install_failed(app_id, bounded(reason));
    server_.shell->done();
}

void AppInstall::start_job_child(const std::string& app_id, Job& job) {
    const std::string program = server_.supervisor->find_program("cirrus", "launcher");
    job.pid = spawn({program, "install", "--progress=json", job.source});
    if (job.pid < 0) {
        fail_job(app_id, "cannot start the installer");
        return;
    }
    children_[job.pid]->job = app_id;
}

void AppInstall::retry(const std::string& app_id) {
    const auto it = jobs_.find(app_id);
    if (it == jobs_.end() || !it->second.failure || it->second.pid > 0) return;
    Job& job = it->second;
    job.failure.reset();
    job.done = 0;
    job.total = 0;
    wlr_log(WLR_INFO, "retrying the install of %s from %s", app_id.c_str(), job.source.c_str());
    job_progress(app_id);
    start_job_child(app_id, job);
}

int AppInstall::handle_readable(int, std::uint32_t mask, void* data) {
    auto* child = static_cast<Child*>(data);
    AppInstall& self = *child->owner;
    try {
        self.drain(*child);
        if (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) self.close_child_output(*child);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "installer %d: %s", static_cast<int>(child->pid), e.what());
    }
    return 0;
}

void AppInstall::drain(Child& child) {
    char buffer[16384];
    while (child.out_fd >= 0) {
        const ssize_t n = read(child.out_fd, buffer, sizeof buffer);
        if (n > 0) {
            for (const std::string& line : child.lines.feed(std::string_view(buffer, static_cast<std::size_t>(n))))
                on_line(child, line);
            continue;
        }
        if (n < 0 && (errno == EINTR)) continue;
        if (n == 0) close_child_output(child);
        return;  // EAGAIN: more later
    }
}

void AppInstall::close_child_output(Child& child) {
    if (child.source) wl_event_source_remove(child.source);
    child.source = nullptr;
    if (child.out_fd >= 0) close(child.out_fd);
    child.out_fd = -1;
}

void AppInstall::on_line(Child& child, const std::string& line) {
    const InstallerLine parsed = parse_installer_line(line);
    if (child.update_check) {
        if (const auto* checked = std::get_if<UpdateChecked>(&parsed)) {
            wlr_log(WLR_INFO, "update check: %s %s%s%s", checked->id.c_str(), checked->result.c_str(),
                    checked->message.empty() ? "" : ": ", checked->message.c_str());
            if (checked->result == "failed") update_check_failed_ = true;
            const bool queued =
                std::find(updates_to_ask_.begin(), updates_to_ask_.end(), checked->id) != updates_to_ask_.end();
            if (checked->result == "needs_confirmation" && !checked->id.empty() && !queued)
                updates_to_ask_.push_back(checked->id);
        }
        return;
    }
    if (child.offer && offer_ && offer_->request_id == *child.offer && offer_->update) {
        if (const auto* plan = std::get_if<InstallerUpdatePlan>(&parsed)) {
            offer_->update_plan = *plan;
            send_offer(*offer_);
        } else if (const auto* error = std::get_if<InstallerError>(&parsed)) {
            child.said_last = true;
            child.offer.reset();
            drop_update_offer(error->message);
        }
        return;
    }
    if (child.offer && offer_ && offer_->request_id == *child.offer) {
        if (const auto* plan = std::get_if<InstallerPlan>(&parsed)) {
            offer_->plan = *plan;
            send_offer(*offer_);
        } else if (const auto* error = std::get_if<InstallerError>(&parsed)) {
            child.said_last = true;
            offer_->reason = error->message;
            send_offer(*offer_);
            answer_host(CIRRUS_APP_V1_INSTALL_RESULT_FAILED, "", error->message);
        }
        return;
    }
    if (child.job.empty()) return;  // a cancelled sheet's child, saying goodbye
    const auto it = jobs_.find(child.job);
    if (it == jobs_.end()) return;
    Job& job = it->second;
    if (const auto* progress = std::get_if<InstallerProgress>(&parsed)) {
        if (!progress->files) return;  // the steps before the offline copy are quick
        job.done = progress->done;
        job.total = progress->total;
        job_progress(child.job);
    } else if (const auto* done = std::get_if<InstallerDone>(&parsed)) {
        child.said_last = true;
        if (const auto failure = install_failure(*done)) {
            fail_job(child.job, *failure);
            return;
        }
        wlr_log(WLR_INFO, "installed %s, stored for offline use", child.job.c_str());
        std::error_code ec;
        std::filesystem::remove(job.icon, ec);
        const std::string id = child.job;
        jobs_.erase(it);
        if (server_.shell) {
            server_.shell->install_finished(id);
            server_.shell->done();
        }
    } else if (const auto* error = std::get_if<InstallerError>(&parsed)) {
        child.said_last = true;
        fail_job(child.job, error->message);
    } else if (std::holds_alternative<InstallerCancelled>(parsed) ||
               std::holds_alternative<InstallerDeclined>(parsed)) {
        child.said_last = true;
    }
}

bool AppInstall::child_exited(pid_t pid) {
    const auto it = children_.find(pid);
    if (it == children_.end()) return false;
    Child& child = *it->second;
    try {
        drain(child);  // what it wrote before it ended
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "installer %d: %s", static_cast<int>(pid), e.what());
    }
    close_child_output(child);
    if (child.in_fd >= 0) close(child.in_fd);
    if (child.update_check) {
        update_check_ = -1;
        update_schedule_.finished(UpdateSchedule::Clock::now(), !update_check_failed_);
        wlr_log(WLR_INFO, "update check done%s; %zu to ask about", update_check_failed_ ? " (some failed)" : "",
                updates_to_ask_.size());
        children_.erase(it);
        offer_next_update();
        return true;
    }
    if (!child.said_last && child.offer && offer_ && offer_->request_id == *child.offer && offer_->update) {
        drop_update_offer("the installer ended unexpectedly");
        children_.erase(it);
        offer_next_update();
        return true;
    }
    if (!child.said_last) {
        const std::string why = "the installer ended unexpectedly";
        if (child.offer && offer_ && offer_->request_id == *child.offer && offer_->reason.empty()) {
            offer_->reason = why;
            send_offer(*offer_);
            answer_host(CIRRUS_APP_V1_INSTALL_RESULT_FAILED, "", why);
        } else if (!child.job.empty()) {
            fail_job(child.job, why);
        }
    }
    if (!child.job.empty()) {
        if (auto job = jobs_.find(child.job); job != jobs_.end()) job->second.pid = -1;
    }
    children_.erase(it);
    return true;
}

void AppInstall::replay_to_shell(wl_resource* shell) {
    if (wl_resource_get_version(shell) < CIRRUS_SHELL_V1_INSTALL_OFFER_SINCE_VERSION) return;
    if (offer_ && offer_->update && offer_->update_plan &&
        wl_resource_get_version(shell) >= CIRRUS_SHELL_V1_UPDATE_OFFER_SINCE_VERSION) {
        const InstallerUpdatePlan& plan = *offer_->update_plan;
        std::error_code ec;
        const std::string icon = std::filesystem::exists(offer_->icon, ec) ? offer_->icon : "";
        cirrus_shell_v1_send_update_offer(shell, offer_->request_id, plan.id.c_str(), bounded(plan.old_name).c_str(),
                                          bounded(plan.name).c_str(), bounded(plan.origin).c_str(), icon.c_str(),
                                          plan.name_changed ? 1 : 0, plan.icon_changed ? 1 : 0);
    } else if (offer_ && !offer_->update && (offer_->plan || !offer_->reason.empty())) {
        const InstallerPlan plan = offer_->plan.value_or(InstallerPlan{});
        cirrus_shell_v1_send_install_offer(shell, offer_->request_id, plan.id.c_str(), bounded(plan.name).c_str(),
                                           bounded(plan.origin).c_str(), offer_->plan ? offer_->icon.c_str() : "",
                                           clamp32(plan.offline_bytes_known), clamp32(plan.offline_files),
                                           plan.installed ? 1 : 0, bounded(offer_->reason).c_str());
    }
    for (const auto& [id, job] : jobs_) {
        if (job.failure) {
            cirrus_shell_v1_send_install_progress(shell, id.c_str(), bounded(job.name).c_str(), job.icon.c_str(), 0, 0);
            cirrus_shell_v1_send_install_failed(shell, id.c_str(), bounded(*job.failure).c_str());
        } else {
            cirrus_shell_v1_send_install_progress(shell, id.c_str(), bounded(job.name).c_str(), job.icon.c_str(),
                                                  clamp32(job.done), clamp32(job.total));
        }
    }
}

void AppInstall::answer_update(std::uint32_t answer, Child* running) {
    const bool planned = offer_->update_plan.has_value();
    if (answer == CIRRUS_SHELL_V1_INSTALL_ANSWER_ADD && planned && running) {
        const InstallerUpdatePlan& plan = *offer_->update_plan;
        // The app's tile shows the progress, as an install's; its source is
        // the registry's, which a retry installs from.
        Job& job = jobs_[plan.id];
        job = Job{plan.name, offer_->icon, plan.source, 0, 0, std::nullopt, offer_->pid};
        running->offer.reset();
        running->job = plan.id;
        say_to_child(running->in_fd, "install\n");
        wlr_log(WLR_INFO, "updating %s: the user took its new %s", plan.id.c_str(),
                plan.name_changed ? "name" : "icon");
        job_progress(plan.id);
        offer_.reset();
        return;
    }
    // Keep: the installer remembers the decline, so this change is not asked again.
    if (running) {
        say_to_child(running->in_fd, planned ? "decline\n" : "cancel\n");
        running->offer.reset();
    }
    wlr_log(WLR_INFO, "update of %s declined: kept as it is", offer_->url.c_str());
    std::error_code ec;
    std::filesystem::remove(offer_->icon, ec);
    offer_.reset();
}

void AppInstall::drop_update_offer(const std::string& why) {
    if (!offer_ || !offer_->update) return;
    wlr_log(WLR_INFO, "update of %s not offered: %s", offer_->url.c_str(), why.c_str());
    std::error_code ec;
    std::filesystem::remove(offer_->icon, ec);
    offer_.reset();
}

int AppInstall::handle_update_timer(void* data) {
    auto& self = *static_cast<AppInstall*>(data);
    try {
        const auto now = UpdateSchedule::Clock::now();
        UpdateConditions conditions;
        conditions.link =
            self.server_.link_monitor ? self.server_.link_monitor->estimate().link_class : LinkClass::offline;
        conditions.since_input =
            self.server_.seat ? now - self.server_.seat->last_input() : UpdateSchedule::Clock::duration::max();
        conditions.screen_off = self.server_.blanked();
        conditions.busy = self.offer_.has_value();
        for (const auto& [id, job] : self.jobs_) conditions.busy = conditions.busy || job.pid > 0;
        if (self.update_schedule_.due(now, conditions)) self.start_update_check();
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "update check: %s", e.what());
    }
    wl_event_source_timer_update(self.update_timer_, kUpdateTimerMs);
    return 0;
}

bool AppInstall::check_updates_now() {
    if (update_check_ > 0) return false;
    start_update_check();
    return update_check_ > 0;
}

void AppInstall::start_update_check() {
    const std::string program = server_.supervisor->find_program("cirrus", "launcher");
    const pid_t pid = spawn({program, "update", "--json"});
    if (pid < 0) {
        wlr_log(WLR_ERROR, "cannot start `cirrus update --json`");
        update_schedule_.started(UpdateSchedule::Clock::now());
        update_schedule_.finished(UpdateSchedule::Clock::now(), false);
        return;
    }
    children_[pid]->update_check = true;
    say_to_child(children_[pid]->in_fd, "");  // it reads nothing
    update_check_ = pid;
    update_check_failed_ = false;
    updates_to_ask_.clear();  // the check says again what waits for the user
    update_schedule_.started(UpdateSchedule::Clock::now());
    wlr_log(WLR_INFO, "checking the installed hosted apps for updates");
}

void AppInstall::offer_next_update() {
    // One sheet at a time, and not while the check still runs (its own
    // installs of content-only changes come first).
    if (offer_ || update_check_ > 0 || !server_.shell || !server_.shell->can_update()) return;
    while (!updates_to_ask_.empty()) {
        const std::string id = updates_to_ask_.front();
        updates_to_ask_.pop_front();
        if (jobs_.count(id)) continue;  // being installed: asked at the next check
        Offer offer;
        offer.request_id = next_id_++;
        offer.update = true;
        offer.url = id;
        offer.icon = icon_path(offer.request_id);
        const std::string program = server_.supervisor->find_program("cirrus", "launcher");
        offer.pid = spawn({program, "update", id, "--progress=json", "--confirm", "--icon-out", offer.icon});
        if (offer.pid < 0) {
            wlr_log(WLR_ERROR, "cannot start the update of %s", id.c_str());
            continue;
        }
        children_[offer.pid]->offer = offer.request_id;
        wlr_log(WLR_INFO, "asking whether to update %s", id.c_str());
        offer_ = std::move(offer);
        return;
    }
}

}  // namespace cirrus
