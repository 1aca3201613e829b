// Which file a path names, for the output gate (output_gate.h), where every command's outputs are checked before
// any work: a run of hours that ends in "cannot write" or overwrote its input has lost its work.
//
// Files are compared by identity, not by spelling: "./o.txt", "o.txt", "dir/../o.txt", a symbolic link and a
// hard link to the same file are all the same file (device + inode when it exists, the canonical path when not).
#pragma once
#include <string>
#include <vector>

// Whether two paths name the same file (existing: same device and inode; otherwise same canonical path).
bool same_file(const std::string& a, const std::string& b);

// The absolute path with ".", ".." and symbolic links resolved as far as the path exists; the components that do
// not exist yet are appended as written.
std::string canonical_path(const std::string& path);
