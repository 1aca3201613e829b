// Checking a command's outputs before it does any work: an output must not be one of its inputs, two outputs
// must not be the same file, and each must be writable (atomic_file.h: a regular file or a new one, not
// read-only unless --force) in a directory that exists (created here if missing) and can be written. A run of
// hours that ends in "cannot write" has lost its work; these checks take microseconds.
//
// Files are compared by identity, not by spelling: "./o.txt", "o.txt", "dir/../o.txt", a symbolic link and a
// hard link to the same file are all the same file (device + inode when it exists, the canonical path when not).
#pragma once
#include <string>
#include <vector>

// A file as the user named it: `role` is how messages call it ("--out", "--truth", "the input SAMPLES").
struct NamedPath {
    std::string role;
    std::string path;
};

// Whether two paths name the same file (existing: same device and inode; otherwise same canonical path).
bool same_file(const std::string& a, const std::string& b);

// The absolute path with ".", ".." and symbolic links resolved as far as the path exists; the components that do
// not exist yet are appended as written.
std::string canonical_path(const std::string& path);

// Throws std::runtime_error naming both roles if the output is the same file as the input.
void refuse_same_file(const NamedPath& output, const NamedPath& input);

// All the checks above, for every output against every input and every other output. Empty paths are skipped
// (an option not given). Creates missing parent directories of the outputs.
void check_output_paths(const std::vector<NamedPath>& outputs, const std::vector<NamedPath>& inputs);
