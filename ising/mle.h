// Exact maximum-likelihood estimation, Sec. II A: gradient ascent on the log-likelihood of Eq. (5), with the
// model averages of Eqs. (8)–(9) computed by exact enumeration (so n ≤ 20).
#pragma once
#include "../data/formats.h"
#include <atomic>

#include "moments.h"

struct MleOptions {
    double learning_rate = 0.1;  // γ of Eqs. (6)–(7), the paper's value
    double tolerance = 1e-6;     // stop when every |∂L/∂θ| of Eqs. (8)–(9) is below this
    int max_iter = 100000;       // … or after this many updates
    std::atomic<long long>* updates_done = nullptr;  // if given, +1 per update (for a progress line: at n = 20 an
                                                     // update enumerates 2^20 states, and a fit can take minutes)
};

struct MleResult {
    IsingParams params;
    int iterations = 0;         // updates made
    double max_gradient = 0.0;  // largest |∂L/∂θ| at the returned parameters
    bool converged = false;     // max_gradient < tolerance
};

// Starts from b = w = 0 (the likelihood is concave, so the start only changes the time) and repeats
// Eqs. (6)–(7): b_i += γ(⟨σ_i⟩_f - ⟨σ_i⟩_p), w_ij += γ(⟨σ_iσ_j⟩_f - ⟨σ_iσ_j⟩_p). `data` holds the data
// moments ⟨·⟩_f (sample_moments(), or exact moments for the M → ∞ limit). Each update costs one enumeration
// of the 2^n configurations. The convergence rate is set by the smallest eigenvalue λ of the feature covariance
// (the error shrinks like (1 - γλ)^t), so weakly constrained directions make it slow: thousands of updates.
MleResult exact_mle(const Moments& data, const MleOptions& options);
