#include "linear.h"

#include <cblas.h>
#include <cmath>

void linear_init(float* weight, float* bias, int in_dim, int out_dim, Rng* rng) {
    float bound = 1.0f / std::sqrt((float)in_dim);
    for (long i = 0; i < (long)out_dim * in_dim; i++) weight[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * bound);
    for (int i = 0; i < out_dim; i++) bias[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * bound);
}

void linear_forward(float* out, const float* in, const float* weight, const float* bias, int B, int in_dim, int out_dim) {
    // Broadcast the bias into out, then out += in·Wᵀ with beta = 1 (one pass over out, no temporary).
    for (int row = 0; row < B; row++)
        for (int j = 0; j < out_dim; j++) out[(long)row * out_dim + j] = bias[j];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, out_dim, in_dim, 1.0f, in, in_dim, weight, in_dim, 1.0f,
                out, out_dim);
}

void linear_backward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                     const float* weight, int B, int in_dim, int out_dim) {
    // dW[out × in] += doutᵀ[out × B] · in[B × in]
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out_dim, in_dim, B, 1.0f, dout, out_dim, in, in_dim, 1.0f,
                dweight, in_dim);
    for (int row = 0; row < B; row++)
        for (int j = 0; j < out_dim; j++) dbias[j] += dout[(long)row * out_dim + j];
    // din[B × in] += dout[B × out] · W[out × in]
    if (din)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in_dim, out_dim, 1.0f, dout, out_dim, weight, in_dim,
                    1.0f, din, in_dim);
}
