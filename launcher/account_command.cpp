// `cirrus account`; see account_command.hpp.
#include "account_command.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include <sys/stat.h>

#include "common/account.hpp"
#include "common/file_text.hpp"
#include "common/strings.hpp"
#include "terminal_text.hpp"

namespace cirrus::launcher {

namespace {

using cirrus::sync::Account;

constexpr std::size_t kMaxSecretBytes = 4096;

// The first line of stdin, without its newline.
std::string read_password_from_stdin() {
    std::string line;
    if (!std::getline(std::cin, line) && line.empty())
        throw AccountUsageError("--password-stdin: no password on stdin (give it as one line)");
    if (line.size() > kMaxSecretBytes) throw AccountUsageError("--password-stdin: the password is over 4 KiB");
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw AccountUsageError("--password-stdin: the password on stdin is empty");
    return line;
}

std::string read_token_file(const std::string& path) {
    struct stat info {};
    if (stat(path.c_str(), &info) != 0) throw std::runtime_error(path + ": cannot read the token file");
    if (info.st_size > static_cast<off_t>(kMaxSecretBytes))
        throw std::runtime_error(path + ": over 4 KiB, not an app token");
    const auto text = read_file_text(path, kMaxSecretBytes);
    if (!text) throw std::runtime_error(path + ": cannot read the token file");
    const std::string token(trim(*text, kAsciiWhitespace));
    if (token.empty()) throw std::runtime_error(path + ": the token file is empty");
    if (token.find_first_of("\r\n") != std::string::npos)
        throw std::runtime_error(path + ": holds more than one line; an app token is one line");
    return token;
}

void print_check(const cirrus::sync::CheckResult& result, const std::string& url, const char* role) {
    if (result.ok()) {
        std::printf("%s: %s is a %s server and the credentials open it (DAV: %s)\n", role, terminal_safe(url).c_str(),
                    std::string_view(role) == "contacts" ? "CardDAV" : "WebDAV",
                    terminal_safe(result.dav_header).c_str());
    } else {
        std::fprintf(stderr, "cirrus account: %s: %s\n", role, terminal_safe(result.message).c_str());
    }
}

// Both servers of an account; true when both are fine.
bool check_account(const Account& account) {
    const auto files = cirrus::sync::check_server(account.url, account.credentials(), cirrus::sync::ServerRole::files);
    print_check(files, account.url, "files");
    bool ok = files.ok();
    if (!account.contacts_url.empty()) {
        const auto contacts =
            cirrus::sync::check_server(account.contacts_url, account.credentials(), cirrus::sync::ServerRole::contacts);
        print_check(contacts, account.contacts_url, "contacts");
        ok = ok && contacts.ok();
    }
    return ok;
}

std::string with_slash(std::string url) {
    if (!url.empty() && url.back() != '/') url += '/';
    return url;
}

int add(const std::vector<std::string>& args) {
    Account account;
    std::optional<std::string> token_file;
    bool password_stdin = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&]() {
            if (i + 1 >= args.size()) throw AccountUsageError("missing value for " + arg);
            return args[++i];
        };
        if (arg == "--user") {
            account.user = value();
        } else if (arg == "--contacts") {
            account.contacts_url = with_slash(value());
        } else if (arg == "--password-stdin") {
            password_stdin = true;
        } else if (arg == "--token-file") {
            token_file = value();
        } else if (arg == "--password" || arg.starts_with("--password=")) {
            throw AccountUsageError(
                "a password is never an argument (others can see it in the process list): "
                "give it on stdin with --password-stdin");
        } else if (arg.starts_with("--")) {
            throw AccountUsageError("unknown option '" + arg + "'");
        } else if (account.url.empty()) {
            account.url = with_slash(arg);
        } else {
            throw AccountUsageError("more than one URL ('" + arg + "')");
        }
    }
    if (account.url.empty()) throw AccountUsageError("account add: no URL (the server's WebDAV folder)");
    if (password_stdin == token_file.has_value())
        throw AccountUsageError("account add: give the secret one way: --password-stdin or --token-file FILE");
    if (password_stdin && account.user.empty()) throw AccountUsageError("account add: a password needs --user NAME");
    for (const std::string* url : {&account.url, &account.contacts_url}) {
        if (url->empty()) continue;
        if (const std::string why = cirrus::sync::url_problem(*url); !why.empty()) throw AccountUsageError(why);
    }
    if (password_stdin) {
        account.secret = read_password_from_stdin();
        account.secret_kind = cirrus::sync::SecretKind::password;
    } else {
        account.secret = read_token_file(*token_file);
        account.secret_kind = cirrus::sync::SecretKind::token;
    }
    if (account.url.starts_with("http://"))
        std::fprintf(stderr,
                     "cirrus account: warning: %s is http://: the password crosses the network "
                     "unencrypted; use https:// unless the server is on this machine\n",
                     terminal_safe(account.url).c_str());
    if (!check_account(account)) {
        std::fprintf(stderr, "cirrus account: nothing was stored\n");
        return 1;
    }
    const auto path = cirrus::sync::default_account_path();
    const bool replaced = std::filesystem::exists(path);
    cirrus::sync::save_account(path, account);
    std::printf("%s the account: %s (the secret is in %s, readable by this user only)\n",
                replaced ? "replaced" : "added", terminal_safe(account.url).c_str(),
                terminal_safe(path.string()).c_str());
    return 0;
}

}  // namespace

int run_account(const std::vector<std::string>& args) {
    const auto path = cirrus::sync::default_account_path();
    const std::string command = args.empty() ? "list" : args[0];
    if (command == "add") return add(args);
    if (args.size() > 1) throw AccountUsageError("account " + command + " takes no arguments");
    if (command == "list") {
        const auto account = cirrus::sync::load_account(path);
        if (!account) {
            std::printf("no account: add one with cirrus account add URL --user NAME --password-stdin\n");
            return 0;
        }
        std::printf("%-10s %s\n", "url:", terminal_safe(account->url).c_str());
        std::printf("%-10s %s\n",
                    "user:", account->user.empty() ? "(none: a bearer token)" : terminal_safe(account->user).c_str());
        std::printf("%-10s %s\n", "contacts:",
                    account->contacts_url.empty() ? "(none)" : terminal_safe(account->contacts_url).c_str());
        std::printf("%-10s %s in %s (this user only; never shown)\n",
                    "secret:", account->secret_kind == cirrus::sync::SecretKind::token ? "an app token" : "a password",
                    terminal_safe(path.string()).c_str());
        return 0;
    }
    if (command == "test") {
        const auto account = cirrus::sync::load_account(path);
        if (!account) throw std::runtime_error("no account to test: add one with cirrus account add URL");
        return check_account(*account) ? 0 : 1;
    }
    if (command == "remove") {
        const auto account = cirrus::sync::load_account(path);
        if (!cirrus::sync::remove_account(path)) {
            std::printf("no account to remove\n");
            return 0;
        }
        std::printf("removed the account%s%s and its secret (nothing on the server or the phone was deleted)\n",
                    account ? " for " : "", account ? terminal_safe(account->url).c_str() : "");
        return 0;
    }
    throw AccountUsageError("unknown account command '" + command + "' (add, test, remove, or none to list)");
}

}  // namespace cirrus::launcher
