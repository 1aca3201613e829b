// How far inferred parameters are from the truth.
#pragma once
#include <vector>
#include "../data/formats.h"

// Eq. (23): MSE = (Σ_i (b_i - b_i^true)² + Σ_{i<j} (w_ij - w_ij^true)²) / L, L = n + n(n-1)/2.
double parameter_mse(const IsingParams& inferred, const IsingParams& truth);

// The L = n + n(n-1)/2 parameters in the order of Eq. (23): b_1 … b_n, then w_ij for i < j row by row
// (for inferred-vs-true scatter plots).
std::vector<double> flatten_parameters(const IsingParams& params);
