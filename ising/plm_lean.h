// Pseudo-likelihood for many spins (n in the hundreds to thousands): the same estimator as ising/plm.h, solved by
// inexact Newton with preconditioned conjugate gradients (Newton-CG; Nocedal & Wright 2006, Alg. 7.1) instead of
// every spin's explicit Hessian. plm.h keeps n·n(n+1)/2 Hessian moments (4 GB at n = 1000) and builds them from
// n(n+1)/2 products per row; here each CG step costs two matrix products over the data for all spins at once
// (Hessian-vector products H_i v_i = Σ_μ d_μi x_μ (x_μ·v_i): U = S Vᵀ, then (D∘U)ᵀ S), so memory is O(M·n + n²).
// The preconditioner is shared: every spin's Hessian is close to c_i times the second-moment matrix of its features
// (the spins and a constant), A = (1/M) Σ_μ x̃_μ x̃_μᵀ, x̃ = (σ, 1), with c_i the mean curvature of spin i; spin i's
// features are A without spin i, whose inverse follows from A⁻¹ by one rank-one correction (the Schur complement),
// so one inversion of an (n+1)×(n+1) matrix preconditions all spins. Converges to the same optimum (same gradient
// test) as plm.h; plm_fit calls this beyond n = PLM_NEWTON_CG_ABOVE_N (64), where it is the faster of the two.
// Three savings that leave the answer as it is: the preconditioner carries the penalty (plm_lean.cpp), the line
// search's full step is tried with a complete pass that the next Newton step reuses, and rows that have converged
// leave the problem, so the last steps' products are over the few spins still stepping. Measured at M = 20,000 on
// the idle 2 cores (AMD EPYC Zen 3): n = 200 / 500 / 1000 in 1.3 / 5.3 / 18.9 s wall (2.5 / 10.0 / 36 CPU s).
#pragma once
#include "plm.h"

PlmResult plm_fit_newton_cg(const Samples& samples, const PlmOptions& options);
// The features' second moments A of `samples` ((n+1) × (n+1)), for PlmOptions::feature_moments.
std::vector<double> plm_feature_moments(const Samples& samples);
// The rows of the spins in `spins` only (K of them, each in 0..n−1): every spin's problem is its own, so these are
// the rows plm_fit_newton_cg finds for those spins, at K/n of its cost. Returns Θ, K × n: row k is spin i = spins[k]'s
// couplings w_i· with its bias b_i at column i; options.start, if set, is K × n. *outcomes gets each row's outcome.
std::vector<double> plm_fit_rows(const Samples& samples, const PlmOptions& options, const std::vector<int>& spins,
                                 std::vector<PlmSpinOutcome>* outcomes);
// The mean negative conditional log-likelihood per row and fitted spin, (1/(M K)) Σ_μ Σ_k log(1 + exp(−2σ_i h_i)),
// of those rows (unsymmetrised) on `samples`.
double plm_rows_mean_loss(const Samples& samples, const std::vector<double>& rows, const std::vector<int>& spins);
// Memory plm_fit_newton_cg needs besides the samples, in bytes (curvature M·n floats, a dozen n×n doubles per worker).
double plm_newton_cg_bytes(long M, int n, int threads);
