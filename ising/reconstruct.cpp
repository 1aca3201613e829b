// Exact reconstruction of hidden spins by a Gray-code walk over all completions (see reconstruct.h).
#include "reconstruct.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <functional>
#include <stdexcept>
#include <string>

#include "../data/workers.h"

HiddenSets draw_hidden_sets(int count, int n, int k, Rng* rng) {
    if (count < 0 || k < 0 || k > n)
        throw std::runtime_error("draw_hidden_sets: cannot hide " + std::to_string(k) + " of " + std::to_string(n) +
                                 " spins in " + std::to_string(count) + " patterns");
    HiddenSets hidden;
    hidden.count = count;
    hidden.k = k;
    hidden.index.resize((size_t)count * k);
    std::vector<int> spins(n);
    for (int p = 0; p < count; p++) {
        for (int i = 0; i < n; i++) spins[i] = i;
        // Partial Fisher–Yates: the first k positions become a uniform random k-subset.
        for (int b = 0; b < k; b++) std::swap(spins[b], spins[b + (int)rng_below(rng, (uint64_t)(n - b))]);
        std::sort(spins.begin(), spins.begin() + k);
        std::copy(spins.begin(), spins.begin() + k, hidden.index.begin() + (size_t)p * k);
    }
    return hidden;
}

static void check_pattern(const IsingParams& params, const float* pattern, const int* hidden, int k) {
    if (k < 0 || k > RECONSTRUCT_MAX_HIDDEN || k > params.n)
        throw std::runtime_error("reconstruct: " + std::to_string(k) + " hidden spins (at most " +
                                 std::to_string(std::min(RECONSTRUCT_MAX_HIDDEN, params.n)) + ")");
    if ((int)params.bias.size() != params.n || (int)params.coupling.size() != params.n * params.n)
        throw std::runtime_error("reconstruct: parameters do not have n = " + std::to_string(params.n) + " spins");
    std::vector<char> is_hidden(params.n, 0);
    for (int b = 0; b < k; b++) {
        if (hidden[b] < 0 || hidden[b] >= params.n || is_hidden[hidden[b]])
            throw std::runtime_error("reconstruct: hidden spin index " + std::to_string(hidden[b]) +
                                     " out of range or repeated");
        is_hidden[hidden[b]] = 1;
    }
    for (int i = 0; i < params.n; i++)
        if (!is_hidden[i] && pattern[i] != 1.0f && pattern[i] != -1.0f)
            throw std::runtime_error("reconstruct: observed spin " + std::to_string(i) + " is " +
                                     std::to_string(pattern[i]) + ", not ±1");
}

// What the walk does at each completion besides tracking the minimum: nothing (the search), store the energy
// (completion_energies), or sum its Boltzmann weight (the conditional likelihood).
enum class WalkMode { Search, Record, Partition };

// What a Partition walk returns besides the minimum: log Σ_completions exp(−E) (natural log) and the energy of the
// completion `target_mask`.
struct WalkPartition {
    uint64_t target_mask = 0;
    double log_sum = 0;
    double target_energy = 0;
};

// Running log-sum-exp of −E: the sum is kept relative to the largest −E seen so far (`top`). Terms more than 60
// nats below the top add less than 1e-26 of it and are skipped, so almost no completion pays for an exp().
struct LogSumExp {
    double top, sum = 1.0;  // Σ exp(−E − top)
    explicit LogSumExp(double first_energy) : top(-first_energy) {}
    void add(double energy) {
        double x = -energy;
        if (x > top) {
            sum = sum * std::exp(top - x) + 1.0;
            top = x;
        } else if (x > top - 60.0) {
            sum += std::exp(x - top);
        }
    }
    double log() const { return top + std::log(sum); }
};

// The walk behind completion_energies, reconstruct_exact and conditional_log2_likelihood. Visits every completion
// of the hidden spins in Gray-code order from all −1; Record writes each energy to energy_by_mask[mask], Partition
// fills *partition; returns the mask of the first minimum-energy completion in *best_mask and its energy. (The
// mode is a template parameter so that the search itself has no store through energy_by_mask in its loop: the
// compiler would have to assume that store may change field[], and reload it every step, which makes the walk
// 1.5x slower.)
template <WalkMode mode>
static double gray_code_walk(const IsingParams& params, const float* pattern, const int* hidden, int k,
                             double* energy_by_mask, uint64_t* best_mask, WalkPartition* partition = nullptr) {
    check_pattern(params, pattern, hidden, k);
    const int n = params.n;
    const double* bias = params.bias.data();
    const double* coupling = params.coupling.data();

    // Start: every hidden spin silent.
    std::vector<double> spin(pattern, pattern + n);
    for (int b = 0; b < k; b++) spin[hidden[b]] = -1.0;
    // Its energy, Eq. (2): E = -Σ_i b_i σ_i - Σ_{i<j} w_ij σ_i σ_j.
    double energy = 0.0;
    for (int i = 0; i < n; i++) {
        double pair_sum = 0.0;
        for (int j = i + 1; j < n; j++) pair_sum += coupling[(size_t)i * n + j] * spin[j];
        energy -= spin[i] * (bias[i] + pair_sum);
    }
    // field[b] = b_h + Σ_{j≠h} w_hj σ_j, the local field on hidden spin h = hidden[b]. The terms of E that contain
    // σ_h are exactly −σ_h·field[b], so flipping σ_h changes E by ΔE = 2 σ_h field[b] (σ_h before the flip).
    // Rows of hidden_coupling are padded with zeros to a multiple of 4 (`width`), so the update loop below runs in
    // whole groups of 4 that the compiler turns into vector instructions at -O2.
    const int width = (k + 3) / 4 * 4;
    std::vector<double> field(width, 0.0), hidden_spin(k, -1.0), hidden_coupling((size_t)k * width, 0.0);
    for (int b = 0; b < k; b++) {
        int h = hidden[b];
        double sum = bias[h];
        for (int j = 0; j < n; j++) sum += coupling[(size_t)h * n + j] * spin[j];  // w_hh = 0
        field[b] = sum;
        for (int c = 0; c < k; c++) hidden_coupling[(size_t)b * width + c] = coupling[(size_t)h * n + hidden[c]];
    }

    uint64_t mask = 0, best = 0;
    double best_energy = energy;
    if (mode == WalkMode::Record) energy_by_mask[0] = energy;
    LogSumExp weights(energy);
    double target_energy = energy;
    const uint64_t completions = (uint64_t)1 << k;
    for (uint64_t step = 1; step < completions; step++) {
        // Gray code: step s flips the bit at the position of the lowest set bit of s.
        int b = __builtin_ctzll(step);
        energy += 2.0 * hidden_spin[b] * field[b];
        hidden_spin[b] = -hidden_spin[b];
        mask ^= (uint64_t)1 << b;
        // Every hidden field feels the flip: field[c] += w_ch (σ_h,new − σ_h,old) = 2 w_ch σ_h,new.
        // (w_hh = 0 leaves field[b] itself unchanged, as it must: it does not depend on σ_h.)
        const double change = 2.0 * hidden_spin[b];
        const double* row = hidden_coupling.data() + (size_t)b * width;
        double* f = field.data();
        for (int c = 0; c < width; c += 4) {
            f[c] += row[c] * change;
            f[c + 1] += row[c + 1] * change;
            f[c + 2] += row[c + 2] * change;
            f[c + 3] += row[c + 3] * change;
        }
        if (mode == WalkMode::Record) energy_by_mask[mask] = energy;
        if (mode == WalkMode::Partition) {
            weights.add(energy);
            if (mask == partition->target_mask) target_energy = energy;
        }
        if (energy < best_energy) {
            best_energy = energy;
            best = mask;
        }
    }
    if (mode == WalkMode::Partition) {
        partition->log_sum = weights.log();
        partition->target_energy = target_energy;
    }
    *best_mask = best;
    return best_energy;
}

void completion_energies(const IsingParams& params, const float* pattern, const int* hidden, int k, double* energy) {
    uint64_t best_mask;
    gray_code_walk<WalkMode::Record>(params, pattern, hidden, k, energy, &best_mask);
}

double reconstruct_exact(const IsingParams& params, float* pattern, const int* hidden, int k) {
    uint64_t best_mask;
    double best_energy = gray_code_walk<WalkMode::Search>(params, pattern, hidden, k, nullptr, &best_mask);
    for (int b = 0; b < k; b++) pattern[hidden[b]] = (best_mask >> b) & 1 ? 1.0f : -1.0f;
    return best_energy;
}

void reconstruct_all_silent(float* pattern, const int* hidden, int k) {
    for (int b = 0; b < k; b++) pattern[hidden[b]] = -1.0f;
}

std::vector<float> independent_most_likely(const Samples& training) {
    if (training.count <= 0) throw std::runtime_error("independent_most_likely: no training samples");
    std::vector<double> sum(training.n, 0.0);
    for (int m = 0; m < training.count; m++)
        for (int i = 0; i < training.n; i++) sum[i] += training.spins[(size_t)m * training.n + i];
    std::vector<float> most_likely(training.n);
    for (int i = 0; i < training.n; i++) most_likely[i] = sum[i] > 0 ? 1.0f : -1.0f;  // sums of ±1: exact
    return most_likely;
}

void reconstruct_independent(const std::vector<float>& most_likely, float* pattern, const int* hidden, int k) {
    for (int b = 0; b < k; b++) pattern[hidden[b]] = most_likely[hidden[b]];
}

static void check_hidden_sets(const Samples& test, const HiddenSets& hidden) {
    if (hidden.count != test.count || hidden.k < 0 || hidden.k > test.n ||
        hidden.index.size() != (size_t)hidden.count * hidden.k)
        throw std::runtime_error("reconstruct: hidden sets (" + std::to_string(hidden.count) + " × " +
                                 std::to_string(hidden.k) + ") do not fit the test set (" +
                                 std::to_string(test.count) + " × " + std::to_string(test.n) + ")");
    for (int i : hidden.index)
        if (i < 0 || i >= test.n) throw std::runtime_error("reconstruct: hidden spin " + std::to_string(i));
}

// body(p) for every pattern p < count, spread over `threads` workers (data/workers.h) that take the next pattern
// from a shared counter (patterns are independent). The first exception a body throws stops the others and is
// rethrown here.
static void for_each_pattern(int count, int threads, const std::function<void(int)>& body) {
    std::atomic<int> next_pattern(0);
    std::exception_ptr first_error;
    std::atomic<bool> failed(false);
    auto worker = [&](int) {
        try {
            for (int p = next_pattern++; p < count && !failed; p = next_pattern++) body(p);
        } catch (...) {
            if (!failed.exchange(true)) first_error = std::current_exception();
        }
    };
    threads = std::max(1, std::min(threads, count));
    run_workers(threads, worker);
    if (first_error) std::rethrow_exception(first_error);
}

Samples reconstruct_test_set_exact(const IsingParams& params, const Samples& test, const HiddenSets& hidden,
                                   int threads) {
    check_hidden_sets(test, hidden);
    if (params.n != test.n)
        throw std::runtime_error("reconstruct: parameters have n = " + std::to_string(params.n) +
                                 ", test patterns " + std::to_string(test.n));
    Samples result = test;
    for_each_pattern(test.count, threads, [&](int p) {
        reconstruct_exact(params, result.spins.data() + (size_t)p * test.n, hidden.index.data() + (size_t)p * hidden.k,
                          hidden.k);
    });
    return result;
}

Samples reconstruct_test_set_all_silent(const Samples& test, const HiddenSets& hidden) {
    check_hidden_sets(test, hidden);
    Samples result = test;
    for (int p = 0; p < test.count; p++)
        reconstruct_all_silent(result.spins.data() + (size_t)p * test.n, hidden.index.data() + (size_t)p * hidden.k,
                               hidden.k);
    return result;
}

Samples reconstruct_test_set_independent(const std::vector<float>& most_likely, const Samples& test,
                                         const HiddenSets& hidden) {
    check_hidden_sets(test, hidden);
    if ((int)most_likely.size() != test.n)
        throw std::runtime_error("reconstruct: independent model has " + std::to_string(most_likely.size()) +
                                 " spins, test patterns " + std::to_string(test.n));
    Samples result = test;
    for (int p = 0; p < test.count; p++)
        reconstruct_independent(most_likely, result.spins.data() + (size_t)p * test.n,
                                hidden.index.data() + (size_t)p * hidden.k, hidden.k);
    return result;
}

double reconstruction_accuracy(const Samples& test, const Samples& reconstructed, const HiddenSets& hidden) {
    check_hidden_sets(test, hidden);
    if (reconstructed.count != test.count || reconstructed.n != test.n)
        throw std::runtime_error("reconstruction_accuracy: reconstructed set has another shape than the test set");
    if (hidden.count == 0 || hidden.k == 0) throw std::runtime_error("reconstruction_accuracy: nothing was hidden");
    long correct = 0;
    for (int p = 0; p < test.count; p++)
        for (int b = 0; b < hidden.k; b++) {
            size_t at = (size_t)p * test.n + hidden.index[(size_t)p * hidden.k + b];
            correct += reconstructed.spins[at] == test.spins[at];
        }
    return (double)correct / ((double)hidden.count * hidden.k);
}

double conditional_log2_likelihood(const IsingParams& params, const float* pattern, const int* hidden, int k) {
    WalkPartition partition;
    for (int b = 0; b < k; b++) {
        float spin = (hidden[b] >= 0 && hidden[b] < params.n) ? pattern[hidden[b]] : 0.0f;
        if (spin != 1.0f && spin != -1.0f)
            throw std::runtime_error("conditional_log2_likelihood: hidden spin " + std::to_string(hidden[b]) +
                                     " has no ±1 value to score");
        if (spin > 0) partition.target_mask |= (uint64_t)1 << b;
    }
    uint64_t best_mask;
    gray_code_walk<WalkMode::Partition>(params, pattern, hidden, k, nullptr, &best_mask, &partition);
    // p(σᵐ | σᵒ) = exp(−E(σᵐ, σᵒ)) / Σ_completions exp(−E): the observed part's normaliser cancels.
    return (-partition.target_energy - partition.log_sum) / std::log(2.0);
}

std::vector<double> independent_spike_probability(const Samples& training) {
    if (training.count <= 0) throw std::runtime_error("independent_spike_probability: no training samples");
    std::vector<long> active(training.n, 0);
    for (int m = 0; m < training.count; m++)
        for (int i = 0; i < training.n; i++) active[i] += training.spins[(size_t)m * training.n + i] > 0;
    std::vector<double> probability(training.n);
    for (int i = 0; i < training.n; i++) probability[i] = (active[i] + 0.5) / (training.count + 1.0);
    return probability;
}

double independent_log2_likelihood(const std::vector<double>& spike_probability, const float* pattern,
                                   const int* hidden, int k) {
    double sum = 0.0;
    for (int b = 0; b < k; b++) {
        double p = spike_probability[hidden[b]];
        sum += std::log2(pattern[hidden[b]] > 0 ? p : 1.0 - p);
    }
    return sum;
}

double mean_conditional_log2_likelihood(const IsingParams& params, const Samples& test, const HiddenSets& hidden,
                                        int threads) {
    check_hidden_sets(test, hidden);
    if (params.n != test.n || hidden.count == 0 || hidden.k == 0)
        throw std::runtime_error("mean_conditional_log2_likelihood: parameters for n = " + std::to_string(params.n) +
                                 ", test patterns n = " + std::to_string(test.n) + ", or nothing hidden");
    std::vector<double> per_pattern(test.count);
    for_each_pattern(test.count, threads, [&](int p) {
        per_pattern[p] = conditional_log2_likelihood(params, test.spins.data() + (size_t)p * test.n,
                                                     hidden.index.data() + (size_t)p * hidden.k, hidden.k);
    });
    double sum = 0.0;  // in pattern order, so the result does not depend on `threads`
    for (double value : per_pattern) sum += value;
    return sum / ((double)test.count * hidden.k);
}

double mean_independent_log2_likelihood(const std::vector<double>& spike_probability, const Samples& test,
                                        const HiddenSets& hidden) {
    check_hidden_sets(test, hidden);
    if ((int)spike_probability.size() != test.n || hidden.count == 0 || hidden.k == 0)
        throw std::runtime_error("mean_independent_log2_likelihood: model for " +
                                 std::to_string(spike_probability.size()) + " spins, test patterns n = " +
                                 std::to_string(test.n) + ", or nothing hidden");
    double sum = 0.0;
    for (int p = 0; p < test.count; p++)
        sum += independent_log2_likelihood(spike_probability, test.spins.data() + (size_t)p * test.n,
                                           hidden.index.data() + (size_t)p * hidden.k, hidden.k);
    return sum / ((double)test.count * hidden.k);
}

ReconstructionScores reconstruction_scores(const Samples& test, const Samples& reconstructed,
                                           const HiddenSets& hidden) {
    check_hidden_sets(test, hidden);
    if (reconstructed.count != test.count || reconstructed.n != test.n)
        throw std::runtime_error("reconstruction_scores: reconstructed set has another shape than the test set");
    if (hidden.count == 0 || hidden.k == 0) throw std::runtime_error("reconstruction_scores: nothing was hidden");
    ReconstructionScores scores;
    long active_restored = 0, silent_restored = 0;
    for (int p = 0; p < test.count; p++)
        for (int b = 0; b < hidden.k; b++) {
            size_t at = (size_t)p * test.n + hidden.index[(size_t)p * hidden.k + b];
            bool restored = reconstructed.spins[at] == test.spins[at];
            if (test.spins[at] > 0) {
                scores.active++;
                active_restored += restored;
            } else {
                scores.silent++;
                silent_restored += restored;
            }
        }
    const double nan = std::nan("");
    scores.accuracy = (double)(active_restored + silent_restored) / (double)(scores.active + scores.silent);
    scores.spike_recall = scores.active ? (double)active_restored / scores.active : nan;
    scores.silence_recall = scores.silent ? (double)silent_restored / scores.silent : nan;
    scores.balanced_accuracy = 0.5 * (scores.spike_recall + scores.silence_recall);
    return scores;
}
