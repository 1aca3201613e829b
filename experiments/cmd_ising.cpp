// Placeholder until this command is implemented.
#include <stdexcept>
#include "commands.h"
int command_sample(int, char**) { throw std::runtime_error("not implemented yet"); }
int command_infer(int, char**) { throw std::runtime_error("not implemented yet"); }
int command_evaluate(int, char**) { throw std::runtime_error("not implemented yet"); }
int command_energy(int, char**) { throw std::runtime_error("not implemented yet"); }
