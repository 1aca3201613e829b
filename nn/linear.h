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
