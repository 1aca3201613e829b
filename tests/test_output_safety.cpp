// Output safety (issue 15): what is at an output path is looked at before it is replaced, outputs are checked
// before any work, and a failure or a signal leaves no half result and no temporary files. Real symbolic links,
// FIFOs (standing in for devices; /dev is never touched) and read-only files in a temporary folder.
#include <catch2/catch.hpp>

#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../data/output_gate.h"
#include "../data/output_paths.h"
#include "../runner/args.h"
#include "../cli/commands.h"

using Catch::Matchers::Contains;

// A fresh, empty folder per test case (removed with everything in it at the end).
struct TempFolder {
    std::string path;
    explicit TempFolder(const std::string& name) {
        path = "/tmp/repro_test_output_" + name + "_" + std::to_string(getpid());
        std::system(("rm -rf '" + path + "'").c_str());
        make_directories(path);
    }
    ~TempFolder() { std::system(("chmod -R u+w '" + path + "' 2>/dev/null; rm -rf '" + path + "'").c_str()); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

static std::vector<std::string> folder_entries(const std::string& folder) {
    std::vector<std::string> names;
    DIR* listing = opendir(folder.c_str());
    while (struct dirent* entry = listing ? readdir(listing) : nullptr)
        if (std::string(entry->d_name) != "." && std::string(entry->d_name) != "..") names.push_back(entry->d_name);
    if (listing) closedir(listing);
    return names;
}

static bool has_temp_file(const std::string& folder) {
    for (const std::string& name : folder_entries(folder))
        if (name.find(".tmp.") != std::string::npos) return true;
    return false;
}

static mode_t mode_of(const std::string& path) {
    struct stat info;
    REQUIRE(stat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

static int run(int (*command)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    return command((int)argv.size(), argv.data());
}

TEST_CASE("atomic write: a symbolic link is written through, the link stays", "[output]") {
    TempFolder dir("symlink");
    write_file_atomic(dir / "target.txt", std::string("old\n"));
    REQUIRE(symlink("target.txt", (dir / "link.txt").c_str()) == 0);
    write_file_atomic(dir / "link.txt", std::string("new\n"));
    struct stat info;
    REQUIRE(lstat((dir / "link.txt").c_str(), &info) == 0);
    CHECK(S_ISLNK(info.st_mode));
    CHECK(read_file(dir / "target.txt") == "new\n");
    // A dangling link creates its target.
    REQUIRE(symlink("made.txt", (dir / "dangling.txt").c_str()) == 0);
    write_file_atomic(dir / "dangling.txt", std::string("made\n"));
    CHECK(read_file(dir / "made.txt") == "made\n");
    CHECK_FALSE(has_temp_file(dir.path));
}

TEST_CASE("atomic write: a FIFO (device-like) or a directory is refused and left as it is", "[output]") {
    TempFolder dir("fifo");
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0666) == 0);
    CHECK_THROWS_WITH(write_file_atomic(dir / "fifo", std::string("x")),
                      Contains("is a FIFO (named pipe), not a regular file: refusing to replace it"));
    struct stat info;
    REQUIRE(stat((dir / "fifo").c_str(), &info) == 0);
    CHECK(S_ISFIFO(info.st_mode));
    REQUIRE(symlink("fifo", (dir / "link").c_str()) == 0);  // through a link, too
    CHECK_THROWS_WITH(write_file_atomic(dir / "link", std::string("x")), Contains("a symbolic link to"));
    make_directories(dir / "sub");
    CHECK_THROWS_WITH(write_file_atomic(dir / "sub", std::string("x")), Contains("is a directory"));
    CHECK_FALSE(has_temp_file(dir.path));
}

TEST_CASE("atomic write: permissions are kept; a read-only file is refused unless --force", "[output]") {
    TempFolder dir("mode");
    write_file_atomic(dir / "private.txt", std::string("a"));
    chmod((dir / "private.txt").c_str(), 0600);
    write_file_atomic(dir / "private.txt", std::string("b"));
    CHECK(mode_of(dir / "private.txt") == 0600);
    write_file_atomic(dir / "ro.txt", std::string("keep"));
    chmod((dir / "ro.txt").c_str(), 0444);
    CHECK_THROWS_WITH(write_file_atomic(dir / "ro.txt", std::string("x")),
                      Contains("is read-only (mode 0444): refusing to replace it (--force replaces it)"));
    CHECK(read_file(dir / "ro.txt") == "keep");
    set_replace_read_only(true);
    write_file_atomic(dir / "ro.txt", std::string("forced"));
    set_replace_read_only(false);
    CHECK(read_file(dir / "ro.txt") == "forced");
    CHECK(mode_of(dir / "ro.txt") == 0444);
}

TEST_CASE("atomic write: a group writes all of its files or none", "[output]") {
    TempFolder dir("group");
    {
        AtomicFileGroup group;
        write_file_atomic(dir / "a.txt", std::string("a"));
        write_file_atomic(dir / "b.txt", std::string("b"));
        CHECK_FALSE(path_exists(dir / "a.txt"));  // staged only
        group.commit();
    }
    CHECK(read_file(dir / "a.txt") == "a");
    CHECK(read_file(dir / "b.txt") == "b");
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0666) == 0);
    try {
        AtomicFileGroup group;
        write_file_atomic(dir / "a.txt", std::string("A"));
        write_file_atomic(dir / "fifo", std::string("B"));  // throws: the first file must not change either
        group.commit();
        FAIL("the FIFO was accepted");
    } catch (const std::runtime_error&) {
    }
    CHECK(read_file(dir / "a.txt") == "a");
    CHECK_FALSE(has_temp_file(dir.path));
}

TEST_CASE("atomic write: SIGTERM removes the temporary file; stale ones of dead processes are removed", "[output]") {
    TempFolder dir("signal");
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // stage a temporary file (a write in progress), then get SIGTERM
        signal(SIGTERM, SIG_DFL);  // as in ./repro, not Catch's reporting handler
        try {
            AtomicFileGroup group;
            write_file_atomic(dir / "out.txt", std::string(100000, 'x'));
            kill(getpid(), SIGTERM);
        } catch (...) {
        }
        _exit(3);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    CHECK(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGTERM);
    CHECK(folder_entries(dir.path).empty());

    // Temporary files of a process that no longer exists (both namings), and one of a live process (ours).
    pid_t dead = fork();
    if (dead == 0) _exit(0);
    REQUIRE(waitpid(dead, &status, 0) == dead);
    char host[256] = {0};
    gethostname(host, sizeof host - 1);
    std::string host_part;
    for (const char* c = host; *c; c++)
        if (std::isalnum((unsigned char)*c) || *c == '-') host_part += *c;
    std::string stale_new = "out.txt.tmp." + host_part + "." + std::to_string(dead);
    std::string stale_old = "out.txt.tmp." + std::to_string(dead);
    std::string live = "out.txt.tmp." + host_part + "." + std::to_string(getppid());
    for (const std::string& name : {stale_new, stale_old, live}) write_file_atomic(dir / name, std::string("partial"));
    write_file_atomic(dir / "out.txt", std::string("done"));
    CHECK_FALSE(path_exists(dir / stale_new));
    CHECK_FALSE(path_exists(dir / stale_old));
    CHECK(path_exists(dir / live));
    CHECK(read_file(dir / "out.txt") == "done");
}

TEST_CASE("reading: a directory, and input over --max-input-bytes, are named as such", "[output]") {
    TempFolder dir("read");
    make_directories(dir / "adir");
    CHECK_THROWS_WITH(read_file(dir / "adir"), Contains("adir: it is a directory, not a file"));
    write_file_atomic(dir / "big.txt", std::string(5000, '1'));
    set_max_input_bytes(4096);
    CHECK_THROWS_WITH(read_file(dir / "big.txt"), Contains("larger than 4096 bytes (--max-input-bytes raises the limit)"));
    // A stream that does not end (a FIFO fed by a child, like /dev/zero) stops at the limit too.
    REQUIRE(mkfifo((dir / "zero").c_str(), 0666) == 0);
    pid_t writer = fork();
    REQUIRE(writer >= 0);
    if (writer == 0) {
        signal(SIGPIPE, SIG_DFL);
        int fd = open((dir / "zero").c_str(), O_WRONLY);
        std::string zeros(1 << 16, '\0');
        for (int k = 0; k < 64 && write(fd, zeros.data(), zeros.size()) > 0; k++) {
        }
        _exit(0);
    }
    CHECK_THROWS_WITH(read_file(dir / "zero"), Contains("larger than 4096 bytes"));
    set_max_input_bytes(DEFAULT_MAX_INPUT_BYTES);
    int status = 0;
    waitpid(writer, &status, 0);
}

TEST_CASE("output paths: files compared by identity, not by spelling", "[output]") {
    TempFolder dir("identity");
    CHECK(same_file(dir / "o.txt", dir.path + "/./o.txt"));           // neither exists
    CHECK(same_file(dir / "o.txt", dir.path + "/sub/../o.txt"));
    CHECK_FALSE(same_file(dir / "o.txt", dir / "p.txt"));
    write_file_atomic(dir / "s.txt", std::string("1\n"));
    REQUIRE(link((dir / "s.txt").c_str(), (dir / "hard.txt").c_str()) == 0);
    REQUIRE(symlink("s.txt", (dir / "soft.txt").c_str()) == 0);
    CHECK(same_file(dir / "s.txt", dir / "hard.txt"));
    CHECK(same_file(dir / "soft.txt", dir / "s.txt"));
    auto check = [](std::vector<std::pair<std::string, std::string>> outputs,
                    std::vector<std::pair<std::string, std::string>> inputs) {
        FileGate gate;
        for (const auto& file : inputs) gate.input(file.first, file.second);
        for (const auto& file : outputs) gate.output(file.first, file.second);
        gate.check();
    };
    CHECK_THROWS_WITH(check({{"--out", dir / "soft.txt"}}, {{"the input SAMPLES", dir / "s.txt"}}),
                      Contains("--out " + dir / "soft.txt" + " is the same file as the input SAMPLES"));
    CHECK_THROWS_WITH(check({{"--out", dir.path + "/./o.txt"}, {"--truth", dir / "o.txt"}}, {}),
                      Contains("name the same file"));
    // A missing folder is created before any work; an empty path (option not given) is skipped.
    check({{"--out", dir / "new/deeper/o.txt"}, {"--truth", ""}}, {{"--test", ""}});
    struct stat info;
    CHECK((stat((dir / "new/deeper").c_str(), &info) == 0 && S_ISDIR(info.st_mode)));
}

TEST_CASE("repro sample/infer: outputs that would destroy something are refused before any work", "[output]") {
    TempFolder dir("commands");
    std::string samples = dir / "s.txt";
    REQUIRE(run(command_sample, {"repro", "sample", "--n", "4", "--M", "50", "--out", samples, "--quiet"}) == 0);
    std::string original = read_file(samples);
    CHECK_THROWS_WITH(run(command_infer, {"repro", "infer", samples, "--out", samples, "--quiet"}),
                      Contains("is the same file as the input SAMPLES"));
    CHECK(read_file(samples) == original);
    CHECK_THROWS_WITH(run(command_sample, {"repro", "sample", "--n", "4", "--M", "50", "--out", dir.path + "/./o.txt",
                                           "--truth", dir / "o.txt", "--quiet"}),
                      Contains("name the same file"));
    // --truth cannot be written: neither output is written (the FIFO is checked before sampling).
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0666) == 0);
    CHECK_THROWS_WITH(run(command_sample, {"repro", "sample", "--n", "4", "--M", "50", "--out", dir / "a.txt", "--truth",
                                           dir / "fifo", "--quiet"}),
                      Contains("--truth: " + dir / "fifo" + " is a FIFO"));
    CHECK_FALSE(path_exists(dir / "a.txt"));
    // A folder that does not exist yet is made.
    REQUIRE(run(command_infer, {"repro", "infer", samples, "--out", dir / "nodir/p.txt", "--quiet", "--eps-grid", "0.5"}) == 0);
    CHECK(read_params(dir / "nodir/p.txt").n == 4);
    CHECK_FALSE(has_temp_file(dir.path));
}

TEST_CASE("repro augment: --out equal to an input, --test or the checkpoint is refused before training", "[output]") {
    TempFolder dir("augment");
    std::string train = dir / "train.txt";
    REQUIRE(run(command_sample, {"repro", "sample", "--n", "4", "--M", "50", "--out", train, "--quiet"}) == 0);
    std::vector<std::string> common = {"repro", "augment", train, "--widths", "8,8,8", "--iterations", "5", "--quiet",
                                       "--M-plus", "10"};
    auto words = [&](std::vector<std::string> extra) {
        std::vector<std::string> all = common;
        all.insert(all.end(), extra.begin(), extra.end());
        return all;
    };
    CHECK_THROWS_WITH(run(command_augment, words({"--out", train})), Contains("the same file as the input TRAIN"));
    CHECK_THROWS_WITH(run(command_augment, words({"--out", dir / "ck/ckpt.bin", "--checkpoint-dir", dir / "ck",
                                                   "--checkpoint-every", "5"})),
                      Contains("name the same file"));
    CHECK_FALSE(path_exists(dir / "ck/ckpt.bin"));
    CHECK_THROWS_WITH(run(command_augment, words({"--out", dir / "t.txt", "--test", dir / "t.txt", "--stop",
                                                   "energy-variance"})),
                      Contains("is the same file as --test"));
    // The checkpoint of a resumed run may be the --resume file; --out may not.
    REQUIRE(run(command_augment, words({"--out", dir / "a.txt", "--checkpoint-dir", dir / "ck", "--checkpoint-every",
                                        "5"})) == 0);
    CHECK_THROWS_WITH(run(command_augment, words({"--out", dir / "ck/ckpt.bin", "--resume", dir / "ck/ckpt.bin"})),
                      Contains("is the same file as --resume"));
    REQUIRE(run(command_augment, words({"--out", dir / "b.txt", "--resume", dir / "ck/ckpt.bin", "--checkpoint-dir",
                                        dir / "ck", "--checkpoint-every", "5"})) == 0);
    CHECK(read_samples(dir / "b.txt", true).count == 10);
    CHECK_FALSE(has_temp_file(dir / "ck"));
}
