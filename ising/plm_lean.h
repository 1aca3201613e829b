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
#pragma once
#include "plm.h"

PlmResult plm_fit_newton_cg(const Samples& samples, const PlmOptions& options);
// Memory plm_fit_newton_cg needs besides the samples, in bytes (curvature M·n floats, a dozen n×n doubles per worker).
double plm_newton_cg_bytes(long M, int n, int threads);
