#include "method_options.h"

#include "../diffusion/progress.h"
#include "../method/training_recipe.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

std::vector<OptionSpec> erasure_options(bool by_scale) {
    return {{"eps-count", "K", "81", "em: values on the erasure machine's epsilon grid 0.1..0.9"},
            {"eps-stride", "S", by_scale ? "" : "1", std::string("em: 1 = run every epsilon; S > 1 = every S-th, then all "
                                                                 "within S-1 of the best") + (by_scale ? " (quick 6, paper 1)" : "")}};
}

ErasureGrid erasure_grid_from_args(const Args& args, bool paper) {
    ErasureGrid grid;
    grid.count = (int)arg_int_in_range(args, "eps-count", 1, 10000);
    grid.stride = arg_given(args, "eps-stride") ? (int)arg_int_in_range(args, "eps-stride", 1, 100000)
                                                : (paper ? 1 : QUICK_EPS_STRIDE);
    return grid;
}

std::vector<OptionSpec> solver_options() {
    return {{"solver", "NAME", "em", "inverse Ising solver: em (erasure machine, the paper's), plm (pseudo-likelihood) "
                                     "or mf (mean field)"},
            {"lambda", "L", "0", "plm: L2 penalty on the couplings, or 'auto' (5-fold cross-validation)"}};
}

double plm_lambda_from_args(const Args& args) {
    std::string text = arg_string(args, "lambda");
    if (text == "auto") return -1.0;
    char* end = nullptr;
    double lambda = std::strtod(text.c_str(), &end);
    // Above 1e6 the penalty has already pinned every coupling to ~0; 1e308 overflowed into an internal message.
    if (text.empty() || *end != '\0' || !std::isfinite(lambda) || lambda < 0 || lambda > 1e6)
        throw UsageError("--lambda needs a number from 0 to 1e6 or 'auto', got '" + text + "'");
    return lambda;
}

// The solvers each solver-specific option acts in (help texts begin with them, e.g. "plm: ..."). Given with another
// solver such an option would be ignored silently, so it is refused.
static const struct {
    const char* option;
    std::vector<std::string> solvers;
} SOLVER_OPTIONS[] = {
    {"lambda", {"plm"}},          {"folds", {"plm"}},     {"validation", {"plm"}},  {"eps-count", {"em"}},
    {"eps-stride", {"em"}},       {"eps-range", {"em"}},  {"eps-grid", {"em"}},     {"tol", {"plm", "mle"}},
    {"max-iter", {"em", "plm", "mle"}},                   {"verbose", {"em", "plm"}},
};

void refuse_options_of_other_solvers(const Args& args, const std::string& solver) {
    for (const auto& entry : SOLVER_OPTIONS) {
        if (!arg_given(args, entry.option)) continue;
        if (std::find(entry.solvers.begin(), entry.solvers.end(), solver) != entry.solvers.end()) continue;
        std::string list;
        for (size_t k = 0; k < entry.solvers.size(); k++)
            list += (k == 0 ? "" : k + 1 == entry.solvers.size() ? " or " : ", ") + entry.solvers[k];
        throw UsageError(std::string("--") + entry.option + " applies to --solver " + list + " only, not to --solver " +
                         solver);
    }
}

std::string solver_name_from_args(const Args& args, const std::vector<std::string>& allowed) {
    std::string name = arg_string(args, "solver");
    if (name == "erasure") name = "em";  // repro infer's published name of the erasure machine
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        std::string list;
        for (size_t k = 0; k < allowed.size(); k++)
            list += (k == 0 ? "" : k + 1 == allowed.size() ? " or " : ", ") + allowed[k];
        throw UsageError("--solver must be " + list + ", got '" + arg_string(args, "solver") + "'");
    }
    refuse_options_of_other_solvers(args, name);
    return name;
}

SolverChoice solver_from_args(const Args& args, bool paper) {
    SolverChoice solver;
    solver.grid = erasure_grid_from_args(args, paper);
    std::string name = solver_name_from_args(args, {"em", "plm", "mf"});
    solver.kind = name == "plm" ? SolverKind::Plm : name == "mf" ? SolverKind::MeanField : SolverKind::Erasure;
    double lambda = plm_lambda_from_args(args);
    solver.plm_lambda_auto = lambda < 0;
    solver.plm_lambda = lambda < 0 ? 0.0 : lambda;
    return solver;
}

SamplerOptions sampler_from_args(const Args& args, const SamplerOptions& fallback) {
    SamplerOptions sampler = fallback;
    if (arg_given(args, "sampler")) {
        std::string kind = arg_string(args, "sampler");
        if (kind == "ddpm") sampler.kind = SamplerKind::ddpm;
        else if (kind == "ddim") sampler.kind = SamplerKind::ddim;
        else throw UsageError("--sampler must be ddpm or ddim, got '" + kind + "'");
    }
    // DDPM runs all T steps with its own noise: a --steps or --eta given with it would be ignored silently.
    if (sampler.kind == SamplerKind::ddpm && (arg_given(args, "steps") || arg_given(args, "eta")))
        throw UsageError("--steps and --eta apply to --sampler ddim only; --sampler ddpm runs all 1000 steps");
    if (arg_given(args, "steps")) sampler.steps = (int)arg_int_in_range(args, "steps", 1, 1000);
    sampler.eta = arg_double_or(args, "eta", sampler.eta);
    if (sampler.steps < 1 || sampler.steps > 1000) throw UsageError("--steps must be in 1..1000");
    if (sampler.eta < 0 || sampler.eta > 1) throw UsageError("--eta must be in [0, 1]");
    return sampler;
}

std::vector<OptionSpec> diffusion_options() {
    return {{"batch", "B", "256", "minibatch size of the diffusion training"},
            {"sampler", "KIND", "", "ddpm or ddim (quick: ddim, 200 steps, eta 1; paper: ddpm)"},
            {"steps", "S", "", "DDIM steps"},
            {"eta", "ETA", "", "DDIM eta (0 deterministic, 1 ancestral)"}};
}

std::vector<OptionSpec> augment_options() {
    std::vector<OptionSpec> options = {
        {"iterations", "I", "", "most diffusion iterations before the stopping rule must have triggered (checkpoints 1000, 2000, 4000, ...)"},
        {"probe", "P", "", "generated samples for Var[E] at each checkpoint"}};
    for (const OptionSpec& option : diffusion_options()) options.push_back(option);
    options.push_back({"ema", "D", "0", "sample from a moving average of the weights (beyond the paper; 0 = off; e.g. 0.999)"});
    options.push_back(recipe_option());
    return options;
}

void augment_display(AugmentSettings* settings, bool quiet) {
    settings->quiet = quiet;
    settings->progress = [quiet](const char* label, const char* unit) { return progress_display(quiet, label, unit); };
    settings->log = nullptr;
    if (!quiet) settings->log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
}

OptionSpec recipe_option() {
    return {"recipe", "NAME", "paper", "training recipe: paper (Adam 1e-4, constant; the figures' default) or fast\n"
            "                             (beyond the paper: lr 1e-3, warm-up 1000, cosine decay to 1e-4 at 8000, --ema 0.999)"};
}

std::string recipe_from_args(const Args& args) {
    std::string name = arg_string(args, "recipe");
    if (name != "paper" && name != "fast") throw UsageError("--recipe must be paper or fast, got '" + name + "'");
    return name;
}

float ema_decay_from_args(const Args& args) {
    bool has_recipe = false;
    for (const OptionSpec& option : args.spec) has_recipe = has_recipe || option.name == "recipe";
    if (!arg_given(args, "ema") && has_recipe) {  // the recipe's average
        DiffusionConfig config;
        apply_training_recipe(recipe_from_args(args), &config);
        return config.ema_decay;
    }
    double decay = arg_double(args, "ema");
    if (!(decay >= 0.0 && decay < 1.0)) throw UsageError("--ema must be in [0, 1) (0 = off; e.g. 0.999)");
    return (float)decay;
}

AugmentSettings augment_settings_from_args(const Args& args, bool paper, long quick_iterations, long quick_probe,
                                           int threads) {
    AugmentSettings settings;
    settings.max_iterations = arg_int_or(args, "iterations", paper ? 512000 : quick_iterations);
    settings.probe_count = arg_int_or(args, "probe", paper ? 10000 : quick_probe);
    settings.batch = (int)arg_int_in_range(args, "batch", 1, 65536);
    settings.sampler = sampler_from_args(args, paper ? SamplerOptions() : quick_sampler());
    settings.threads = threads;
    augment_display(&settings, arg_flag(args, "quiet"));  // sets settings.quiet too
    settings.ema_decay = ema_decay_from_args(args);
    settings.recipe = recipe_from_args(args);
    if (settings.max_iterations < settings.first_checkpoint || settings.probe_count < 10 || settings.batch < 1)
        throw UsageError("need --iterations >= 1000, --probe >= 10, --batch >= 1");
    return settings;
}
