// repro: reproduces "Data augmentation using diffusion models to enhance inverse Ising inference"
// (Lim, Lee, Jo, 2025). This file only dispatches to the subcommands in cli/ (commands) and figures/ (experiments/fig2.cpp until it moves).
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/args.h"
#include "cli/commands.h"
#include "data/version.h"

struct Command {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* summary;
};

static const Command commands[] = {
    {"sample", command_sample, "Metropolis samples of SK or your own parameters (--params)"},
    {"infer", command_infer, "infer Ising parameters (erasure machine or exact MLE)"},
    {"evaluate", command_evaluate, "MSE of inferred against true parameters, Eq. (23)"},
    {"energy", command_energy, "mean and variance of E(sigma) over samples, Eq. (2)"},
    {"augment", command_augment, "train a DDPM on samples and generate augmented samples"},
    {"generate", command_generate, "more samples from a model saved by augment --save-model"},
    {"assess", command_assess, "does augmentation help the inference of your data? (cross-validated)"},
    {"retina-info", command_retina_info, "statistics of the salamander retina recording"},
    {"fig2", command_fig2, "Fig. 2: MSE and energy variance along diffusion training"},
    {"fig3", command_fig3, "Fig. 3: MSE vs coupling scale g"},
    {"fig4", command_fig4, "Fig. 4: MSE vs M and M+"},
    {"fig5", command_fig5, "Fig. 5: RBM and VAE against diffusion"},
    {"fig6", command_fig6, "Fig. 6: retina, reconstruction of missing neurons"},
    {"fig7", command_fig7, "Fig. 7 (beyond the paper): does augmentation help each solver (EM, PLM, MF)?"},
    {"fig8", command_fig8, "Fig. 8 (beyond the paper): does repro assess pick the MSE-best pipeline?"},
    {"all", command_all, "every figure, then results/README.md"},
    {"store", command_store, "list or clear the store of trained models the figures share"},
};

// Usage goes to stdout when asked for (--help) and to stderr when it answers a wrong command line.
static void print_help(FILE* stream) {
    std::fprintf(stream, "repro: reproduces Lim, Lee & Jo (2025), \"Data augmentation using diffusion models to enhance\n"
                "inverse Ising inference\".\n\nusage: repro COMMAND [options]   (repro COMMAND --help for its options)\n\n"
                "commands:\n");
    for (const Command& command : commands) std::fprintf(stream, "  %-12s %s\n", command.name, command.summary);
    std::fprintf(stream, "\n  repro --version   the version and the git commit it was built from\n");
}

// Levenshtein distance: how many single-letter edits turn a into b.
static size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
    for (size_t j = 0; j <= b.size(); j++) previous[j] = j;
    for (size_t i = 1; i <= a.size(); i++) {
        current[0] = i;
        for (size_t j = 1; j <= b.size(); j++)
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(previous, current);
    }
    return previous[b.size()];
}

// The command nearest to a mistyped one, if it is near enough to be what was meant ("" otherwise).
static std::string nearest_command(const std::string& typed) {
    std::string best;
    size_t best_distance = 3;  // at most 2 edits, and less than half the word
    for (const Command& command : commands) {
        size_t distance = edit_distance(typed, command.name);
        if (distance < best_distance && 2 * distance < std::strlen(command.name)) best = command.name, best_distance = distance;
    }
    return best;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        print_help(stderr);
        return 2;
    }
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        print_help(stdout);
        return 0;
    }
    if (!std::strcmp(argv[1], "--version") || !std::strcmp(argv[1], "version")) {
        std::printf("repro %s\n", repro_version());
        return 0;
    }
    for (const Command& command : commands) {
        if (std::strcmp(argv[1], command.name) != 0) continue;
        try {
            return command.run(argc, argv);
        } catch (const UsageError& error) {
            std::fprintf(stderr, "repro %s: %s (see repro %s --help)\n", command.name, error.what(), command.name);
            return 2;
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
