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

static std::string shown(const NamedPath& file) { return file.role + " " + file.path; }

void refuse_same_file(const NamedPath& output, const NamedPath& input) {
    if (output.path.empty() || input.path.empty() || !same_file(output.path, input.path)) return;
    throw std::runtime_error(shown(output) + " is the same file as " + shown(input) +
                             ": refusing to overwrite an input (choose another " + output.role + ")");
}

// The output's directory exists (or is created) and new files can be made in it.
static void check_output_location(const NamedPath& output) {
    std::string target;
    try {
        target = output_target(output.path);  // throws for a device, FIFO, directory or read-only file
    } catch (const std::runtime_error& error) {
        throw std::runtime_error(output.role + ": " + error.what());
    }
    size_t slash = target.rfind('/');
    std::string directory = slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
    if (!path_exists(directory)) make_directories(directory);
    struct stat info;
    if (stat(directory.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        throw std::runtime_error("cannot write " + shown(output) + ": " + directory + " is not a directory");
    if (access(directory.c_str(), W_OK | X_OK) != 0)
        throw std::runtime_error("cannot write " + shown(output) + ": directory " + directory + " is not writable (" +
                                 std::strerror(errno) + ")");
}

void check_output_paths(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs) {
    for (size_t k = 0; k < outputs.size(); k++) {
        if (outputs[k].path.empty()) continue;
        for (const NamedPath& input : inputs) refuse_same_file(outputs[k], input);
        for (size_t j = 0; j < k; j++)
            if (!outputs[j].path.empty() && same_file(outputs[j].path, outputs[k].path))
                throw std::runtime_error(shown(outputs[j]) + " and " + shown(outputs[k]) +
                                         " name the same file: choose two different files");
        check_output_location(outputs[k]);
    }
}
