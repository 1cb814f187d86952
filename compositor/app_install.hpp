// "Add to Home Screen" through the runtime (issue 20): the browser or the
// catalogue asks (cirrus_app_v1.install_app), the installer child plans
// (`cirrus install --progress=json --confirm --icon-out FILE URL`: the same
// id rules, offline copy and errors as `cirrus install`), the shell's sheet
// asks the user (cirrus_shell_v1.install_offer: no page can fake or skip
// it), and on Add the same child installs while the home screen draws its
// tile with the progress, then the icon, or a badge that explains and
// retries. Who may ask and what the child's lines mean is policy
// (policy/install_flow.hpp); this runs the children on the compositor's
// event loop and relays.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

#include "install_flow.hpp"
#include "update_schedule.hpp"
#include "wlr.hpp"

namespace cirrus {

class Server;

class AppInstall {
public:
    explicit AppInstall(Server& server);
    ~AppInstall();
    AppInstall(const AppInstall&) = delete;
    AppInstall& operator=(const AppInstall&) = delete;

    // From a host, with the app its pid names.
    void request(wl_resource* host, const std::string& app, std::uint32_t serial, const std::string& url);
    // The host's binding is gone: nothing more is said to it.
    void forget_host(wl_resource* host);
    // From the shell (cirrus_shell_v1.answer_install and retry_install).
    void answer(std::uint32_t request_id, std::uint32_t answer);
    void retry(const std::string& app_id);
    // A shell that binds (a restarted one) gets the sheet and the tiles.
    void replay_to_shell(wl_resource* shell);
    // True if pid was an installer child (its end is handled).
    bool child_exited(pid_t pid);

    // Updates of installed hosted apps (issue 20 item 5): `cirrus update
    // --json` when policy/update_schedule says (a good link, the phone idle;
    // a timer asks once a minute), or now (the control socket's
    // check_updates); false when a check runs already. The installer installs
    // what changed only in content; each app whose name or icon changes is
    // then put to the user on the install sheet (cirrus_shell_v1.update_offer),
    // one at a time, through `cirrus update ID --progress=json --confirm`.
    bool check_updates_now();

private:
    struct Child;
    struct Offer {
        std::uint32_t request_id = 0;
        wl_resource* host = nullptr;
        std::uint32_t serial = 0;
        std::string url;
        std::string icon;  // the PNG the child writes
        std::optional<InstallerPlan> plan;
        std::string reason;  // the plan failed: why (the sheet says it)
        pid_t pid = -1;
        bool update = false;  // an installed app's new name or icon, not an install
        std::optional<InstallerUpdatePlan> update_plan;
    };
    struct Job {
        std::string name;
        std::string icon;
        std::string source;
        std::uint64_t done = 0;
        std::uint64_t total = 0;
        std::optional<std::string> failure;  // the badge's reason
        pid_t pid = -1;                      // its child while it runs
    };

    pid_t spawn(const std::vector<std::string>& argv);
    static int handle_readable(int fd, std::uint32_t mask, void* data);
    void drain(Child& child);
    void on_line(Child& child, const std::string& line);
    void close_child_output(Child& child);
    // The child ended (or said its last): settles its offer or job.
    void child_done(Child& child, const std::string& unexpected_end);
    void send_offer(const Offer& offer);
    void answer_host(std::uint32_t result, const std::string& app_id, const std::string& message);
    void fail_job(const std::string& app_id, const std::string& reason);
    void job_progress(const std::string& app_id);
    void start_job_child(const std::string& app_id, Job& job);
    std::string icon_path(std::uint32_t n) const;
    void answer_offer(std::uint32_t request_id, std::uint32_t answer);
    void answer_update(std::uint32_t answer, Child* running);
    // An update offer whose child failed is dropped quietly: no error sheet
    // for something the user did not ask for.
    void drop_update_offer(const std::string& why);
    static int handle_update_timer(void* data);
    void start_update_check();
    void offer_next_update();

    Server& server_;
    std::map<pid_t, std::unique_ptr<Child>> children_;
    std::optional<Offer> offer_;       // the sheet (one at a time)
    std::map<std::string, Job> jobs_;  // by app id: installing, or failed
    std::uint32_t next_id_ = 1;

    UpdateSchedule update_schedule_;
    wl_event_source* update_timer_ = nullptr;
    pid_t update_check_ = -1;           // `cirrus update --json` while it runs
    bool update_check_failed_ = false;  // an app's check failed: the schedule backs off
    std::deque<std::string> updates_to_ask_;
};

}  // namespace cirrus
