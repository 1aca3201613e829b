#include "atomic_file.h"

#include <atomic>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <pthread.h>
#include <time.h>
#include <vector>
#include <stdexcept>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output_gate.h"

static std::atomic<bool> replace_read_only(false);
static std::atomic<uint64_t> input_limit(DEFAULT_MAX_INPUT_BYTES);
static thread_local AtomicFileGroup* active_group = nullptr;

void set_replace_read_only(bool allow) { replace_read_only = allow; }
void set_max_input_bytes(uint64_t limit) { input_limit = limit; }
uint64_t max_input_bytes() { return input_limit; }

// ---- temporary files removed on SIGINT/SIGTERM/SIGHUP ----
// A fixed table, because a signal handler may neither allocate nor lock: state 0 = free, 1 = being filled,
// 2 = holds the path of a temporary file that exists.
constexpr int TEMP_SLOTS = 64;
static std::atomic<int> temp_slot_state[TEMP_SLOTS];
static char temp_slot_path[TEMP_SLOTS][PATH_MAX];

static struct sigaction previous_action[NSIG];  // what ran before our handler, per signal
static std::mutex install_lock;

static void remove_temp_files_on_signal(int signal_number, siginfo_t* info, void* context) {
    for (int k = 0; k < TEMP_SLOTS; k++)
        if (temp_slot_state[k].load() == 2) unlink(temp_slot_path[k]);
    const struct sigaction& previous = previous_action[signal_number];
    if (previous.sa_flags & SA_SIGINFO) return previous.sa_sigaction(signal_number, info, context);
    if (previous.sa_handler == SIG_IGN) return;
    if (previous.sa_handler != SIG_DFL) return previous.sa_handler(signal_number);
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigaction(signal_number, &action, nullptr);
    raise(signal_number);  // die of the same signal, so the caller (shell, Slurm) sees why
}

// Puts our handler in front of whatever handles SIGINT, SIGTERM and SIGHUP now (checked at every temporary file,
// since a program or a test framework may have installed its own since); the previous one still runs after it.
// A signal the process inherited as ignored stays ignored: under nohup (SIGHUP) or in a background job (SIGINT) the
// user asked the run to go on, and a handler that removed its temporary file would lose its output at the rename.
static void install_cleanup_handlers() {
    std::lock_guard<std::mutex> guard(install_lock);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
        struct sigaction current;
        if (sigaction(signal_number, nullptr, &current) != 0) continue;
        if ((current.sa_flags & SA_SIGINFO) && current.sa_sigaction == remove_temp_files_on_signal) continue;
        if (!(current.sa_flags & SA_SIGINFO) && current.sa_handler == SIG_IGN) continue;
        previous_action[signal_number] = current;
        struct sigaction action;
        std::memset(&action, 0, sizeof action);
        action.sa_sigaction = remove_temp_files_on_signal;
        action.sa_flags = SA_SIGINFO;
        sigemptyset(&action.sa_mask);
        sigaction(signal_number, &action, nullptr);
    }
}

// Returns the slot that now holds `temp`, or -1 if the table is full (the file is then not cleaned up on a signal).
static int register_temp_file(const std::string& temp) {
    if (temp.size() >= PATH_MAX) return -1;
    for (int k = 0; k < TEMP_SLOTS; k++) {
        int expected = 0;
        if (!temp_slot_state[k].compare_exchange_strong(expected, 1)) continue;
        std::memcpy(temp_slot_path[k], temp.c_str(), temp.size() + 1);
        temp_slot_state[k] = 2;
        return k;
    }
    return -1;
}

static void release_temp_file(int slot) {
    if (slot >= 0) temp_slot_state[slot] = 0;
}

// ---- naming and finding temporary files ----
// The host name goes into the name (dots dropped), so that on a shared file system a process only judges
// whether the writers of temporary files on its own host are alive.
std::string host_name() {
    char buffer[256] = {0};
    if (gethostname(buffer, sizeof buffer - 1) != 0) return "host";
    std::string name;
    for (const char* c = buffer; *c; c++)
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '-') name += *c;
    return name.empty() ? "host" : name;
}

static std::string directory_of(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

static std::string base_name(const std::string& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

static bool all_digits(const std::string& text) {
    if (text.empty() || text.size() > 18) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

// TARGET's temporary files are TARGET.tmp.<host>.<pid>.<12 random letters> in TARGET's folder, created with
// O_EXCL | O_NOFOLLOW: the name cannot be guessed in advance, and a file or symbolic link planted at it is never
// opened (the old name TARGET.tmp.<host>.<pid> was predictable, and a link planted there redirected the write).
// TARGET's name is shortened in the temporary name so that it stays within NAME_MAX (255 bytes) whatever TARGET is.
static std::string temp_prefix_for(const std::string& target) {
    const size_t suffix = 5 + host_name().size() + 1 + 20 + 1 + 12;  // ".tmp." host "." pid "." random
    std::string base = base_name(target);
    if (base.size() + suffix > NAME_MAX) base.resize(suffix >= NAME_MAX ? 1 : NAME_MAX - suffix);
    return base + ".tmp.";
}

static uint64_t random_bits() {
    uint64_t bits = 0;
    if (getrandom(&bits, sizeof bits, GRND_NONBLOCK) == (ssize_t)sizeof bits) return bits;
    static std::atomic<uint64_t> counter(0);  // no kernel entropy yet: time, pid and a counter, mixed
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    uint64_t x = (uint64_t)now.tv_nsec ^ ((uint64_t)now.tv_sec << 30) ^ ((uint64_t)getpid() << 48) ^ counter++;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    return x ^ (x >> 33);
}

// Creates TARGET's temporary file, exclusively; returns its descriptor and sets *temp to its path.
static int create_temp_file(const std::string& path, const std::string& target, std::string* temp) {
    std::string stem = directory_of(target) + "/" + temp_prefix_for(target) + host_name() + "." +
                       std::to_string((long)getpid()) + ".";
    static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int attempt = 0; attempt < 100; attempt++) {
        uint64_t bits = random_bits();
        std::string name = stem;
        for (int k = 0; k < 12; k++, bits /= 62) name += letters[bits % 62];
        int fd = open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0) {
            *temp = name;
            return fd;
        }
        if (errno != EEXIST) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
    }
    throw std::runtime_error("cannot write " + path + ": no free temporary name in " + directory_of(target));
}

// Removes TARGET's temporary files (this naming and the two before it: TARGET.tmp.<host>.<pid>, TARGET.tmp.<pid>) of
// processes on this host that no longer exist. A pid that is alive, or that this process cannot signal, is left.
static void remove_stale_temp_files(const std::string& target) {
    std::string directory = directory_of(target), this_host = host_name() + ".";
    std::vector<std::string> prefixes = {base_name(target) + ".tmp."};
    if (temp_prefix_for(target) != prefixes[0]) prefixes.push_back(temp_prefix_for(target));
    DIR* listing = opendir(directory.c_str());
    if (!listing) return;
    while (struct dirent* entry = readdir(listing)) {
        std::string name = entry->d_name, rest;
        for (const std::string& prefix : prefixes)
            if (name.compare(0, prefix.size(), prefix) == 0) rest = name.substr(prefix.size());
        if (rest.compare(0, this_host.size(), this_host) == 0) rest = rest.substr(this_host.size());
        size_t dot = rest.find('.');
        if (dot != std::string::npos && rest.size() - dot - 1 == 12) rest.resize(dot);  // the random part
        if (!all_digits(rest)) continue;
        long pid = std::atol(rest.c_str());
        if (pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) unlink((directory + "/" + name).c_str());
    }
    closedir(listing);
}

// ---- what is at the output path ----
static std::string follow_symlinks(const std::string& path) {
    std::string current = path;
    for (int hops = 0; hops < 40; hops++) {
        struct stat info;
        if (lstat(current.c_str(), &info) != 0 || !S_ISLNK(info.st_mode)) return current;
        char target[PATH_MAX];
        ssize_t length = readlink(current.c_str(), target, sizeof target - 1);
        if (length < 0) throw std::runtime_error("cannot read the symbolic link " + current + ": " + std::strerror(errno));
        std::string next(target, (size_t)length);
        current = (next[0] == '/' || directory_of(current) == ".") ? next : directory_of(current) + "/" + next;
    }
    throw std::runtime_error("cannot write " + path + ": too many levels of symbolic links");
}

static const char* file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}

std::string output_target(const std::string& path) {
    std::string target = follow_symlinks(path);
    std::string shown = target == path ? path : path + " (a symbolic link to " + target + ")";
    struct stat info;
    if (stat(target.c_str(), &info) != 0) {
        if (errno == ENOENT) return target;  // a new file
        throw std::runtime_error("cannot write " + shown + ": " + std::strerror(errno));
    }
    if (!S_ISREG(info.st_mode))
        throw std::runtime_error(shown + " is " + file_kind(info.st_mode) + ", not a regular file: refusing to replace it");
    bool read_only = (info.st_mode & 0222) == 0 || access(target.c_str(), W_OK) != 0;
    if (read_only && !replace_read_only) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", (unsigned)(info.st_mode & 07777));
        throw std::runtime_error(shown + " is read-only (mode " + mode + "): refusing to replace it (--force replaces it)");
    }
    return target;
}

// ---- writing ----
// Writes and fsyncs a new temporary file for `target` with the permission bits of the file it replaces (if any).
// On failure removes it and throws. *slot: its entry in the signal-cleanup table.
static std::string write_temp_file(const std::string& path, const std::string& target, const void* data, size_t size,
                                   int* slot) {
    struct stat existing;
    bool replacing = stat(target.c_str(), &existing) == 0;
    std::string temp;
    install_cleanup_handlers();
    int fd = create_temp_file(path, target, &temp);
    *slot = register_temp_file(temp);
    auto fail = [&](int err) {
        close(fd);
        unlink(temp.c_str());
        release_temp_file(*slot);
        return std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    };
    if (replacing && fchmod(fd, existing.st_mode & 07777) != 0) throw fail(errno);
    const char* bytes = (const char*)data;
    size_t done = 0;
    while (done < size) {
        ssize_t wrote = write(fd, bytes + done, size - done);
        if (wrote < 0) {
            if (errno == EINTR) continue;
            throw fail(errno);
        }
        done += (size_t)wrote;
    }
    if (fsync(fd) != 0) throw fail(errno);
    if (close(fd) != 0) {
        int err = errno;
        unlink(temp.c_str());
        release_temp_file(*slot);
        throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
    }
    return temp;
}

void write_file_atomic(const std::string& path, const void* data, size_t size) {
    std::string target = output_target(path);
    output_gate_admit(target);  // the only way to write: the command's gate must have checked this file
    remove_stale_temp_files(target);
    int slot = -1;
    std::string temp = write_temp_file(path, target, data, size, &slot);
    if (active_group) {
        active_group->staged.push_back({temp, target});
        active_group->slots.push_back(slot);
        return;
    }
    int rename_status = rename(temp.c_str(), target.c_str()), err = errno;
    if (rename_status != 0) unlink(temp.c_str());
    release_temp_file(slot);
    if (rename_status != 0)
        throw std::runtime_error("cannot rename " + temp + " to " + target + ": " + std::strerror(err));
}

void write_file_atomic(const std::string& path, const std::string& contents) {
    write_file_atomic(path, contents.data(), contents.size());
}

AtomicFileGroup::AtomicFileGroup() {
    if (active_group) throw std::logic_error("AtomicFileGroup: groups do not nest");
    active_group = this;
}

AtomicFileGroup::~AtomicFileGroup() {
    for (size_t k = 0; k < staged.size(); k++) {
        unlink(staged[k].first.c_str());
        release_temp_file(slots[k]);
    }
    if (active_group == this) active_group = nullptr;
}

void (*atomic_group_between_renames_for_tests)() = nullptr;

// SIGINT, SIGTERM and SIGHUP wait while the group renames: a signal between two renames would leave new samples
// beside the old truth. A pending signal is delivered (and kills the process) once every file is in place.
void AtomicFileGroup::commit() {
    active_group = nullptr;
    sigset_t stop_signals, previous;
    sigemptyset(&stop_signals);
    for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&stop_signals, signal_number);
    pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
    try {
        while (!staged.empty()) {
            const std::pair<std::string, std::string>& file = staged.front();
            if (rename(file.first.c_str(), file.second.c_str()) != 0)
                throw std::runtime_error("cannot rename " + file.first + " to " + file.second + ": " + std::strerror(errno));
            release_temp_file(slots.front());
            staged.erase(staged.begin());
            slots.erase(slots.begin());
            if (atomic_group_between_renames_for_tests && !staged.empty()) atomic_group_between_renames_for_tests();
        }
    } catch (...) {
        pthread_sigmask(SIG_SETMASK, &previous, nullptr);
        throw;
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

// ---- reading ----
std::string read_file(const std::string& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    struct stat info;
    if (fstat(fileno(f), &info) == 0 && S_ISDIR(info.st_mode)) {
        std::fclose(f);
        throw std::runtime_error("cannot read " + path + ": it is a directory, not a file");
    }
    uint64_t limit = max_input_bytes();
    std::string too_large = "cannot read " + path + ": larger than " + std::to_string(limit) +
                            " bytes (--max-input-bytes raises the limit)";
    if (S_ISREG(info.st_mode) && (uint64_t)info.st_size > limit) {
        std::fclose(f);
        throw std::runtime_error(too_large);
    }
    std::string contents;
    if (S_ISREG(info.st_mode)) contents.reserve((size_t)info.st_size);
    char buffer[1 << 16];
    size_t got;
    while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) {
        if (contents.size() + got > limit) {  // a device or pipe that does not end (/dev/zero)
            std::fclose(f);
            throw std::runtime_error(too_large);
        }
        contents.append(buffer, got);
    }
    bool failed = std::ferror(f);
    int err = errno;
    std::fclose(f);
    if (failed) throw std::runtime_error("error reading " + path + ": " + std::strerror(err));
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
