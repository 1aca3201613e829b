// repro: reproduces "Data augmentation using diffusion models to enhance inverse Ising inference"
// (Lim, Lee, Jo, 2025). This file only dispatches to the subcommands in cli/ (commands) and figures/ (the figures),
// after choosing the BLAS kernels (cli/blas_startup.cpp).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <unistd.h>
#include <vector>

#include "runner/args.h"
#include "cli/blas_startup.h"
#include "cli/commands.h"
#include "data/address_space.h"
#include "data/version.h"
#include "nn/blas_core.h"

// Usage goes to stdout when asked for (--help) and to stderr when it answers a wrong command line.
static void print_help(FILE* stream) {
    std::fprintf(stream, "repro: reproduces Lim, Lee & Jo (2025), \"Data augmentation using diffusion models to enhance\n"
                "inverse Ising inference\".\n\nusage: repro COMMAND [options]   (repro COMMAND --help for its options)\n\n"
                "commands:\n");
    for (const Command& command : command_table()) std::fprintf(stream, "  %-12s %s\n", command.name, command.summary);
    std::fprintf(stream, "\n  repro --version   the version, the git commit it was built from and the BLAS kernels in use\n");
}

// The command nearest to a mistyped one, if it is near enough to be what was meant ("" otherwise).
static std::string nearest_command(const std::string& typed) {
    std::vector<std::string> names;
    for (const Command& command : command_table()) names.push_back(command.name);
    return nearest_word(typed, names);
}

int main(int argc, char** argv) {
    int blas_status = blas_startup(argc, argv);  // may start repro again with better BLAS kernels (cli/blas_startup.cpp)
    if (blas_status >= 0) return blas_status;
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        print_help(stdout);
        return 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
        std::printf("repro %s\nBLAS: %s\n", repro_version(), blas_description().c_str());
        return 0;
    }
    for (const Command& command : command_table()) {
        if (std::strcmp(argv[1], command.name) != 0) continue;
        try {
            return command.run(argc, argv);
        } catch (const UsageError& error) {
            std::fprintf(stderr, "repro %s: %s (see repro %s --help)\n", command.name, error.what(), command.name);
            return 2;
        } catch (const AddressSpaceError& error) {
            std::fprintf(stderr, "repro %s: error: %s\n", command.name, error.what());
            std::fflush(stdout);
            std::fflush(stderr);
            _exit(1);  // an OpenBLAS thread may be spinning on the same limit: a normal exit would wait for it forever
        } catch (const std::bad_alloc&) {
            std::fprintf(stderr, "repro %s: error: out of memory: the data or the model are larger than this machine's "
                         "memory allows (smaller n, M, --M-plus or --widths need less)\n", command.name);
            return 1;
        } catch (const std::exception& error) {
            std::fprintf(stderr, "repro %s: error: %s\n", command.name, error.what());
            return 1;
        }
    }
    std::string nearest = nearest_command(argv[1]);
    if (!nearest.empty()) std::fprintf(stderr, "repro: unknown command '%s'; did you mean '%s'? (see repro --help)\n", argv[1], nearest.c_str());
    else std::fprintf(stderr, "repro: unknown command '%s' (see repro --help)\n", argv[1]);
    return 2;
}
