#include "augment.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "../data/clock.h"
#include "../ising/energy.h"
#include "appendix_a.h"
#include "seeds.h"
#include "training_recipe.h"

void augment_init_model(DiffusionModel* model, int n, const AugmentSettings& settings, uint64_t seed) {
    DiffusionConfig config = diffusion_config_for(n);
    apply_training_recipe(settings.recipe, &config);
    config.ema_decay = settings.ema_decay;
    if (settings.widths[0] > 0) std::copy(settings.widths, settings.widths + 3, config.denoiser.widths);
    diffusion_init(model, config, derive_seed(seed, 2));
}

Samples generate_samples(const DiffusionModel& model, long count, const SamplerOptions& sampler, uint64_t seed,
                         int threads, const ProgressCallback& progress) {
    Samples out;
    out.count = (int)count;
    out.n = model.config.denoiser.n;
    out.spins.resize((size_t)count * out.n);
    diffusion_sample(model, count, sampler, seed, out.spins.data(), threads, progress);
    return out;
}

// generate_samples through the cache: the samples of a model of `training` are found there instead of drawn again
// when the same sampler, count and seed drew them before.
static Samples generate_or_find(const ModelCache* cache, const std::string& training, const DiffusionModel& model,
                                long count, const SamplerOptions& sampler, uint64_t seed, int threads,
                                const ProgressCallback& progress) {
    char sampling[160];
    std::snprintf(sampling, sizeof sampling, "%s analog=%d count=%ld seed=%llu", sampler_name(sampler).c_str(),
                  sampler.analog_bits ? 1 : 0, count, (unsigned long long)seed);
    Samples samples;
    if (cache && cache->find_samples(training, model.iteration, sampling, &samples)) return samples;
    samples = generate_samples(model, count, sampler, seed, threads, progress);
    if (cache) cache->keep_samples(training, model.iteration, sampling, samples);
    return samples;
}

// The caller's progress bar for one call (none when it gave none).
static ProgressCallback progress_of(const AugmentSettings& settings, const char* label, const char* unit) {
    return settings.progress ? settings.progress(label, unit) : nullptr;
}

// Trains up to `target` iterations, in segments of settings.segment_iterations when set, telling the observer
// after each segment.
static void train_to(DiffusionModel* model, const Samples& train, long target, const AugmentSettings& settings,
                     const AugmentObserver* observer) {
    while (model->iteration < target) {
        long segment = target - model->iteration;
        if (settings.segment_iterations > 0) segment = std::min(segment, settings.segment_iterations);
        diffusion_train(model, train.spins.data(), train.count, segment, settings.batch, settings.threads,
                        progress_of(settings, "train", "it"));
        if (observer && observer->trained) observer->trained(*model);
    }
}

Samples augment_energy_variance_stopped(const Samples& train, const IsingParams& params_obs, double variance_target,
                                        long augmented_count, const AugmentSettings& settings, uint64_t seed,
                                        AugmentTrace* trace, const AugmentResume* resume,
                                        const AugmentObserver* observer) {
    *trace = AugmentTrace();
    DiffusionModel model, previous;
    if (resume) {
        model = resume->model;
        previous = resume->previous;
        trace->iterations = resume->trace.iterations;
        trace->variance = resume->trace.variance;
    } else {
        augment_init_model(&model, train.n, settings, seed);
    }
    std::vector<long> schedule = doubling_schedule(settings.first_checkpoint, settings.max_iterations);
    const ModelCache* cache = resume ? nullptr : settings.cache;
    std::string training = cache ? cache->training_name(train, model, settings.batch, settings.threads) : "";
    Moments train_moments = sample_moments(train);
    for (size_t k = 0; k < schedule.size(); k++) {
        if (!trace->iterations.empty() && schedule[k] <= trace->iterations.back()) continue;  // done before a resume
        if (model.iteration > schedule[k])
            throw std::runtime_error("the resumed checkpoint is at iteration " + std::to_string(model.iteration) +
                                     ", past the rule checkpoint " + std::to_string(schedule[k]) + " it has no Var[E] for");
        auto start = std::chrono::steady_clock::now();
        if (!(cache && cache->find(training, schedule[k], &model))) {
            train_to(&model, train, schedule[k], settings, observer);
            if (cache) cache->keep(training, model);
        }
        trace->seconds_training += seconds_since(start);
        start = std::chrono::steady_clock::now();
        Samples probe = generate_or_find(cache, training, model, settings.probe_count, settings.sampler, derive_seed(seed, 100 + k),
                                         settings.threads, progress_of(settings, "sample", "samples"));
        trace->seconds_sampling += seconds_since(start);
        trace->iterations.push_back(schedule[k]);
        trace->variance.push_back(energy_stats(params_obs, probe).variance);  // Eq. (2) under the observed-data fit
        trace->fidelity.push_back(moment_distance(sample_moments(probe), train_moments));
        if (settings.log) {
            char line[160];
            std::snprintf(line, sizeof line, "  checkpoint %ld: Var[E(aug)] = %.3f (target Var[E(test)] = %.3f); probe vs "
                          "training data: ", schedule[k], trace->variance.back(), variance_target);
            settings.log(line + fidelity_text(trace->fidelity.back()));
        }
        trace->stop = energy_variance_stop(trace->iterations, trace->variance, variance_target);
        if (trace->stop.crossed) break;
        previous = model;  // the crossing may lie nearer to this checkpoint than to the next one
        if (observer && observer->rule_checkpoint) observer->rule_checkpoint(previous, *trace);
    }
    if (trace->iterations.empty()) throw std::runtime_error("the energy-variance rule visited no checkpoint");
    trace->stop = energy_variance_stop(trace->iterations, trace->variance, variance_target);
    // Crossed: the chosen checkpoint is this one or the one before; not crossed: the last one.
    int last = (int)trace->iterations.size() - 1;
    const DiffusionModel& chosen = (trace->stop.index == last) ? model : previous;
    trace->chosen_iteration = trace->iterations[trace->stop.index];
    if (observer && observer->chosen) observer->chosen(chosen);
    auto start = std::chrono::steady_clock::now();
    Samples augmented = generate_or_find(cache, training, chosen, augmented_count, settings.sampler, derive_seed(seed, 3),
                                         settings.threads, progress_of(settings, "sample", "samples"));
    trace->seconds_sampling += seconds_since(start);
    return augmented;
}

SamplerOptions quick_sampler() {
    // DDIM with η = 1 (ancestral, DDPM's posterior noise) on 200 of the 1000 steps. Measured on one model (n = 40,
    // g = 1, M = 4000, 32,000 iterations; erasure machine on 10,000 generated samples): MSE 0.00443 against 0.00444
    // for DDPM over all 1000 steps, at a fifth of the cost; DDIM η = 0 with 100 steps lost the gain (0.00573, with
    // 0.00588 from the observed data alone), as the independent pilot had warned. docs/scales.md "Quick scale".
    SamplerOptions sampler;
    sampler.kind = SamplerKind::ddim;
    sampler.steps = 200;
    sampler.eta = 1.0;
    return sampler;
}

std::string sampler_name(const SamplerOptions& sampler) {
    if (sampler.kind == SamplerKind::ddpm) return "ddpm";
    char text[64];
    std::snprintf(text, sizeof text, "ddim%deta%g", sampler.steps, sampler.eta);
    return text;
}

std::string fidelity_text(const MomentDistance& distance) {
    char text[96];
    std::snprintf(text, sizeof text, "mean |dm| %.3g, mean |dC| %.3g", distance.magnetisation, distance.correlation);
    return text;
}
