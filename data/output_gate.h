// The one gate every file a command writes goes through (issue 27). A command declares, before any work, every file
// it reads (standard input included) and every file it writes (side files included: a checkpoint's .run.txt, the
// rule's trace), then calls check(), which refuses in one place what each command used to check by hand and forget:
//   - identity: an output that is an input, or two outputs that are one file, compared by device and inode (hard
//     links, symbolic links, "./x" and "d/../x" are the same file); standard input is compared too when it is a
//     regular file (`repro infer - --out s.txt < s.txt`);
//   - kind: a directory, FIFO, character or block device or socket is never written into (a FIFO would hang the
//     run or feed a stranger; a device would be overwritten);
//   - writability: a read-only file (unless --force) or a folder that cannot take new files;
//   - the name "-": standard output where the command allows it, refused where it does not (a model file), and
//     never by two outputs; standard input and standard output are not one file.
// While a gate is alive it is also the only way to open a file for writing: write_file_atomic (atomic_file.h)
// refuses, as an internal error, any path the living gate did not check. A figure declares folders: every file
// under them is admitted.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

class FileGate {
public:
    FileGate();   // from here to the destructor, write_file_atomic writes only what this gate checked
    ~FileGate();
    FileGate(const FileGate&) = delete;
    FileGate& operator=(const FileGate&) = delete;

    // A file the command reads; "-" is standard input; "" (an option not given) is skipped. `role` is how messages
    // name it: "the input TRAIN", "--test".
    void input(const std::string& role, const std::string& path);
    // A file the command writes. "-" is standard output if `stdout_allowed`, else refused. `updates` names the role
    // of an input this output may be (a checkpoint continued in place: --resume D/ckpt.bin --checkpoint-dir D).
    void output(const std::string& role, const std::string& path, bool stdout_allowed = false,
                const std::string& updates = "");
    // A folder the command writes files into (a figure's --out DIR): it must be a writable folder, or not exist yet
    // under a writable one (it is not made here); every file under it is admitted.
    void output_folder(const std::string& role, const std::string& path);
    // Every check above; throws std::runtime_error naming the option(s). Creates missing parent folders.
    void check();

    struct Entry {
        std::string role, path, updates;
        bool stdout_allowed = false, folder = false;
    };
    std::vector<Entry> inputs, outputs;
    std::vector<std::string> unused_roles;      // roles declared with no file this time (for the dry run's record)
    std::vector<std::string> admitted;         // canonical targets of checked outputs
    std::vector<std::string> admitted_folders;  // canonical folders, each ending in '/'
    bool checked = false;
    FileGate* outer = nullptr;  // a gate alive when this one was made (repro all runs each figure's command)
};

// Called by write_file_atomic with the file it is about to create: throws std::logic_error if a gate is alive and
// did not check it (an output some command forgot to declare). Without a living gate (library code, tests) it admits
// everything.
void output_gate_admit(const std::string& target);

// For the test that walks every command's options: with a dry run on, check() records the roles every gate
// declared (inputs and outputs) and, when all checks pass, throws GateDryRun instead of returning, so that the
// command stops before any work.
struct GateDryRun : std::runtime_error {
    using std::runtime_error::runtime_error;
};
void set_gate_dry_run(bool on);
std::vector<std::string> last_declared_roles();

// For commands that print their result: flushes standard output and throws if any write to it failed (a full disk,
// a closed pipe), so that the exit status says so.
void finish_standard_output();
