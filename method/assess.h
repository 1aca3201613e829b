// Does augmentation help *my* inference? (issue 30; beyond the paper.) Answered without true parameters, by cross-
// validation: the rows are split into K folds; per fold a diffusion model is trained on the other folds and draws
// M⁺ samples, every solver is fitted on the observed, the augmented and the augmented + observed training data, and
// every fit is scored on the held-out fold by measures that need no truth:
//   pll    the held-out pseudo-log-likelihood per spin, (1/(M n)) Σ_μ Σ_i log2 p(σ_i | σ_\i) (Besag 1975), bits;
//   cond   log2 p(σᵐ | σᵒ) of k hidden spins given the others per hidden spin, exact over the 2ᵏ completions
//          (fig6's measure, ising/reconstruct.h; k = min(14, round(0.35 n)): fig6's 14 of 40), bits;
//   exact  the held-out log-likelihood per spin, log2 p(σ) / n, by enumeration of Z (n ≤ 20 only), bits;
//   gof_m, gof_c, gof_t  the goodness of fit of Schneidman et al. 2006 (ising/goodness.h): RMS differences of the
//          magnetisations, connected pair and third-order correlations of Metropolis samples of the fit against
//          the held-out fold's; the training folds' own distance to it is the yardstick (finite-M noise).
// Higher is better for pll, cond and exact; lower for the gof distances. The verdicts compare each solver's
// augmented pipelines with its observed one, paired over the folds, by a 95 % Student-t test on the differences.
//
// Plain functions over samples: no files, no options (cli/cmd_assess.cpp keeps the folds on disk and writes the
// summary).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../data/formats.h"
#include "augment.h"
#include "solvers.h"

struct AssessSettings {
    int folds = 4;
    // "em", "plm-auto", "plm", "mf", and "mle" (exact maximum likelihood; n ≤ 20, by default n ≤ ASSESS_MLE_MAX_N).
    std::vector<std::string> solvers;
    long M_plus = 20000;           // generated samples per fold
    AugmentSettings augment;       // recipe, batch, sampler, widths, threads, progress (method/augment.h)
    long iterations = 8000;        // the generator's training budget: the fast recipe's whole schedule
    bool energy_variance_rule = false;  // stop by the paper's rule (checkpoints 1000, 2000, … ≤ iterations) instead
    ErasureGrid grid;
    int hidden_k = 0;              // 0: assess_hidden_k(n)
    long gof_samples = 10000;      // Metropolis samples of each fit for the goodness of fit (0: no check; NaN)
    bool gof_tempering = false;    // draw them by parallel tempering (ising/tempering.h): for fits with several basins
    int threads = 1;
    std::function<void(const std::string&)> log;  // a line per step (empty: silent)
};
constexpr int ASSESS_MLE_MAX_N = 12;    // exact MLE by default: up to 20,000 enumerations of 2^n states (n = 16: minutes per fit)
constexpr int ASSESS_EXACT_MAX_N = 20;  // the exact held-out likelihood: one enumeration per fit

// The solvers assessed by default at n: erasure machine, PLM with λ by CV, plain PLM, mean field, and exact MLE
// where n ≤ ASSESS_MLE_MAX_N.
std::vector<std::string> assess_default_solvers(int n);
// The data sets every solver is fitted on, in table order: observed, augmented, augmented + observed.
const std::vector<std::string>& assess_data_names();
// fig6's number of hidden spins scaled to n: min(14, max(1, round(0.35 n))).
int assess_hidden_k(int n);

// fold[μ] ∈ [0, folds) for every row: a seeded shuffle dealt round-robin, so the folds differ in size by ≤ 1 and the
// split does not follow the order of the recording. One fold: every row in fold 0 (no held-out set; use a test file).
std::vector<int> assess_fold_of_rows(int count, int folds, uint64_t seed);
// The rows of fold `fold` into *held and the others into *train.
void assess_split(const Samples& all, const std::vector<int>& fold_of, int fold, Samples* train, Samples* held);

// One fitted pipeline scored on the held-out rows. exact is NaN where n > ASSESS_EXACT_MAX_N.
struct PipelineScore {
    std::string solver, data;      // "em" … / "obs", "aug", "aug_obs"; ("independent", "obs") is the baseline
    double pll = 0, cond = 0, exact = 0, gof_m = 0, gof_c = 0, gof_t = 0;
    double eps = 0, lambda = 0;    // the erasure machine's ε, PLM's λ
    long rows = 0, distinct_rows = 0;  // the training rows and how many of them are distinct (solvers see those)
    double seconds = 0;            // the fit
    IsingParams params;            // the fit itself (fig8 scores it against the true parameters)
};
struct FoldResult {
    std::vector<PipelineScore> scores;
    double yard_m = 0, yard_c = 0, yard_t = 0;  // training folds against the held-out fold: the gof yardstick
    long generator_iteration = 0;               // where the generator stopped
    bool rule_crossed = false;
    double seconds_generator = 0, seconds_fits = 0;
};

// One fold: the generator trained on `train` (seeded from `seed`), then every solver on every data set, scored on
// `held`.
FoldResult assess_fold(const Samples& train, const Samples& held, const AssessSettings& settings, uint64_t seed);

// The fit of one solver on one data set (also the recommended pipeline's refit on all the data): rows collapsed to
// weights except for "plm-auto", whose cross-validation folds are folds of rows.
Inference assess_fit(const std::string& solver, const Samples& data, const AssessSettings& settings, uint64_t seed);
// The generator of a fold (or of the refit): trained on `train`, M⁺ samples drawn. `held` gives the energy-variance
// rule its target (Var[E] of held-out rows under the erasure machine's fit of `train`); nullptr: no rule.
Samples assess_generate(const Samples& train, const Samples* held, const AssessSettings& settings, uint64_t seed,
                        long* iteration, bool* crossed);

// Paired verdict over K folds on the differences d_f = score(candidate) − score(baseline) (higher = better):
// "helps" when the 95 % interval of their mean lies above 0, "hurts" below 0, "undecided" across it, "single run"
// with one difference. The interval is Nadeau & Bengio's (2003) corrected resampled t: mean ± t₀.₉₇₅(K−1)·sd·
// √(1/K + 1/(K−1)). Why not sd/√K: the folds share training rows (each pair shares K − 2 of K − 1 parts), so
// the differences are positively correlated and the plain interval is too narrow; the correction adds the ratio of
// test to training rows, 1/(K − 1), to the 1/K of independent differences (√2.33 ≈ 1.5× wider at K = 4).
struct PairedVerdict {
    std::string verdict;
    double mean = 0, half_width = 0;  // half_width NaN for a single run
    int count = 0;
};
PairedVerdict assess_paired_verdict(const std::vector<double>& differences);

