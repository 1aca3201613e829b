#include "energy.h"

#include <algorithm>
#include <cmath>
#include <cblas.h>
#include <stdexcept>
#include <string>
#include <vector>

void energy_block(float* energy, float* fields, const float* spins, const float* bias, const float* coupling, int B, int n) {
    // fields[B × n] = spins[B × n] · W[n × n]   (W symmetric, so row-major W = Wᵀ)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, n, n, 1.0f, spins, n, coupling, n, 0.0f, fields, n);
    for (int row = 0; row < B; row++) {
        const float* s = spins + (size_t)row * n;
        const float* h = fields + (size_t)row * n;
        // σ·b + ½ σᵀWσ = Σ_i σ_i (b_i + ½ h_i), summed in 8 independent lanes so the compiler can use SIMD
        // (a single running sum is a serial chain it may not reorder).
        float lane[8] = {0, 0, 0, 0, 0, 0, 0, 0};
        int i = 0;
        for (; i + 8 <= n; i += 8)
            for (int k = 0; k < 8; k++) lane[k] += s[i + k] * (bias[i + k] + 0.5f * h[i + k]);
        for (; i < n; i++) lane[0] += s[i] * (bias[i] + 0.5f * h[i]);
        energy[row] = -((lane[0] + lane[1]) + (lane[2] + lane[3]) + ((lane[4] + lane[5]) + (lane[6] + lane[7])));
    }
}

void energies(const IsingParams& params, const Samples& samples, double* out) {
    int n = params.n;
    if (samples.n != n)
        throw std::runtime_error("samples have " + std::to_string(samples.n) + " spins but the parameters are for n = " +
                                 std::to_string(n));
    std::vector<float> bias(params.bias.begin(), params.bias.end());
    std::vector<float> coupling(params.coupling.begin(), params.coupling.end());
    std::vector<float> fields((size_t)ENERGY_BLOCK_ROWS * n), block_energy(ENERGY_BLOCK_ROWS);
    for (int start = 0; start < samples.count; start += ENERGY_BLOCK_ROWS) {
        int rows = std::min(ENERGY_BLOCK_ROWS, samples.count - start);
        energy_block(block_energy.data(), fields.data(), samples.spins.data() + (size_t)start * n, bias.data(),
                     coupling.data(), rows, n);
        for (int row = 0; row < rows; row++) out[start + row] = block_energy[row];
    }
}

EnergyStats energy_stats(const IsingParams& params, const Samples& samples) {
    if (samples.count == 0) throw std::runtime_error("energy_stats: no samples");
    std::vector<double> energy(samples.count);
    energies(params, samples, energy.data());
    // Two passes (mean, then squared deviations): no cancellation when |mean| ≫ standard deviation.
    double sum = 0.0;
    for (double e : energy) sum += e;
    double mean = sum / samples.count, squares = 0.0, fourth = 0.0;
    for (double e : energy) {
        double deviation_squared = (e - mean) * (e - mean);
        squares += deviation_squared;
        fourth += deviation_squared * deviation_squared;
    }
    double variance = squares / samples.count;
    double kurtosis = variance > 0 ? (fourth / samples.count) / (variance * variance) : NAN;
    return {mean, variance, kurtosis};
}
