// Pseudo-likelihood maximisation (PLM; Besag 1975, Ravikumar, Wainwright & Lafferty 2010, Aurell & Ekeberg 2012):
// the field's standard solver of the inverse Ising problem beyond n ≈ 20, and a baseline the paper does not show.
//
// For each spin i the conditional of Eq. (2) given the others is a logistic model,
//   p(σ_i | σ_\i) = 1 / (1 + exp(−2σ_i h_i)),   h_i = b_i + Σ_{j≠i} w_ij σ_j,
// so each spin is its own n-parameter convex problem (b_i, w_i·): minimise the mean negative conditional
// log-likelihood plus an optional L2 penalty on the couplings,
//   f_i(θ) = (1/M) Σ_μ log(1 + exp(−2σ_i^μ h_i^μ)) + λ Σ_{j≠i} w_ij²,
// solved by Newton's method with a backtracking (Armijo) line search. The row estimates are then symmetrised,
// w_ij ← (w_ij + w_ji)/2 (Aurell & Ekeberg's "asymmetric PLM" followed by averaging).
//
// Precision: the gradient, which decides where the iteration stops, is summed in double; the Hessian, which only
// decides how fast it gets there, is accumulated with ssyrk in float over blocks of rows (an inexact Newton step
// still converges to the exact optimum). Memory: the data (M·n floats, visited in blocks of rows, never copied) and
// every spin's Hessian moments, n·n(n+1)/2 floats per worker: n = 60: 0.4 MB, n = 300: 54 MB. Beyond n =
// PLM_NEWTON_CG_ABOVE_N plm_fit runs Newton-CG instead (plm_lean.h: O(M·n + n²) memory, the same optimum): measured
// at M = 20,000 (CPU seconds, the moments path / Newton-CG) n = 40: 0.39 / 0.39, n = 60: 0.94 / 0.75, n = 100:
// 3.6 / 1.5, n = 200: 18.6 / 4.9, n = 500: 301 / 15.9. The switch sits just above the paper's sizes (n ≤ 60), so
// no figure's default result moves.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../data/formats.h"

struct PlmOptions {
    double lambda = 0.0;       // L2 penalty λ on the couplings (0: the plain estimator; biases are never penalised)
    double tolerance = 1e-6;   // stop when every |∂f_i/∂θ| is below this
    int max_iter = 100;        // Newton steps per spin at most
    int threads = 1;           // spins run in parallel (each with a one-thread BLAS)
    // Warm start: the unsymmetrised estimates of a nearby fit (PlmResult::rows, n × n), e.g. the previous λ of a
    // path. Same optimum, fewer Newton steps; null starts from zero. Constant spins are reset as usual.
    const std::vector<double>* start = nullptr;
    // Newton-CG only (plm_lean.h): the features' second moments A its preconditioner is built from, instead of
    // computing them from the data (plm_feature_moments), e.g. the whole data's for the fits on its folds. They steer
    // the steps, not the optimum.
    const std::vector<double>* feature_moments = nullptr;
};

struct PlmResult {
    IsingParams params;                 // symmetrised
    std::vector<double> rows;           // the per-spin estimates before symmetrising: row i = (w_i·, b_i at i)
    int max_iterations = 0;             // the most Newton steps any spin took
    double max_gradient = 0.0;          // the largest |∂f_i/∂θ| left at the returned parameters
    bool converged = false;             // every spin reached the tolerance
    std::vector<int> constant_spins;    // spins that never flip in the data (their bias has no finite optimum)
    std::vector<int> unconverged_spins; // spins whose Newton iteration hit max_iter
    // Spins the others predict (almost) perfectly (mean conditional loss below 1e-4 nats, e.g. a copy of another
    // spin): with λ = 0 their couplings grow until the gradient falls below the tolerance, so their size is set by
    // the tolerance, not by the data. Use a penalty (λ > 0) for them.
    std::vector<int> separable_spins;
};

// The end of both solvers (plm.cpp, plm_lean.cpp): θ (n × n, row i = spin i's bias at i and couplings) into
// *result's symmetrised parameters, w_ij = (θ_ij + θ_ji)/2, and its per-spin diagnostics. `constant[i]` ≠ 0 marks
// a spin that never flips (no diagnostics).
struct PlmSpinOutcome {
    int steps = 0;                 // Newton steps taken
    double largest_gradient = 0;   // max |∂f_i/∂θ| at the end
    double objective = 0;          // f_i at the end (nats per row)
    bool converged = false;
};
// Per spin: +1 or −1 for a spin that has that value in every row of positive weight (it never flips), else 0.
std::vector<int> constant_spin_signs(const Samples& data);
// The start of both solvers: θ = *options.start (checked to be n × n) or zero; couplings to a spin that never flips
// (constant[j] ≠ 0) held at 0, and such a spin's row its fixed estimate: couplings 0 and the bias ½·ln(2M + 1)·σ_i
// (one pseudo-observation shared between the two signs; M = the total row weight).
std::vector<double> plm_start(const PlmOptions& options, int n, const std::vector<int>& constant, double M);
// The same for the rows of `spins` only (K × n, row k = spin spins[k]; *start, if given, K × n).
std::vector<double> plm_start_rows(const std::vector<double>* start, int n, const std::vector<int>& spins,
                                   const std::vector<int>& constant, double M);
void plm_finish(const std::vector<double>& theta, int n, const std::vector<int>& constant,
                const std::vector<PlmSpinOutcome>& spins, PlmResult* result);

// f_i and its gradient at θ = (b_i at index i, w_ij at j ≠ i) for spin i (exposed for the finite-difference test).
double plm_spin_objective(const Samples& samples, int spin, const std::vector<double>& theta, double lambda,
                          std::vector<double>* gradient);

// PLM on every spin, then symmetrised. A spin that never flips gets couplings 0 and the bias
// ½·ln(2M + 1)·σ_i (its frequency with one pseudo-observation shared between the two signs), and is listed.
constexpr int PLM_NEWTON_CG_ABOVE_N = 64;
PlmResult plm_fit(const Samples& samples, const PlmOptions& options);

// The mean negative pseudo-log-likelihood per spin and sample, (1/(M n)) Σ_μ Σ_i log(1 + exp(−2σ_i h_i)), of
// `params` on `samples`: the held-out score that chooses λ.
double plm_mean_loss(const IsingParams& params, const Samples& samples);

// λ chosen on a grid by the held-out pseudo-likelihood: `folds`-fold cross-validation on `samples` (rows split in
// order into contiguous folds), or, when `validation` is non-null, fitting on all of `samples` and scoring on it.
// Returns the fit on all of `samples` at the chosen λ; *chosen gets λ, *scores the held-out loss per grid value.
// Up to n = PLM_NEWTON_CG_ABOVE_N every grid value is fitted from zero to options.tolerance and scored with the
// symmetrised fit on every spin (seconds at the paper's sizes; every figure uses this). Beyond it the grid is walked
// as a path (glmnet's recipe; Friedman, Hastie & Tibshirani 2010): from the largest λ down, each fold warm-started
// from its fit at the previous λ, the scoring fits to PLM_PATH_TOLERANCE, and the walk stops once PLM_PATH_PATIENCE
// successive values score worse than the best (those get NaN in *scores). On the path λ is scored on PLM_CV_SPINS
// spins spread evenly over 0..n−1 (spin ⌊k·n/64⌋), each by the held-out loss of its own, unsymmetrised row
// (plm_fit_rows: every spin's problem is its own, so the others need not be fitted to score these; the held-out loss
// is a mean over spins, and 64 of them estimate it well enough to rank a grid of half decades). The final fit on all
// spins starts from the folds' mean rows at the chosen λ and runs to options.tolerance. Measured at M = 20,000 on
// the idle 2 cores (wall s; every λ from zero / the path on every spin / now): n = 200: ≈ 130 / ≈ 25 / 6.9, n = 1000:
// ≈ 30 min / ≈ 5.5 min / 41 s, the same λ chosen and the same final fit (docs/performance.md).
std::vector<double> plm_lambda_grid();
constexpr double PLM_PATH_TOLERANCE = 1e-4;
constexpr int PLM_CV_SPINS = 64;
static_assert(PLM_CV_SPINS <= PLM_NEWTON_CG_ABOVE_N, "the path scores PLM_CV_SPINS distinct spins");
constexpr int PLM_PATH_PATIENCE = 2;
PlmResult plm_fit_auto_lambda(const Samples& samples, const Samples* validation, int folds, const PlmOptions& options,
                              double* chosen, std::vector<double>* scores);
