#include "assess.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>

#include "../data/clock.h"
#include "../data/collapse.h"
#include "../data/student_t.h"
#include "../ising/energy.h"
#include "../ising/exact.h"
#include "../ising/goodness.h"
#include "../ising/metropolis.h"
#include "../ising/tempering.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/plm.h"
#include "../ising/reconstruct.h"
#include "seeds.h"

std::vector<std::string> assess_default_solvers(int n) {
    std::vector<std::string> solvers = {"em", "plm-auto", "plm", "mf"};
    if (n <= ASSESS_MLE_MAX_N) solvers.push_back("mle");
    return solvers;
}

const std::vector<std::string>& assess_data_names() {
    static const std::vector<std::string> names = {"obs", "aug", "aug_obs"};
    return names;
}

int assess_hidden_k(int n) { return std::min(14, std::max(1, (int)std::lround(0.35 * n))); }

std::vector<int> assess_fold_of_rows(int count, int folds, uint64_t seed) {
    if (folds < 1 || count < folds) throw std::runtime_error("assess: " + std::to_string(folds) + " folds of " + std::to_string(count) + " rows");
    std::vector<int> order(count);
    for (int mu = 0; mu < count; mu++) order[mu] = mu;
    Rng rng;
    rng_seed(&rng, seed, 0);
    for (int mu = count - 1; mu > 0; mu--) std::swap(order[mu], order[(int)rng_below(&rng, (uint64_t)(mu + 1))]);
    std::vector<int> fold(count);
    for (int position = 0; position < count; position++) fold[order[position]] = position % folds;
    return fold;
}

void assess_split(const Samples& all, const std::vector<int>& fold_of, int fold, Samples* train, Samples* held) {
    const int n = all.n;
    *train = Samples();
    *held = Samples();
    train->n = held->n = n;
    for (int mu = 0; mu < all.count; mu++) {
        Samples* to = fold_of[mu] == fold ? held : train;
        to->spins.insert(to->spins.end(), all.spins.begin() + (size_t)mu * n, all.spins.begin() + (size_t)(mu + 1) * n);
        to->count++;
    }
}

Inference assess_fit(const std::string& solver, const Samples& data, const AssessSettings& s, uint64_t seed) {
    if (solver == "plm-auto") return infer_with(data, solver_named(solver, s.grid), s.threads, seed);
    Samples distinct = collapse_repeated_rows(data);  // exactly the same data set for these solvers (weights)
    if (solver != "mle") return infer_with(distinct, solver_named(solver, s.grid), s.threads, seed);
    if (data.n > ASSESS_EXACT_MAX_N) throw std::runtime_error("assess: exact MLE needs n <= 20");
    MleOptions options;
    options.tolerance = 1e-5;  // the held-out scores move in the 4th digit long before 1e-6
    options.max_iter = 20000;
    Inference result;
    result.params = exact_mle(sample_moments(distinct), options).params;
    return result;
}

Samples assess_generate(const Samples& train, const Samples* held, const AssessSettings& s, uint64_t seed,
                        long* iteration, bool* crossed) {
    AugmentSettings settings = s.augment;
    settings.max_iterations = s.iterations;
    settings.threads = s.threads;
    *crossed = false;
    if (held) {  // the paper's rule, with the erasure machine's energies (Sec. III A)
        Inference em = infer_with(collapse_repeated_rows(train), solver_named("em", s.grid), s.threads, derive_seed(seed, 10));
        AugmentTrace trace;
        Samples out = augment_energy_variance_stopped(train, em.params, energy_stats(em.params, *held).variance,
                                                      s.M_plus, settings, seed, &trace);
        *iteration = trace.chosen_iteration;
        *crossed = trace.stop.crossed;
        return out;
    }
    DiffusionModel model;
    augment_init_model(&model, train.n, settings, seed);
    ProgressCallback none;
    diffusion_train(&model, train.spins.data(), train.count, s.iterations, settings.batch, s.threads,
                    settings.progress ? settings.progress("train", "it") : none);
    *iteration = model.iteration;
    return generate_samples(model, s.M_plus, settings.sampler, derive_seed(seed, 3), s.threads,
                            settings.progress ? settings.progress("sample", "samples") : none);
}

namespace {

// What every fit of a fold is scored against: the held-out rows, their hidden sets and their statistics.
struct HeldOut {
    const Samples* rows;
    HiddenSets hidden;
    std::vector<int> triplets;
    SpinStatistics statistics;
};

void score_fit(const IsingParams& params, const HeldOut& held, const AssessSettings& s, uint64_t seed,
               PipelineScore* score) {
    const Samples& rows = *held.rows;
    score->pll = -plm_mean_loss(params, rows) / std::log(2.0);
    score->cond = mean_conditional_log2_likelihood(params, rows, held.hidden, s.threads);
    score->exact = NAN;
    if (rows.n <= ASSESS_EXACT_MAX_N) {
        double log_partition = 0;
        exact_moments(params, &log_partition);
        std::vector<double> energy(rows.count);
        energies(params, rows, energy.data());
        double sum = 0;
        for (double e : energy) sum += -e - log_partition;
        score->exact = sum / rows.count / rows.n / std::log(2.0);
    }
    score->gof_m = score->gof_c = score->gof_t = NAN;
    if (s.gof_samples <= 0) return;
    // Goodness of fit: Metropolis samples of the fit (the default thinning of ising/metropolis.h, capped: a fit with
    // strong couplings would otherwise ask for thousands of sweeps per sample, and a slightly correlated sample
    // only adds noise to these distances).
    Rng rng;
    rng_seed(&rng, seed, 0);
    int thin = std::min(100, metropolis_default_thin(params)), burn_in = std::min(2000, metropolis_default_burn_in(params));
    Samples drawn = s.gof_tempering ? tempering_sample(params, (int)s.gof_samples, burn_in, thin,
                                                       tempering_default_ladder(params.n), &rng, s.threads)
                                    : metropolis_sample(params, (int)s.gof_samples, burn_in, thin, &rng, s.threads);
    StatisticsDistance distance = statistics_distance(spin_statistics(drawn, held.triplets), held.statistics);
    score->gof_m = distance.magnetisation;
    score->gof_c = distance.pair;
    score->gof_t = distance.triplet;
}

// The independent-spin model of the training rows (half a pseudo-count on each side, as fig6's baseline): b_i with
// tanh b_i = 2p_i − 1, no couplings.
IsingParams independent_params(const Samples& train) {
    std::vector<double> p = independent_spike_probability(train);
    IsingParams params;
    params.n = train.n;
    params.coupling.assign((size_t)train.n * train.n, 0.0);
    for (double spike : p) params.bias.push_back(std::atanh(2 * spike - 1));
    return params;
}

}  // namespace

FoldResult assess_fold(const Samples& train, const Samples& held_rows, const AssessSettings& s, uint64_t seed) {
    FoldResult result;
    auto say = [&](const std::string& line) { if (s.log) s.log(line); };
    HeldOut held;
    held.rows = &held_rows;
    Rng rng;
    rng_seed(&rng, derive_seed(seed, 30), 0);
    held.hidden = draw_hidden_sets(held_rows.count, held_rows.n, s.hidden_k > 0 ? s.hidden_k : assess_hidden_k(held_rows.n), &rng);
    held.triplets = goodness_triplets(held_rows.n, GOODNESS_MAX_TRIPLETS, &rng);
    held.statistics = spin_statistics(held_rows, held.triplets);
    StatisticsDistance yardstick = statistics_distance(spin_statistics(train, held.triplets), held.statistics);
    result.yard_m = yardstick.magnetisation;
    result.yard_c = yardstick.pair;
    result.yard_t = yardstick.triplet;

    auto start = std::chrono::steady_clock::now();
    Samples augmented = assess_generate(train, s.energy_variance_rule ? &held_rows : nullptr, s, derive_seed(seed, 20),
                                        &result.generator_iteration, &result.rule_crossed);
    result.seconds_generator = seconds_since(start);
    say("generator: " + std::to_string(result.generator_iteration) + " iterations, " + std::to_string(augmented.count) +
        " samples, " + std::to_string((int)result.seconds_generator) + " s");
    Samples aug_obs = augmented;
    append_samples(&aug_obs, train, "the training rows");
    const Samples* sets[] = {&train, &augmented, &aug_obs};

    start = std::chrono::steady_clock::now();
    PipelineScore independent;
    independent.solver = "independent";
    independent.data = "obs";
    independent.rows = train.count;
    independent.distinct_rows = collapse_repeated_rows(train).count;
    score_fit(independent_params(train), held, s, derive_seed(seed, 40), &independent);
    result.scores.push_back(independent);
    uint64_t purpose = 41;
    for (const std::string& solver : s.solvers)
        for (size_t d = 0; d < assess_data_names().size(); d++) {
            PipelineScore score;
            score.solver = solver;
            score.data = assess_data_names()[d];
            score.rows = sets[d]->count;
            score.distinct_rows = collapse_repeated_rows(*sets[d]).count;
            auto fit_start = std::chrono::steady_clock::now();
            Inference fit = assess_fit(solver, *sets[d], s, derive_seed(seed, 10));
            score.seconds = seconds_since(fit_start);
            score.eps = fit.eps;
            score.lambda = fit.lambda;
            score_fit(fit.params, held, s, derive_seed(seed, purpose++), &score);
            score.params = fit.params;
            result.scores.push_back(score);
            say(solver + " on " + score.data + ": held-out pseudo-log-likelihood " + std::to_string(score.pll) +
                " bits/spin, log2 p(hidden | rest) " + std::to_string(score.cond));
        }
    result.seconds_fits = seconds_since(start);
    return result;
}

PairedVerdict assess_paired_verdict(const std::vector<double>& differences) {
    PairedVerdict v;
    v.count = (int)differences.size();
    if (v.count == 0) throw std::invalid_argument("assess_paired_verdict: no differences");
    double sum = 0;
    for (double d : differences) sum += d;
    v.mean = sum / v.count;
    if (v.count == 1) {
        v.half_width = NAN;
        v.verdict = "single run";
        return v;
    }
    double squares = 0;
    for (double d : differences) squares += (d - v.mean) * (d - v.mean);
    double sd = std::sqrt(squares / (v.count - 1));
    double K = v.count;  // folds: 1/K for independent differences + test/train rows 1/(K − 1) (assess.h)
    v.half_width = student_t_quantile(0.975, v.count - 1) * sd * std::sqrt(1.0 / K + 1.0 / (K - 1.0));
    v.verdict = v.mean - v.half_width > 0 ? "helps" : v.mean + v.half_width < 0 ? "hurts" : "undecided";
    return v;
}
