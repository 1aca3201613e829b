// One function per subcommand; main.cpp only dispatches. Each returns the process exit status and throws
// UsageError (exit 2) or std::runtime_error (exit 1) with a message for the user.
#pragma once
#include "../figures/figures.h"  // command_fig2 … command_fig7

int command_sample(int argc, char** argv);       // cli/cmd_ising.cpp
int command_infer(int argc, char** argv);        // cli/cmd_ising.cpp
int command_evaluate(int argc, char** argv);     // cli/cmd_ising.cpp
int command_energy(int argc, char** argv);       // cli/cmd_ising.cpp
int command_augment(int argc, char** argv);      // cli/cmd_augment.cpp
int command_generate(int argc, char** argv);     // cli/cmd_augment.cpp
int command_assess(int argc, char** argv);       // cli/cmd_assess.cpp: does augmentation help these data?
int command_retina_info(int argc, char** argv);  // cli/cmd_retina.cpp
int command_all(int argc, char** argv);          // cli/all.cpp: every figure, then results/README.md
int command_store(int argc, char** argv);        // cli/cmd_store.cpp: --list, --clear the store of trained models

#include <vector>

// Every subcommand, in the order of `repro --help` (main.cpp dispatches on this table; a test walks it to check that
// every command's files pass the output gate, data/output_gate.h).
struct Command {
    const char* name;
    int (*run)(int argc, char** argv);
    const char* summary;
};
const std::vector<Command>& command_table();
