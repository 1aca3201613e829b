// How far inferred parameters are from the truth.
#pragma once
#include "../data/formats.h"

// Eq. (23): MSE = (Σ_i (b_i - b_i^true)² + Σ_{i<j} (w_ij - w_ij^true)²) / L, L = n + n(n-1)/2.
double parameter_mse(const IsingParams& inferred, const IsingParams& truth);
