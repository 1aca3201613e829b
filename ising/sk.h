// Sherrington–Kirkpatrick parameters (Sec. III A, step 1): b_i, w_ij ~ N(0, g²/n), independent, for i < j.
#pragma once
#include "../data/formats.h"
#include "../data/rng.h"

// Draws the n biases first, then w_ij for i < j in row-major order (w_01, w_02, …, w_12, …), mirrored to w_ji.
IsingParams draw_sk_params(int n, double g, Rng* rng);

// The g for which the couplings look like draws of N(0, g²/n): sqrt(n · mean_{i<j} w_ij²) (0 when n < 2).
// Sets the Metropolis defaults (metropolis.h); for data other than SK it is only a measure of coupling strength.
double sk_coupling_scale(const IsingParams& params);
