#include "moments.h"

#include <algorithm>
#include <cmath>
#include <cblas.h>
#include <stdexcept>

#include "energy.h"

Moments sample_moments(const Samples& samples) {
    if (samples.count == 0) throw std::runtime_error("sample_moments: no samples");
    int n = samples.n;
    Moments moments;
    moments.n = n;
    moments.mean.assign(n, 0.0);
    moments.correlation.assign((size_t)n * n, 0.0);
    std::vector<float> block_correlation((size_t)n * n);
    for (int start = 0; start < samples.count; start += ENERGY_BLOCK_ROWS) {
        int rows = std::min(ENERGY_BLOCK_ROWS, samples.count - start);
        const float* spins = samples.spins.data() + (size_t)start * n;
        // block_correlation[n × n] = spinsᵀ · spins over the block's rows
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0f, spins, n, spins, n, 0.0f,
                    block_correlation.data(), n);
        for (size_t k = 0; k < block_correlation.size(); k++) moments.correlation[k] += block_correlation[k];
        for (int row = 0; row < rows; row++)
            for (int i = 0; i < n; i++) moments.mean[i] += spins[(size_t)row * n + i];
    }
    for (double& value : moments.mean) value /= samples.count;
    for (double& value : moments.correlation) value /= samples.count;
    return moments;
}

void largest_moment_errors(const Samples& samples, const Moments& exact, double* magnetisation, double* correlation) {
    const Moments sampled = sample_moments(samples);
    const int n = exact.n;
    *magnetisation = *correlation = 0.0;
    for (int i = 0; i < n; i++) {
        *magnetisation = std::max(*magnetisation, std::fabs(sampled.mean[i] - exact.mean[i]));
        for (int j = i + 1; j < n; j++) {
            const size_t ij = (size_t)i * n + j;
            *correlation = std::max(*correlation, std::fabs(sampled.correlation[ij] - exact.correlation[ij]));
        }
    }
}

MomentDistance moment_distance(const Moments& a, const Moments& b) {
    if (a.n != b.n || a.n < 1) throw std::invalid_argument("moment_distance: the two sets differ in n");
    const int n = a.n;
    MomentDistance distance;
    for (int i = 0; i < n; i++) distance.magnetisation += std::fabs(a.mean[i] - b.mean[i]) / n;
    if (n < 2) return distance;
    const double pairs = n * (n - 1) / 2.0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            const size_t ij = (size_t)i * n + j;
            double connected_a = a.correlation[ij] - a.mean[i] * a.mean[j];
            double connected_b = b.correlation[ij] - b.mean[i] * b.mean[j];
            distance.correlation += std::fabs(connected_a - connected_b) / pairs;
        }
    return distance;
}
