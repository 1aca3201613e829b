// Reconstruction of hidden spins: the Gray-code walk against direct energies of every completion, the exact
// search against brute force on random models, the baselines, and the accuracy bookkeeping.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "../ising/reconstruct.h"

// A random model with Gaussian biases and couplings (symmetric, zero diagonal).
static IsingParams random_params(int n, double scale, Rng* rng) {
    IsingParams params;
    params.n = n;
    params.bias.resize(n);
    params.coupling.assign((size_t)n * n, 0.0);
    for (int i = 0; i < n; i++) params.bias[i] = scale * rng_normal(rng);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            params.coupling[(size_t)i * n + j] = params.coupling[(size_t)j * n + i] = scale * rng_normal(rng);
    return params;
}

static std::vector<float> random_pattern(int n, Rng* rng) {
    std::vector<float> pattern(n);
    for (float& spin : pattern) spin = rng_below(rng, 2) ? 1.0f : -1.0f;
    return pattern;
}

// `count` random patterns as a test set (drawn pattern by pattern, as random_pattern does).
static Samples random_patterns(int count, int n, Rng* rng) {
    Samples patterns;
    patterns.count = count;
    patterns.n = n;
    for (int p = 0; p < count; p++) {
        std::vector<float> pattern = random_pattern(n, rng);
        patterns.spins.insert(patterns.spins.end(), pattern.begin(), pattern.end());
    }
    return patterns;
}

// Eq. (2) written out directly, the reference for everything below.
static double direct_energy(const IsingParams& params, const std::vector<float>& spin) {
    double energy = 0;
    for (int i = 0; i < params.n; i++) {
        energy -= params.bias[i] * spin[i];
        for (int j = i + 1; j < params.n; j++) energy -= params.coupling[(size_t)i * params.n + j] * spin[i] * spin[j];
    }
    return energy;
}

// The completion given by `mask` (bit b set: hidden[b] = +1).
static std::vector<float> complete(std::vector<float> pattern, const std::vector<int>& hidden, uint64_t mask) {
    for (size_t b = 0; b < hidden.size(); b++) pattern[hidden[b]] = (mask >> b) & 1 ? 1.0f : -1.0f;
    return pattern;
}

TEST_CASE("reconstruct: Gray-code energies equal direct energies of every completion", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 21);
    for (int trial = 0; trial < 20; trial++) {
        int n = 3 + (int)rng_below(&rng, 12);
        int k = 1 + (int)rng_below(&rng, std::min(n, 10));
        IsingParams params = random_params(n, 0.7, &rng);
        std::vector<float> pattern = random_pattern(n, &rng);
        HiddenSets sets = draw_hidden_sets(1, n, k, &rng);
        std::vector<int> hidden(sets.index.begin(), sets.index.end());
        std::vector<double> energy((size_t)1 << k);
        completion_energies(params, pattern.data(), hidden.data(), k, energy.data());
        for (uint64_t mask = 0; mask < energy.size(); mask++) {
            INFO("trial " << trial << " n " << n << " k " << k << " mask " << mask);
            REQUIRE(energy[mask] == Approx(direct_energy(params, complete(pattern, hidden, mask))).margin(1e-10));
        }
    }
}

TEST_CASE("reconstruct: exact search finds the brute-force minimum", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 22);
    for (int trial = 0; trial < 200; trial++) {
        int n = 2 + (int)rng_below(&rng, 14);
        int k = (int)rng_below(&rng, std::min(n, 12) + 1);  // k = 0 too: nothing changes
        IsingParams params = random_params(n, trial % 2 ? 1.5 : 0.3, &rng);
        std::vector<float> original = random_pattern(n, &rng);
        HiddenSets sets = draw_hidden_sets(1, n, k, &rng);
        std::vector<int> hidden(sets.index.begin(), sets.index.end());
        // Brute force: every completion, energies computed directly.
        double best = INFINITY;
        uint64_t best_mask = 0;
        for (uint64_t mask = 0; mask < ((uint64_t)1 << k); mask++) {
            double energy = direct_energy(params, complete(original, hidden, mask));
            if (energy < best) best = energy, best_mask = mask;
        }
        std::vector<float> pattern = original;
        for (int h : hidden) pattern[h] = 0.0f;  // hidden values must not matter
        double found = reconstruct_exact(params, pattern.data(), hidden.data(), k);
        INFO("trial " << trial << " n " << n << " k " << k);
        CHECK(pattern == complete(original, hidden, best_mask));
        CHECK(found == Approx(best).margin(1e-10));
    }
}

TEST_CASE("reconstruct: the conditional argmax follows the local field for one hidden spin", "[reconstruct]") {
    // k = 1: p(σ_h | rest) ∝ exp(σ_h field_h), so σ_h = sign(field_h).
    Rng rng;
    rng_seed(&rng, 23);
    for (int trial = 0; trial < 100; trial++) {
        IsingParams params = random_params(8, 1.0, &rng);
        std::vector<float> pattern = random_pattern(8, &rng);
        int h = (int)rng_below(&rng, 8);
        double field = params.bias[h];
        for (int j = 0; j < 8; j++) field += params.coupling[(size_t)h * 8 + j] * pattern[j];
        reconstruct_exact(params, pattern.data(), &h, 1);
        CHECK(pattern[h] == (field > 0 ? 1.0f : -1.0f));
    }
}

TEST_CASE("reconstruct: ties keep silence; bad input is refused", "[reconstruct]") {
    IsingParams flat;
    flat.n = 6;
    flat.bias.assign(6, 0.0);
    flat.coupling.assign(36, 0.0);
    std::vector<float> pattern = {1, 1, 1, 1, 1, 1};
    std::vector<int> hidden = {0, 2, 5};
    CHECK(reconstruct_exact(flat, pattern.data(), hidden.data(), 3) == 0.0);
    CHECK(pattern == std::vector<float>{-1, 1, -1, 1, 1, -1});
    std::vector<int> repeated = {1, 1};
    CHECK_THROWS_AS(reconstruct_exact(flat, pattern.data(), repeated.data(), 2), std::runtime_error);
    std::vector<int> outside = {6};
    CHECK_THROWS_AS(reconstruct_exact(flat, pattern.data(), outside.data(), 1), std::runtime_error);
    std::vector<float> bad = {1, 0.5f, 1, 1, 1, 1};
    CHECK_THROWS_AS(reconstruct_exact(flat, bad.data(), hidden.data(), 3), std::runtime_error);
}

TEST_CASE("reconstruct: hidden sets are distinct, sorted, uniform and reproducible", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 24);
    HiddenSets sets = draw_hidden_sets(4000, 10, 3, &rng);
    REQUIRE(sets.index.size() == 12000);
    std::vector<int> times_hidden(10, 0);
    for (int p = 0; p < sets.count; p++) {
        const int* row = sets.index.data() + p * 3;
        REQUIRE(row[0] < row[1]);
        REQUIRE(row[1] < row[2]);
        for (int b = 0; b < 3; b++) times_hidden[row[b]]++;
    }
    // Each spin is hidden with probability 3/10: 1200 ± 29 (sd) times.
    for (int count : times_hidden) CHECK(std::abs(count - 1200) < 150);
    Rng again;
    rng_seed(&again, 24);
    CHECK(draw_hidden_sets(4000, 10, 3, &again).index == sets.index);
    CHECK(draw_hidden_sets(5, 10, 10, &rng).index.size() == 50);
    CHECK_THROWS_AS(draw_hidden_sets(5, 10, 11, &rng), std::runtime_error);
}

TEST_CASE("reconstruct: test sets, baselines and accuracy", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 25);
    const int n = 12, count = 300, k = 4;
    IsingParams params = random_params(n, 0.5, &rng);
    Samples test = random_patterns(count, n, &rng);
    HiddenSets hidden = draw_hidden_sets(count, n, k, &rng);

    // The threaded whole-set version equals pattern-by-pattern reconstruction, whatever the thread count.
    Samples exact = reconstruct_test_set_exact(params, test, hidden, 3);
    CHECK(reconstruct_test_set_exact(params, test, hidden, 1).spins == exact.spins);
    for (int p = 0; p < count; p++) {
        std::vector<float> pattern(test.spins.begin() + p * n, test.spins.begin() + (p + 1) * n);
        reconstruct_exact(params, pattern.data(), hidden.index.data() + p * k, k);
        REQUIRE(std::equal(pattern.begin(), pattern.end(), exact.spins.begin() + p * n));
    }
    // Only hidden entries change.
    int changed_visible = 0;
    for (int p = 0; p < count; p++)
        for (int i = 0; i < n; i++) {
            const int* row = hidden.index.data() + p * k;
            bool is_hidden = std::find(row, row + k, i) != row + k;
            if (!is_hidden && exact.spins[p * n + i] != test.spins[p * n + i]) changed_visible++;
        }
    CHECK(changed_visible == 0);

    // Accuracy counts hidden matches: the test set itself is 100 % right, its negation 0 %.
    CHECK(reconstruction_accuracy(test, test, hidden) == 1.0);
    Samples negated = test;
    for (float& spin : negated.spins) spin = -spin;
    CHECK(reconstruction_accuracy(test, negated, hidden) == 0.0);
    // All silent: accuracy = fraction of hidden entries that are −1 in the test set.
    Samples silent = reconstruct_test_set_all_silent(test, hidden);
    int silent_hidden = 0;
    for (int p = 0; p < count; p++)
        for (int b = 0; b < k; b++) silent_hidden += test.spins[p * n + hidden.index[p * k + b]] == -1.0f;
    CHECK(reconstruction_accuracy(test, silent, hidden) == Approx((double)silent_hidden / (count * k)));

    // Independent model: spin i's most frequent training state.
    Samples training;
    training.count = 5;
    training.n = 3;
    training.spins = {1, -1, 1, 1, -1, -1, 1, 1, -1, -1, -1, 1, -1, 1, 1};
    // column sums: spin 0: 1+1+1-1-1 = 1 > 0 → +1; spin 1: -1-1+1-1+1 = -1 → −1; spin 2: 1-1-1+1+1 = 1 → +1
    CHECK(independent_most_likely(training) == std::vector<float>{1, -1, 1});
    Samples tie = training;
    tie.count = 4;
    tie.spins.resize(12);  // spin 0 sums to 2, spin 1 to -2, spin 2 to 0: a tie goes to silence
    CHECK(independent_most_likely(tie) == std::vector<float>{1, -1, -1});
    Samples small_test;
    small_test.count = 1;
    small_test.n = 3;
    small_test.spins = {-1, 1, -1};
    HiddenSets all_hidden = draw_hidden_sets(1, 3, 3, &rng);
    Samples guessed = reconstruct_test_set_independent({1, -1, 1}, small_test, all_hidden);
    CHECK(guessed.spins == std::vector<float>{1, -1, 1});
    CHECK(reconstruction_accuracy(small_test, guessed, all_hidden) == 0.0);
    CHECK_THROWS_AS(reconstruction_accuracy(small_test, guessed, hidden), std::runtime_error);
}

// log2 p(σᵐ | σᵒ) by brute force: every completion's energy from Eq. (2) directly, log-sum-exp in long double.
static double brute_conditional_log2(const IsingParams& params, const std::vector<float>& pattern,
                                     const std::vector<int>& hidden) {
    int k = (int)hidden.size();
    long double top = -1e300L, target = 0;
    std::vector<long double> minus_energy((size_t)1 << k);
    for (uint64_t mask = 0; mask < minus_energy.size(); mask++) {
        minus_energy[mask] = -direct_energy(params, complete(pattern, hidden, mask));
        top = std::max(top, minus_energy[mask]);
        if (complete(pattern, hidden, mask) == pattern) target = minus_energy[mask];
    }
    long double sum = 0;
    for (long double x : minus_energy) sum += std::exp(x - top);
    return (double)((target - top - std::log(sum)) / std::log(2.0L));
}

TEST_CASE("reconstruct: conditional log-likelihood equals brute-force enumeration", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 31);
    for (int trial = 0; trial < 200; trial++) {
        int n = 2 + (int)rng_below(&rng, 9);
        int k = 1 + (int)rng_below(&rng, std::min(n, 8));
        // Strong couplings too (scale 8): energies spread over hundreds of nats, where the skipped terms matter.
        IsingParams params = random_params(n, trial % 3 == 0 ? 8.0 : 0.6, &rng);
        std::vector<float> pattern = random_pattern(n, &rng);
        HiddenSets sets = draw_hidden_sets(1, n, k, &rng);
        std::vector<int> hidden(sets.index.begin(), sets.index.end());
        INFO("trial " << trial << " n " << n << " k " << k);
        double expected = brute_conditional_log2(params, pattern, hidden);
        REQUIRE(conditional_log2_likelihood(params, pattern.data(), hidden.data(), k) ==
                Approx(expected).margin(1e-9 * (1 + std::fabs(expected))));
    }
}

TEST_CASE("reconstruct: the conditional probabilities of all completions sum to one", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 32);
    const int n = 9, k = 5;
    IsingParams params = random_params(n, 0.8, &rng);
    std::vector<float> pattern = random_pattern(n, &rng);
    std::vector<int> hidden = {0, 2, 3, 6, 8};
    double total = 0;
    for (uint64_t mask = 0; mask < ((uint64_t)1 << k); mask++) {
        std::vector<float> completed = complete(pattern, hidden, mask);
        total += std::exp2(conditional_log2_likelihood(params, completed.data(), hidden.data(), k));
    }
    CHECK(total == Approx(1.0).margin(1e-12));
    // One hidden spin: p(σ_h | rest) = 1/(1 + exp(−2σ_h h)), h its local field (the logistic form).
    IsingParams one = random_params(4, 1.0, &rng);
    std::vector<float> spins = {1, -1, -1, 1};
    int h = 2;
    double field = one.bias[h];
    for (int j = 0; j < 4; j++) field += one.coupling[h * 4 + j] * spins[j];
    CHECK(conditional_log2_likelihood(one, spins.data(), &h, 1) ==
          Approx(-std::log2(1 + std::exp(-2 * spins[h] * field))).margin(1e-12));
    // A zero model is a fair coin for every hidden spin: exactly −1 bit each.
    IsingParams zero = random_params(n, 0.0, &rng);
    CHECK(conditional_log2_likelihood(zero, pattern.data(), hidden.data(), k) == Approx(-5.0).margin(1e-12));
    // The hidden spins must carry the values to score.
    std::vector<float> blank = pattern;
    blank[3] = 0;
    CHECK_THROWS_AS(conditional_log2_likelihood(params, blank.data(), hidden.data(), k), std::runtime_error);
}

TEST_CASE("reconstruct: test-set conditional log-likelihood and the independent baseline", "[reconstruct]") {
    Rng rng;
    rng_seed(&rng, 33);
    const int n = 10, count = 120, k = 3;
    IsingParams params = random_params(n, 0.5, &rng);
    Samples test = random_patterns(count, n, &rng);
    HiddenSets hidden = draw_hidden_sets(count, n, k, &rng);
    double sum = 0;
    for (int p = 0; p < count; p++) {
        std::vector<float> pattern(test.spins.begin() + p * n, test.spins.begin() + (p + 1) * n);
        std::vector<int> row(hidden.index.begin() + p * k, hidden.index.begin() + (p + 1) * k);
        sum += brute_conditional_log2(params, pattern, row);
    }
    double mean = mean_conditional_log2_likelihood(params, test, hidden, 3);
    CHECK(mean == Approx(sum / (count * k)).margin(1e-9));
    CHECK(mean_conditional_log2_likelihood(params, test, hidden, 1) == mean);  // same sum order whatever the threads

    // Independent model: spikes + ½ over M + 1. Spin 0 fires in 1 of 4 patterns, spin 1 never, spin 2 always.
    Samples training;
    training.count = 4;
    training.n = 3;
    training.spins = {1, -1, 1, -1, -1, 1, -1, -1, 1, -1, -1, 1};
    std::vector<double> p = independent_spike_probability(training);
    REQUIRE(p.size() == 3);
    CHECK(p[0] == Approx(1.5 / 5));
    CHECK(p[1] == Approx(0.5 / 5));
    CHECK(p[2] == Approx(4.5 / 5));
    Samples small_test;
    small_test.count = 2;
    small_test.n = 3;
    small_test.spins = {1, -1, -1, -1, 1, 1};
    HiddenSets sets;
    sets.count = 2;
    sets.k = 2;
    sets.index = {0, 2, 1, 2};  // pattern 0 hides spins 0 and 2, pattern 1 spins 1 and 2
    double expected = (std::log2(0.3) + std::log2(0.1) + std::log2(0.1) + std::log2(0.9)) / 4;
    CHECK(mean_independent_log2_likelihood(p, small_test, sets) == Approx(expected).margin(1e-12));
    // The Ising model with couplings 0 and tanh b_i = 2p_i − 1 is the independent model: the same likelihood.
    IsingParams independent = random_params(3, 0.0, &rng);
    for (int i = 0; i < 3; i++) independent.bias[i] = std::atanh(2 * p[i] - 1);
    CHECK(mean_conditional_log2_likelihood(independent, small_test, sets, 1) == Approx(expected).margin(1e-12));
}

TEST_CASE("reconstruct: spike recall and balanced accuracy", "[reconstruct]") {
    Samples test;
    test.count = 2;
    test.n = 4;
    test.spins = {1, -1, -1, 1,   // pattern 0
                  -1, 1, -1, -1}; // pattern 1
    HiddenSets hidden;
    hidden.count = 2;
    hidden.k = 3;
    hidden.index = {0, 1, 3, 0, 1, 2};  // hidden truth: +1 −1 +1 | −1 +1 −1 (3 active, 3 silent)
    Samples guess = test;
    guess.spins = {1, 1, -1, -1,     // restores spin 0 (active), misses 1 (silent → +1) and 3 (active → −1)
                   -1, 1, -1, -1};   // restores all three
    ReconstructionScores scores = reconstruction_scores(test, guess, hidden);
    CHECK(scores.active == 3);
    CHECK(scores.silent == 3);
    CHECK(scores.accuracy == Approx(4.0 / 6));
    CHECK(scores.accuracy == reconstruction_accuracy(test, guess, hidden));
    CHECK(scores.spike_recall == Approx(2.0 / 3));
    CHECK(scores.silence_recall == Approx(2.0 / 3));
    CHECK(scores.balanced_accuracy == Approx(2.0 / 3));
    // All silent: no spike restored, every silence restored; balanced accuracy 1/2 whatever the spike rate.
    ReconstructionScores silent = reconstruction_scores(test, reconstruct_test_set_all_silent(test, hidden), hidden);
    CHECK(silent.spike_recall == 0.0);
    CHECK(silent.silence_recall == 1.0);
    CHECK(silent.balanced_accuracy == 0.5);
    CHECK(silent.accuracy == 0.5);
    // No hidden spike: recall undefined (NaN), not 0 or 1.
    Samples quiet = test;
    for (float& spin : quiet.spins) spin = -1;
    CHECK(std::isnan(reconstruction_scores(quiet, quiet, hidden).spike_recall));
    CHECK(reconstruction_scores(quiet, quiet, hidden).silence_recall == 1.0);
}
