// See backup_keys.hpp.
#include "backup_keys.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <sodium.h>

#include "backup_store.hpp"
#include "file_text.hpp"

namespace cirrus::backup {

namespace {

constexpr std::size_t kMaxKeyFileBytes = 4096;

}  // namespace

std::filesystem::path default_key_path(const std::filesystem::path& account_path) {
    return account_path.parent_path() / "backup.key";
}

std::optional<Keys> load_local_key(const std::filesystem::path& path, const std::string& account_url) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) return std::nullopt;
    if ((info.st_mode & 077) != 0)
        throw std::runtime_error(path.string() + ": others can read the backup key; fix it with chmod 600 '" +
                                 path.string() + "'");
    const auto text = read_file_text(path, kMaxKeyFileBytes);
    if (!text) throw std::runtime_error(path.string() + ": cannot read the backup key");
    try {
        const nlohmann::json json = nlohmann::json::parse(*text);
        if (json.value("format", "") != "cirrus-backup-local-key" || json.value("version", 0) != 1)
            throw std::runtime_error("not a Cirrus backup key (\"format\", \"version\")");
        if (json.at("account").get<std::string>() != account_url) return std::nullopt;
        const std::string master = from_hex(json.at("master").get<std::string>(), "\"master\"");
        if (master.size() != kKeyBytes) throw std::runtime_error("\"master\" is not 32 bytes");
        std::array<std::uint8_t, kKeyBytes> key{};
        std::memcpy(key.data(), master.data(), key.size());
        Keys keys = Keys::from_master(key);
        sodium_memzero(key.data(), key.size());
        return keys;
    } catch (const std::exception& e) {
        throw std::runtime_error(path.string() + ": " + e.what() +
                                 "; remove it and give the passphrase again (--passphrase-stdin)");
    }
}

void save_local_key(const std::filesystem::path& path, const std::string& account_url, const Keys& keys) {
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::permissions(path.parent_path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace);
    const std::string master(reinterpret_cast<const char*>(keys.master().data()), keys.master().size());
    std::string text = nlohmann::json{
        {"format", "cirrus-backup-local-key"},
        {"version", 1},
        {"account", account_url},
        {"master",
         to_hex(master)}}.dump();
    const std::filesystem::path temp = path.string() + ".tmp";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
              ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    if (fd >= 0) ok = ::close(fd) == 0 && ok;
    sodium_memzero(text.data(), text.size());
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
        ::unlink(temp.c_str());
        throw std::runtime_error(path.string() + ": cannot write the backup key (" + std::strerror(errno) + ")");
    }
}

std::optional<KeyFile> fetch_key_file(dav::Client& client) {
    const dav::Response response = client.request("GET", std::string(kBackupFolder) + "key.json");
    if (response.status == 404) return std::nullopt;
    check_response(client, response, "GET", std::string(kBackupFolder) + "key.json");
    try {
        return key_file_from_json(nlohmann::json::parse(response.body));
    } catch (const nlohmann::json::exception&) {
        throw std::runtime_error(client.url_of(std::string(kBackupFolder) + "key.json") + ": not JSON");
    }
}

Keys keys_for_account(dav::Client& client, const std::filesystem::path& key_path, const std::string& account_url,
                      const std::optional<std::string>& passphrase) {
    const std::optional<KeyFile> server = fetch_key_file(client);
    if (auto local = load_local_key(key_path, account_url)) {
        if (server) {
            local->verify(*server);
            return *local;
        }
        // The server lost its key file (or it was deleted): the phone's key
        // still opens what is there; without a passphrase it cannot make a
        // new key file, and a new one would orphan the old snapshots.
        if (!passphrase)
            throw std::runtime_error(client.url_of(std::string(kBackupFolder) + "key.json") +
                                     " is gone from the server: give the passphrase again (--passphrase-stdin)");
    }
    if (!passphrase)
        throw std::runtime_error(
            "this phone has no backup key for the account yet: give the backup passphrase on stdin "
            "(cirrus backup now --passphrase-stdin)");
    if (server) {
        Keys keys = Keys::derive(*passphrase, *server);
        save_local_key(key_path, account_url, keys);
        return keys;
    }
    auto [file, keys] = Keys::create(*passphrase);
    client.make_collection(kBackupFolder);
    const std::string body = to_json(file).dump(1);
    const dav::Response response =
        client.request("PUT", std::string(kBackupFolder) + "key.json", {}, body, "application/json");
    check_response(client, response, "PUT", std::string(kBackupFolder) + "key.json");
    save_local_key(key_path, account_url, keys);
    return keys;
}

std::string key_fingerprint(const Keys& keys) { return keys.chunk_id("cirrus-backup-fingerprint").substr(0, 16); }

}  // namespace cirrus::backup
