// Energy of Eq. (2), E(σ) = -Σ_i b_i σ_i - Σ_{i<j} w_ij σ_i σ_j = -σ·b - ½ σᵀWσ (W symmetric, zero diagonal),
// for many samples at once: the quadratic form is one sgemm per block of rows.
#pragma once
#include "../data/formats.h"

// Rows per block in every blocked loop over samples: the block's spins and fields (2 × 1024 × n floats) stay in
// the L2 cache, and memory stays bounded whatever M is.
constexpr int ENERGY_BLOCK_ROWS = 1024;

// energy[B] = E(spins[r]) for the B rows of spins [B × n] (±1); bias [n], coupling [n × n] (symmetric, zero
// diagonal) in float; fields [B × n] is scratch and holds spins·W on return. Float is exact for the ±1 spins and
// carries ~7 digits in the sums, ample for energies of |E| ≲ 10³.
void energy_block(float* energy, float* fields, const float* spins, const float* bias, const float* coupling, int B, int n);

// out[μ] = E(σ̂_μ) for every sample (out has samples.count entries).
void energies(const IsingParams& params, const Samples& samples, double* out);

// Mean and variance of E over the samples; the variance divides by M (not M - 1): it is the variance of the
// empirical distribution, the quantity the energy-variance stopping rule of Sec. III A compares.
// kurtosis = m4 / variance² (m4 the fourth central moment; NaN when the variance is 0). It sets how noisy a variance
// estimated from N samples is: relative standard error ≈ sqrt((kurtosis − 1) / N) (3 for a Gaussian gives sqrt(2/N)),
// which is how large a Var[E] probe must be for the stopping rule (docs/retina.md, "Stopping on the retina data").
struct EnergyStats {
    double mean, variance, kurtosis;
};
EnergyStats energy_stats(const IsingParams& params, const Samples& samples);
