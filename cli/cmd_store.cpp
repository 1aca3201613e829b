// repro store [--store DIR] --list | --clear: shows or empties the store of trained models and generated sets
// (data/store.h). --clear asks nothing (scripts and job arrays call it), so it is guarded instead: it removes only the
// one folder it is pointed at, and only if that folder is a store (its STORE marker, nothing but entries, locks
// and temporary folders in it); anything else is refused with the name of what does not belong.
#include <cstdio>
#include <string>

#include "../data/output_gate.h"
#include "../data/store.h"
#include "../runner/args.h"
#include "commands.h"

// "1.2 MB" (decimal units, as du -h --si and file managers show).
static std::string bytes_text(uint64_t bytes) {
    char text[32];
    if (bytes < 1000) std::snprintf(text, sizeof text, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1000000) std::snprintf(text, sizeof text, "%.1f kB", bytes / 1e3);
    else if (bytes < 1000000000) std::snprintf(text, sizeof text, "%.1f MB", bytes / 1e6);
    else std::snprintf(text, sizeof text, "%.2f GB", bytes / 1e9);
    return text;
}

int command_store(int argc, char** argv) {
    Args args = parse_args_with(
        argc, argv, 2, "repro store [--store DIR] --list | --clear",
        "The store of trained models and generated sample sets that figures share: one folder per key, a hash of\n"
        "what determines the entry (training data, denoiser configuration, iterations, seed, threads).\n"
        "--list prints key, size, creation date and what each entry holds; --clear removes the store folder\n"
        "(only if it is a store). The folder is --store, else $REPRO_STORE, else results/.store.",
        {{"store", "DIR", "", "the store folder (default $REPRO_STORE, else results/.store)"},
         {"list", "", "", "list the entries"},
         {"clear", "", "", "remove the store folder and every entry in it"}},
        0, 0, {"quiet"});
    bool list = arg_flag(args, "list"), clear = arg_flag(args, "clear");
    if (list == clear) throw UsageError("give exactly one of --list and --clear");
    std::string dir = store_dir_choose(arg_given(args, "store") ? arg_string(args, "store") : "");
    FileGate gate;  // --list reads the store; --clear removes it, guarded by store_clear (data/store.h), not written
    gate.input("--store", dir);
    gate.check();
    if (clear) {
        StoreClearResult removed = store_clear(dir);
        if (!arg_flag(args, "quiet"))
            std::printf("%s: removed %d entries and %d unfinished ones, %s\n", dir.c_str(), removed.entries,
                        removed.temporaries, bytes_text(removed.bytes).c_str());
        finish_standard_output();
        return 0;
    }
    std::vector<StoreEntry> entries = store_list(dir);
    uint64_t total = 0;
    std::printf("%-32s  %9s  %-23s  %s\n", "key", "size", "created", "what");
    for (const StoreEntry& entry : entries) {
        std::printf("%-32s  %9s  %-23s  %s\n", entry.key.c_str(), bytes_text(entry.bytes).c_str(),
                    entry.created.c_str(), entry.what.c_str());
        total += entry.bytes;
    }
    std::printf("%zu entries, %s in %s\n", entries.size(), bytes_text(total).c_str(), dir.c_str());
    finish_standard_output();  // `repro store --list > full-disk/x` must not exit 0
    return 0;
}
