#include "store.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"

// ---- keys ----
// FNV-1a, 128 bits: for each byte, state ^= byte; state *= prime, modulo 2¹²⁸. The prime is 2⁸⁸ + 0x13B, so the
// product is state·0x13B + (state << 88). unsigned __int128 is GCC's and Clang's; the struct keeps plain halves.
typedef unsigned __int128 u128;
static u128 key_state(const StoreKey& key) { return ((u128)key.high << 64) | key.low; }
static void key_set(StoreKey* key, u128 state) {
    key->high = (uint64_t)(state >> 64);
    key->low = (uint64_t)state;
}

StoreKey store_key_begin() {
    return StoreKey{0x6c62272e07bb0142ull, 0x62b821756295c58dull};  // the FNV-1a 128-bit offset basis
}

void store_key_bytes(StoreKey* key, const void* data, size_t size) {
    const u128 prime = ((u128)1 << 88) + 0x13B;
    u128 state = key_state(*key);
    const unsigned char* bytes = (const unsigned char*)data;
    for (size_t i = 0; i < size; i++) state = (state ^ bytes[i]) * prime;
    key_set(key, state);
}

static void key_u64_le(StoreKey* key, uint64_t value) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; i++) bytes[i] = (unsigned char)(value >> (8 * i));
    store_key_bytes(key, bytes, 8);
}

// A field: its name and the length of its bytes go in first, so no two different field lists hash the same bytes.
static void key_field_head(StoreKey* key, const std::string& name, uint64_t size) {
    key_u64_le(key, name.size());
    store_key_bytes(key, name.data(), name.size());
    key_u64_le(key, size);
}

void store_key_string(StoreKey* key, const std::string& name, const std::string& value) {
    key_field_head(key, name, value.size());
    store_key_bytes(key, value.data(), value.size());
}

void store_key_int(StoreKey* key, const std::string& name, int64_t value) {
    key_field_head(key, name, 8);
    key_u64_le(key, (uint64_t)value);
}

void store_key_double(StoreKey* key, const std::string& name, double value) {
    uint64_t bits;
    std::memcpy(&bits, &value, 8);
    key_field_head(key, name, 8);
    key_u64_le(key, bits);
}

void store_key_floats(StoreKey* key, const std::string& name, const float* values, size_t count) {
    key_field_head(key, name, 4 * (uint64_t)count);
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        std::memcpy(&bits, &values[i], 4);
        unsigned char bytes[4] = {(unsigned char)bits, (unsigned char)(bits >> 8), (unsigned char)(bits >> 16),
                                  (unsigned char)(bits >> 24)};
        store_key_bytes(key, bytes, 4);
    }
}

std::string store_key_hex(const StoreKey& key) {
    char text[33];
    std::snprintf(text, sizeof text, "%016llx%016llx", (unsigned long long)key.high, (unsigned long long)key.low);
    return text;
}

// ---- folders ----
static const char* MARKER = "STORE";

std::string store_dir_choose(const std::string& option) {
    if (!option.empty()) return option;
    const char* env = std::getenv("REPRO_STORE");
    if (env && *env) return env;
    return "results/.store";
}

static bool is_key(const std::string& name) {
    if (name.size() < 8 || name.size() > 64) return false;
    for (char c : name)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

static bool is_directory(const std::string& path) {
    struct stat info;
    return lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

static std::vector<std::string> folder_names(const std::string& dir) {
    std::vector<std::string> names;
    DIR* listing = opendir(dir.c_str());
    if (!listing) throw std::runtime_error("cannot list " + dir + ": " + std::strerror(errno));
    while (struct dirent* entry = readdir(listing)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    closedir(listing);
    std::sort(names.begin(), names.end());
    return names;
}

// Visits everything under `path` (itself included), children before their folder, symbolic links not followed.
static void walk_tree(const std::string& path, const std::function<void(const std::string&, const struct stat&)>& visit) {
    struct stat info;
    if (lstat(path.c_str(), &info) != 0) return;
    if (S_ISDIR(info.st_mode))
        for (const std::string& name : folder_names(path)) walk_tree(path + "/" + name, visit);
    visit(path, info);
}

uint64_t store_tree_bytes(const std::string& path) {
    uint64_t bytes = 0;
    walk_tree(path, [&](const std::string&, const struct stat& info) {
        if (S_ISREG(info.st_mode)) bytes += (uint64_t)info.st_size;
    });
    return bytes;
}

static void remove_tree(const std::string& path) {
    walk_tree(path, [](const std::string& item, const struct stat& info) {
        if ((S_ISDIR(info.st_mode) ? rmdir(item.c_str()) : unlink(item.c_str())) != 0 && errno != ENOENT)
            throw std::runtime_error("cannot remove " + item + ": " + std::strerror(errno));
    });
}

static void fsync_path(const std::string& path, bool directory) {
    int fd = open(path.c_str(), directory ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
    int status = fsync(fd), err = errno;
    close(fd);
    if (status != 0 && err != EINVAL) throw std::runtime_error("cannot fsync " + path + ": " + std::strerror(err));
}

std::string store_find(const std::string& dir, const std::string& key) {
    if (!is_key(key)) throw std::runtime_error("store key '" + key + "' is not 8 to 64 lowercase hex digits");
    std::string path = dir + "/" + key;
    return is_directory(path) ? path : "";
}

// What a name in the store folder may be: the marker (or its temporary file while a process writes it), an entry,
// a lock file, a temporary folder. Anything else means the folder is not (only) a store.
static bool belongs_in_store(const std::string& dir, const std::string& name) {
    bool lock = name.size() > 5 && name.compare(name.size() - 5, 5, ".lock") == 0 && is_key(name.substr(0, name.size() - 5));
    return name == MARKER || name.compare(0, std::strlen(MARKER) + 5, std::string(MARKER) + ".tmp.") == 0 || lock ||
           ((is_key(name) || name.compare(0, 5, ".tmp.") == 0) && is_directory(dir + "/" + name));
}

// The first name in `dir` that does not belong in a store, "" if none.
static std::string foreign_name(const std::string& dir) {
    for (const std::string& name : folder_names(dir))
        if (!belongs_in_store(dir, name)) return name;
    return "";
}

// Creates the store (folder and marker) if needed; refuses an existing folder that holds other things. Two
// processes may create the same store at once: each sees only store names (the other's marker or temporary
// folder) and writes the same marker.
static void store_open(const std::string& dir) {
    make_directories(dir);
    if (path_exists(dir + "/" + MARKER)) return;
    std::string foreign = foreign_name(dir);
    if (!foreign.empty())
        throw std::runtime_error(dir + " holds " + foreign + " and has no " + MARKER + " marker: not a store; choose "
                                 "another --store folder");
    write_file_atomic(dir + "/" + MARKER, "repro store: content-addressed entries, one folder per key (data/store.h);"
                                          " safe to delete with 'repro store --clear'\n");
}

// ---- temporary folders: .tmp.<key>.<host>.<pid>.<n> ----
static std::atomic<long> temp_counter(0);

static std::string temp_folder_for(const std::string& dir, const std::string& key) {
    return dir + "/.tmp." + key + "." + host_name() + "." + std::to_string((long)getpid()) + "." +
           std::to_string(temp_counter++);
}

// Removes the temporary folders that writers on this host left when they died (SIGKILL, power loss). A folder of
// another host, or of a live process, is left alone: it is never read, and store_clear removes it.
static void remove_stale_temporaries(const std::string& dir) {
    std::string this_host = "." + host_name() + ".";
    for (const std::string& name : folder_names(dir)) {
        if (name.compare(0, 5, ".tmp.") != 0) continue;
        size_t host_at = name.rfind(this_host);
        if (host_at == std::string::npos) continue;
        long pid = std::atol(name.c_str() + host_at + this_host.size());
        if (pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) remove_tree(dir + "/" + name);
    }
}

static std::string utc_now() {
    std::time_t now = std::time(nullptr);
    struct tm parts;
    gmtime_r(&now, &parts);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &parts);
    return text;
}

bool store_put(const std::string& dir, const std::string& key, const std::string& what,
               const std::vector<std::string>& meta_lines, const StoreWriter& write) {
    if (!store_find(dir, key).empty()) return false;
    store_open(dir);
    remove_stale_temporaries(dir);
    std::string temp = temp_folder_for(dir, key), final_path = dir + "/" + key;
    if (mkdir(temp.c_str(), 0755) != 0) throw std::runtime_error("cannot create " + temp + ": " + std::strerror(errno));
    try {
        write(temp);
        std::string meta = "key " + key + "\nwhat " + what + "\ncreated " + utc_now() + "\n";
        for (const std::string& line : meta_lines) meta += line + "\n";
        write_file_atomic(temp + "/meta.txt", meta);
        walk_tree(temp, [](const std::string& item, const struct stat& info) {
            if (S_ISREG(info.st_mode) || S_ISDIR(info.st_mode)) fsync_path(item, S_ISDIR(info.st_mode));
        });
    } catch (...) {
        remove_tree(temp);
        throw;
    }
    if (rename(temp.c_str(), final_path.c_str()) != 0) {
        int err = errno;
        remove_tree(temp);
        if (err == EEXIST || err == ENOTEMPTY) return false;  // another writer's entry is there: theirs stays
        throw std::runtime_error("cannot rename " + temp + " to " + final_path + ": " + std::strerror(err));
    }
    fsync_path(dir, true);
    return true;
}

// Holds DIR/<key>.lock with flock(2) for its lifetime. `held` is false where locking is not possible (no
// permission to create the file, a file system without flock): the caller then goes on without it.
struct KeyLock {
    int fd = -1;
    bool held = false, waited = false;
    KeyLock(const std::string& path, FILE* log, const std::string& what) {
        fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) return;
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            held = true;
            return;
        }
        if (errno != EWOULDBLOCK) return;
        waited = true;
        if (log) std::fprintf(log, "store: another process is making %s (%s); waiting for it\n", path.c_str(), what.c_str());
        int status;
        while ((status = flock(fd, LOCK_EX)) != 0 && errno == EINTR) {}
        held = status == 0;
    }
    ~KeyLock() {
        if (fd >= 0) close(fd);  // closing releases the lock
    }
};

StoreOutcome store_get_or_make(const std::string& dir, const std::string& key, const std::string& what,
                               const std::vector<std::string>& meta_lines, const StoreWriter& write, FILE* log) {
    StoreOutcome outcome;
    outcome.path = store_find(dir, key);
    if (!outcome.path.empty()) return outcome;
    store_open(dir);
    KeyLock lock(dir + "/" + key + ".lock", log, what);
    outcome.waited = lock.waited;
    outcome.path = store_find(dir, key);  // the process we waited for has made it
    if (!outcome.path.empty()) return outcome;
    outcome.made = true;
    outcome.published = store_put(dir, key, what, meta_lines, write);
    outcome.path = dir + "/" + key;
    return outcome;
}

// ---- listing and clearing ----
std::vector<StoreEntry> store_list(const std::string& dir) {
    std::vector<StoreEntry> entries;
    if (!is_directory(dir)) return entries;
    for (const std::string& name : folder_names(dir)) {
        if (!is_key(name) || !is_directory(dir + "/" + name)) continue;
        StoreEntry entry;
        entry.key = name;
        entry.bytes = store_tree_bytes(dir + "/" + name);
        std::string meta;
        try {
            meta = read_file(dir + "/" + name + "/meta.txt");
        } catch (const std::exception&) {
        }
        size_t start = 0;
        while (start < meta.size()) {
            size_t end = meta.find('\n', start);
            if (end == std::string::npos) end = meta.size();
            std::string line = meta.substr(start, end - start);
            if (line.compare(0, 5, "what ") == 0) entry.what = line.substr(5);
            if (line.compare(0, 8, "created ") == 0) entry.created = line.substr(8);
            start = end + 1;
        }
        entries.push_back(entry);
    }
    return entries;
}

StoreClearResult store_clear(const std::string& dir) {
    StoreClearResult result;
    if (!path_exists(dir)) return result;
    if (!is_directory(dir)) throw std::runtime_error(dir + " is not a folder: not a store; nothing removed");
    if (!path_exists(dir + "/" + MARKER))
        throw std::runtime_error(dir + " has no " + MARKER + " marker: it does not look like a store; nothing removed");
    std::string foreign = foreign_name(dir);
    if (!foreign.empty())
        throw std::runtime_error(dir + "/" + foreign + " is not a store entry, lock or temporary folder: " + dir +
                                 " does not look like a store; nothing removed");
    std::vector<std::string> names = folder_names(dir);
    for (const std::string& name : names) {
        if (name == MARKER) continue;  // last, so that a failure half-way leaves a folder that is still a store
        std::string path = dir + "/" + name;
        if (is_key(name)) result.entries++;
        if (name.compare(0, 5, ".tmp.") == 0) result.temporaries++;
        result.bytes += store_tree_bytes(path);
        remove_tree(path);
    }
    if (unlink((dir + "/" + MARKER).c_str()) != 0 || rmdir(dir.c_str()) != 0)
        throw std::runtime_error("cannot remove " + dir + ": " + std::strerror(errno) + " (a job still writing?)");
    return result;
}
