// See backup_store.hpp.
#include "backup_store.hpp"

#include <algorithm>

namespace cirrus::backup {

namespace {

std::string last_segment(std::string href) {
    while (!href.empty() && href.back() == '/') href.pop_back();
    const auto slash = href.rfind('/');
    return slash == std::string::npos ? href : href.substr(slash + 1);
}

}  // namespace

void check_response(const dav::Client& client, const dav::Response& response, std::string_view method,
                    const std::string& path) {
    if (response.ok()) return;
    const std::string what = std::string(method) + " " + client.url_of(path) + " answered HTTP " +
                             std::to_string(response.status) + " " + response.reason;
    switch (response.status) {
    case 507:
        throw BackupError(what +
                              ": the server is full. Free space on it (or raise the account's quota); "
                              "the earlier snapshots are intact and the next backup sends only what is missing",
                          true);
    case 413:
        throw BackupError(what + ": the server refuses a file this large; raise its upload limit", true);
    case 401:
    case 403:
        throw BackupError(what + ": the server refused the credentials; sign in again with cirrus account add", true);
    default:
        throw BackupError(what, false);
    }
}

void BackupStore::prepare() {
    for (std::string_view folder : {kBackupFolder, kChunksFolder, kSnapshotsFolder}) {
        const dav::Response response = client_.request("MKCOL", folder);
        if (response.status == 201 || response.status == 405) continue;
        check_response(client_, response, "MKCOL", std::string(folder));
    }
}

std::map<std::string, std::uint64_t> BackupStore::list_chunks() {
    std::map<std::string, std::uint64_t> chunks;
    dav::ClientOptions options = client_.options();
    options.max_response_bytes = std::max(options.max_response_bytes, kMaxChunkListingBytes);
    dav::Client lister = client_.another(options);
    for (const dav::Entry& entry : lister.list(kChunksFolder)) {
        if (entry.collection || !entry.size) continue;
        chunks[last_segment(entry.href)] = *entry.size;
    }
    return chunks;
}

std::uint64_t BackupStore::put_chunk(const std::string& id, std::string_view plaintext) {
    const std::string sealed = keys_.seal(plaintext, "chunk/" + id);
    const std::string path = std::string(kChunksFolder) + id;
    check_response(client_, client_.request("PUT", path, {}, sealed, "application/octet-stream"), "PUT", path);
    return sealed.size();
}

std::uint64_t BackupStore::put_snapshot(Snapshot& snapshot) {
    std::uint64_t sent = 0;
    for (int attempt = 0;; ++attempt) {
        const std::string sealed = keys_.seal(compress_manifest(serialize(snapshot)), "snapshot/" + snapshot.name);
        const std::string part = std::string(kSnapshotsFolder) + "." + snapshot.name + ".part";
        const std::string final_path = std::string(kSnapshotsFolder) + snapshot.name;
        check_response(client_, client_.request("PUT", part, {}, sealed, "application/octet-stream"), "PUT", part);
        sent += sealed.size();
        const dav::Response moved =
            client_.request("MOVE", part, {{"Destination", client_.url_of(final_path)}, {"Overwrite", "F"}});
        // 412: a snapshot of that name exists (two backups in one second).
        if (moved.status == 412 && attempt < 5) {
            client_.request("DELETE", part);
            snapshot.created += 1;
            snapshot.name = snapshot_name_at(snapshot.created);
            continue;
        }
        check_response(client_, moved, "MOVE", part);
        return sent;
    }
}

std::vector<std::string> BackupStore::list_snapshots() {
    if (!client_.stat(kSnapshotsFolder)) return {};
    std::vector<std::string> names;
    for (const dav::Entry& entry : client_.list(kSnapshotsFolder)) {
        std::string name = last_segment(entry.href);
        if (!entry.collection && valid_snapshot_name(name)) names.push_back(std::move(name));
    }
    std::sort(names.begin(), names.end());
    return names;
}

Snapshot BackupStore::get_snapshot(const std::string& name) {
    if (!valid_snapshot_name(name))
        throw std::runtime_error("'" + name.substr(0, 40) +
                                 "' is not a snapshot name (YYYYMMDDTHHMMSSZ: see cirrus backup list)");
    const std::string path = std::string(kSnapshotsFolder) + name;
    const dav::Response response = client_.request("GET", path);
    if (response.status == 404)
        throw std::runtime_error("no snapshot " + name + " on the server (see cirrus backup list)");
    check_response(client_, response, "GET", path);
    return parse_snapshot(decompress_manifest(keys_.open(response.body, "snapshot/" + name), name), name);
}

std::string BackupStore::get_chunk(const std::string& id) {
    const std::string path = std::string(kChunksFolder) + id;
    const dav::Response response = client_.request("GET", path);
    if (response.status == 404)
        throw std::runtime_error(client_.url_of(path) + ": the chunk is missing from the server");
    check_response(client_, response, "GET", path);
    std::string plain = keys_.open(response.body, "chunk/" + id);
    if (keys_.chunk_id(plain) != id)
        throw CryptoError(client_.url_of(path) + ": the chunk's content does not match its id");
    return plain;
}

}  // namespace cirrus::backup
