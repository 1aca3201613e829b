// Issue 27: every file a command writes goes through one gate (data/output_gate.h). One test per numbered case of
// the issue, each failing on the code before the gate, and one that walks every command's file options so that a
// new option cannot skip the gate. Temporary folders (mkdtemp) only; FIFOs stand in for devices; /dev is never used.
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <set>
#include <memory>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "../runner/args.h"
#include "../cli/commands.h"
#include "../data/address_space.h"
#include "../data/atomic_file.h"
#include "../data/formats.h"
#include "../data/output_gate.h"

using Catch::Matchers::Contains;

namespace {

struct GateFolder {
    std::string path;
    GateFolder() {
        char pattern[] = "/tmp/repro_gate_XXXXXX";
        REQUIRE(mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~GateFolder() { std::system(("chmod -R u+w '" + path + "' 2>/dev/null; rm -rf '" + path + "'").c_str()); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
};

int run(int (*command)(int, char**), std::vector<std::string> words) {
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(&word[0]);
    argv.push_back(nullptr);
    return command((int)words.size(), argv.data());
}

// The message a command throws, "" if it returns.
std::string error_of(int (*command)(int, char**), const std::vector<std::string>& words) {
    try {
        run(command, words);
    } catch (const std::exception& error) {
        return error.what();
    }
    return "";
}

// Runs `body` in a child process and returns its exit status (or 128 + the signal that ended it).
template <typename Body>
int in_child(Body body) {
    std::fflush(stdout);
    std::fflush(stderr);
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        int status = 1;
        try {
            status = body();
        } catch (...) {
            status = 99;
        }
        std::fflush(stdout);
        _exit(status);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

std::string training_data(const GateFolder& dir) {
    std::string train = dir / "train.txt";
    REQUIRE(run(command_sample, {"repro", "sample", "--n", "4", "--M", "60", "--out", train, "--truth",
                                 dir / "truth.txt", "--quiet"}) == 0);
    return train;
}

std::vector<std::string> augment_words(const std::string& train, std::vector<std::string> extra) {
    std::vector<std::string> words = {"repro", "augment", train, "--widths", "8,8,8", "--iterations", "5", "--quiet",
                                      "--M-plus", "10"};
    words.insert(words.end(), extra.begin(), extra.end());
    return words;
}

bool has_entry_containing(const std::string& folder, const std::string& part) {
    bool found = false;
    DIR* listing = opendir(folder.c_str());
    while (struct dirent* entry = listing ? readdir(listing) : nullptr)
        if (std::string(entry->d_name).find(part) != std::string::npos) found = true;
    if (listing) closedir(listing);
    return found;
}

}  // namespace

TEST_CASE("gate 1: augment --save-model is compared with every input and output", "[output][gate]") {
    GateFolder dir;
    std::string train = training_data(dir), original = read_file(train);
    CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", train})),
               Contains("--save-model " + train + " is the same file as the input TRAIN"));
    CHECK(read_file(train) == original);
    REQUIRE(link(train.c_str(), (dir / "hard.txt").c_str()) == 0);  // a hard link is the same file
    CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "hard.txt"})),
               Contains("is the same file as the input TRAIN"));
    CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "truth.txt",
                                                               "--stop", "energy-variance", "--test", dir / "truth.txt"})),
               Contains("--save-model " + dir / "truth.txt" + " is the same file as --test"));
    CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "a.txt"})),
               Contains("--out " + dir / "a.txt" + " and --save-model " + dir / "a.txt" + " name the same file"));
    write_file_atomic(dir / "ckpt.bin", std::string("a checkpoint"));
    CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--resume", dir / "ckpt.bin",
                                                               "--save-model", dir / "ckpt.bin"})),
               Contains("is the same file as --resume"));
    CHECK(read_file(dir / "ckpt.bin") == "a checkpoint");
    CHECK_FALSE(path_exists(dir / "a.txt"));
}

TEST_CASE("gate 2: generate checks --out against the model and --like", "[output][gate]") {
    GateFolder dir;
    std::string train = training_data(dir), original = read_file(train);
    write_file_atomic(dir / "model.bin", std::string("a model"));
    CHECK_THAT(error_of(command_generate, {"repro", "generate", dir / "model.bin", "--out", train, "--like", train}),
               Contains("--out " + train + " is the same file as --like"));
    CHECK(read_file(train) == original);
    CHECK_THAT(error_of(command_generate, {"repro", "generate", dir / "model.bin", "--out", dir.path + "/./model.bin"}),
               Contains("is the same file as the input MODEL"));
    CHECK(read_file(dir / "model.bin") == "a model");
}

TEST_CASE("gate 3: a FIFO is never written into, by generate or by any sample writer", "[output][gate]") {
    GateFolder dir;
    REQUIRE(mkfifo((dir / "fifo").c_str(), 0600) == 0);
    write_file_atomic(dir / "model.bin", std::string("a model"));
    // Before the gate this opened the FIFO and waited for a reader: the test would hang, not fail.
    CHECK_THAT(error_of(command_generate, {"repro", "generate", dir / "model.bin", "--out", dir / "fifo"}),
               Contains("--out: " + dir / "fifo" + " is a FIFO (named pipe), not a regular file"));
    REQUIRE(symlink("fifo", (dir / "link").c_str()) == 0);
    CHECK_THAT(error_of(command_generate, {"repro", "generate", dir / "model.bin", "--out", dir / "link"}),
               Contains("(a symbolic link to " + dir / "fifo" + ") is a FIFO"));
    Samples samples = parse_samples("1 -1\n", "s.txt", true);
    CHECK_THROWS_WITH(write_samples(dir / "fifo", samples), Contains("is a FIFO (named pipe)"));
    struct stat info;
    REQUIRE(stat((dir / "fifo").c_str(), &info) == 0);
    CHECK(S_ISFIFO(info.st_mode));
}

TEST_CASE("gate 4: a symbolic link planted at the old, predictable temporary name redirects nothing", "[output][gate]") {
    GateFolder dir;
    std::string train = training_data(dir);
    write_file_atomic(dir / "victim.txt", std::string("precious\n"));
    // The names the old code would have used for this process: TARGET.tmp.<host>.<pid> and TARGET.tmp.<pid>.
    std::string pid = std::to_string((long)getpid());
    for (const std::string& name : {"atk.txt.tmp." + host_name() + "." + pid, "atk.txt.tmp." + pid})
        REQUIRE(symlink((dir / "victim.txt").c_str(), (dir / name).c_str()) == 0);
    REQUIRE(run(command_infer, {"repro", "infer", train, "--out", dir / "atk.txt", "--quiet", "--eps-grid", "0.5"}) == 0);
    CHECK(read_file(dir / "victim.txt") == "precious\n");
    struct stat info;
    REQUIRE(lstat((dir / "atk.txt").c_str(), &info) == 0);
    CHECK(S_ISREG(info.st_mode));
    CHECK(read_params(dir / "atk.txt").n == 4);
    for (const std::string& name : {"atk.txt.tmp." + host_name() + "." + pid, "atk.txt.tmp." + pid}) {
        REQUIRE(lstat((dir / name).c_str(), &info) == 0);  // the planted links are neither followed nor renamed
        CHECK(S_ISLNK(info.st_mode));
    }
}

TEST_CASE("gate 5: a signal inherited as ignored (nohup) stays ignored; the output is kept", "[output][gate]") {
    GateFolder dir;
    int status = in_child([&]() {
        signal(SIGHUP, SIG_IGN);  // as nohup leaves it
        AtomicFileGroup group;
        write_file_atomic(dir / "out.txt", std::string("result\n"));
        raise(SIGHUP);  // the terminal closes while the temporary file exists
        group.commit();
        return 0;
    });
    CHECK(status == 0);
    CHECK(read_file(dir / "out.txt") == "result\n");
    // A signal that is not ignored still removes the temporary file and ends the process by it.
    status = in_child([&]() {
        signal(SIGHUP, SIG_DFL);
        AtomicFileGroup group;
        write_file_atomic(dir / "other.txt", std::string("x"));
        raise(SIGHUP);
        return 0;
    });
    CHECK(status == 128 + SIGHUP);
    CHECK_FALSE(has_entry_containing(dir.path, ".tmp."));
}

TEST_CASE("gate 6: --max-input-bytes applies to standard input", "[output][gate]") {
    int status = in_child([]() {
        int pipe_ends[2];
        if (pipe(pipe_ends) != 0) return 2;
        std::string lines;
        for (int k = 0; k < 5000; k++) lines += "1 -1 1\n";  // 35 kB, within a pipe's buffer
        if (write(pipe_ends[1], lines.data(), lines.size()) != (ssize_t)lines.size()) return 3;
        close(pipe_ends[1]);
        dup2(pipe_ends[0], 0);
        set_max_input_bytes(1000);
        try {
            read_input("-");
        } catch (const std::runtime_error& error) {
            std::string text = error.what();
            return text.find("cannot read standard input: larger than 1000 bytes (--max-input-bytes") != std::string::npos ? 0 : 4;
        }
        return 5;
    });
    CHECK(status == 0);
}

TEST_CASE("gate 8: figure options are range-checked before they are narrowed", "[output][gate]") {
    GateFolder dir;
    auto fig2 = [&](std::vector<std::string> extra) {
        std::vector<std::string> words = {"repro", "fig2", "--out", dir / "fig2", "--quiet"};
        words.insert(words.end(), extra.begin(), extra.end());
        return error_of(command_fig2, words);
    };
    CHECK_THAT(fig2({"--M", "4294967496"}), Contains("option --M must be between 10 and 1000000000, got 4294967496"));
    CHECK_THAT(fig2({"--n", "4294967304"}), Contains("option --n must be between 2 and 200, got 4294967304"));
    CHECK_THAT(fig2({"--members", "4294967297"}), Contains("option --members must be between 1 and 1000"));
    CHECK_THAT(fig2({"--M-plus", "9999999999"}), Contains("option --M-plus must be between 10 and 100000000"));
    CHECK_THAT(fig2({"--batch", "4294967297"}), Contains("option --batch must be between 1 and 65536"));
    CHECK_THAT(error_of(command_fig3, {"repro", "fig3", "--out", dir / "fig3", "--M", "9999999999"}),
               Contains("option --M must be between 10 and 1000000000, got 9999999999"));
    CHECK_THAT(error_of(command_fig4, {"repro", "fig4", "--out", dir / "fig4", "--M-list", "1000,4294967496"}),
               Contains("--M-list values must be between 10 and 1000000000"));
    CHECK_THAT(error_of(command_fig5, {"repro", "fig5", "--out", dir / "fig5", "--rbm-epochs", "4294967297"}),
               Contains("option --rbm-epochs must be between 1 and 1000000"));
    CHECK_THAT(error_of(command_fig6, {"repro", "fig6", "--out", dir / "fig6", "--k-max", "4294967297"}),
               Contains("option --k-max must be between 1 and 24"));
    CHECK_THAT(error_of(command_fig7, {"repro", "fig7", "--out", dir / "fig7", "--n", "4294967298"}),
               Contains("option --n must be between 2 and 100000"));
    CHECK_FALSE(has_entry_containing(dir.path, "fig"));  // refused before any folder was made
}

TEST_CASE("gate 9: a signal during a group's renames waits until every file is in place", "[output][gate]") {
    GateFolder dir;
    write_file_atomic(dir / "samples.txt", std::string("old samples\n"));
    write_file_atomic(dir / "truth.txt", std::string("old truth\n"));
    int status = in_child([&]() {
        signal(SIGTERM, SIG_DFL);  // as in ./repro, not Catch's handler
        atomic_group_between_renames_for_tests = []() { raise(SIGTERM); };
        AtomicFileGroup group;
        write_file_atomic(dir / "samples.txt", std::string("new samples\n"));
        write_file_atomic(dir / "truth.txt", std::string("new truth\n"));
        group.commit();
        return 0;
    });
    CHECK(status == 128 + SIGTERM);  // the signal still ends the run, after the last rename
    CHECK(read_file(dir / "samples.txt") == "new samples\n");
    CHECK(read_file(dir / "truth.txt") == "new truth\n");
    CHECK_FALSE(has_entry_containing(dir.path, ".tmp."));
}

TEST_CASE("gate 10: standard input, side files, standard output and long names", "[output][gate]") {
    GateFolder dir;
    std::string train = training_data(dir), original = read_file(train);
    SECTION("infer - --out S < S: standard input is the output's file") {
        int status = in_child([&]() {
            int fd = open(train.c_str(), O_RDONLY);
            dup2(fd, 0);
            std::string error = error_of(command_infer, {"repro", "infer", "-", "--out", train, "--quiet"});
            return error.find("is the same file as standard input (the input SAMPLES -)") != std::string::npos ? 0 : 1;
        });
        CHECK(status == 0);
        CHECK(read_file(train) == original);
    }
    SECTION("--save-model that cannot be written is refused before training") {
        write_file_atomic(dir / "ro.bin", std::string("keep"));
        chmod((dir / "ro.bin").c_str(), 0444);
        REQUIRE(mkfifo((dir / "fifo").c_str(), 0600) == 0);
        REQUIRE(mkdir((dir / "folder").c_str(), 0755) == 0);
        CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "ro.bin"})),
                   Contains("--save-model: " + dir / "ro.bin" + " is read-only (mode 0444)"));
        CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "fifo"})),
                   Contains("is a FIFO"));
        CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", dir / "folder"})),
                   Contains("is a directory"));
        CHECK_THAT(error_of(command_augment, augment_words(train, {"--out", dir / "a.txt", "--save-model", "-"})),
                   Contains("--save-model -: standard output cannot take this file; name a file"));
        CHECK_FALSE(path_exists(dir / "a.txt"));
    }
    SECTION("the checkpoint's side files are outputs too") {
        make_directories(dir / "ck");
        write_file_atomic(dir / "ck/ckpt.bin.run.txt", original);
        CHECK_THAT(error_of(command_augment, augment_words(dir / "ck/ckpt.bin.run.txt",
                                                           {"--out", dir / "a.txt", "--checkpoint-dir", dir / "ck",
                                                            "--checkpoint-every", "5"})),
                   Contains("the checkpoint's run record (--checkpoint-dir) " + dir / "ck/ckpt.bin.run.txt" +
                            " is the same file as the input TRAIN"));
        CHECK(read_file(dir / "ck/ckpt.bin.run.txt") == original);
    }
    SECTION("evaluate, energy and store --list fail when standard output cannot be written") {
        write_file_atomic(dir / "ro.txt", std::string("x"));
        auto with_broken_stdout = [&](int (*command)(int, char**), std::vector<std::string> words) {
            return in_child([&]() {
                int fd = open((dir / "ro.txt").c_str(), O_RDONLY);  // writes to it fail with EBADF
                dup2(fd, 1);
                std::string error = error_of(command, words);
                return error.find("error writing standard output") != std::string::npos ? 0 : 1;
            });
        };
        CHECK(with_broken_stdout(command_evaluate, {"repro", "evaluate", dir / "truth.txt", dir / "truth.txt"}) == 0);
        CHECK(with_broken_stdout(command_energy, {"repro", "energy", train, dir / "truth.txt"}) == 0);
        CHECK(with_broken_stdout(command_store, {"repro", "store", "--store", dir / "store", "--list"}) == 0);
    }
    SECTION("a 250-character name is written (the temporary name is shortened, not the target's)") {
        std::string name(250, 'p');
        REQUIRE(run(command_infer, {"repro", "infer", train, "--out", dir / name, "--quiet", "--method", "mf"}) == 0);
        CHECK(read_params(dir / name).n == 4);
    }
    SECTION("PLM's --lambda and the weights are bounded, instead of ending in internal solver messages") {
        CHECK_THAT(error_of(command_infer, {"repro", "infer", train, "--out", dir / "p.txt", "--method", "plm", "--lambda",
                                            "1e308"}),
                   Contains("--lambda needs a number from 0 to 1e6 or 'auto', got '1e308'"));
        SampleReadOptions weighted;
        weighted.quiet = true;
        weighted.weights_column = "3";
        CHECK_THROWS_WITH(parse_samples("1 -1 1e300\n-1 1 2\n", "w.txt", weighted, nullptr),
                          Contains("bad weight '1e300' (expected a count or weight from 0 to 1e15)"));
    }
    SECTION("a file with carriage returns only (old Mac line ends) is read as rows, not as one row") {
        Samples samples = parse_samples("1 -1 1\r-1 1 1\r1 1 -1\r", "cr.txt", true);
        CHECK(samples.count == 3);
        CHECK(samples.n == 3);
        CHECK(samples.spins[3] == -1);
    }
    SECTION("'-' is standard output only where it can be; standard input and output are not one file") {
        CHECK_THAT(error_of(command_sample, {"repro", "sample", "--n", "4", "--M", "20", "--out", "-"}),
                   Contains("--out - (standard output) needs --truth FILE"));
        CHECK_FALSE(path_exists("-.truth.txt"));
        int status = in_child([&]() {
            int in = open(train.c_str(), O_RDONLY), out = open((dir / "stdout.txt").c_str(), O_WRONLY | O_CREAT, 0644);
            dup2(in, 0);
            dup2(out, 1);
            return run(command_augment, augment_words("-", {"--out", "-"}));
        });
        CHECK(status == 0);
        CHECK(read_samples(dir / "stdout.txt", true).count == 10);
    }
}

// Every command of `repro --help`, with each of its file options given: the gate must see every one of them. An
// option whose value is a file or folder (FILE, PATH, DIR, ...) that a command's --help lists but its gate does not
// declare fails here, and so does a new command missing from this table.
namespace {

struct CommandFiles {
    const char* name;
    std::vector<std::string> words;  // after "repro NAME"; every file option given
};

std::vector<CommandFiles> command_files(const GateFolder& dir) {
    std::string f = dir.path + "/";
    return {
        {"sample", {"--out", f + "s.txt", "--truth", f + "t.txt"}},
        {"infer", {f + "in.txt", "--out", f + "p.txt", "--method", "plm", "--lambda", "auto", "--validation", f + "v.txt"}},
        {"evaluate", {f + "p.txt", f + "t.txt"}},
        {"energy", {f + "in.txt", f + "p.txt"}},
        {"augment", {f + "in.txt", "--out", f + "a.txt", "--checkpoint-every", "5", "--checkpoint-dir", f + "ck",
                     "--resume", f + "r.bin", "--save-model", f + "m.bin", "--stop", "energy-variance", "--test",
                     f + "test.txt"}},
        {"generate", {f + "m.bin", "--out", f + "g.txt", "--like", f + "in.txt"}},
        {"retina-info", {"--data", f + "r.mat"}},
        {"fig2", {"--out", f + "o2", "--store", f + "store"}},
        {"fig3", {"--out", f + "o3", "--store", f + "store"}},
        {"fig4", {"--out", f + "o4", "--store", f + "store"}},
        {"fig5", {"--out", f + "o5", "--store", f + "store"}},
        {"fig6", {"--out", f + "o6", "--store", f + "store", "--data", f + "r.mat"}},
        {"fig7", {"--out", f + "o7", "--store", f + "store"}},
        {"all", {"--out", f + "all", "--store", f + "store"}},
        {"store", {"--store", f + "store", "--list"}},
        {"assess", {f + "in.txt", "--out", f + "as", "--test", f + "test.txt"}},
        {"fig8", {"--out", f + "o8", "--store", f + "store"}},
    };
}

// The options of `repro NAME --help` whose value names a file or a folder (by its value name, or a name in -dir).
std::vector<std::string> file_options_in_help(const Command& command, const GateFolder& dir) {
    std::string help_path = dir / (std::string(command.name) + ".help");
    int status = in_child([&]() {
        int fd = open(help_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, 1);
        run(command.run, {"repro", command.name, "--help"});
        return 1;  // --help exits 0 itself
    });
    REQUIRE(status == 0);
    std::vector<std::string> options;
    static const std::set<std::string> file_values = {"FILE", "PATH", "DIR", "SAMPLES", "TRUTH", "PARAMS", "MODEL",
                                                       "AUGMENTED", "TRAIN", "TEST", "CHECKPOINT"};
    std::string text = read_file(help_path), line;
    for (size_t start = 0, end; start < text.size(); start = end + 1) {
        end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        line = text.substr(start, end - start);
        size_t dashes = line.find("  --");
        if (dashes != 0) continue;
        size_t name_end = line.find(' ', 4);
        if (name_end == std::string::npos) continue;
        size_t value_end = line.find(' ', name_end + 1);
        std::string value = line.substr(name_end + 1, value_end - name_end - 1);
        std::string name = line.substr(4, name_end - 4);
        bool folder = name.size() > 4 && name.compare(name.size() - 4, 4, "-dir") == 0;  // --checkpoint-dir D
        if (file_values.count(value) || folder) options.push_back(name);
    }
    return options;
}

}  // namespace

TEST_CASE("gate: every file option of every command is declared to the gate", "[output][gate]") {
    GateFolder dir;
    std::vector<CommandFiles> table = command_files(dir);
    struct DryRun {  // on for this test only, whatever fails inside it
        DryRun() { set_gate_dry_run(true); }
        ~DryRun() { set_gate_dry_run(false); }
    };
    auto dry_run = std::make_unique<DryRun>();
    for (const Command& command : command_table()) {
        INFO("repro " << command.name);
        const CommandFiles* files = nullptr;
        for (const CommandFiles& entry : table)
            if (entry.name == std::string(command.name)) files = &entry;
        REQUIRE(files != nullptr);  // a new command: add it to command_files with every file option it takes
        std::vector<std::string> words = {"repro", command.name};
        words.insert(words.end(), files->words.begin(), files->words.end());
        bool stopped_at_gate = false;
        try {
            run(command.run, words);
        } catch (const GateDryRun&) {
            stopped_at_gate = true;
        } catch (const std::exception& error) {
            FAIL_CHECK("stopped before the gate: " << error.what());
        }
        CHECK(stopped_at_gate);
        std::vector<std::string> roles = last_declared_roles();
        std::string all_roles;
        for (const std::string& role : roles) all_roles += role + "; ";
        INFO("declared: " << all_roles);
        for (const std::string& option : file_options_in_help(command, dir)) {
            INFO("--" << option);
            bool declared = all_roles.find("--" + option + " ") != std::string::npos ||
                            all_roles.find("--" + option + ";") != std::string::npos ||
                            all_roles.find("--" + option + ")") != std::string::npos;
            CHECK(declared);
        }
    }
    dry_run.reset();
    CHECK_FALSE(has_entry_containing(dir.path, "o2"));  // the dry run made no folder
}

TEST_CASE("gate: while a gate is alive, an undeclared file cannot be written", "[output][gate]") {
    GateFolder dir;
    {
        FileGate gate;
        gate.output("--out", dir / "declared.txt");
        gate.check();
        write_file_atomic(dir / "declared.txt", std::string("ok"));
        CHECK_THROWS_WITH(write_file_atomic(dir / "other.txt", std::string("x")),
                          Contains("was not declared to the output gate"));
    }
    write_file_atomic(dir / "other.txt", std::string("no gate, library use"));
    CHECK(read_file(dir / "declared.txt") == "ok");
}

TEST_CASE("gate 7: under an address-space limit too small for OpenBLAS, a message instead of a silent spin", "[output][gate]") {
    // In a child: the limit is set to what the process uses now plus 64 MiB, less than one OpenBLAS buffer.
    int status = in_child([]() {
        std::string statm = read_file("/proc/self/statm");
        unsigned long long pages = std::strtoull(statm.c_str(), nullptr, 10);
        unsigned long long used = pages * (unsigned long long)sysconf(_SC_PAGE_SIZE);
        struct rlimit tight = {used + (64ull << 20), used + (64ull << 20)};
        if (setrlimit(RLIMIT_AS, &tight) != 0) return 2;
        try {
            require_blas_buffers(1, 1);
        } catch (const AddressSpaceError& error) {
            std::string text = error.what();
            return text.find("the address-space limit (ulimit -v") != std::string::npos &&
                           text.find("OpenBLAS maps 128 MiB per thread and still needs 138 MB for --threads 1") !=
                               std::string::npos ? 0 : 3;
        }
        return 4;
    });
    CHECK(status == 0);
    status = in_child([]() {  // with room for the buffer, no complaint
        std::string statm = read_file("/proc/self/statm");
        unsigned long long used = std::strtoull(statm.c_str(), nullptr, 10) * (unsigned long long)sysconf(_SC_PAGE_SIZE);
        struct rlimit roomy = {used + (400ull << 20), used + (400ull << 20)};
        if (setrlimit(RLIMIT_AS, &roomy) != 0) return 2;
        require_blas_buffers(1, 1);
        return 0;
    });
    CHECK(status == 0);
}
