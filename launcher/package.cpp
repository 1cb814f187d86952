// Reading packaged apps (folders and zips) safely; see package.hpp.
#include "package.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <zip.h>

#include "site.hpp"

namespace cirrus::launcher {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunkBytes = 64u << 10;

std::string format_limit(std::uint64_t bytes) {
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
    if (bytes >= (1u << 10) && bytes % (1u << 10) == 0) return std::to_string(bytes >> 10) + " KiB";
    return std::to_string(bytes) + " bytes";
}

// An entry name as it can be shown in a message: bytes that are not
// printable ASCII or valid UTF-8 are written as \xNN.
std::string printable(std::string_view raw) {
    std::string out;
    const char* p = raw.data();
    const char* end = raw.data() + raw.size();
    while (p < end) {
        const gunichar c = g_utf8_get_char_validated(p, end - p);
        if (c == static_cast<gunichar>(-1) || c == static_cast<gunichar>(-2) || c < 0x20 || c == 0x7f) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(*p));
            out += escaped;
            ++p;
        } else {
            const char* next = g_utf8_next_char(p);
            out.append(p, next);
            p = next;
        }
    }
    return out;
}

[[noreturn]] void refuse_entry(const std::string& package, std::string_view entry, const std::string& why) {
    throw PackageError(package + ": entry '" + printable(entry) + "' " + why + "; refusing it");
}

[[noreturn]] void fail(const std::string& package, const std::string& why) { throw PackageError(package + ": " + why); }

std::string package_name(const fs::path& path) {
    fs::path normal = path.lexically_normal();
    if (!normal.has_filename() && normal.has_parent_path()) normal = normal.parent_path();
    std::string name = normal.filename().string();
    return name.empty() ? path.string() : name;
}

// Why a name (as raw bytes, before any path rules) is refused, or "".
std::string name_problem(std::string_view raw) {
    if (raw.find('\0') != std::string_view::npos) return "has a NUL byte in its name";
    if (raw.find('\\') != std::string_view::npos) return "has a backslash in its name";
    if (!g_utf8_validate(raw.data(), static_cast<gssize>(raw.size()), nullptr))
        return "has a name that is not valid UTF-8";
    return "";
}

// Tracks the limits and name clashes as entries are listed.
class Inventory {
public:
    Inventory(std::string package, const PackageLimits& limits) : package_(std::move(package)), limits_(limits) {}

    void add_directory(std::string_view raw) {
        auto path = checked_path(raw);
        if (++directories_ > limits_.max_files)
            fail(package_,
                 "has more than " + std::to_string(limits_.max_files) + " directories, over the limit; refusing it");
        if (files_.count(path)) refuse_entry(package_, raw, "is both a file and a directory");
        directories_seen_.insert(path);
    }

    void add_file(std::string_view raw, std::uint64_t size, std::optional<std::uint64_t> compressed) {
        auto path = checked_path(raw);
        if (files_.size() + 1 > limits_.max_files)
            fail(package_,
                 "has more than " + std::to_string(limits_.max_files) + " files, over the limit; refusing it");
        // The ratio first: for a bomb it is the more telling reason.
        if (compressed && size > limits_.ratio_floor_bytes &&
            (*compressed == 0 || size / *compressed > limits_.max_compression_ratio))
            refuse_entry(package_, raw,
                         "expands " + std::to_string(*compressed ? size / *compressed : size) + ":1, over the " +
                             std::to_string(limits_.max_compression_ratio) + ":1 compression limit (a zip bomb?)");
        if (size > limits_.max_file_bytes)
            refuse_entry(package_, raw,
                         "is " + std::to_string(size) + " bytes, over the " + format_limit(limits_.max_file_bytes) +
                             " per-file limit");
        total_ += size;
        if (total_ > limits_.max_total_bytes)
            fail(package_, "its files add up to more than " + format_limit(limits_.max_total_bytes) + " (at entry '" +
                               printable(raw) + "'), over the limit; refusing it");
        if (!files_.insert(path).second) refuse_entry(package_, raw, "appears twice");
        if (directories_seen_.count(path)) refuse_entry(package_, raw, "is both a file and a directory");
        listed_.push_back(PackageFile{path, size});
    }

    // A file "a" and a file "a/b" cannot both be extracted.
    void check_file_directory_clashes() const {
        for (const auto& file : listed_) {
            for (auto slash = file.path.find('/'); slash != std::string::npos; slash = file.path.find('/', slash + 1)) {
                const std::string parent = file.path.substr(0, slash);
                if (files_.count(parent)) refuse_entry(package_, parent, "is both a file and a directory");
            }
        }
    }

    const std::vector<PackageFile>& listed() const { return listed_; }
    std::uint64_t total() const { return total_; }

private:
    std::string checked_path(std::string_view raw) {
        if (auto problem = name_problem(raw); !problem.empty()) refuse_entry(package_, raw, problem);
        auto check = check_package_path(raw);
        if (!check.normalised) refuse_entry(package_, raw, check.problem);
        return *check.normalised;
    }

    std::string package_;
    PackageLimits limits_;
    std::set<std::string> files_;
    std::set<std::string> directories_seen_;
    std::size_t directories_ = 0;
    std::vector<PackageFile> listed_;
    std::uint64_t total_ = 0;
};

std::string zip_open_error(int code) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    return text;
}

// Reads from `read_some` until it returns 0, refusing more than `limit`
// bytes: sizes in a zip's directory, or a listed folder file, can lie.
template <typename ReadSome>
std::string read_bounded(const std::string& package, std::string_view entry, std::uint64_t limit, ReadSome read_some) {
    std::string bytes;
    char chunk[kReadChunkBytes];
    for (;;) {
        const std::int64_t got = read_some(chunk, sizeof chunk);
        if (got == 0) break;
        bytes.append(chunk, static_cast<std::size_t>(got));
        if (bytes.size() > limit)
            refuse_entry(package, entry, "now holds more than " + format_limit(limit) + ", over the per-file limit");
    }
    return bytes;
}

std::string errno_text(int error) { return std::generic_category().message(error); }

bool is_inside(const fs::path& canonical_root, const fs::path& canonical_target) {
    const fs::path relative = canonical_target.lexically_relative(canonical_root);
    if (relative.empty() || relative == ".") return false;
    return *relative.begin() != "..";
}

}  // namespace

PackagePathCheck check_package_path(std::string_view raw) {
    if (raw.empty()) return {std::nullopt, "has an empty name"};
    if (raw.front() == '/') return {std::nullopt, "is an absolute path (zip-slip)"};
    std::string normalised;
    std::size_t start = 0;
    while (start <= raw.size()) {
        std::size_t slash = raw.find('/', start);
        if (slash == std::string_view::npos) slash = raw.size();
        const std::string_view component = raw.substr(start, slash - start);
        start = slash + 1;
        if (component.empty() || component == ".") continue;
        if (component == "..") return {std::nullopt, "leaves the package (zip-slip)"};
        if (component.size() > 255) return {std::nullopt, "has a name component over 255 bytes"};
        if (!normalised.empty()) normalised += '/';
        normalised += component;
    }
    if (normalised.empty()) return {std::nullopt, "names the package root itself"};
    return {normalised, ""};
}

// Named, not anonymous: members of Package::Impl and its lambdas' captures
// (GCC's subobject-linkage rule, which a unity build's included .cpp files trip).
namespace package_parts {

struct ZipCloser {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
    void operator()(zip_file_t* file) const { zip_fclose(file); }
};

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace package_parts

struct Package::Impl {
    fs::path source;
    std::string name;
    Kind kind = Kind::folder;
    PackageLimits limits;
    std::vector<PackageFile> files;
    std::uint64_t total = 0;
    // Parallel to `files`: where each one's bytes are.
    std::vector<fs::path> folder_paths;  // folders: the resolved real file
    std::vector<zip_uint64_t> zip_indices;
    std::unique_ptr<zip_t, package_parts::ZipCloser> archive;

    std::size_t index_of(std::string_view relative_path) const {
        auto check = check_package_path(relative_path);
        if (check.normalised) {
            auto it = std::lower_bound(files.begin(), files.end(), *check.normalised,
                                       [](const PackageFile& f, const std::string& p) { return f.path < p; });
            if (it != files.end() && it->path == *check.normalised) return it - files.begin();
        }
        throw PackageError(name + ": no file '" + printable(relative_path) + "' in the package");
    }

    std::string read_folder_file(std::size_t index) const {
        const std::string& entry = files[index].path;
        // O_NOFOLLOW: the file must not have become a link since it was listed.
        package_parts::FileDescriptor fd(
            ::open(folder_paths[index].c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
        if (fd.get() < 0) fail(name, "cannot read '" + printable(entry) + "': " + errno_text(errno));
        struct stat info {};
        if (::fstat(fd.get(), &info) != 0 || !S_ISREG(info.st_mode))
            refuse_entry(name, entry, "is no longer a regular file");
        return read_bounded(name, entry, limits.max_file_bytes, [&](char* buffer, std::size_t size) {
            for (;;) {
                const ssize_t got = ::read(fd.get(), buffer, size);
                if (got >= 0) return static_cast<std::int64_t>(got);
                if (errno != EINTR) fail(name, "cannot read '" + printable(entry) + "': " + errno_text(errno));
            }
        });
    }

    std::string read_zip_entry(std::size_t index) const {
        const std::string& entry = files[index].path;
        std::unique_ptr<zip_file_t, package_parts::ZipFileCloser> file(
            zip_fopen_index(archive.get(), zip_indices[index], 0));
        if (!file) fail(name, "cannot read entry '" + printable(entry) + "': " + zip_strerror(archive.get()));
        const std::uint64_t limit = std::min(limits.max_file_bytes, files[index].size);
        return read_bounded(name, entry, limit, [&](char* buffer, std::size_t size) {
            const zip_int64_t got = zip_fread(file.get(), buffer, size);
            if (got < 0)
                fail(name, "cannot read entry '" + printable(entry) + "': " + zip_file_strerror(file.get()) +
                               " (the archive is damaged)");
            return static_cast<std::int64_t>(got);
        });
    }

    std::string read(std::size_t index) const {
        return kind == Kind::folder ? read_folder_file(index) : read_zip_entry(index);
    }

    void sort_files() {
        std::vector<std::size_t> order(files.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::sort(order.begin(), order.end(), [&](auto a, auto b) { return files[a].path < files[b].path; });
        auto permute = [&](auto& list) {
            if (list.empty()) return;
            std::remove_reference_t<decltype(list)> sorted;
            for (auto i : order) sorted.push_back(list[i]);
            list = std::move(sorted);
        };
        permute(files);
        permute(folder_paths);
        permute(zip_indices);
    }
};

namespace {

std::uint32_t little_endian(const std::string& bytes, std::size_t at, int width) {
    std::uint32_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
    return value;
}

// libzip hands names out as C strings, so a NUL inside one silently cuts it
// short ("evil\0.js" reads as "evil"). Other tools may not cut it the same
// way, so such a package is refused: this reads the names' real lengths from
// the central directory. (ZIP64 archives are left to libzip's own checks.)
std::optional<std::string> name_with_nul(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    in.seekg(0, std::ios::end);
    const std::uint64_t size = static_cast<std::uint64_t>(in.tellg());
    const std::uint64_t tail_size = std::min<std::uint64_t>(size, 22 + 65535);
    std::string tail(tail_size, '\0');
    in.seekg(static_cast<std::streamoff>(size - tail_size));
    in.read(tail.data(), static_cast<std::streamsize>(tail_size));
    const auto end_record = tail.rfind(std::string("PK\x05\x06", 4));
    if (!in || end_record == std::string::npos || end_record + 22 > tail.size()) return std::nullopt;
    const std::uint32_t directory_size = little_endian(tail, end_record + 12, 4);
    const std::uint32_t directory_offset = little_endian(tail, end_record + 16, 4);
    if (directory_offset == 0xFFFFFFFFu || directory_size > (64u << 20) ||
        std::uint64_t{directory_offset} + directory_size > size)
        return std::nullopt;
    std::string directory(directory_size, '\0');
    in.seekg(directory_offset);
    in.read(directory.data(), directory_size);
    if (!in) return std::nullopt;
    for (std::size_t at = 0; at + 46 <= directory.size() && directory.compare(at, 4, "PK\x01\x02", 4) == 0;) {
        const std::size_t name_length = little_endian(directory, at + 28, 2);
        if (at + 46 + name_length > directory.size()) break;
        const std::string name = directory.substr(at + 46, name_length);
        if (name.find('\0') != std::string::npos) return name;
        at += 46 + name_length + little_endian(directory, at + 30, 2) + little_endian(directory, at + 32, 2);
    }
    return std::nullopt;
}

void list_zip(Package::Impl& impl) {
    int open_error = 0;
    impl.archive.reset(zip_open(impl.source.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &open_error));
    if (!impl.archive) fail(impl.name, "not a readable zip archive (" + zip_open_error(open_error) + ")");

    if (auto name = name_with_nul(impl.source)) refuse_entry(impl.name, *name, "has a NUL byte in its name");

    Inventory inventory(impl.name, impl.limits);
    const zip_int64_t count = zip_get_num_entries(impl.archive.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        const auto index = static_cast<zip_uint64_t>(i);
        zip_stat_t stat;
        zip_stat_init(&stat);
        // ENC_RAW: the bytes as stored, so that names which are not UTF-8 are
        // refused rather than silently converted from CP437.
        if (zip_stat_index(impl.archive.get(), index, ZIP_FL_ENC_RAW, &stat) != 0 || !stat.name)
            fail(impl.name, "cannot read entry " + std::to_string(i) + ": " + zip_strerror(impl.archive.get()));
        const std::string raw = stat.name;

        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        zip_file_get_external_attributes(impl.archive.get(), index, 0, &opsys, &attributes);
        const mode_t mode = opsys == ZIP_OPSYS_UNIX ? static_cast<mode_t>(attributes >> 16) : 0;
        if (S_ISLNK(mode)) refuse_entry(impl.name, raw, "is a symbolic link");
        if ((mode & S_IFMT) != 0 && !S_ISREG(mode) && !S_ISDIR(mode))
            refuse_entry(impl.name, raw, "is a device file, pipe or socket");

        if (!raw.empty() && raw.back() == '/') {
            inventory.add_directory(raw);
            continue;
        }
        if (stat.encryption_method != ZIP_EM_NONE) refuse_entry(impl.name, raw, "is encrypted");
        inventory.add_file(raw, stat.size, stat.comp_size);
        impl.zip_indices.push_back(index);
    }
    inventory.check_file_directory_clashes();
    impl.files = inventory.listed();
    impl.total = inventory.total();
}

void list_folder(Package::Impl& impl) {
    std::error_code error;
    const fs::path root = fs::canonical(impl.source, error);
    if (error) fail(impl.name, "cannot open the folder: " + error.message());

    Inventory inventory(impl.name, impl.limits);
    std::vector<fs::path> pending{root};
    while (!pending.empty()) {
        const fs::path directory = pending.back();
        pending.pop_back();
        fs::directory_iterator it(directory, error);
        if (error) fail(impl.name, "cannot list '" + directory.string() + "': " + error.message());
        for (; it != fs::directory_iterator(); it.increment(error)) {
            if (error) fail(impl.name, "cannot list '" + directory.string() + "': " + error.message());
            const fs::path& path = it->path();
            const std::string relative = path.lexically_relative(root).generic_string();
            const fs::file_status status = it->symlink_status(error);
            if (error) fail(impl.name, "cannot inspect '" + printable(relative) + "': " + error.message());

            fs::path real = path;
            fs::file_type type = status.type();
            if (type == fs::file_type::symlink) {
                real = fs::canonical(path, error);
                if (error) refuse_entry(impl.name, relative, "is a symbolic link to nothing");
                if (!is_inside(root, real))
                    refuse_entry(impl.name, relative,
                                 "is a symbolic link to '" + real.string() + "', outside the package");
                type = fs::status(real, error).type();
                // Links to directories would have to be walked, and can loop.
                if (type == fs::file_type::directory)
                    refuse_entry(impl.name, relative, "is a symbolic link to a directory");
            }
            if (type == fs::file_type::directory) {
                inventory.add_directory(relative);
                pending.push_back(path);
            } else if (type == fs::file_type::regular) {
                const auto size = fs::file_size(real, error);
                if (error) fail(impl.name, "cannot inspect '" + printable(relative) + "': " + error.message());
                inventory.add_file(relative, size, std::nullopt);
                impl.folder_paths.push_back(real);
            } else {
                refuse_entry(impl.name, relative, "is a device file, pipe or socket");
            }
        }
    }
    inventory.check_file_directory_clashes();
    impl.files = inventory.listed();
    impl.total = inventory.total();
}

// Removes a directory tree unless told the work succeeded.
class TemporaryDirectory {
public:
    explicit TemporaryDirectory(fs::path path) : path_(std::move(path)) {}
    ~TemporaryDirectory() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove_all(path_, ignored);
    }
    TemporaryDirectory(const TemporaryDirectory&) = delete;
    TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { path_.clear(); }

private:
    fs::path path_;
};

void write_file(const std::string& package, const fs::path& path, const std::string& bytes) {
    package_parts::FileDescriptor fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (fd.get() < 0) fail(package, "cannot create '" + path.string() + "': " + errno_text(errno));
    std::size_t written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(fd.get(), bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) fail(package, "cannot write '" + path.string() + "': " + errno_text(errno));
        written += static_cast<std::size_t>(n);
    }
}

// Flushes everything written under `directory` (one syncfs rather than an
// fsync per file: cheaper on a phone's flash), so that the rename that
// publishes it never points at files still only in the page cache.
void sync_tree(const std::string& package, const fs::path& directory) {
    package_parts::FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() < 0 || ::syncfs(fd.get()) != 0)
        fail(package, "cannot sync '" + directory.string() + "': " + errno_text(errno));
}

void sync_directory_entry(const fs::path& directory) {
    package_parts::FileDescriptor fd(::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (fd.get() >= 0) ::fsync(fd.get());
}

// Puts `staged` at `dest`: a plain rename when dest is absent, an atomic
// exchange when it exists (the old tree then sits at `staged`).
void publish(const std::string& package, const fs::path& staged, const fs::path& dest) {
    if (::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, dest.c_str(), RENAME_NOREPLACE) == 0) return;
    if (errno == EEXIST && ::renameat2(AT_FDCWD, staged.c_str(), AT_FDCWD, dest.c_str(), RENAME_EXCHANGE) == 0) return;
    fail(package, "cannot move the extracted files to '" + dest.string() + "': " + errno_text(errno));
}

}  // namespace

Package::Package(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Package::Package(Package&&) noexcept = default;
Package& Package::operator=(Package&&) noexcept = default;
Package::~Package() = default;

const std::string& Package::name() const { return impl_->name; }
const fs::path& Package::source() const { return impl_->source; }
Package::Kind Package::kind() const { return impl_->kind; }
const std::vector<PackageFile>& Package::files() const { return impl_->files; }
std::uint64_t Package::total_size() const { return impl_->total; }

bool Package::contains(std::string_view relative_path) const {
    auto check = check_package_path(relative_path);
    if (!check.normalised) return false;
    return std::binary_search(impl_->files.begin(), impl_->files.end(), PackageFile{*check.normalised, 0},
                              [](const PackageFile& a, const PackageFile& b) { return a.path < b.path; });
}

std::string Package::read(std::string_view relative_path) const { return impl_->read(impl_->index_of(relative_path)); }

std::optional<std::string> Package::find_manifest() const {
    if (contains("index.html")) {
        // A made-up origin stands for the package root: a link that resolves
        // to another origin, or to a missing file, does not count.
        const std::string origin = "https://package.invalid/";
        const SiteInfo site = parse_site(read("index.html"), origin + "index.html");
        if (site.manifest_url && site.manifest_url->rfind(origin, 0) == 0) {
            GUri* uri = g_uri_parse(site.manifest_url->c_str(), G_URI_FLAGS_NONE, nullptr);
            if (uri) {
                const std::string path = g_uri_get_path(uri);  // percent-decoded
                g_uri_unref(uri);
                auto check = check_package_path(path.size() > 1 ? path.substr(1) : "");
                if (check.normalised && contains(*check.normalised)) return check.normalised;
            }
        }
    }
    for (const char* name : {"manifest.webmanifest", "manifest.json"})
        if (contains(name)) return std::string(name);
    return std::nullopt;
}

void Package::extract_to(const fs::path& dest) const {
    const std::string& package = impl_->name;
    const fs::path target = fs::absolute(dest).lexically_normal();
    const fs::path parent = target.has_filename() ? target.parent_path() : target.parent_path().parent_path();
    const fs::path final_path = target.has_filename() ? target : target.parent_path();
    std::error_code error;
    fs::create_directories(parent, error);
    if (error) fail(package, "cannot create '" + parent.string() + "': " + error.message());

    std::string pattern = (parent / ("." + final_path.filename().string() + ".extracting-XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        fail(package, "cannot create a directory in '" + parent.string() + "': " + errno_text(errno));
    TemporaryDirectory staged(pattern);

    std::uint64_t written = 0;
    for (std::size_t i = 0; i < impl_->files.size(); ++i) {
        const std::string bytes = impl_->read(i);
        written += bytes.size();
        if (written > impl_->limits.max_total_bytes)
            fail(package, "its files now add up to more than " + format_limit(impl_->limits.max_total_bytes) +
                              ", over the limit; refusing it");
        const fs::path out = staged.path() / impl_->files[i].path;
        fs::create_directories(out.parent_path(), error);
        if (error) fail(package, "cannot create '" + out.parent_path().string() + "': " + error.message());
        write_file(package, out, bytes);
    }
    fs::permissions(staged.path(),
                    fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                        fs::perms::others_exec,
                    error);
    sync_tree(package, staged.path());
    publish(package, staged.path(), final_path);
    // After an exchange, `staged` holds the old tree, which the guard removes;
    // after a plain rename it names nothing.
    sync_directory_entry(parent);
}

Package open_package(const fs::path& path, const PackageLimits& limits) {
    auto impl = std::make_unique<Package::Impl>();
    impl->source = path;
    impl->name = package_name(path);
    impl->limits = limits;

    std::error_code error;
    const auto status = fs::status(path, error);
    if (error || status.type() == fs::file_type::not_found)
        fail(impl->name, "no such file or folder (" + path.string() + ")");
    if (status.type() == fs::file_type::directory) {
        impl->kind = Package::Kind::folder;
        list_folder(*impl);
    } else if (status.type() == fs::file_type::regular) {
        impl->kind = Package::Kind::zip;
        list_zip(*impl);
    } else {
        fail(impl->name, "is neither a folder nor a zip file");
    }
    impl->sort_files();
    return Package(std::move(impl));
}

}  // namespace cirrus::launcher
