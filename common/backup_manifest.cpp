// See backup_manifest.hpp.
#include "backup_manifest.hpp"

#include <ctime>
#include <set>
#include <stdexcept>

#include <glib.h>
#include <zlib.h>

#include "app_id.hpp"
#include "registry_copies.hpp"

namespace cirrus::backup {

namespace {

// The registry copy's record (registry_copies.hpp), checked as a server's.
launcher::AppRecord record_from(const nlohmann::json& json) {
    launcher::AppRecord app = launcher::app_record_from_json(json);
    if (!valid_app_id(app.id)) throw std::runtime_error("\"id\" '" + app.id.substr(0, 80) + "' is not an app id");
    if (app.home_position && (*app.home_position < 0 || *app.home_position > 100000))
        throw std::runtime_error("\"home_position\" is out of range");
    return app;
}

nlohmann::json files_json(const std::vector<FileEntry>& files) {
    nlohmann::json list = nlohmann::json::array();
    for (const FileEntry& file : files)
        list.push_back({{"path", file.path}, {"mode", file.mode}, {"size", file.size}, {"chunks", file.chunks}});
    return list;
}

bool valid_chunk_id(const std::string& id) {
    return id.size() == 32 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::vector<FileEntry> files_from(const nlohmann::json& list, const std::string& where) {
    std::vector<FileEntry> files;
    std::set<std::string> seen;
    for (const nlohmann::json& item : list) {
        FileEntry file;
        file.path = item.at("path").get<std::string>();
        if (!safe_relative_path(file.path) || !seen.insert(file.path).second)
            throw std::runtime_error(where + ": the path '" + file.path.substr(0, 120) +
                                     "' is not a safe relative path (or comes twice)");
        // Permission bits only: no set-uid, set-gid or sticky bit from a server.
        file.mode = item.at("mode").get<std::uint32_t>() & 0777;
        file.size = item.at("size").get<std::uint64_t>();
        if (file.size > kMaxFileBytes) throw std::runtime_error(where + ": '" + file.path + "' is over 4 GiB");
        for (const nlohmann::json& id : item.at("chunks")) {
            file.chunks.push_back(id.get<std::string>());
            if (!valid_chunk_id(file.chunks.back()))
                throw std::runtime_error(where + ": '" + file.path + "' names a chunk that is not 32 hex digits");
        }
        files.push_back(std::move(file));
    }
    return files;
}

}  // namespace

bool safe_relative_path(const std::string& path) {
    if (path.empty() || path.size() > 1024 || path.front() == '/' || path.find('\0') != std::string::npos) return false;
    std::size_t start = 0;
    while (true) {
        const std::size_t slash = path.find('/', start);
        const std::string segment = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (segment.empty() || segment == "." || segment == "..") return false;
        if (slash == std::string::npos) return true;
        start = slash + 1;
    }
}

bool valid_snapshot_name(const std::string& name) {
    if (name.size() != 16 || name[8] != 'T' || name[15] != 'Z') return false;
    for (std::size_t i = 0; i < 15; ++i)
        if (i != 8 && (name[i] < '0' || name[i] > '9')) return false;
    return true;
}

std::string snapshot_name_at(std::int64_t unix_seconds) {
    const std::time_t time = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    gmtime_r(&time, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y%m%dT%H%M%SZ", &utc);
    return text;
}

nlohmann::json to_json(const Snapshot& snapshot) {
    nlohmann::json apps = nlohmann::json::array();
    for (const AppEntry& app : snapshot.apps) {
        nlohmann::json permissions = nlohmann::json::object();
        for (const auto& [name, state] : app.permissions) permissions[name] = std::string(launcher::to_string(state));
        nlohmann::json entry = {{"record", launcher::app_record_json(app.record)}, {"permissions", permissions}};
        if (app.has_package) entry["package"] = files_json(app.package);
        entry["data"] = files_json(app.data);
        nlohmann::json writes = nlohmann::json::array();
        for (const QueuedWrite& write : app.writes) {
            gchar* body = g_base64_encode(reinterpret_cast<const guchar*>(write.body.data()), write.body.size());
            writes.push_back({{"method", write.method},
                              {"url", write.url},
                              {"headers", write.headers},
                              {"body", body},
                              {"key", write.idempotency_key},
                              {"created", write.created_at}});
            g_free(body);
        }
        entry["writes"] = std::move(writes);
        apps.push_back(std::move(entry));
    }
    return {{"format", "cirrus-backup-snapshot"},
            {"version", kManifestVersion},
            {"name", snapshot.name},
            {"created", snapshot.created},
            {"apps", apps},
            {"home", snapshot.home}};
}

std::string serialize(const Snapshot& snapshot) { return to_json(snapshot).dump(); }

Snapshot parse_snapshot(std::string_view text, const std::string& name) {
    const std::string where = "snapshot " + name;
    if (text.size() > kMaxManifestBytes) throw std::runtime_error(where + ": the manifest is over 64 MiB");
    try {
        const nlohmann::json json = nlohmann::json::parse(text);
        if (!json.is_object() || json.value("format", "") != "cirrus-backup-snapshot")
            throw std::runtime_error("not a Cirrus backup manifest (\"format\")");
        const int version = json.at("version").get<int>();
        if (version != kManifestVersion)
            throw std::runtime_error("\"version\" " + std::to_string(version) +
                                     " is not one this Cirrus reads: update Cirrus");
        Snapshot snapshot;
        snapshot.name = json.at("name").get<std::string>();
        if (snapshot.name != name) throw std::runtime_error("\"name\" is '" + snapshot.name.substr(0, 40) + "'");
        snapshot.created = json.at("created").get<std::int64_t>();
        std::set<std::string> ids;
        for (const nlohmann::json& item : json.at("apps")) {
            AppEntry app;
            app.record = record_from(item.at("record"));
            const std::string app_where = where + ": app " + app.record.id;
            if (!ids.insert(app.record.id).second) throw std::runtime_error("app " + app.record.id + " comes twice");
            const nlohmann::json permissions = item.value("permissions", nlohmann::json::object());
            for (const auto& [permission, state] : permissions.items()) {
                const auto parsed = launcher::permission_state_from_string(state.get<std::string>());
                if (!parsed) throw std::runtime_error(app_where + ": permission " + permission + " has no known state");
                app.permissions[permission] = *parsed;
            }
            if (item.contains("package")) {
                app.has_package = true;
                app.package = files_from(item.at("package"), app_where + " package");
            }
            const nlohmann::json data = item.value("data", nlohmann::json::array());
            app.data = files_from(data, app_where + " data");
            const nlohmann::json writes = item.value("writes", nlohmann::json::array());
            for (const nlohmann::json& write : writes) {
                QueuedWrite queued;
                queued.method = write.at("method").get<std::string>();
                queued.url = write.at("url").get<std::string>();
                queued.headers = write.at("headers").get<std::vector<std::pair<std::string, std::string>>>();
                const std::string body = write.at("body").get<std::string>();
                if (body.size() > kMaxQueuedBodyBytes / 3 * 4 + 4)
                    throw std::runtime_error(app_where + ": a queued write's body is over 16 MiB");
                gsize length = 0;
                guchar* decoded = g_base64_decode(body.c_str(), &length);
                queued.body.assign(reinterpret_cast<const char*>(decoded), length);
                g_free(decoded);
                queued.idempotency_key = write.at("key").get<std::string>();
                queued.created_at = write.at("created").get<std::int64_t>();
                if (queued.method.empty() || queued.url.empty() || queued.idempotency_key.empty() ||
                    queued.headers.size() > 200)
                    throw std::runtime_error(app_where + ": a queued write without a method, URL or key");
                app.writes.push_back(std::move(queued));
            }
            snapshot.apps.push_back(std::move(app));
        }
        const nlohmann::json home = json.value("home", nlohmann::json::array());
        for (const nlohmann::json& id : home) {
            snapshot.home.push_back(id.get<std::string>());
            if (!ids.contains(snapshot.home.back())) throw std::runtime_error("\"home\" names an app not in it");
        }
        return snapshot;
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(where + ": " + e.what());
    } catch (const std::runtime_error& e) {
        if (std::string_view(e.what()).starts_with(where)) throw;
        throw std::runtime_error(where + ": " + e.what());
    }
}

std::string compress_manifest(const std::string& json) {
    uLongf size = compressBound(json.size());
    std::string out(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(json.data()), json.size(),
                  9) != Z_OK)
        throw std::runtime_error("the manifest could not be compressed");
    out.resize(size);
    return out;
}

std::string decompress_manifest(std::string_view deflated, const std::string& name) {
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK) throw std::runtime_error("zlib could not start");
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(deflated.data()));
    stream.avail_in = static_cast<uInt>(deflated.size());
    std::string out;
    char buffer[64 * 1024];
    int rc = Z_OK;
    while (rc == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(buffer);
        stream.avail_out = sizeof buffer;
        rc = inflate(&stream, Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - stream.avail_out);
        if (out.size() > kMaxManifestBytes) rc = Z_MEM_ERROR;
        if (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) rc = Z_DATA_ERROR;  // cut short
    }
    inflateEnd(&stream);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("snapshot " + name +
                                 (out.size() > kMaxManifestBytes ? ": the manifest inflates to over 64 MiB"
                                                                 : ": the manifest is not zlib data"));
    return out;
}

std::vector<std::string> all_chunk_ids(const Snapshot& snapshot) {
    std::vector<std::string> ids;
    std::set<std::string> seen;
    for (const AppEntry& app : snapshot.apps)
        for (const auto* files : {&app.package, &app.data})
            for (const FileEntry& file : *files)
                for (const std::string& id : file.chunks)
                    if (seen.insert(id).second) ids.push_back(id);
    return ids;
}

}  // namespace cirrus::backup
