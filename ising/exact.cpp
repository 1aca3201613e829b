#include "exact.h"

#include <algorithm>
#include <cblas.h>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

static const int EXACT_BLOCK = 1024;  // configurations per dgemm

static void check_size(const IsingParams& params) {
    if (params.n < 1 || params.n > EXACT_MAX_N)
        throw std::runtime_error("exact enumeration needs 1 <= n <= " + std::to_string(EXACT_MAX_N) + ", got n = " +
                                 std::to_string(params.n));
}

// spins [rows × n] of the configurations first … first + rows - 1
static void fill_configurations(double* spins, long first, int rows, int n) {
    for (int r = 0; r < rows; r++)
        for (int i = 0; i < n; i++) spins[(size_t)r * n + i] = ((first + r) >> i) & 1 ? 1.0 : -1.0;
}

void exact_energies(const IsingParams& params, double* energy) {
    check_size(params);
    int n = params.n;
    long states = 1L << n;
    std::vector<double> spins((size_t)EXACT_BLOCK * n), fields((size_t)EXACT_BLOCK * n);
    for (long first = 0; first < states; first += EXACT_BLOCK) {
        int rows = (int)std::min<long>(EXACT_BLOCK, states - first);
        fill_configurations(spins.data(), first, rows, n);
        // fields = σ·W, then E = -Σ_i σ_i (b_i + ½ (σW)_i)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, n, n, 1.0, spins.data(), n, params.coupling.data(),
                    n, 0.0, fields.data(), n);
        for (int r = 0; r < rows; r++) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) sum += spins[(size_t)r * n + i] * (params.bias[i] + 0.5 * fields[(size_t)r * n + i]);
            energy[first + r] = -sum;
        }
    }
}

// probability[s] = p(σ(s)); returns log Z.
static double exact_probabilities(const IsingParams& params, std::vector<double>* probability) {
    long states = 1L << params.n;
    probability->resize(states);
    double* p = probability->data();
    exact_energies(params, p);
    double lowest = *std::min_element(p, p + states);
    double sum = 0.0;
    for (long s = 0; s < states; s++) sum += (p[s] = std::exp(-(p[s] - lowest)));
    for (long s = 0; s < states; s++) p[s] /= sum;
    return -lowest + std::log(sum);  // log Σ exp(-E) = -E_min + log Σ exp(-(E - E_min))
}

Moments exact_moments(const IsingParams& params, double* log_partition) {
    check_size(params);
    int n = params.n;
    long states = 1L << n;
    std::vector<double> probability;
    double log_z = exact_probabilities(params, &probability);
    if (log_partition) *log_partition = log_z;
    Moments moments;
    moments.n = n;
    moments.mean.assign(n, 0.0);
    moments.correlation.assign((size_t)n * n, 0.0);
    std::vector<double> spins((size_t)EXACT_BLOCK * n), weighted((size_t)EXACT_BLOCK * n);
    for (long first = 0; first < states; first += EXACT_BLOCK) {
        int rows = (int)std::min<long>(EXACT_BLOCK, states - first);
        fill_configurations(spins.data(), first, rows, n);
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < n; i++) {
                double value = probability[first + r] * spins[(size_t)r * n + i];  // p(σ) σ_i
                weighted[(size_t)r * n + i] = value;
                moments.mean[i] += value;
            }
        // correlation += σᵀ · (p ∘ σ)
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, n, rows, 1.0, spins.data(), n, weighted.data(), n, 1.0,
                    moments.correlation.data(), n);
    }
    return moments;
}

Samples exact_sample(const IsingParams& params, int count, Rng* rng) {
    check_size(params);
    if (count < 1) throw std::runtime_error("exact_sample: count must be >= 1");
    int n = params.n;
    std::vector<double> cumulative;
    exact_probabilities(params, &cumulative);
    for (size_t s = 1; s < cumulative.size(); s++) cumulative[s] += cumulative[s - 1];
    Samples samples;
    samples.count = count;
    samples.n = n;
    samples.spins.resize((size_t)count * n);
    for (int row = 0; row < count; row++) {
        // first s with cumulative[s] > u; u < total guards against the last sum rounding below 1
        double u = rng_uniform(rng) * cumulative.back();
        long s = std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin();
        if (s >= (long)cumulative.size()) s = (long)cumulative.size() - 1;
        for (int i = 0; i < n; i++) samples.spins[(size_t)row * n + i] = (s >> i) & 1 ? 1.0f : -1.0f;
    }
    return samples;
}
