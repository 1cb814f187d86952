// The user's own cloud account (issue 19): where the phone's data goes, and
// the secret that opens it. Read by `cirrus account` (launcher/) and by the
// sync service (sync/), so it lives here.
//
// One account per Cirrus user, one file: $CIRRUS_ACCOUNT_FILE, else
// $XDG_CONFIG_HOME/cirrus/account.json (~/.config/cirrus/account.json). The
// file holds the secret, so it is written 0600 in a 0700 folder, atomically
// (a temp file renamed over it), and a file that others can read is refused
// (as ssh refuses a private key), with the chmod that fixes it.
//
// The account names one WebDAV folder (`url`) under which every service has
// a folder of its own: Photos/, Backup/ (common/backup_store.hpp); notes
// later (issue 19 item 4). Contacts live on a CardDAV address-book home,
// which may be another server (`contacts_url`; Nextcloud serves both).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "dav_client.hpp"

namespace cirrus::sync {

enum class SecretKind { password, token };

struct Account {
    std::string url;           // the WebDAV folder, ending in '/'
    std::string contacts_url;  // the CardDAV address-book home; "" when not set
    std::string user;          // "" with a Bearer token
    std::string secret;        // never printed
    SecretKind secret_kind = SecretKind::password;

    dav::Credentials credentials() const { return {user, secret}; }
};

// $CIRRUS_ACCOUNT_FILE, else $XDG_CONFIG_HOME (else ~/.config) /cirrus/account.json.
std::filesystem::path default_account_path();

// nullopt when there is no file. Throws std::runtime_error naming the file
// and the fix when others can read it, or it is not an account file.
std::optional<Account> load_account(const std::filesystem::path& path);
// Writes 0600 (folder 0700), atomically; throws naming the file on failure.
void save_account(const std::filesystem::path& path, const Account& account);
// Deletes the file; false when there was none.
bool remove_account(const std::filesystem::path& path);

// What checking a server found, in words that name the problem and the fix.
enum class Problem {
    none,
    bad_url,       // not an http(s) URL, or one with a password in it
    unreachable,   // no answer: refused, timed out, no route, no such host
    unauthorized,  // 401 / 403: the user, password or token is wrong
    moved,         // a redirect: the server lives at another address
    not_found,     // 404: no such folder
    not_dav,       // answers HTTP but not WebDAV (or not CardDAV for contacts)
    server_error,  // anything else (5xx, a broken answer)
};

std::string_view to_string(Problem problem);

struct CheckResult {
    Problem problem = Problem::none;
    std::string message;     // what it found and how to fix it; "" when fine
    std::string dav_header;  // the server's DAV: header ("1, 2, 3, addressbook")
    bool ok() const { return problem == Problem::none; }
};

enum class ServerRole { files, contacts };

// Asks the server at once: OPTIONS (is it DAV? for contacts: CardDAV?), then
// PROPFIND Depth 0 with the credentials (do they open it? is it a folder?).
CheckResult check_server(const std::string& url, const dav::Credentials& credentials, ServerRole role,
                         const dav::ClientOptions& options = {});

// A URL the account may store: http(s), no user or password inside it, and
// ending in '/'. Returns the message for Problem::bad_url, or "" when fine.
std::string url_problem(std::string_view url);

}  // namespace cirrus::sync
