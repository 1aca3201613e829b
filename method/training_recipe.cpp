#include "training_recipe.h"

#include <stdexcept>

void apply_training_recipe(const std::string& name, DiffusionConfig* config) {
    DiffusionConfig paper;  // the defaults are the paper's
    config->adam = paper.adam;
    config->ema_decay = paper.ema_decay;
    config->lr_warmup = paper.lr_warmup;
    config->lr_horizon = paper.lr_horizon;
    config->lr_final = paper.lr_final;
    config->t_importance = paper.t_importance;
    if (name == "paper") return;
    if (name != "fast") throw std::invalid_argument("--recipe must be paper or fast, got '" + name + "'");
    // Measured by `make bench-quality` (docs/time-to-quality.md; n = 40): a ten times larger peak rate learns the
    // correlations faster, and the weight average (Ho et al. 2020; its length matters most, Karras et al. 2024)
    // removes the noise that rate puts into the raw weights, which shows in the magnetisations, until the cosine
    // decay has brought the rate down; neither alone was as close to the data at 2k-4k.
    // Warm-up and cosine decay as in Goyal et al. 2017 and Loshchilov & Hutter 2017; after step 8000 the rate stays
    // at 1e-4 and training goes on. A final rate of 1e-5 gave the same fidelity at 8000 but stopped improving after
    // it (16k, 24k); at 1e-4 the magnetisations kept improving to 32k (docs/time-to-quality.md, one seed).
    config->adam.learning_rate = 1e-3f;
    config->lr_warmup = 1000;
    config->lr_horizon = 8000;
    config->lr_final = 1e-4f;
    config->ema_decay = 0.999f;
}
