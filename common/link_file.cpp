// See link_file.hpp.
#include "link_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "file_text.hpp"
#include "strings.hpp"

namespace cirrus::link_file {

std::optional<std::filesystem::path> default_path() {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    if (!runtime || *runtime != '/') return std::nullopt;
    return std::filesystem::path(runtime) / kFileName;
}

bool write(const std::filesystem::path& path, std::string_view link_class) {
    return write_file_replacing(path, std::string(link_class) + "\n");
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
