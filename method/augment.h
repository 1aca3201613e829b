// Sec. III A steps 4–5: diffusion augmentation stopped by the energy-variance rule (Fig. 2f; Fig. 6b).
//
// Train the diffusion model on the observed samples, checkpoint on the doubling schedule first_checkpoint …
// max_iterations; at each checkpoint generate `probe_count` samples and take Var[E] under `params_obs` (inferred
// from the training data alone); stop at the first checkpoint where it comes down to `variance_target`
// (Var[E(test)]), choose between that checkpoint and the one before by the interpolated crossing
// (method/stopping.h), and generate `augmented_count` samples from the chosen one.
//
// Plain functions: no options, no files. A caller that keeps the run on disk (repro augment's checkpoints and
// --resume) passes the state to continue from and an observer that saves what it wants.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../data/formats.h"
#include "../diffusion/diffusion.h"
#include "../ising/moments.h"
#include "stopping.h"

// Trained models to reuse instead of training them again (figures/model_store.h keeps them in the store of
// data/store.h). A model is named by its training — the data, the initial model (configuration, weights, generator
// state), the batch and the thread count (it changes the float summation order, diffusion/diffusion.h) — and the
// iteration reached: the same name is the same model, so a figure that finds it gets exactly what training would
// have given.
struct ModelCache {
    virtual ~ModelCache() = default;
    // The name of the training that starts from `initial` on `train`.
    virtual std::string training_name(const Samples& train, const DiffusionModel& initial, int batch,
                                      int threads) const = 0;
    // The model of that training at `iteration` into *model, if kept; false otherwise.
    virtual bool find(const std::string& training, long iteration, DiffusionModel* model) const = 0;
    // Keeps a model of that training (at model.iteration).
    virtual void keep(const std::string& training, const DiffusionModel& model) const = 0;
    // Samples generated from the model at `iteration` of that training, named by `sampling` (the sampler, count
    // and seed: the same name is the same samples): found into *samples, or kept.
    virtual bool find_samples(const std::string& training, long iteration, const std::string& sampling,
                              Samples* samples) const = 0;
    virtual void keep_samples(const std::string& training, long iteration, const std::string& sampling,
                              const Samples& samples) const = 0;
};

struct AugmentSettings {
    int batch = 256;
    long first_checkpoint = 1000;
    long max_iterations = 32000;
    long probe_count = 5000;
    float ema_decay = 0.0f;  // moving average of the weights (diffusion.h); 0 = off, as in the paper and the figures
    std::string recipe = "paper";  // the training recipe (method/training_recipe.h); its EMA is ema_decay
    SamplerOptions sampler;
    int threads = 1;
    bool quiet = false;  // for the caller's own messages; the method itself writes nothing (below)
    // What the run shows as it goes, given by the command line (figures/method_options.h augment_display); empty: nothing.
    std::function<ProgressCallback(const char* label, const char* unit)> progress;  // a bar per training/sampling call
    std::function<void(const std::string& line)> log;                              // a line per rule checkpoint
    int widths[3] = {0, 0, 0};  // other encoder widths (repro augment --widths); 0: Appendix A's (appendix_a.h)
    long segment_iterations = 0;  // train in segments of at most this many iterations (0: checkpoint to checkpoint)
    const ModelCache* cache = nullptr;  // models at the rule's checkpoints found there and kept there (not on resume)
};
struct AugmentTrace {
    std::vector<long> iterations;          // checkpoints visited
    std::vector<double> variance;          // Var[E] of the probe at each
    std::vector<MomentDistance> fidelity;  // the probe's moments against the training data's (ising/moments.h)
    StopDecision stop;                     // index into iterations
    long chosen_iteration = 0;
    double seconds_training = 0, seconds_sampling = 0;
};

// A run to continue: the model, the model at the last rule checkpoint (the crossing may be chosen there) and the
// rule's trace so far (iterations and variance; empty when interrupted before the first rule checkpoint).
struct AugmentResume {
    DiffusionModel model, previous;
    AugmentTrace trace;
};
// Called as the run goes; any may be empty.
struct AugmentObserver {
    std::function<void(const DiffusionModel& model)> trained;  // after each training segment
    // after each rule checkpoint that did not stop the run: the model there and the trace so far
    std::function<void(const DiffusionModel& previous, const AugmentTrace& trace)> rule_checkpoint;
    std::function<void(const DiffusionModel& chosen)> chosen;  // the checkpoint the rule chose, before generating
};

// The fresh model of a run: Appendix A's shape for n (or settings.widths), seeded from derive_seed(seed, 2).
void augment_init_model(DiffusionModel* model, int n, const AugmentSettings& settings, uint64_t seed);

// The steps above; `resume` (or nullptr: a fresh model) and `observer` (or nullptr) as described there.
Samples augment_energy_variance_stopped(const Samples& train, const IsingParams& params_obs, double variance_target,
                                        long augmented_count, const AugmentSettings& settings, uint64_t seed,
                                        AugmentTrace* trace, const AugmentResume* resume = nullptr,
                                        const AugmentObserver* observer = nullptr);

// Generates `count` ±1 samples from the model (analog bits).
Samples generate_samples(const DiffusionModel& model, long count, const SamplerOptions& sampler, uint64_t seed,
                         int threads, const ProgressCallback& progress);

// The sampler of every figure at --scale quick (docs/scales.md, "Quick scale", gives the measurement behind it); at
// --scale paper the figures use DDPM with all T = 1000 steps, as the paper did.
SamplerOptions quick_sampler();
// A short name of the sampler for design parameters and summaries: "ddpm" or "ddim100eta1".
std::string sampler_name(const SamplerOptions& sampler);
// "mean |dm| 0.031, mean |dC| 0.025" for logs and summaries.
std::string fidelity_text(const MomentDistance& distance);
