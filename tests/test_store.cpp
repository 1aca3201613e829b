// The content-addressed store (data/store.h): keys are the published FNV-1a 128 values (so they survive across
// versions), a put/get round trip, two processes racing for one key (with the lock, and without it: first rename
// wins), a writer killed half-way, and --clear's refusal of folders that are not stores.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdlib>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/store.h"

static std::string temp_directory() {
    char pattern[] = "/tmp/repro_test_store_XXXXXX";
    REQUIRE(mkdtemp(pattern) != nullptr);
    return pattern;
}

static std::string hash_of(const std::string& text) {
    StoreKey key = store_key_begin();
    store_key_bytes(&key, text.data(), text.size());
    return store_key_hex(key);
}

static int count_temporaries(const std::string& dir) {
    FILE* pipe = popen(("ls -A '" + dir + "' | grep -c '^\\.tmp\\.'").c_str(), "r");
    int count = -1;
    if (pipe) {
        if (std::fscanf(pipe, "%d", &count) != 1) count = -1;
        pclose(pipe);
    }
    return count;
}

TEST_CASE("store: keys are FNV-1a 128 and fixed across versions", "[store]") {
    // The test vectors of the FNV reference (draft-eastlake-fnv, isthe.com/chongo/tech/comp/fnv).
    CHECK(hash_of("") == "6c62272e07bb014262b821756295c58d");
    CHECK(hash_of("a") == "d228cb696f1a8caf78912b704e4a8964");
    CHECK(hash_of("foobar") == "343e1662793c64bf6f0d3597ba446f18");
    // A recipe of typed fields: pinned, so a change of the framing or the byte order shows here.
    StoreKey key = store_key_begin();
    const float spins[4] = {1, -1, -1, 1};
    store_key_string(&key, "what", "model");
    store_key_floats(&key, "data", spins, 4);
    store_key_int(&key, "iterations", 32000);
    store_key_double(&key, "learning_rate", 1e-3);
    CHECK(store_key_hex(key) == "6df6528c23e9c1371be398385b1c4b6e");
    // Framing: the same bytes split differently between fields give different keys.
    StoreKey ab_c = store_key_begin(), a_bc = store_key_begin();
    store_key_string(&ab_c, "x", "ab");
    store_key_string(&ab_c, "y", "c");
    store_key_string(&a_bc, "x", "a");
    store_key_string(&a_bc, "y", "bc");
    CHECK(store_key_hex(ab_c) != store_key_hex(a_bc));
}

TEST_CASE("store: put, find, list; a second put keeps the first entry", "[store]") {
    std::string base = temp_directory(), dir = base + "/store";
    std::string key = hash_of("round trip");
    CHECK(store_find(dir, key).empty());
    CHECK(store_list(dir).empty());
    REQUIRE(store_put(dir, key, "a test entry", {"n 3"}, [](const std::string& folder) {
        write_file_atomic(folder + "/model.bin", std::string("\x01\x02\x00\x03", 4));
    }));
    std::string path = store_find(dir, key);
    REQUIRE(path == dir + "/" + key);
    CHECK(read_file(path + "/model.bin") == std::string("\x01\x02\x00\x03", 4));
    std::string meta = read_file(path + "/meta.txt");
    CHECK(meta.find("key " + key + "\nwhat a test entry\ncreated ") == 0);
    CHECK(meta.find("\nn 3\n") != std::string::npos);
    CHECK_FALSE(store_put(dir, key, "another", {}, [](const std::string& folder) {
        write_file_atomic(folder + "/model.bin", "other");
    }));
    CHECK(read_file(path + "/model.bin") == std::string("\x01\x02\x00\x03", 4));
    std::vector<StoreEntry> entries = store_list(dir);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].key == key);
    CHECK(entries[0].what == "a test entry");
    CHECK(entries[0].created.size() == 23);  // YYYY-MM-DD HH:MM:SS UTC
    CHECK(entries[0].bytes == 4 + meta.size());
    // A writer that throws leaves nothing behind.
    CHECK_THROWS(store_put(dir, hash_of("fails"), "x", {}, [](const std::string&) { throw std::runtime_error("no"); }));
    CHECK(store_list(dir).size() == 1);
    CHECK(count_temporaries(dir) == 0);
    CHECK_THROWS(store_find(dir, "../etc"));
    CHECK(std::system(("rm -rf '" + base + "'").c_str()) == 0);
}

// Forks `processes` children that start together (released by closing a pipe) and each run `child(i)`, whose
// return value becomes the exit status. Returns the statuses.
template <typename Child>
static std::vector<int> run_together(int processes, Child child) {
    int gate[2];
    REQUIRE(pipe(gate) == 0);
    std::vector<pid_t> pids;
    for (int i = 0; i < processes; i++) {
        pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(gate[1]);
            char byte;
            while (read(gate[0], &byte, 1) < 0) {}  // returns 0 when the parent closes its end
            int status = 99;
            try {
                status = child(i);
            } catch (...) {
            }
            _exit(status);  // no Catch2 or static destructors in the child
        }
        pids.push_back(pid);
    }
    close(gate[0]);
    close(gate[1]);
    std::vector<int> statuses;
    for (pid_t pid : pids) {
        int status = 0;
        REQUIRE(waitpid(pid, &status, 0) == pid);
        statuses.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    }
    return statuses;
}

// The writer of the race: a file naming its process, written slowly so that the two writers overlap.
static void slow_writer(const std::string& folder) {
    usleep(200000);
    write_file_atomic(folder + "/data.txt", "written by " + std::to_string((long)getpid()) + "\n");
}

TEST_CASE("store: two processes race for one key: one entry, complete, the same for both", "[store]") {
    std::string base = temp_directory(), dir = base + "/store", key = hash_of("race");
    SECTION("with the lock: one makes it, the other waits and uses it") {
        std::vector<int> statuses = run_together(2, [&](int i) {
            StoreOutcome outcome = store_get_or_make(dir, key, "race", {}, slow_writer, nullptr);
            write_file_atomic(base + "/seen_" + std::to_string(i), read_file(outcome.path + "/data.txt"));
            return outcome.made ? 1 : 0;
        });
        CHECK(statuses[0] + statuses[1] == 1);  // exactly one made the entry
    }
    SECTION("without the lock: both make it, the first rename wins") {
        std::vector<int> statuses = run_together(2, [&](int i) {
            bool published = store_put(dir, key, "race", {}, slow_writer);
            write_file_atomic(base + "/seen_" + std::to_string(i), read_file(store_find(dir, key) + "/data.txt"));
            return published ? 1 : 0;
        });
        CHECK(statuses[0] + statuses[1] == 1);  // exactly one was published
    }
    REQUIRE(store_list(dir).size() == 1);
    std::string content = read_file(store_find(dir, key) + "/data.txt");
    CHECK(content.find("written by ") == 0);
    CHECK(read_file(base + "/seen_0") == content);
    CHECK(read_file(base + "/seen_1") == content);
    CHECK(count_temporaries(dir) == 0);
    CHECK(std::system(("rm -rf '" + base + "'").c_str()) == 0);
}

TEST_CASE("store: a writer killed half-way leaves no entry; its leftovers are removed", "[store]") {
    std::string base = temp_directory(), dir = base + "/store", key = hash_of("killed");
    std::vector<int> statuses = run_together(1, [&](int) {
        store_get_or_make(dir, key, "killed", {}, [](const std::string& folder) {
            write_file_atomic(folder + "/half.bin", "half of it");
            raise(SIGKILL);
        }, nullptr);
        return 0;
    });
    CHECK(statuses[0] == 128 + SIGKILL);
    CHECK(count_temporaries(dir) == 1);       // its temporary folder is there ...
    CHECK(store_find(dir, key).empty());      // ... but never seen as an entry
    CHECK(store_list(dir).empty());
    // The next process gets the lock the dead one held (the kernel released it), makes the entry, and removes the
    // dead writer's folder.
    StoreOutcome outcome = store_get_or_make(dir, key, "killed", {}, [](const std::string& folder) {
        write_file_atomic(folder + "/whole.bin", "all of it");
    }, nullptr);
    CHECK(outcome.made);
    CHECK(outcome.published);
    CHECK(read_file(outcome.path + "/whole.bin") == "all of it");
    CHECK_FALSE(path_exists(outcome.path + "/half.bin"));
    CHECK(count_temporaries(dir) == 0);
    CHECK(std::system(("rm -rf '" + base + "'").c_str()) == 0);
}

TEST_CASE("store: clear removes a store and refuses anything else", "[store]") {
    std::string base = temp_directory(), dir = base + "/store";
    CHECK(store_clear(dir).entries == 0);  // absent: an empty store
    for (const char* text : {"one", "two"})
        REQUIRE(store_put(dir, hash_of(text), text, {}, [&](const std::string& folder) {
            write_file_atomic(folder + "/x", text);
        }));
    // A folder that is not a store: refused, untouched.
    write_file_atomic(base + "/notes.txt", "keep me");
    CHECK_THROWS_WITH(store_clear(base), Catch::Contains("does not look like a store"));
    CHECK_THROWS_WITH(store_put(base, hash_of("x"), "x", {}, [](const std::string&) {}), Catch::Contains("not a store"));
    // A store with a foreign file in it: refused, untouched.
    write_file_atomic(dir + "/mine.csv", "1,2\n");
    CHECK_THROWS_WITH(store_clear(dir), Catch::Contains("mine.csv"));
    CHECK(store_list(dir).size() == 2);
    REQUIRE(unlink((dir + "/mine.csv").c_str()) == 0);
    StoreClearResult cleared = store_clear(dir);
    CHECK(cleared.entries == 2);
    CHECK_FALSE(path_exists(dir));
    CHECK(read_file(base + "/notes.txt") == "keep me");
    CHECK(std::system(("rm -rf '" + base + "'").c_str()) == 0);
}
