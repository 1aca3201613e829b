#include "atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

void write_file_atomic(const std::string& path, const void* data, size_t size) {
    std::string temp = path + ".tmp." + std::to_string((long)getpid());
    int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    const char* bytes = (const char*)data;
    size_t done = 0;
    while (done < size) {
        ssize_t wrote = write(fd, bytes + done, size - done);
        if (wrote < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            close(fd);
            unlink(temp.c_str());
            throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
        }
        done += (size_t)wrote;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int err = errno;
        unlink(temp.c_str());
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    if (rename(temp.c_str(), path.c_str()) != 0) {
        int err = errno;
        unlink(temp.c_str());
        throw std::runtime_error("cannot rename " + temp + " to " + path + ": " + std::strerror(err));
    }
}

void write_file_atomic(const std::string& path, const std::string& contents) {
    write_file_atomic(path, contents.data(), contents.size());
}

std::string read_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    std::string contents;
    char buffer[1 << 16];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) contents.append(buffer, got);
    bool failed = std::ferror(f);
    std::fclose(f);
    if (failed) throw std::runtime_error("error reading " + path);
    return contents;
}

bool path_exists(const std::string& path) {
    struct stat info;
    return stat(path.c_str(), &info) == 0;
}

void make_directories(const std::string& path) {
    if (path.empty()) return;
    std::string partial;
    for (size_t i = 0; i <= path.size(); i++) {
        if (i == path.size() || path[i] == '/') {
            partial = path.substr(0, i);
            if (!partial.empty() && !path_exists(partial) && mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
                throw std::runtime_error("cannot create directory " + partial + ": " + std::strerror(errno));
        }
    }
}
