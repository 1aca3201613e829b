// Placeholder until this command is implemented.
#include <stdexcept>
#include "commands.h"
int command_retina_info(int, char**) { throw std::runtime_error("not implemented yet"); }
