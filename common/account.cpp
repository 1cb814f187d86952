// The account file and the server check; see account.hpp.
#include "account.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fcntl.h>
#include <glib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "strings.hpp"

namespace cirrus::sync {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value && *value ? value : "";
}

std::runtime_error file_error(const std::filesystem::path& path, const std::string& what) {
    return std::runtime_error(path.string() + ": " + what);
}

CheckResult problem(Problem kind, std::string message, std::string dav_header = "") {
    return CheckResult{kind, std::move(message), std::move(dav_header)};
}

bool has_dav_class(std::string_view header, std::string_view name) {
    std::size_t start = 0;
    while (start <= header.size()) {
        const std::size_t comma = header.find(',', start);
        const std::string_view item =
            trim(header.substr(start, comma == std::string_view::npos ? header.npos : comma - start), kHttpWhitespace);
        if (equals_ignoring_case(item, name)) return true;
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return false;
}

constexpr std::string_view kNextcloudHint =
    " (Nextcloud's are https://HOST/remote.php/dav/files/USER/ for files and "
    "https://HOST/remote.php/dav/addressbooks/users/USER/ for contacts)";

}  // namespace

std::filesystem::path default_account_path() {
    if (const std::string file = env("CIRRUS_ACCOUNT_FILE"); !file.empty()) return file;
    std::filesystem::path config = env("XDG_CONFIG_HOME");
    if (config.empty()) {
        const std::string home = env("HOME");
        config = std::filesystem::path(home.empty() ? "." : home) / ".config";
    }
    return config / "cirrus" / "account.json";
}

std::optional<Account> load_account(const std::filesystem::path& path) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT) return std::nullopt;
        throw file_error(path, std::strerror(errno));
    }
    if ((info.st_mode & 077) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
        throw file_error(path, std::string("holds the account's secret but other users can read it (mode ") + mode +
                                   "): run chmod 600 " + path.string() + ", and change the password if they could");
    }
    if (info.st_uid != getuid()) throw file_error(path, "belongs to another user: remove it and add the account again");
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    try {
        const nlohmann::json json = nlohmann::json::parse(text.str());
        Account account;
        account.url = json.at("url").get<std::string>();
        account.contacts_url = json.value("contacts_url", std::string());
        account.user = json.value("user", std::string());
        account.secret = json.at("secret").get<std::string>();
        account.secret_kind =
            json.value("secret_kind", std::string("password")) == "token" ? SecretKind::token : SecretKind::password;
        return account;
    } catch (const nlohmann::json::exception& e) {
        throw file_error(
            path, std::string("is not an account file (") + e.what() + "): remove it and run cirrus account add again");
    }
}

void save_account(const std::filesystem::path& path, const Account& account) {
    const std::filesystem::path folder = path.parent_path().empty() ? "." : path.parent_path();
    std::error_code error;
    std::filesystem::create_directories(folder, error);
    if (error) throw file_error(folder, "cannot create the folder: " + error.message());
    // Only the folder Cirrus made is narrowed; a folder given by the user keeps its mode.
    if (folder.filename() == "cirrus") chmod(folder.c_str(), 0700);
    const nlohmann::json json = {
        {"url", account.url},
        {"contacts_url", account.contacts_url},
        {"user", account.user},
        {"secret", account.secret},
        {"secret_kind", account.secret_kind == SecretKind::token ? "token" : "password"},
    };
    const std::string text = json.dump(2) + "\n";
    const std::filesystem::path temp = path.string() + ".new";
    unlink(temp.c_str());
    // 0600 from the start: the secret is never in a file others could open.
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) throw file_error(temp, std::strerror(errno));
    std::size_t written = 0;
    while (written < text.size()) {
        const ssize_t n = write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const std::string why = std::strerror(errno);
            close(fd);
            unlink(temp.c_str());
            throw file_error(temp, "cannot write: " + why + " (is the disk full?)");
        }
        written += static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temp.c_str());
        throw file_error(temp, "cannot write: " + why);
    }
    if (rename(temp.c_str(), path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        unlink(temp.c_str());
        throw file_error(path, "cannot replace: " + why);
    }
}

bool remove_account(const std::filesystem::path& path) {
    if (unlink(path.c_str()) == 0) return true;
    if (errno == ENOENT) return false;
    throw file_error(path, std::string("cannot remove: ") + std::strerror(errno));
}

std::string_view to_string(Problem kind) {
    switch (kind) {
    case Problem::none:
        return "ok";
    case Problem::bad_url:
        return "bad-url";
    case Problem::unreachable:
        return "unreachable";
    case Problem::unauthorized:
        return "unauthorized";
    case Problem::moved:
        return "moved";
    case Problem::not_found:
        return "not-found";
    case Problem::not_dav:
        return "not-dav";
    case Problem::server_error:
        return "server-error";
    }
    return "?";
}

std::string url_problem(std::string_view url) {
    const std::string text(url);
    GError* error = nullptr;
    GUri* uri =
        g_uri_parse(text.c_str(), static_cast<GUriFlags>(G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED), &error);
    if (!uri) {
        const std::string why = error ? error->message : "not a URL";
        g_clear_error(&error);
        return "'" + text + "' is not a URL (" + why + "): give the server's folder, e.g. https://HOST/dav/";
    }
    const std::string scheme = g_uri_get_scheme(uri);
    const bool has_host = g_uri_get_host(uri) && *g_uri_get_host(uri);
    const bool has_userinfo = g_uri_get_user(uri) || g_uri_get_password(uri);
    g_uri_unref(uri);
    if (scheme != "http" && scheme != "https")
        return "'" + text + "' is not an http:// or https:// URL: give the server's WebDAV folder";
    if (!has_host) return "'" + text + "' names no server: give the server's folder, e.g. https://HOST/dav/";
    if (has_userinfo)
        return "the URL holds a user or password: give the user with --user and the password on stdin "
               "(--password-stdin), so that it is never shown in a list or a log";
    return "";
}

CheckResult check_server(const std::string& url, const dav::Credentials& credentials, ServerRole role,
                         const dav::ClientOptions& options) {
    if (const std::string why = url_problem(url); !why.empty()) return problem(Problem::bad_url, why);
    const std::string who = credentials.user.empty() ? "the token" : "user '" + credentials.user + "'";
    try {
        dav::Client client(url, credentials, options);
        const std::string& where = client.base_url();
        const dav::Response options_answer = client.request("OPTIONS", "");
        if (options_answer.status >= 300 && options_answer.status <= 399) {
            return problem(Problem::moved, where + " moved (" + options_answer.status_text() + ") to " +
                                               options_answer.header("Location") + ": add the account with that URL");
        }
        if (options_answer.status == 401 || options_answer.status == 403) {
            return problem(Problem::unauthorized, "the server refused " + who + " (" + options_answer.status_text() +
                                                      "): check the user name and the password or app token");
        }
        const std::string dav_header = options_answer.header("DAV");
        if (options_answer.ok() && dav_header.empty()) {
            return problem(Problem::not_dav,
                           where +
                               " answers HTTP but is not a WebDAV server (no DAV header in its OPTIONS answer): "
                               "give the server's WebDAV folder" +
                               std::string(kNextcloudHint));
        }
        if (role == ServerRole::contacts && !dav_header.empty() && !has_dav_class(dav_header, "addressbook")) {
            return problem(Problem::not_dav,
                           where + " is a WebDAV server but not a CardDAV one (its DAV header '" + dav_header +
                               "' lacks 'addressbook'): give the address-book URL" + std::string(kNextcloudHint),
                           dav_header);
        }
        const dav::Response found =
            client.request("PROPFIND", "", {{"Depth", "0"}}, dav::kPropfindBody, "application/xml; charset=utf-8");
        if (found.status == 401 || found.status == 403) {
            return problem(Problem::unauthorized,
                           "the server refused " + who + " (" + found.status_text() +
                               "): check the user name and the password or app token",
                           dav_header);
        }
        if (found.status >= 300 && found.status <= 399) {
            return problem(Problem::moved,
                           where + " moved (" + found.status_text() + ") to " + found.header("Location") +
                               ": add the account with that URL",
                           dav_header);
        }
        if (found.status == 404) {
            return problem(Problem::not_found,
                           "there is no folder at " + where + " (" + found.status_text() +
                               "): check the path, or create the folder on the server",
                           dav_header);
        }
        if (found.status == 405 || found.status == 501 || (found.ok() && found.status != 207)) {
            return problem(Problem::not_dav,
                           where + " is not a WebDAV server (PROPFIND answered " + found.status_text() +
                               "): give the server's WebDAV folder" + std::string(kNextcloudHint),
                           dav_header);
        }
        if (found.status != 207) {
            return problem(
                Problem::server_error,
                where + ": the server failed (" + found.status_text() + "): try again later, or ask its admin",
                dav_header);
        }
        const auto entries = dav::parse_multistatus(found.body);
        if (entries.empty() || !entries.front().collection) {
            return problem(Problem::not_dav, where + " is a file, not a folder: give the folder's URL", dav_header);
        }
        return CheckResult{Problem::none, "", dav_header};
    } catch (const dav::UnreachableError& e) {
        return problem(Problem::unreachable, std::string("cannot reach the server: ") + e.what() +
                                                 ". Check the address, that the server runs, and the network");
    } catch (const std::exception& e) {
        return problem(Problem::server_error,
                       std::string("the server's answer is broken: ") + e.what() + ". Is this the right URL?");
    }
}

}  // namespace cirrus::sync
