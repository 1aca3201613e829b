// Placeholder until this command is implemented.
#include <stdexcept>
#include "commands.h"
int command_fig3(int, char**) { throw std::runtime_error("not implemented yet"); }
