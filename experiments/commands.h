// One function per subcommand; main.cpp only dispatches. Each returns the process exit status and throws
// UsageError (exit 2) or std::runtime_error (exit 1) with a message for the user.
#pragma once

int command_sample(int argc, char** argv);       // experiments/cmd_ising.cpp
int command_infer(int argc, char** argv);        // experiments/cmd_ising.cpp
int command_evaluate(int argc, char** argv);     // experiments/cmd_ising.cpp
int command_energy(int argc, char** argv);       // experiments/cmd_ising.cpp
int command_augment(int argc, char** argv);      // experiments/cmd_augment.cpp
int command_generate(int argc, char** argv);     // experiments/cmd_augment.cpp
int command_retina_info(int argc, char** argv);  // experiments/cmd_retina.cpp
int command_fig2(int argc, char** argv);         // experiments/fig2.cpp
int command_fig3(int argc, char** argv);         // experiments/fig3.cpp
int command_fig4(int argc, char** argv);         // experiments/fig4.cpp
int command_fig5(int argc, char** argv);         // experiments/fig5.cpp
int command_fig6(int argc, char** argv);         // experiments/fig6.cpp
int command_fig7(int argc, char** argv);         // experiments/fig7.cpp (beyond the paper: solvers x augmentation)
int command_all(int argc, char** argv);          // experiments/all.cpp
int command_store(int argc, char** argv);        // experiments/cmd_store.cpp
