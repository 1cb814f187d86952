// The backup key on the phone and on the server (issue 19 item 3).
//
// The server keeps Backup/key.json (salt, Argon2id limits, a check value;
// no secret). The phone keeps the derived master key in backup.key beside
// the account file (0600 in the 0700 folder, like the account's secret),
// bound to the account's URL, so the daily backup of cirrus-sync needs no
// passphrase. The passphrase is asked only when the phone has no key for
// this account (the first backup, a restore on a new phone): one line on
// stdin, never an argument, never printed.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "backup_crypto.hpp"
#include "dav_client.hpp"

namespace cirrus::backup {

// The account file's folder / backup.key.
std::filesystem::path default_key_path(const std::filesystem::path& account_path);

// The phone's key for `account_url`; nullopt when there is none (or it is
// another account's). Throws naming the file and the chmod when others can
// read it.
std::optional<Keys> load_local_key(const std::filesystem::path& path, const std::string& account_url);
void save_local_key(const std::filesystem::path& path, const std::string& account_url, const Keys& keys);

// The server's key file; nullopt on 404.
std::optional<KeyFile> fetch_key_file(dav::Client& client);

// The keys for this account: the phone's, checked against the server's key
// file; else derived from `passphrase` (the server's key file, or a new one
// put there when the account has none) and stored on the phone. Throws
// CryptoError for a wrong passphrase, std::runtime_error when a passphrase
// is needed and none was given (with how to give it).
Keys keys_for_account(dav::Client& client, const std::filesystem::path& key_path, const std::string& account_url,
                      const std::optional<std::string>& passphrase);

// A short fingerprint of the keys (not secret: a hash of the id key's use),
// to tell one key's chunk index from another's.
std::string key_fingerprint(const Keys& keys);

}  // namespace cirrus::backup
