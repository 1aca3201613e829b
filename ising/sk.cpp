#include "sk.h"

#include <cmath>
#include <stdexcept>

IsingParams draw_sk_params(int n, double g, Rng* rng) {
    if (n < 1 || !(g >= 0.0) || !std::isfinite(g)) throw std::runtime_error("draw_sk_params: need n >= 1 and finite g >= 0");
    IsingParams params;
    params.n = n;
    params.bias.resize(n);
    params.coupling.assign((size_t)n * n, 0.0);
    double sigma = g / std::sqrt((double)n);  // standard deviation: variance g²/n
    for (int i = 0; i < n; i++) params.bias[i] = sigma * rng_normal(rng);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double w = sigma * rng_normal(rng);
            params.coupling[(size_t)i * n + j] = w;
            params.coupling[(size_t)j * n + i] = w;
        }
    return params;
}

double sk_coupling_scale(const IsingParams& params) {
    int n = params.n;
    if (n < 2) return 0.0;
    double squares = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) squares += params.coupling[(size_t)i * n + j] * params.coupling[(size_t)i * n + j];
    return std::sqrt(n * squares / (n * (n - 1) / 2.0));
}
