// `make bench-quality`: time to quality of the DDPM's training recipe (issue 17). Trains on a fixed data set and
// every K iterations generates samples (DDIM, η = 1, 200 steps: repro augment's default) and measures their
// distance from the true model's moments (ising/moments.h moment_distance: mean |Δm_i|, mean |ΔC_ij|) next to the
// yardstick, the same distance for a second data set of the training set's size. "Quality" is both distances
// within 1.2× their yardstick; the bench reports the first evaluation that gets there (iterations, training wall
// and CPU seconds) and keeps training to --iterations, so the fidelity at a fixed budget is measured too.
//   n = 10: 4000 exact samples of an SK model (g = 1) to train on, the exact moments as the reference, a second
//           4000 exact samples for the yardstick.
//   n = 40: 4000 Metropolis samples to train on, 20,000 more as the reference, a second 4000 for the yardstick.
// The generated count (--eval-samples, default 10,000) keeps the generator's own sampling noise at about 0.6–0.7 of
// the yardstick: a perfect generator scores ≈ 0.63× (n = 10) and ≈ 0.71× (n = 40), so 1.2× is reachable and
// noise cannot reach it alone. Training runs on --threads (default 1); the seconds are those of training only
// (evaluation excluded), and CPU seconds are given too because the machine may be shared.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../data/clock.h"
#include "../diffusion/diffusion.h"
#include "../method/appendix_a.h"
#include "../method/augment.h"
#include "../method/training_recipe.h"
#include "../ising/exact.h"
#include "../ising/metropolis.h"
#include "../ising/moments.h"
#include "../ising/sk.h"
#include "bench_clock.h"
#include "../cli/blas_startup.h"
#include "../nn/blas_core.h"

struct QualityOptions {
    int n = 40, threads = 1, eval_samples = 10000;
    long every = 1000, iterations = 8000;
    std::vector<long> at;  // --at: the iterations to evaluate at, instead of every K
    uint64_t seed = 1;
    std::string label = "paper", recipe = "paper";
    int batch = 256;  // both recipes' batch size (--batch)
    DiffusionConfig overrides;  // only the training fields below are read
    bool lr_given = false;
};

// The data: training set, reference moments and yardstick distance, all from one seed.
struct QualityData {
    Samples train;
    Moments reference;
    MomentDistance yardstick;
};

static QualityData make_quality_data(int n, uint64_t seed, int threads) {
    QualityData data;
    Rng rng;
    rng_seed(&rng, seed, 0);
    IsingParams params = draw_sk_params(n, 1.0, &rng);
    Samples second;
    if (n <= 20) {
        double log_partition = 0.0;
        data.reference = exact_moments(params, &log_partition);
        data.train = exact_sample(params, 4000, &rng);
        second = exact_sample(params, 4000, &rng);
    } else {
        int burn_in = metropolis_default_burn_in(params), thin = metropolis_default_thin(params);
        data.train = metropolis_sample(params, 4000, burn_in, thin, &rng, threads);
        second = metropolis_sample(params, 4000, burn_in, thin, &rng, threads);
        data.reference = sample_moments(metropolis_sample(params, 20000, burn_in, thin, &rng, threads));
    }
    data.yardstick = moment_distance(sample_moments(second), data.reference);
    return data;
}

static void usage() {
    std::fprintf(stderr,
                 "usage: bench_quality [--n 10|40] [--recipe paper|fast] [--lr PEAK] [--warmup K] [--horizon K]\n"
                 "       [--lr-final LR] [--ema D] [--batch B] [--importance 0|1] [--every K | --at I1,I2,...]\n"
                 "       [--iterations I]\n"
                 "       [--eval-samples C] [--threads T] [--seed S] [--label NAME]\n"
                 "--recipe sets every training field; the options after it change single fields.\n");
    std::exit(2);
}

static QualityOptions parse(int argc, char** argv) {
    QualityOptions options;
    options.overrides = diffusion_config_for(1);
    for (int i = 1; i < argc; i++) {
        std::string name = argv[i];
        if (i + 1 >= argc) usage();
        const char* value = argv[++i];
        DiffusionConfig& c = options.overrides;
        if (name == "--n") options.n = std::atoi(value);
        else if (name == "--recipe") options.recipe = value, options.label = value,
                 apply_training_recipe(value, &c);
        else if (name == "--lr") c.adam.learning_rate = std::strtof(value, nullptr);
        else if (name == "--warmup") c.lr_warmup = std::atol(value);
        else if (name == "--horizon") c.lr_horizon = std::atol(value);
        else if (name == "--lr-final") c.lr_final = std::strtof(value, nullptr);
        else if (name == "--ema") c.ema_decay = std::strtof(value, nullptr);
        else if (name == "--importance") c.t_importance = std::atoi(value) != 0;
        else if (name == "--batch") options.batch = std::atoi(value);
        else if (name == "--every") options.every = std::atol(value);
        else if (name == "--at")
            for (char* end = (char*)value; *end;) options.at.push_back(std::strtol(end + (*end == ','), &end, 10));
        else if (name == "--iterations") options.iterations = std::atol(value);
        else if (name == "--eval-samples") options.eval_samples = std::atoi(value);
        else if (name == "--threads") options.threads = std::atoi(value);
        else if (name == "--seed") options.seed = std::strtoull(value, nullptr, 10);
        else if (name == "--label") options.label = value;
        else usage();
    }
    if (options.at.empty())
        for (long k = options.every; k <= options.iterations; k += options.every) options.at.push_back(k);
    for (size_t k = 0; k < options.at.size(); k++)
        if (options.at[k] < 1 || (k > 0 && options.at[k] <= options.at[k - 1])) usage();
    if (options.at.empty() || options.eval_samples < 1) usage();
    return options;
}

int main(int argc, char** argv) {
    int blas_status = blas_startup(argc, argv);  // the BLAS kernels repro itself would run (cli/blas_startup.h)
    if (blas_status >= 0) return blas_status;
    QualityOptions options = parse(argc, argv);
    QualityData data = make_quality_data(options.n, options.seed, options.threads);
    DiffusionConfig config = diffusion_config_for(options.n);
    const DiffusionConfig& o = options.overrides;
    config.adam = o.adam;
    config.ema_decay = o.ema_decay;
    config.lr_warmup = o.lr_warmup;
    config.lr_horizon = o.lr_horizon;
    config.lr_final = o.lr_final;
    config.t_importance = o.t_importance;
    DiffusionModel model;
    diffusion_init(&model, config, options.seed + 100);
    SamplerOptions sampler = quick_sampler();
    std::printf("# %s: n %d, batch %d, lr %g warm-up %ld horizon %ld final %g, ema %g, importance %d; eval %d samples "
                "(DDIM eta 1, %d steps); yardstick dm %.4f dC %.4f\n",
                options.label.c_str(), options.n, options.batch, config.adam.learning_rate, config.lr_warmup,
                config.lr_horizon, config.lr_final, config.ema_decay, config.t_importance ? 1 : 0, options.eval_samples,
                sampler.steps, data.yardstick.magnetisation, data.yardstick.correlation);
    std::printf("%-12s %4s %7s %9s %9s %8s %8s %6s %6s\n", "recipe", "n", "iter", "train_s", "train_cpu", "dm", "dC",
                "dm/y", "dC/y");
    double train_wall = 0.0, train_cpu = 0.0;
    long reached = -1;
    double reached_wall = 0.0, reached_cpu = 0.0;
    for (long target : options.at) {
        auto start = std::chrono::steady_clock::now();
        double cpu_start = cpu_seconds();
        diffusion_train(&model, data.train.spins.data(), data.train.count, target - model.iteration, options.batch,
                        options.threads, nullptr);
        train_wall += seconds_since(start);
        train_cpu += cpu_seconds() - cpu_start;
        Samples generated = generate_samples(model, options.eval_samples, sampler, options.seed + 200,
                                             options.threads, nullptr);
        MomentDistance distance = moment_distance(sample_moments(generated), data.reference);
        double ratio_m = distance.magnetisation / data.yardstick.magnetisation;
        double ratio_c = distance.correlation / data.yardstick.correlation;
        std::printf("%-12s %4d %7ld %9.1f %9.1f %8.4f %8.4f %6.2f %6.2f\n", options.label.c_str(), options.n,
                    model.iteration, train_wall, train_cpu, distance.magnetisation, distance.correlation, ratio_m,
                    ratio_c);
        std::fflush(stdout);
        if (reached < 0 && ratio_m <= 1.2 && ratio_c <= 1.2)
            reached = model.iteration, reached_wall = train_wall, reached_cpu = train_cpu;
    }
    if (reached >= 0)
        std::printf("# %s n %d: within 1.2x of the yardstick at %ld iterations, %.1f s training (%.1f CPU s); "
                    "%.2f ms per iteration\n", options.label.c_str(), options.n, reached, reached_wall, reached_cpu,
                    1000.0 * train_cpu / model.iteration);
    else
        std::printf("# %s n %d: not within 1.2x of the yardstick in %ld iterations; %.2f ms per iteration\n",
                    options.label.c_str(), options.n, model.iteration, 1000.0 * train_cpu / model.iteration);
    return 0;
}
