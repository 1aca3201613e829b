// A content-addressed store of things that are expensive to make (a trained model, a generated sample set): each
// entry is a folder named by a key, a hash of everything that determines its contents, so that any process that
// needs the same thing again finds it instead of making it again. The store knows nothing about what it holds;
// the caller builds the key (StoreKey below) from the bytes that determine the entry and writes the files.
//
// On disk, under the store folder DIR:
//   DIR/STORE                 marker: says this folder is a store (repro store --clear refuses folders without it)
//   DIR/<key>/                one complete entry: the caller's files and meta.txt (key, what, created, caller lines)
//   DIR/<key>.lock            flock(2)ed while a process makes <key>, so a second one waits instead of making it too
//   DIR/.tmp.<key>.<host>.<pid>.<n>/   an entry being written
// An entry is written into its temporary folder, every file fsynced, then rename(2)d to DIR/<key>: readers see a
// complete entry or none. rename(2) of a folder onto an existing, non-empty one fails, so when two writers race
// for one key (two jobs of a job array on a shared file system) the first rename wins and the second discards its
// own copy and uses the winner's. The lock only saves the duplicate work; where flock is not available (some NFS
// setups) both make the entry and the first rename still wins. A temporary folder that a killed writer left behind
// is never read; the next write on the same host removes those whose process is gone.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

// ---- keys: 128-bit FNV-1a over typed, framed fields ----
// FNV-1a (Fowler, Noll, Vo; the 128-bit parameters of draft-eastlake-fnv) is fixed by its published constants, so a
// key computed today is the same key in every later version on every machine: entries survive across versions as
// long as the recipe (which fields, in which order) is unchanged. It is not cryptographic; a key names an entry,
// and the 128 bits make an accidental collision between different inputs negligible (~n² / 2¹²⁹).
struct StoreKey {
    uint64_t high, low;  // the 128-bit FNV-1a state, high and low halves
};
StoreKey store_key_begin();
// Raw bytes, no framing (what the FNV-1a test vectors hash).
void store_key_bytes(StoreKey* key, const void* data, size_t size);
// Fields are framed (name, then the byte length, then the bytes) so that ("ab", "c") and ("a", "bc") differ.
// Numbers are hashed as little-endian bytes whatever the host's byte order.
void store_key_string(StoreKey* key, const std::string& name, const std::string& value);
void store_key_int(StoreKey* key, const std::string& name, int64_t value);
void store_key_double(StoreKey* key, const std::string& name, double value);          // its IEEE-754 bits
void store_key_floats(StoreKey* key, const std::string& name, const float* values, size_t count);  // IEEE bits
// 32 lowercase hex digits: the entry's folder name.
std::string store_key_hex(const StoreKey& key);

// ---- the store ----
// Where the store is: `option` (--store DIR) if not empty, else $REPRO_STORE if set and not empty, else
// "results/.store" (relative to the working directory; .gitignore keeps it out of the repository).
std::string store_dir_choose(const std::string& option);

// DIR/<key> if that entry exists (complete), "" otherwise. Throws if `key` is not 8–64 lowercase hex digits.
std::string store_find(const std::string& dir, const std::string& key);

// Writes the files of an entry into `folder` (a fresh, empty temporary folder). It may use any writer
// (write_file_atomic, a model's save function); it must not keep the folder's path after returning.
using StoreWriter = std::function<void(const std::string& folder)>;

// Publishes entry `key`: creates the store if needed, runs `write` into a temporary folder, adds meta.txt
// ("key K", "what WHAT", "created YYYY-MM-DD HH:MM:SS UTC", then `meta_lines`, one per line), fsyncs and renames it
// to DIR/<key>. Returns true if this call's entry was published, false if another writer's entry was already there
// (ours is then discarded). Throws if `write` throws (the temporary folder is removed) or on a file-system error.
bool store_put(const std::string& dir, const std::string& key, const std::string& what,
               const std::vector<std::string>& meta_lines, const StoreWriter& write);

struct StoreOutcome {
    std::string path;    // DIR/<key>: the complete entry
    bool made = false;   // this call ran `write` (false: the entry was found)
    bool published = false;  // this call's entry is the one in the store (false: found, or another writer won)
    bool waited = false;     // another process held the key's lock: this call waited for it
};
// The entry for `key`, made if absent: returns at once if it exists; otherwise takes DIR/<key>.lock (waiting,
// with a line to `log` unless it is null, while another process holds it), looks again, and only if the entry is
// still absent runs `write` and publishes it as store_put does.
StoreOutcome store_get_or_make(const std::string& dir, const std::string& key, const std::string& what,
                               const std::vector<std::string>& meta_lines, const StoreWriter& write, FILE* log);

// ---- listing and clearing ----
struct StoreEntry {
    std::string key;
    std::string what;     // from meta.txt ("" if unreadable)
    std::string created;  // from meta.txt ("" if unreadable)
    uint64_t bytes = 0;   // all files of the entry
};
// The complete entries, sorted by key; an absent store has none. Temporary folders and lock files are not listed.
std::vector<StoreEntry> store_list(const std::string& dir);
// Bytes of every file under `path` (symbolic links not followed); 0 if it does not exist.
uint64_t store_tree_bytes(const std::string& path);

struct StoreClearResult {
    int entries = 0;          // complete entries removed
    int temporaries = 0;      // temporary folders removed (their writers are dead, or will fail their rename)
    uint64_t bytes = 0;       // bytes freed
};
// Removes the store folder `dir` and everything in it, but only if it looks like a store: it holds the STORE
// marker and nothing but entries, lock files and temporary folders. Otherwise throws naming the first thing that
// does not belong, and removes nothing. An absent folder is an empty store (nothing removed). Run it when no job
// is writing: a writer whose store vanishes fails with an error rather than writing a partial entry.
StoreClearResult store_clear(const std::string& dir);
