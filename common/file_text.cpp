#include "file_text.hpp"

#include <cerrno>
#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace cirrus {

std::optional<std::string> read_file_text(const std::filesystem::path& path, std::size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::string text;
    char buffer[16384];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            return std::nullopt;
        }
        if (text.size() + static_cast<std::size_t>(n) > max_bytes) {
            ::close(fd);
            return std::nullopt;
        }
        text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return text;
}

bool write_file_replacing(const std::filesystem::path& path, std::string_view text) {
    const std::string temp = path.string() + ".new";
    const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return false;
    bool written = true;
    for (std::size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            written = false;
            break;
        }
        done += static_cast<std::size_t>(n);
    }
    int error = errno;
    if (::close(fd) != 0 && written) {
        written = false;  // a deferred write error (NFS, a full disk) shows here
        error = errno;
    }
    if (!written || std::rename(temp.c_str(), path.c_str()) != 0) {
        if (written) error = errno;
        ::unlink(temp.c_str());
        errno = error;
        return false;
    }
    return true;
}

}  // namespace cirrus
