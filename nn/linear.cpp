#include "linear.h"

#include <cblas.h>
#include <cmath>

#include "vector_kernel.h"

void linear_init(float* weight, float* bias, int in_dim, int out_dim, Rng* rng) {
    float bound = 1.0f / std::sqrt((float)in_dim);
    for (long i = 0; i < (long)out_dim * in_dim; i++) weight[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * bound);
    for (int i = 0; i < out_dim; i++) bias[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * bound);
}

VECTOR_KERNEL static void copy_row(float* __restrict out, const float* __restrict in, int count) {
    for (int j = 0; j < count; j++) out[j] = in[j];
}

VECTOR_KERNEL static void add_row(float* __restrict sum, const float* __restrict row, int count) {
    for (int j = 0; j < count; j++) sum[j] += row[j];
}

void linear_forward_strided(float* out, int ld_out, const float* in, int ld_in, const float* weight,
                            const float* bias, int B, int in_dim, int out_dim) {
    // Broadcast the bias into out, then out += in·Wᵀ with beta = 1 (one pass over out, no temporary).
    for (int row = 0; row < B; row++) copy_row(out + (long)row * ld_out, bias, out_dim);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, out_dim, in_dim, 1.0f, in, ld_in, weight, in_dim, 1.0f,
                out, ld_out);
}

void linear_backward_strided(float* din, int ld_din, float* dweight, float* dbias, const float* dout, int ld_dout,
                             const float* in, int ld_in, const float* weight, int B, int in_dim, int out_dim) {
    // dW[out × in] += doutᵀ[out × B] · in[B × in]
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out_dim, in_dim, B, 1.0f, dout, ld_dout, in, ld_in, 1.0f,
                dweight, in_dim);
    for (int row = 0; row < B; row++) add_row(dbias, dout + (long)row * ld_dout, out_dim);
    // din[B × in] += dout[B × out] · W[out × in]
    if (din)
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, in_dim, out_dim, 1.0f, dout, ld_dout, weight, in_dim,
                    1.0f, din, ld_din);
}

void linear_forward(float* out, const float* in, const float* weight, const float* bias, int B, int in_dim, int out_dim) {
    linear_forward_strided(out, out_dim, in, in_dim, weight, bias, B, in_dim, out_dim);
}

void linear_backward(float* din, float* dweight, float* dbias, const float* dout, const float* in,
                     const float* weight, int B, int in_dim, int out_dim) {
    linear_backward_strided(din, in_dim, dweight, dbias, dout, out_dim, in, in_dim, weight, B, in_dim, out_dim);
}
