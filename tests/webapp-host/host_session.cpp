#include "host_session.hpp"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace webapp_test {

using cirrus_it::json;
using cirrus_it::wait_until;

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

cirrus::test::HttpTestServer::Handler respond(const std::string& type, const std::string& body,
                                              const std::string& cache_control) {
    return [type, body, cache_control](SoupServerMessage* message) {
        if (!cache_control.empty()) {
            soup_message_headers_append(soup_server_message_get_response_headers(message), "Cache-Control",
                                        cache_control.c_str());
        }
        soup_server_message_set_status(message, 200, nullptr);
        soup_server_message_set_response(message, type.c_str(), SOUP_MEMORY_COPY, body.data(), body.size());
    };
}

pid_t launch(cirrus_it::Compositor& c, const std::string& id) {
    const json launched = c.request({{"cmd", "launch"}, {"app", id}});
    if (launched["ok"] != true || launched["action"] != "spawned") {
        throw std::runtime_error("launch " + id + ": " + launched.dump());
    }
    return launched["pid"].get<pid_t>();
}

json window_with_title(cirrus_it::Compositor& c, const std::string& app, const std::string& part, double timeout_s,
                       pid_t pid) {
    json found;
    json last;
    const bool ok = wait_until(
        [&] {
            last = c.windows();
            for (const json& w : last) {
                if (w["app"] == app && (pid < 0 || w["pid"] == pid) &&
                    w["title"].get<std::string>().find(part) != std::string::npos) {
                    found = w;
                    return true;
                }
            }
            return false;
        },
        timeout_s);
    if (!ok) {
        throw std::runtime_error("no window of " + app + " with title containing '" + part + "': " + last.dump() +
                                 "\n" + c.log_tail(4000));
    }
    return found;
}

std::string title_of(const json& window) { return window["title"].get<std::string>(); }

std::string title_of_app(cirrus_it::Compositor& c, const std::string& app, pid_t pid) {
    for (const json& w : c.windows()) {
        if (w["app"] == app && (pid < 0 || w["pid"] == pid)) return title_of(w);
    }
    return "";
}

void stop_host(cirrus_it::Compositor& c, pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    wait_until([&] { return kill(pid, 0) != 0; }, 5);
    if (kill(pid, 0) == 0) {
        kill(pid, SIGKILL);
        wait_until([&] { return kill(pid, 0) != 0; }, 5);
    }
    wait_until(
        [&] {
            for (const json& w : c.windows()) {
                if (w["pid"] == pid) return false;
            }
            return true;
        },
        5);
}

// Processes whose parent chain reaches `root` (not `root` itself).
std::set<pid_t> descendants(pid_t root) {
    std::map<pid_t, pid_t> parent;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream stat(entry.path() / "stat");
        std::string line;
        if (!std::getline(stat, line)) continue;
        const auto close = line.rfind(')');
        if (close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        char state;
        pid_t ppid;
        rest >> state >> ppid;
        parent[std::stoi(name)] = ppid;
    }
    std::set<pid_t> out;
    for (const auto& [pid, ppid] : parent) {
        for (pid_t p = ppid; p > 1; p = parent.count(p) ? parent[p] : 0) {
            if (p == root) {
                out.insert(pid);
                break;
            }
        }
    }
    return out;
}

std::string comm_of(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/comm");
    std::string comm;
    std::getline(file, comm);
    return comm;
}

pid_t web_process_of(pid_t host) {
    for (pid_t pid : descendants(host)) {
        if (comm_of(pid).starts_with("WebKitWebProces")) return pid;
    }
    return -1;
}

std::vector<Mount> mounts_of(pid_t pid) {
    std::ifstream file("/proc/" + std::to_string(pid) + "/mountinfo");
    std::vector<Mount> mounts;
    std::string line;
    while (std::getline(file, line)) {
        // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS ...
        std::istringstream fields(line);
        std::string skip;
        Mount mount;
        fields >> skip >> skip >> skip >> skip >> mount.point >> mount.options;
        mount.writable = mount.options.starts_with("rw");
        if (!mount.point.empty()) mounts.push_back(mount);
    }
    return mounts;
}

}  // namespace webapp_test
