// See link_file.hpp.
#include "link_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "strings.hpp"

namespace cirrus::link_file {

std::optional<std::filesystem::path> default_path() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime || *runtime != '/') return std::nullopt;
    return std::filesystem::path(runtime) / kFileName;
}

bool write(const std::filesystem::path& path, std::string_view link_class) {
    const std::string temp = path.string() + ".new";
    const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    const std::string text = std::string(link_class) + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int saved = errno;
    close(fd);
    if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
        const int error = written ? errno : saved;
        unlink(temp.c_str());
        errno = error;
        return false;
    }
    return true;
}

std::optional<std::string> read(const std::filesystem::path& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char buffer[16];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    close(fd);
    if (n < 0) return std::nullopt;
    std::string_view text(buffer, static_cast<std::size_t>(n));
    text = text.substr(0, text.find('\n'));
    return std::string(trim(text, kAsciiWhitespace));
}

}  // namespace cirrus::link_file
