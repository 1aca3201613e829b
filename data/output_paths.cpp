#include "output_paths.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

std::string canonical_path(const std::string& path) {
    if (path.empty()) return canonical_path(".");
    char resolved[PATH_MAX];
    if (realpath(path.c_str(), resolved)) return resolved;
    // Does not exist (yet): resolve the parent and append the last component as written.
    std::string trimmed = path;
    while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
    size_t slash = trimmed.rfind('/');
    std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : trimmed.substr(0, slash));
    std::string last = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
    if (parent == trimmed) return trimmed;  // "/" itself
    std::string base = canonical_path(parent);
    if (last == "." || last.empty()) return base;
    if (last == "..") return base == "/" ? base : base.substr(0, std::max<size_t>(1, base.rfind('/')));
    return (base == "/" ? "" : base) + "/" + last;
}

bool same_file(const std::string& a, const std::string& b) {
    struct stat info_a, info_b;
    bool exists_a = stat(a.c_str(), &info_a) == 0, exists_b = stat(b.c_str(), &info_b) == 0;
    if (exists_a && exists_b) return info_a.st_dev == info_b.st_dev && info_a.st_ino == info_b.st_ino;
    if (exists_a != exists_b) return false;
    // Neither exists: a dangling symbolic link names the file it would create.
    return canonical_path(output_target(a)) == canonical_path(output_target(b));
}
