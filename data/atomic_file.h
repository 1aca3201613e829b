// Writing files so that an interrupted run never leaves a half-written one: write to a new temporary file
// PATH.tmp.<host>.<pid>.<12 random letters> (created with O_EXCL | O_NOFOLLOW, so a link or file planted at a guessed
// name is never opened), flush, fsync, then rename() over PATH (atomic on POSIX file systems). Readers see the old
// file or the new one. While a command's FileGate (output_gate.h) is alive, only files it checked are written.
//
// What is at PATH is looked at first, because rename() replaces whatever it finds:
//   - a symbolic link is followed: the data go to its target (the link itself stays a link);
//   - anything that is not a regular file (directory, FIFO, device, socket) is refused;
//   - a file being replaced keeps its permission bits; a read-only one is refused unless
//     set_replace_read_only(true) (the command line's --force).
// The temporary file is removed if the process gets SIGINT, SIGTERM or SIGHUP while it exists (a signal inherited as
// ignored, as under nohup, stays ignored and removes nothing), and a later write
// to the same PATH removes temporary files that dead processes on this host left behind (SIGKILL, power loss).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

// Writes `size` bytes to `path` atomically. Throws std::runtime_error naming the path on any failure.
void write_file_atomic(const std::string& path, const void* data, size_t size);
void write_file_atomic(const std::string& path, const std::string& contents);

// The file write_file_atomic(path) would write: `path` with symbolic links followed. Throws std::runtime_error
// with the reason if it would refuse (not a regular file, read-only without --force, a link loop).
std::string output_target(const std::string& path);

// Process-wide policy from the command line (--force): whether a read-only file may be replaced. Default false.
void set_replace_read_only(bool allow);

// Several outputs written all-or-nothing: while a group is alive, write_file_atomic on this thread writes and
// fsyncs each temporary file but does not rename it. commit() renames them all; destroying an uncommitted group
// (an exception on the way) removes the temporary files, so none of the outputs changes. Every failure that
// writing can meet (disk full, permissions, a bad value) happens before the first rename.
class AtomicFileGroup {
public:
    AtomicFileGroup();
    ~AtomicFileGroup();
    AtomicFileGroup(const AtomicFileGroup&) = delete;
    AtomicFileGroup& operator=(const AtomicFileGroup&) = delete;
    void commit();  // SIGINT, SIGTERM and SIGHUP wait until every file is renamed
    std::vector<std::pair<std::string, std::string>> staged;  // (temporary file, final path)
    std::vector<int> slots;                                    // their entries in the signal-cleanup table
};

// Tests only: called between two renames of AtomicFileGroup::commit (to send a signal there).
extern void (*atomic_group_between_renames_for_tests)();

// Largest input read_file accepts (--max-input-bytes): a guard against reading /dev/zero or a wrong, huge file
// until memory runs out. Default DEFAULT_MAX_INPUT_BYTES.
constexpr uint64_t DEFAULT_MAX_INPUT_BYTES = 1ull << 30;  // 1 GiB: ~20x the largest data set of the paper's design
void set_max_input_bytes(uint64_t limit);
uint64_t max_input_bytes();

// Reads a whole file; throws std::runtime_error naming the path if it cannot be read, is a directory, or is
// larger than max_input_bytes().
std::string read_file(const std::string& path);
// True if the path exists (file or directory).
bool path_exists(const std::string& path);
// mkdir -p; throws on failure.
void make_directories(const std::string& path);
// This host's name with only letters, digits and '-' kept ("host" if unknown): temporary files carry it, so that
// on a shared file system a process judges only whether writers on its own host are alive.
std::string host_name();
