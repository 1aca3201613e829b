#include <algorithm>
#include <chrono>
#include <vector>

#include "../data/clock.h"
#include "diffusion.h"

DiffusionRates diffusion_measure_rates(DiffusionModel* trial, const float* data_pm1, long count,
                                       const SamplerOptions& sampler, int batch, int threads) {
    ProgressCallback silent;
    DiffusionRates rates;
    auto start = std::chrono::steady_clock::now();
    diffusion_train(trial, data_pm1, count, 10, batch, threads, silent);
    double ten = seconds_since(start);
    start = std::chrono::steady_clock::now();
    diffusion_train(trial, data_pm1, count, 50, batch, threads, silent);
    rates.seconds_per_iteration = std::max(seconds_since(start) - ten, 1e-9) / 40;
    SamplerOptions timing = sampler;
    timing.kind = SamplerKind::ddim;
    timing.steps = 10;
    const long rows = 512L * std::max(1, threads);  // two chunks per thread: the real draw keeps every thread busy
    std::vector<float> out((size_t)rows * trial->config.denoiser.n);
    start = std::chrono::steady_clock::now();
    diffusion_sample(*trial, rows, timing, 1, out.data(), threads, silent);
    int steps = sampler.kind == SamplerKind::ddpm ? trial->config.T : sampler.steps;
    rates.seconds_per_sample = seconds_since(start) / rows / timing.steps * steps;
    return rates;
}
