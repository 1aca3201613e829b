// Sec. III A step 3 (and step 6): inverse Ising inference. The paper's solver is the erasure machine; the others
// are beyond the paper (--solver in the figures and in repro augment).
#pragma once
#include <cstdint>
#include <string>

#include "../data/formats.h"
#include "../ising/erasure.h"

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
//        by 5-fold cross-validation of the held-out pseudo-likelihood when plm_lambda_auto
//   mf   naive mean field (ising/meanfield.h)
enum class SolverKind { Erasure, Plm, MeanField };
struct SolverChoice {
    SolverKind kind = SolverKind::Erasure;
    ErasureGrid grid;
    double plm_lambda = 0.0;
    bool plm_lambda_auto = false;
};
struct Inference {
    IsingParams params;
    double eps = 0.0;     // the erasure machine's chosen ε (0 for the other solvers)
    double lambda = 0.0;  // PLM's λ (chosen, with plm_lambda_auto)
};
Inference infer_with(const Samples& samples, const SolverChoice& solver, int threads, uint64_t seed);
// "em", "plm", "plm-auto", "mf", "plm-lambda0.01" (for design parameters, column names and summaries).
std::string solver_name(const SolverChoice& solver);
// The solver with that name ("em", "plm", "plm-auto", "mf") on `grid`.
SolverChoice solver_named(const std::string& name, const ErasureGrid& grid);
