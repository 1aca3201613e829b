// Float e^y and tanh(x) for the element-wise loops marked VECTOR_KERNEL (vector_kernel.h): the GELU's Gaussian
// (nn/gelu.cpp), the RBM's logistic function (nn/rbm.cpp) and the VAE's tanh (nn/vae.cpp).
//
// Why fast: libm's expf/tanhf/erff are scalar calls that GCC cannot vectorise (expf was over half of rbm_generate's
// time; tanhf made the VAE's training 60 % slower than with ReLU). Everything below is float and int32 arithmetic
// without calls or table look-ups (2^k is put together in the exponent bits), so a loop over it becomes SIMD code,
// 4 to 16 lanes at once.
//
// How: e^y = 2^k · e^r with y = k·ln2 + r, |r| ≤ ln2/2 (ln2 split in two parts, Cody–Waite, so r is accurate to a
// float's precision), e^r − 1 = r + r²·P(r) with the Cephes expf polynomial P (degree 5), and 2^k assembled directly
// in the exponent bits.
//
// Accuracy, measured against double-precision libm on every 64th float (SSE2, AVX2+FMA and AVX-512 builds alike):
// exp_nonpositive ≤ 8.3e-8 relative on [−87, 0]; tanh_vectorisable ≤ 1.7e-7 relative on [−100, 100], with no
// cancellation near x = 0 because it goes through e^y − 1, not e^y. Neither propagates NaN (tanh_vectorisable(NaN)
// is ±1): callers that must notice a NaN check their inputs or parameters.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

// The range reduction and polynomial both functions below share, for y ∈ [−87, 0]: writes r and P(r) with
// y = k·ln2 + r, e^r − 1 ≈ r + r²·P(r), and returns 2^k (k ≥ −126, so a normal float). Each caller assembles the
// result in its own order of operations.
static inline float exp_reduce(float y, float* r, float* poly) {
    float k = (y * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round(y/ln2): + 1.5·2²³ rounds to integer
    *r = (y - k * 0.693359375f) + k * 2.12194440e-4f;
    *poly = ((((1.9875691500e-4f * *r + 1.3981999507e-3f) * *r + 8.3334519073e-3f) * *r + 4.1665795894e-2f) * *r +
             1.6666665459e-1f) * *r + 5.0000001201e-1f;
    int32_t exponent_bits = ((int32_t)k + 127) << 23;
    float two_to_k;
    std::memcpy(&two_to_k, &exponent_bits, sizeof two_to_k);
    return two_to_k;
}

// e^y for y ∈ [−87, 0].
static inline float exp_nonpositive(float y) {
    float r, poly;
    float two_to_k = exp_reduce(y, &r, &poly);
    float r2 = r * r;
    return (poly * r2 + r + 1.0f) * two_to_k;
}

// tanh(x) for any finite x: tanh(a) = −expm1(−2a) / (2 + expm1(−2a)) for a = |x|, with the sign of x put back by
// copysign, where expm1(y) = e^y − 1 = (e^r − 1)·2^k + (2^k − 1). |x| is capped at 9 first (tanh(9) is 1 in float)
// so that y = −2|x| ≥ −18 stays in exp_reduce's range.
static inline float tanh_vectorisable(float x) {
    float magnitude = std::fabs(x) < 9.0f ? std::fabs(x) : 9.0f;
    float y = -2.0f * magnitude;  // in [−18, 0]
    float r, poly;
    float two_to_k = exp_reduce(y, &r, &poly);
    float expm1 = (poly * r * r + r) * two_to_k + (two_to_k - 1.0f);
    return std::copysign(-expm1 / (2.0f + expm1), x);
}
