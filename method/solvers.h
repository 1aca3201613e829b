// Sec. III A step 3 (and step 6): inverse Ising inference. The paper's solver is the erasure machine; the others
// are beyond the paper (--solver in the figures and in repro augment).
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "../data/formats.h"
#include "../ising/erasure.h"
#include "../ising/meanfield.h"
#include "../ising/mle.h"
#include "../ising/plm.h"

// The ε grid of the erasure machine: `count` values in 0.1 … 0.9. stride > 1 runs every stride-th ε and then every
// ε within stride − 1 of the best (ising/erasure.h): the same choice whenever ⟨E⟩ has a single peak, ~3× faster.
struct ErasureGrid {
    int count = 81;
    int stride = 1;
};
// The stride of every figure at --scale quick (paper scale: 1).
constexpr int QUICK_EPS_STRIDE = 6;
// "81 values in [0.1, 0.9], scanned with stride 6" (design parameters and summaries).
std::string erasure_grid_text(const ErasureGrid& grid);

// The erasure machine with the project's defaults (100 iterations, γ = 0.1) on the grid, on `threads`.
ErasureResult infer_erasure(const Samples& samples, const ErasureGrid& grid, int threads, uint64_t seed);

//   em   the erasure machine (ising/erasure.h) on `grid`, the paper's and the default
//   plm  pseudo-likelihood (ising/plm.h) with the L2 penalty `plm_lambda` (0: the plain estimator), or with λ chosen
//        by `plm_folds`-fold cross-validation (or on `plm_validation`) of the held-out pseudo-likelihood when
//        plm_lambda_auto
//   mf   naive mean field (ising/meanfield.h)
//   mle  exact maximum likelihood (ising/mle.h, Eqs. (5)–(9); n ≤ EXACT_MAX_N), only from repro infer
// The one dispatch of the solvers: the figures, repro augment and repro infer all call infer_with. The fields after
// `plm_lambda_auto` are repro infer's finer settings; the figures leave them at their defaults (the solvers' own).
enum class SolverKind { Erasure, Plm, MeanField, ExactMle };
struct SolverChoice {
    SolverKind kind = SolverKind::Erasure;
    ErasureGrid grid;
    double plm_lambda = 0.0;
    bool plm_lambda_auto = false;
    double eps_min = 0.1, eps_max = 0.9;            // em: the ends of the grid
    int max_iter = -1;                              // em, plm, mle: -1 = the solver's default
    double tolerance = 1e-6;                        // plm, mle: every |gradient| below it
    int plm_folds = 5;
    const Samples* plm_validation = nullptr;
    std::atomic<long long>* work_done = nullptr;   // progress: em +1 per finished ε run, mle +1 per update
};
// The parameters and what the solver reports about them (only the chosen solver's report is filled in).
struct Inference {
    IsingParams params;
    double eps = 0.0;     // the erasure machine's chosen ε (0 for the other solvers)
    double lambda = 0.0;  // PLM's λ (chosen, with plm_lambda_auto)
    ErasureResult erasure;
    PlmResult plm;
    std::vector<double> plm_lambda_scores;  // plm_lambda_auto: the held-out loss on plm_lambda_grid()
    MeanFieldResult mean_field;
    MleResult mle;
};
// The erasure machine's options for `solver` (grid, ends, iterations, threads, seed, progress counter).
ErasureOptions erasure_options_for(const SolverChoice& solver, int threads, uint64_t seed);
Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed);
// "em", "plm", "plm-auto", "mf", "plm-lambda0.01" (for design parameters, column names and summaries).
std::string solver_name(const SolverChoice& solver);
// "mle" for the exact maximum likelihood. The solver with that name ("em", "plm", "plm-auto", "mf") on `grid`.
SolverChoice solver_named(const std::string& name, const ErasureGrid& grid);
