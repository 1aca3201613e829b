// Sinusoidal embedding of the diffusion time t (Appendix A: "sinusoidal position embeddings for encoding time t";
// Vaswani et al. 2017, as in Ho et al. 2020's DDPM code). The convention pinned here, for dim = 2·half:
//   out[i]        = sin(t·f_i),  out[half + i] = cos(t·f_i),  f_i = exp(−ln(10⁴)·i/(half − 1)),  i = 0 … half−1,
// so the frequencies run from 1 down to exactly 10⁻⁴, [sin | cos] halves. t is the integer step 1 … T itself.
#pragma once

// out [dim] = embedding of t. dim must be even and ≥ 4. Computed in double, stored as float.
void sinusoidal_embedding(float* out, double t, int dim);
