// The training recipe of the diffusion model: the paper's (Appendix A: Adam at a constant 1e-4, no moving average,
// uniform t) or "fast" (beyond the paper, issue 17; docs/time-to-quality.md).
#pragma once
#include <string>

#include "../diffusion/diffusion.h"

// Sets the learning-rate, schedule, EMA and t-sampling fields of *config for the recipe `name` ("paper" or "fast";
// the network and T stay); throws std::invalid_argument for another name. The batch size is not part of a recipe
// (--batch, 256 in both).
void apply_training_recipe(const std::string& name, DiffusionConfig* config);
