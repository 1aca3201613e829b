// One function per figure command (fig2 … fig7) and `repro all`; cli/commands.h lists them with the others.
#pragma once

int command_fig2(int argc, char** argv);  // figures/fig2.cpp
int command_fig3(int argc, char** argv);  // figures/fig3.cpp
int command_fig4(int argc, char** argv);  // figures/fig4.cpp
int command_fig5(int argc, char** argv);  // figures/fig5.cpp
int command_fig6(int argc, char** argv);  // figures/fig6.cpp
int command_fig7(int argc, char** argv);  // figures/fig7.cpp (beyond the paper: solvers x augmentation)
int command_fig8(int argc, char** argv);  // figures/fig8.cpp (beyond the paper: does repro assess pick right?)
