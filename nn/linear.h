// Dense layer y = x·Wᵀ + b over cblas_sgemm. Row-major, contiguous float buffers.
// Shapes: in [B × in_dim], weight [out_dim × in_dim] (PyTorch's layout), bias [out_dim], out [B × out_dim].
#pragma once
#include "../data/rng.h"

// Initialisation of PyTorch's nn.Linear (what the paper's code used): W, b ~ U(-1/√in_dim, 1/√in_dim).
void linear_init(float* weight, float* bias, int in_dim, int out_dim, Rng* rng);
// out = in·Wᵀ + b
void linear_forward(float* out, const float* in, const float* weight, const float* bias, int B, int in_dim, int out_dim);
// dweight += doutᵀ·in, dbias += Σ_rows dout, din += dout·W (din may be null: first layer).
// Accumulates, like every *_backward.
void linear_backward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                     const float* weight, int B, int in_dim, int out_dim);

// The same two with row strides (BLAS leading dimensions): row r of `in` starts at in + r·ld_in, and so on. A layer
// can then read from or write into a column block of a wider buffer, which is how the denoiser concatenates its
// skip connections without copying them (nn/denoiser.cpp).
void linear_forward_strided(float* out, int ld_out, const float* in, int ld_in, const float* weight,
                            const float* bias, int B, int in_dim, int out_dim);
void linear_backward_strided(float* din, int ld_din, float* dweight, float* dbias, const float* dout, int ld_dout,
                             const float* in, int ld_in, const float* weight, int B, int in_dim, int out_dim);
