// Writing files so that an interrupted run never leaves a half-written one: write to PATH.tmp.<pid>, flush,
// fsync, then rename() over PATH (atomic on POSIX file systems). Readers see the old file or the new one.
#pragma once
#include <string>

// Writes `size` bytes to `path` atomically. Throws std::runtime_error naming the path on any failure.
void write_file_atomic(const std::string& path, const void* data, size_t size);
void write_file_atomic(const std::string& path, const std::string& contents);
// Reads a whole file; throws std::runtime_error naming the path if it cannot be read.
std::string read_file(const std::string& path);
// True if the path exists (file or directory).
bool path_exists(const std::string& path);
// mkdir -p; throws on failure.
void make_directories(const std::string& path);
