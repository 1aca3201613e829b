#include "output_gate.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "output_paths.h"

// The living gates: write_file_atomic asks the innermost one (and, through it, the outer ones).
static std::mutex gate_lock;
static FileGate* current_gate = nullptr;
static bool dry_run = false;
static std::vector<std::string> declared_roles;

FileGate::FileGate() {
    std::lock_guard<std::mutex> guard(gate_lock);
    outer = current_gate;
    current_gate = this;
}

FileGate::~FileGate() {
    std::lock_guard<std::mutex> guard(gate_lock);
    if (current_gate == this) current_gate = outer;
}

void FileGate::input(const std::string& role, const std::string& path) {
    if (!path.empty()) inputs.push_back({role, path, "", false, false});
    else unused_roles.push_back(role);  // declared but not given this time (the walk over every option sees it)
}

void FileGate::output(const std::string& role, const std::string& path, bool stdout_allowed, const std::string& updates) {
    if (!path.empty()) outputs.push_back({role, path, updates, stdout_allowed, false});
    else unused_roles.push_back(role);
}

void FileGate::output_folder(const std::string& role, const std::string& path) {
    if (!path.empty()) outputs.push_back({role, path, "", false, true});
}

static std::string shown(const FileGate::Entry& file) { return file.role + " " + file.path; }

// The option a role comes from: "--save-model" of "--save-model", "--checkpoint-dir" of "the checkpoint
// (--checkpoint-dir)"; the role itself when it names none.
static std::string option_of(const std::string& role) {
    size_t at = role.find("--");
    if (at == std::string::npos) return role;
    size_t end = role.find_first_of(" )", at);
    return role.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

// Standard input, when it is a regular file, is that file: `repro infer - --out s.txt < s.txt` reads s.txt.
static bool stdin_is_file(struct stat* info) { return fstat(0, info) == 0 && S_ISREG(info->st_mode); }

static bool same_as_stdin(const std::string& path) {
    struct stat in, out;
    return stdin_is_file(&in) && stat(path.c_str(), &out) == 0 && in.st_dev == out.st_dev && in.st_ino == out.st_ino;
}

// "-": standard output where allowed, at most once.
static void check_standard_output(const std::vector<FileGate::Entry>& outputs) {
    const FileGate::Entry* first = nullptr;
    for (const FileGate::Entry& file : outputs) {
        if (file.path != "-") continue;
        if (!file.stdout_allowed || file.folder)
            throw std::runtime_error(file.role + " -: standard output cannot take this file; name a file");
        if (first)
            throw std::runtime_error(first->role + " - and " + file.role + " - both name standard output: name a file "
                                     "for one of them");
        first = &file;
    }
}

// An output must not be an input (but the one it `updates`), standard input or an earlier output.
static void check_identity(const std::vector<FileGate::Entry>& outputs, const std::vector<FileGate::Entry>& inputs,
                           size_t k) {
    const FileGate::Entry& output = outputs[k];
    for (const FileGate::Entry& input : inputs) {
        if (input.role == output.updates) continue;
        bool same = input.path == "-" ? same_as_stdin(output.path) : same_file(output.path, input.path);
        if (same)
            throw std::runtime_error(shown(output) + " is the same file as " +
                                     (input.path == "-" ? "standard input (" + shown(input) + ")" : shown(input)) +
                                     ": refusing to overwrite an input (choose another " + option_of(output.role) + ")");
    }
    for (size_t j = 0; j < k; j++)
        if (!outputs[j].folder && outputs[j].path != "-" && same_file(outputs[j].path, output.path))
            throw std::runtime_error(shown(outputs[j]) + " and " + shown(output) +
                                     " name the same file: choose two different files");
}

// A folder that exists (or is made here) and can take new files.
static void check_folder(const std::string& role, const std::string& what, const std::string& folder) {
    if (!path_exists(folder)) make_directories(folder);
    struct stat info;
    if (stat(folder.c_str(), &info) != 0 || !S_ISDIR(info.st_mode))
        throw std::runtime_error("cannot write " + what + ": " + folder + " is not a directory");
    if (access(folder.c_str(), W_OK | X_OK) != 0)
        throw std::runtime_error("cannot write " + what + ": directory " + folder + " is not writable (" +
                                 std::strerror(errno) + ")");
    (void)role;
}

// A folder a command writes into: a folder that can take new files, or one the command can make (the nearest folder
// that exists is writable). Not made here: `repro fig3 --list-jobs` creates nothing.
static void check_output_folder(const FileGate::Entry& output) {
    std::string folder = output.path;
    struct stat info;
    while (stat(folder.c_str(), &info) != 0) {
        if (errno != ENOENT) throw std::runtime_error("cannot write " + shown(output) + ": " + std::strerror(errno));
        std::string parent = canonical_path(folder + "/..");
        if (parent == canonical_path(folder)) break;
        folder = parent;
    }
    if (!S_ISDIR(info.st_mode))
        throw std::runtime_error(shown(output) + ": " + folder + " is not a directory: refusing to write into it");
    if (access(folder.c_str(), W_OK | X_OK) != 0)
        throw std::runtime_error("cannot write " + shown(output) + ": directory " + folder + " is not writable (" +
                                 std::strerror(errno) + ")");
}

// Kind and writability of one output file; returns the file that will be written (links followed).
static std::string check_output_file(const FileGate::Entry& output) {
    std::string target;
    try {
        target = output_target(output.path);  // throws for a device, FIFO, directory, socket or read-only file
    } catch (const std::runtime_error& error) {
        std::string text = error.what();
        bool device_like = text.find("not a regular file") != std::string::npos && text.find("a directory") == std::string::npos;
        throw std::runtime_error(output.role + ": " + text +
                                 (device_like && output.stdout_allowed ? " ('-' writes to standard output)" : ""));
    }
    size_t slash = target.rfind('/');
    check_folder(output.role, shown(output), slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash)));
    return target;
}

void FileGate::check() {
    check_standard_output(outputs);
    admitted.clear();
    admitted_folders.clear();
    for (size_t k = 0; k < outputs.size(); k++) {
        const Entry& output = outputs[k];
        if (output.path == "-") continue;
        if (output.folder) {
            check_output_folder(output);
            std::string folder = canonical_path(output.path);
            admitted_folders.push_back(folder.back() == '/' ? folder : folder + "/");
            continue;
        }
        check_identity(outputs, inputs, k);
        admitted.push_back(canonical_path(check_output_file(output)));
    }
    checked = true;
    std::lock_guard<std::mutex> guard(gate_lock);
    if (!dry_run) return;
    declared_roles.clear();
    for (const Entry& file : inputs) declared_roles.push_back(file.role);
    for (const Entry& file : outputs) declared_roles.push_back(file.role);
    declared_roles.insert(declared_roles.end(), unused_roles.begin(), unused_roles.end());
    throw GateDryRun("dry run: every declared file passed the gate");
}

static bool gate_admits(const FileGate* gate, const std::string& file) {
    for (; gate; gate = gate->outer) {
        if (!gate->checked) continue;
        for (const std::string& admitted : gate->admitted)
            if (admitted == file) return true;
        for (const std::string& folder : gate->admitted_folders)
            if (file.compare(0, folder.size(), folder) == 0) return true;
    }
    return false;
}

void output_gate_admit(const std::string& target) {
    std::lock_guard<std::mutex> guard(gate_lock);
    if (!current_gate) return;
    if (!gate_admits(current_gate, canonical_path(target)))
        throw std::logic_error("internal error: " + target + " was not declared to the output gate (data/output_gate.h) "
                               "before it was written; please report this");
}

void set_gate_dry_run(bool on) {
    std::lock_guard<std::mutex> guard(gate_lock);
    dry_run = on;
    declared_roles.clear();
}

std::vector<std::string> last_declared_roles() {
    std::lock_guard<std::mutex> guard(gate_lock);
    return declared_roles;
}

void finish_standard_output() {
    if (std::fflush(stdout) != 0 || std::ferror(stdout))
        throw std::runtime_error(std::string("error writing standard output: ") + std::strerror(errno));
}
