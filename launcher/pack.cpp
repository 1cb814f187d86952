// `cirrus pack`; see pack.hpp.
#include "pack.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include <sys/stat.h>
#include <unistd.h>

#include <zip.h>

#include "install.hpp"

namespace cirrus::launcher {

namespace fs = std::filesystem;

namespace {

struct ZipDiscard {
    void operator()(zip_t* archive) const { zip_discard(archive); }
};
using ZipHandle = std::unique_ptr<zip_t, ZipDiscard>;

// Removes the temporary zip unless it was put in place.
class PartialFile {
public:
    explicit PartialFile(fs::path path) : path_(std::move(path)) {}
    ~PartialFile() {
        std::error_code ignored;
        if (!path_.empty()) fs::remove(path_, ignored);
    }
    PartialFile(const PartialFile&) = delete;
    PartialFile& operator=(const PartialFile&) = delete;
    const fs::path& path() const { return path_; }
    void keep() { path_.clear(); }

private:
    fs::path path_;
};

// Writes the package's files (but `left_out`) to `path`, deflated, but
// those in `stored` kept as they are.
void write_zip(const Package& package, const fs::path& path, const std::set<std::string>& left_out,
               const std::set<std::string>& stored) {
    int error = 0;
    zip_t* raw = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
    if (!raw) {
        zip_error_t z;
        zip_error_init_with_code(&z, error);
        const std::string text = zip_error_strerror(&z);
        zip_error_fini(&z);
        throw PackError(path.string() + ": cannot create the zip (" + text + ")");
    }
    ZipHandle archive(raw);
    for (const PackageFile& file : package.files()) {
        if (left_out.count(file.path)) continue;
        const std::string bytes = package.read(file.path);  // checked against the limits again
        // libzip reads the bytes when the archive is closed: it owns a copy.
        void* copy = std::malloc(bytes.empty() ? 1 : bytes.size());
        if (!copy) throw PackError(package.name() + ": out of memory reading '" + file.path + "'");
        std::memcpy(copy, bytes.data(), bytes.size());
        zip_source_t* source = zip_source_buffer(archive.get(), copy, bytes.size(), 1);
        if (!source) {
            std::free(copy);
            throw PackError(path.string() + ": " + zip_strerror(archive.get()));
        }
        const zip_int64_t index = zip_file_add(archive.get(), file.path.c_str(), source, ZIP_FL_ENC_UTF_8);
        if (index < 0) {
            zip_source_free(source);
            throw PackError(path.string() + ": cannot add '" + file.path + "': " + zip_strerror(archive.get()));
        }
        const auto at = static_cast<zip_uint64_t>(index);
        // A plain file, readable by all: what the installer accepts (no link, no device).
        if (zip_file_set_external_attributes(archive.get(), at, 0, ZIP_OPSYS_UNIX,
                                             static_cast<zip_uint32_t>(S_IFREG | 0644) << 16) != 0 ||
            zip_set_file_compression(archive.get(), at, stored.count(file.path) ? ZIP_CM_STORE : ZIP_CM_DEFLATE, 0) !=
                0)
            throw PackError(path.string() + ": " + zip_strerror(archive.get()));
    }
    if (zip_close(archive.get()) != 0)
        throw PackError(path.string() + ": cannot write the zip: " + zip_strerror(archive.get()) +
                        " (is the disk full?)");
    archive.release();  // closed
}

// The entries that deflate so well that the installer would take them for
// a zip bomb (PackageLimits: over the compression ratio): a folder may
// hold such a file (a large, empty data file), so they are stored instead.
std::set<std::string> over_the_ratio(const fs::path& path) {
    const PackageLimits limits;
    int error = 0;
    ZipHandle archive(zip_open(path.c_str(), ZIP_RDONLY, &error));
    if (!archive) throw PackError(path.string() + ": cannot read back the zip just written");
    std::set<std::string> names;
    const zip_int64_t count = zip_get_num_entries(archive.get(), 0);
    for (zip_int64_t i = 0; i < count; ++i) {
        zip_stat_t stat;
        zip_stat_init(&stat);
        if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &stat) != 0 || !stat.name) continue;
        if (stat.size > limits.ratio_floor_bytes &&
            (stat.comp_size == 0 || stat.size / stat.comp_size > limits.max_compression_ratio))
            names.insert(stat.name);
    }
    return names;
}

}  // namespace

PackResult pack_folder(const fs::path& folder, std::optional<fs::path> out) {
    std::error_code ec;
    if (!fs::exists(folder, ec))
        throw InstallError(folder.string() + ": not a folder, a .zip file or an http(s) URL (nothing there?)");
    if (!fs::is_directory(folder, ec))
        throw PackError(folder.string() +
                        ": not a folder (cirrus pack packs an app's folder; a zip installs as it is: "
                        "cirrus install " +
                        folder.string() + ")");
    // Its real name: `cirrus pack .` packs the folder one is in, named as it is.
    const fs::path canonical = fs::canonical(folder, ec);
    if (ec) throw PackError(folder.string() + ": cannot open the folder: " + ec.message());

    const InstallablePackage installable = open_installable(canonical, SourceKind::folder);
    const CheckedPackage checked = check_package(installable, installable.name_id);

    PackResult result;
    result.zip = fs::absolute(out.value_or(fs::path(canonical.filename().string() + ".zip"))).lexically_normal();
    result.id = installable.name_id;
    result.name = checked.manifest.name.value_or(home_screen_label(checked.manifest));
    result.warnings = checked.warnings;
    if (fs::is_directory(result.zip, ec))
        throw PackError(result.zip.string() + ": is a folder (-o names the zip to write, e.g. -o " +
                        (result.zip / (canonical.filename().string() + ".zip")).string() + ")");

    // A zip written into the folder it packs (and any earlier one there) is no file of the app.
    std::set<std::string> left_out;
    const fs::path inside = result.zip.lexically_relative(canonical);
    if (!inside.empty() && *inside.begin() != ".." && installable.package.contains(inside.generic_string())) {
        left_out.insert(inside.generic_string());
        result.left_out.push_back(inside.generic_string());
    }

    std::string pattern =
        (result.zip.parent_path() / ("." + result.zip.filename().string() + ".packing-XXXXXX")).string();
    const int fd = ::mkstemp(pattern.data());
    if (fd < 0) throw PackError(result.zip.parent_path().string() + ": cannot write there: " + std::strerror(errno));
    ::close(fd);
    PartialFile partial(pattern);

    write_zip(installable.package, partial.path(), left_out, {});
    if (const std::set<std::string> stored = over_the_ratio(partial.path()); !stored.empty())
        write_zip(installable.package, partial.path(), left_out, stored);

    // The zip as `cirrus install FILE.zip` reads it: what it would refuse, pack refuses.
    try {
        const InstallablePackage written = open_installable(partial.path(), SourceKind::zip);
        check_package(written, installable.name_id);
        result.files = written.package.files().size();
        result.bytes = written.package.total_size();
    } catch (const InstallError& e) {
        throw PackError(std::string("the zip written does not pass install's checks (") + e.what() +
                        "); nothing was written to " + result.zip.string());
    }
    result.zip_bytes = fs::file_size(partial.path(), ec);
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::chmod(partial.path().c_str(), 0666 & ~mask);  // as any file one writes, not mkstemp's 0600
    if (::rename(partial.path().c_str(), result.zip.c_str()) != 0)
        throw PackError(result.zip.string() + ": cannot write it: " + std::strerror(errno));
    partial.keep();
    return result;
}

}  // namespace cirrus::launcher
