#include "gelu.h"
#include "fast_math.h"
#include "vector_kernel.h"

#include <cmath>
#include <cstdint>
#include <cstring>

// Why not std::erf: libm's erff is a scalar call of ~20 ns, and the denoiser evaluates 1,792 GELUs per sample and
// step (n = 40), ~0.5 M per training iteration: that alone would cost more than the matrix products we can afford.
// Instead erf comes from Abramowitz & Stegun 7.1.26 (|error| ≤ 1.5e-7, the resolution of a float near 1):
//   erfc(z) ≈ t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·exp(−z²),  t = 1/(1 + p·z),  z ≥ 0.
// With z = |x|/√2 the factor exp(−z²) is exp(−x²/2) = √(2π)·φ(x), the density the derivative needs, so forward and
// derivative share one exp, exp_nonpositive of fast_math.h. Everything below is branch-free float arithmetic so that
// GCC vectorises the loops.
static const float erfc_p = 0.3275911f;
static const float erfc_a1 = 0.254829592f, erfc_a2 = -0.284496736f, erfc_a3 = 1.421413741f,
                   erfc_a4 = -1.453152027f, erfc_a5 = 1.061405429f;
static const float inv_sqrt2 = 0.70710678118654752f;
static const float inv_sqrt_2pi = 0.39894228040143268f;

// if_negative when x has its sign bit set, otherwise if_nonnegative; a bit mask instead of `x < 0 ? a : b`, which
// GCC compiles to a branch here and then does not vectorise.
static inline float select_by_sign(float x, float if_negative, float if_nonnegative) {
    int32_t x_bits, negative_bits, nonnegative_bits;
    std::memcpy(&x_bits, &x, sizeof x_bits);
    std::memcpy(&negative_bits, &if_negative, sizeof negative_bits);
    std::memcpy(&nonnegative_bits, &if_nonnegative, sizeof nonnegative_bits);
    int32_t mask = x_bits >> 31;  // all ones when the sign bit is set
    int32_t result_bits = (negative_bits & mask) | (nonnegative_bits & ~mask);
    float result;
    std::memcpy(&result, &result_bits, sizeof result);
    return result;
}

// Φ(x) and, through *density, φ(x).
static inline float normal_cdf_and_density(float x, float* density) {
    float z = std::fabs(x) * inv_sqrt2;
    float t = 1.0f / (1.0f + erfc_p * z);
    // exp(−z²) underflows past z ≈ 9.3; beyond z = 9 erfc(z) < 1e-36 anyway, so z is clamped there for the exp.
    float z_clamped = min_nonnegative(z, 9.0f);
    float gaussian = exp_nonpositive(-z_clamped * z_clamped);  // exp(−x²/2)
    float erfc_z = t * (erfc_a1 + t * (erfc_a2 + t * (erfc_a3 + t * (erfc_a4 + t * erfc_a5)))) * gaussian;
    // Φ(x) = 1 − ½erfc(|x|/√2) for x ≥ 0 and ½erfc(|x|/√2) for x < 0 (no cancellation in the left tail).
    float half_erfc = 0.5f * erfc_z;
    *density = gaussian * inv_sqrt_2pi;
    return select_by_sign(x, half_erfc, 1.0f - half_erfc);
}

float gelu_normal_cdf(float x) {
    float density;
    return normal_cdf_and_density(x, &density);
}

// The loops below run over blocks of 16 with a fixed inner count, then a scalar tail: at -O2, GCC 12 vectorises
// only loops whose trip count it knows (its "very-cheap" cost model), and a fixed 16 is such a loop.
// x ← GELU(x) in place, deriv ← GELU'(x) (if not null).
VECTOR_KERNEL static void gelu_row_in_place(float* __restrict x, float* __restrict deriv, int cols) {
    int j = 0;
    if (deriv) {
        for (; j + 16 <= cols; j += 16)
            for (int k = 0; k < 16; k++) {
                float value = x[j + k], density;
                float cdf = normal_cdf_and_density(value, &density);
                x[j + k] = value * cdf;
                deriv[j + k] = cdf + value * density;
            }
        for (; j < cols; j++) {
            float value = x[j], density;
            float cdf = normal_cdf_and_density(value, &density);
            x[j] = value * cdf;
            deriv[j] = cdf + value * density;
        }
    } else {
        for (; j + 16 <= cols; j += 16)
            for (int k = 0; k < 16; k++) {
                float value = x[j + k], density;
                x[j + k] = value * normal_cdf_and_density(value, &density);
            }
        for (; j < cols; j++) {
            float value = x[j], density;
            x[j] = value * normal_cdf_and_density(value, &density);
        }
    }
}

void gelu_forward(float* out, float* deriv, const float* in, int rows, int cols, int ld) {
    for (int row = 0; row < rows; row++) {
        float* out_row = out + (long)row * ld;
        if (out != in) std::memcpy(out_row, in + (long)row * ld, sizeof(float) * cols);  // then work in place
        gelu_row_in_place(out_row, deriv ? deriv + (long)row * cols : nullptr, cols);
    }
}

VECTOR_KERNEL static void multiply_row(float* __restrict grad, const float* __restrict deriv, int cols) {
    int j = 0;
    for (; j + 16 <= cols; j += 16)
        for (int k = 0; k < 16; k++) grad[j + k] *= deriv[j + k];
    for (; j < cols; j++) grad[j] *= deriv[j];
}

void gelu_backward(float* grad, const float* deriv, int rows, int cols, int ld) {
    for (int row = 0; row < rows; row++) multiply_row(grad + (long)row * ld, deriv + (long)row * cols, cols);
}
