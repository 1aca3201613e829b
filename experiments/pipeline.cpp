#include "pipeline.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "../ising/energy.h"
#include "../ising/metropolis.h"
#include "../ising/sk.h"

uint64_t derive_seed(uint64_t seed, uint64_t purpose) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + purpose;
    splitmix64_next(&x);
    return splitmix64_next(&x);
}

SkData make_sk_data(int n, double g, int train_count, int test_count, uint64_t seed, int threads) {
    SkData data;
    Rng rng;
    rng_seed(&rng, derive_seed(seed, 1));
    data.truth = draw_sk_params(n, g, &rng);
    Samples all = metropolis_sample(data.truth, train_count + test_count, metropolis_default_burn_in(data.truth),
                                    metropolis_default_thin(data.truth), &rng,
                                    threads);
    data.train = sample_rows(all, 0, train_count);
    data.test = sample_rows(all, train_count, test_count);
    return data;
}

Samples sample_rows(const Samples& samples, long first, long count) {
    if (first < 0 || count < 0 || first + count > samples.count) throw std::out_of_range("sample_rows: rows out of range");
    Samples part;
    part.count = (int)count;
    part.n = samples.n;
    part.spins.assign(samples.spins.begin() + first * samples.n, samples.spins.begin() + (first + count) * samples.n);
    return part;
}

Samples samples_concat(const Samples& a, const Samples& b) {
    if (a.n != b.n) throw std::invalid_argument("samples_concat: different n");
    Samples both = a;
    both.count += b.count;
    both.spins.insert(both.spins.end(), b.spins.begin(), b.spins.end());
    return both;
}

Samples bootstrap_samples(const Samples& samples, long count, Rng* rng) {
    Samples drawn;
    drawn.count = (int)count;
    drawn.n = samples.n;
    drawn.spins.resize((size_t)count * samples.n);
    for (long row = 0; row < count; row++) {
        long source = (long)rng_below(rng, (uint64_t)samples.count);
        std::copy(samples.spins.begin() + source * samples.n, samples.spins.begin() + (source + 1) * samples.n,
                  drawn.spins.begin() + row * samples.n);
    }
    return drawn;
}

ErasureResult infer_erasure(const Samples& samples, int eps_count, int threads, uint64_t seed) {
    ErasureOptions options;
    options.eps_count = eps_count;
    options.threads = threads;
    options.seed = seed;
    return erasure_machine(samples, options);
}

Samples generate_samples(const DiffusionModel& model, long count, const SamplerOptions& sampler, uint64_t seed,
                         int threads, bool quiet) {
    Samples out;
    out.count = (int)count;
    out.n = model.config.denoiser.n;
    out.spins.resize((size_t)count * out.n);
    diffusion_sample(model, count, sampler, seed, out.spins.data(), threads, progress_options(quiet, "sample"));
    return out;
}

static double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Samples augment_energy_variance_stopped(const Samples& train, const IsingParams& params_obs, double variance_target,
                                        long augmented_count, const AugmentSettings& settings, uint64_t seed,
                                        AugmentTrace* trace) {
    *trace = AugmentTrace();
    DiffusionModel model, previous;
    diffusion_init(&model, diffusion_config_for(train.n), derive_seed(seed, 2));
    std::vector<long> schedule = doubling_schedule(settings.first_checkpoint, settings.max_iterations);
    for (size_t k = 0; k < schedule.size(); k++) {
        auto start = std::chrono::steady_clock::now();
        diffusion_train(&model, train.spins.data(), train.count, schedule[k] - model.iteration, settings.batch,
                        settings.threads, progress_options(settings.quiet, "train"));
        trace->seconds_training += seconds_since(start);
        start = std::chrono::steady_clock::now();
        Samples probe = generate_samples(model, settings.probe_count, settings.sampler, derive_seed(seed, 100 + k),
                                         settings.threads, settings.quiet);
        trace->seconds_sampling += seconds_since(start);
        trace->iterations.push_back(schedule[k]);
        trace->variance.push_back(energy_stats(params_obs, probe).variance);
        if (!settings.quiet)
            std::fprintf(stderr, "  checkpoint %ld: Var[E(aug)] = %.3f (target Var[E(test)] = %.3f)\n", schedule[k],
                         trace->variance.back(), variance_target);
        trace->stop = energy_variance_stop(trace->iterations, trace->variance, variance_target);
        if (trace->stop.crossed) break;
        previous = model;  // the crossing may lie nearer to this checkpoint than to the next one
    }
    // Crossed: the chosen checkpoint is this one or the one before; not crossed: the last one.
    int last = (int)trace->iterations.size() - 1;
    const DiffusionModel& chosen = (trace->stop.index == last) ? model : previous;
    trace->chosen_iteration = trace->iterations[trace->stop.index];
    auto start = std::chrono::steady_clock::now();
    Samples augmented = generate_samples(chosen, augmented_count, settings.sampler, derive_seed(seed, 3),
                                         settings.threads, settings.quiet);
    trace->seconds_sampling += seconds_since(start);
    return augmented;
}

SamplerOptions sampler_from_args(const Args& args, const SamplerOptions& fallback) {
    SamplerOptions sampler = fallback;
    if (arg_given(args, "sampler")) {
        std::string kind = arg_string(args, "sampler");
        if (kind == "ddpm") sampler.kind = SamplerKind::ddpm;
        else if (kind == "ddim") sampler.kind = SamplerKind::ddim;
        else throw UsageError("--sampler must be ddpm or ddim, got '" + kind + "'");
    }
    sampler.steps = (int)arg_int_or(args, "steps", sampler.steps);
    sampler.eta = arg_double_or(args, "eta", sampler.eta);
    if (sampler.steps < 1 || sampler.steps > 1000) throw UsageError("--steps must be in 1..1000");
    if (sampler.eta < 0 || sampler.eta > 1) throw UsageError("--eta must be in [0, 1]");
    return sampler;
}

SamplerOptions quick_sampler() {
    SamplerOptions sampler;  // DDPM, 1000 steps (see README "Quick scale")
    return sampler;
}
