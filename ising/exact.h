// Exact enumeration of all 2^n configurations (n ≤ 20): the ground truth for tests and the exact MLE.
// Configuration index s ↔ spins σ_i = +1 if bit i of s is set, else -1.
#pragma once
#include "../data/formats.h"
#include "../data/rng.h"
#include "moments.h"

constexpr int EXACT_MAX_N = 20;  // 2^20 ≈ 10^6 configurations: ~0.1 s per enumeration

// energy[s] = E(σ(s)) of Eq. (2) for all s in [0, 2^n) (energy has 2^n entries). Double dgemm over blocks.
void exact_energies(const IsingParams& params, double* energy);

// ⟨σ_i⟩_p and ⟨σ_i σ_j⟩_p under p(σ) = exp(-E(σ))/Z, Eq. (1); log Z in *log_partition if it is not null.
// Weights are exp(-E - max(-E)), so nothing overflows; moments are σᵀ·diag(p)·σ by dgemm over blocks.
Moments exact_moments(const IsingParams& params, double* log_partition);

// `count` independent samples from p(σ) (inverse-CDF over the 2^n probabilities).
Samples exact_sample(const IsingParams& params, int count, Rng* rng);
