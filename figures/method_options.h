// The command-line options of the paper's method (method/): the erasure machine's grid, the solver, the diffusion
// sampler and the augmentation settings, with their help texts. The figures and `repro augment` share them, so an
// option means the same thing everywhere.
#pragma once
#include <string>
#include <vector>

#include "../method/augment.h"
#include "../method/solvers.h"
#include "../runner/args.h"

// --eps-count (default 81) and --eps-stride (default: 1 at paper scale, QUICK_EPS_STRIDE at quick scale, when
// `by_scale`; else 1, for a command without --scale).
std::vector<OptionSpec> erasure_options(bool by_scale = true);
ErasureGrid erasure_grid_from_args(const Args& args, bool paper);

// --solver em|plm|mf and --lambda L|auto, added to erasure_options() by the figures that take them.
std::vector<OptionSpec> solver_options();
// The solver from --solver/--lambda with the erasure grid from erasure_grid_from_args; refuses the options of
// another solver (refuse_options_of_other_solvers).
SolverChoice solver_from_args(const Args& args, bool paper);
// --solver's value, one of `allowed` ("erasure" is read as "em", repro infer's older name), after refusing the options
// that belong to other solvers.
std::string solver_name_from_args(const Args& args, const std::vector<std::string>& allowed);
// Throws UsageError for an option given on the command line that acts only in other solvers than `solver` (em, plm,
// mf, mle): --lambda with em, --eps-count with plm, ... (one table, method_options.cpp).
void refuse_options_of_other_solvers(const Args& args, const std::string& solver);
// --lambda: a number >= 0, or "auto" (chosen by cross-validation), returned as −1.
double plm_lambda_from_args(const Args& args);

// --sampler ddpm|ddim, --steps S, --eta E (each optional; `fallback` fills what is not given).
SamplerOptions sampler_from_args(const Args& args, const SamplerOptions& fallback);
// --batch, --sampler, --steps, --eta (fig2 and the ensemble figures).
std::vector<OptionSpec> diffusion_options();
// The ensemble figures' (fig3–fig7) options for the augmentation: --iterations, --probe, diffusion_options() and
// --ema; and the settings they give at a scale (quick/paper defaults in the caller).
std::vector<OptionSpec> augment_options();
// --recipe NAME (method/training_recipe.h apply_training_recipe), in augment_options() and repro augment's options.
OptionSpec recipe_option();
// The progress bars and rule-checkpoint lines of an augmentation on stderr (none with quiet): the method layer
// writes nothing itself (method/augment.h AugmentSettings::progress, log).
void augment_display(AugmentSettings* settings, bool quiet);
// The recipe named by --recipe, checked (UsageError for an unknown name).
std::string recipe_from_args(const Args& args);
AugmentSettings augment_settings_from_args(const Args& args, bool paper, long quick_iterations, long quick_probe,
                                           int threads);
// --ema D: the moving average of the weights (diffusion.h, DiffusionConfig::ema_decay), checked to be in [0, 1).
float ema_decay_from_args(const Args& args);
