#include "embedding.h"

#include <cmath>
#include <stdexcept>
#include <string>

void sinusoidal_embedding(float* out, double t, int dim) {
    if (dim < 4 || dim % 2 != 0)
        throw std::runtime_error("sinusoidal_embedding: dimension must be even and at least 4, got " + std::to_string(dim));
    int half = dim / 2;
    for (int i = 0; i < half; i++) {
        double frequency = std::exp(-std::log(10000.0) * i / (half - 1));
        out[i] = (float)std::sin(t * frequency);
        out[half + i] = (float)std::cos(t * frequency);
    }
}
