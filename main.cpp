// repro: reproduces "Data augmentation using diffusion models to enhance inverse Ising inference"
// (Lim, Lee, Jo, 2025). This file only dispatches to the subcommands in experiments/.
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "experiments/args.h"
#include "experiments/commands.h"

struct Command {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* summary;
};

static const Command commands[] = {
    {"sample", command_sample, "draw SK parameters and Metropolis samples"},
    {"infer", command_infer, "infer Ising parameters (erasure machine or exact MLE)"},
    {"evaluate", command_evaluate, "MSE of inferred against true parameters, Eq. (23)"},
    {"energy", command_energy, "mean and variance of E(sigma) over samples, Eq. (2)"},
    {"augment", command_augment, "train a DDPM on samples and generate augmented samples"},
    {"retina-info", command_retina_info, "statistics of the salamander retina recording"},
    {"fig2", command_fig2, "Fig. 2: MSE and energy variance along diffusion training"},
    {"fig3", command_fig3, "Fig. 3: MSE vs coupling scale g"},
    {"fig4", command_fig4, "Fig. 4: MSE vs M and M+"},
    {"fig5", command_fig5, "Fig. 5: RBM and VAE against diffusion"},
    {"fig6", command_fig6, "Fig. 6: retina, reconstruction of missing neurons"},
    {"fig7", command_fig7, "Fig. 7 (beyond the paper): does augmentation help each solver (EM, PLM, MF)?"},
    {"all", command_all, "every figure, then results/README.md"},
};

static void print_help() {
    std::printf("repro: reproduces Lim, Lee & Jo (2025), \"Data augmentation using diffusion models to enhance\n"
                "inverse Ising inference\".\n\nusage: repro COMMAND [options]   (repro COMMAND --help for its options)\n\n"
                "commands:\n");
    for (const Command& command : commands) std::printf("  %-12s %s\n", command.name, command.summary);
}

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        print_help();
        return argc < 2 ? 2 : 0;
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
    std::fprintf(stderr, "repro: unknown command '%s' (see repro --help)\n", argv[1]);
    return 2;
}
