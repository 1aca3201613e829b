#include "adam.h"

#include <cmath>
#include <stdexcept>

#include "vector_kernel.h"

// The update of adam.h, element by element. (The Makefile compiles this file with -fno-math-errno: with errno
// semantics GCC keeps std::sqrt a scalar call and the loop does not vectorise.)
VECTOR_KERNEL static void adam_kernel(float* __restrict params, float* __restrict grads, float* __restrict m,
                                      float* __restrict v, long count, float beta1, float beta2, float step_size,
                                      float inv_sqrt_correction2, float epsilon) {
    for (long i = 0; i < count; i++) {
        float g = grads[i];
        m[i] = beta1 * m[i] + (1.0f - beta1) * g;
        v[i] = beta2 * v[i] + (1.0f - beta2) * g * g;
        params[i] -= step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_correction2 + epsilon);
        grads[i] = 0.0f;
    }
}

void adam_update(float* params, float* grads, float* m, float* v, long count, const AdamConfig& config, long step) {
    if (step < 1) throw std::runtime_error("adam_update: step numbers start at 1");
    // Bias corrections in double: 1 − β2^k is tiny for the first steps.
    double correction1 = 1.0 - std::pow((double)config.beta1, (double)step);
    double correction2 = 1.0 - std::pow((double)config.beta2, (double)step);
    float step_size = (float)(config.learning_rate / correction1);
    float inv_sqrt_correction2 = (float)(1.0 / std::sqrt(correction2));
    adam_kernel(params, grads, m, v, count, config.beta1, config.beta2, step_size, inv_sqrt_correction2,
                config.epsilon);
}
