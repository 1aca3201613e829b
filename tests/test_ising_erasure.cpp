// The erasure machine (Eqs. (12)–(18)): the σ-space GEMM implementation against reference/ (explicit features in
// double; the wider grid is in test_fast_vs_reference.cpp); the known behaviour (MSE falls with M, beats exact MLE
// at small M); the ε choice.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../data/rng.h"
#include "../ising/erasure.h"
#include "../ising/exact.h"
#include "../ising/metrics.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/sk.h"
#include "../reference/reference.h"

static double max_difference(const IsingParams& a, const IsingParams& b) {
    double largest = 0.0;
    for (int i = 0; i < a.n; i++) largest = std::fmax(largest, std::fabs(a.bias[i] - b.bias[i]));
    for (size_t k = 0; k < a.coupling.size(); k++) largest = std::fmax(largest, std::fabs(a.coupling[k] - b.coupling[k]));
    return largest;
}

TEST_CASE("erasure machine: sigma-space GEMMs match explicit features, repeated rows included", "[ising]") {
    Rng rng;
    rng_seed(&rng, 21, 0);
    for (int n : {5, 9}) {
        IsingParams truth = draw_sk_params(n, 1.0, &rng);
        Samples samples = exact_sample(truth, n == 5 ? 300 : 2100, &rng);  // n = 5: 32 states, many repeats
        for (double eps : {0.2, 0.55, 0.9}) {
            ErasureOptions options;
            options.seed = 77;
            options.max_iter = 60;
            ErasureFit fit = erasure_fit(samples, eps, options);
            reference::ErasureFit naive = reference::erasure_fit_eqs12_18(samples, eps, 60, 0.1, 77);
            INFO("n " << n << ", eps " << eps);
            CHECK(fit.iterations == naive.iterations);
            CHECK(fit.mean_energy == Approx(naive.mean_energy).epsilon(1e-5));
            CHECK(max_difference(fit.params, naive.params) < 2e-5);
        }
    }
}

TEST_CASE("erasure machine: MSE falls as M grows (n = 10, exact samples)", "[ising]") {
    Rng rng;
    rng_seed(&rng, 22, 0);
    IsingParams truth = draw_sk_params(10, 1.0, &rng);
    ErasureOptions options;
    options.threads = 2;
    double previous = INFINITY;
    for (int M : {300, 3000, 30000}) {
        ErasureResult result = erasure_machine(exact_sample(truth, M, &rng), options);
        double mse = parameter_mse(result.params, truth);
        INFO("M " << M << ": MSE " << mse << " at eps " << result.chosen_eps);
        CHECK(mse < previous);
        previous = mse;
    }
}

// Issue 2 asked for "beats exact MLE at n = 12, g = 1, M = 2000". Measured (MSE erasure / exact MLE, 3 draws
// each): M = 100: 0.026/0.11, 0.028/0.35, 0.031/0.38 (the MLE mostly does not exist: it diverges);
// M = 200: 0.022/0.025, 0.014/0.040, 0.022/0.070;  M = 400: 0.019/0.008, 0.012/0.015, 0.013/0.015;
// M = 1000: 0.013/0.003, 0.009/0.004, 0.008/0.005;  M = 2000: 0.012/0.0016, 0.0073/0.0020.
// So the erasure machine wins where data are scarce (M ≲ 3 L, L = 78 parameters) and loses beyond, where its bias
// (the first-order model averages of Eqs. (16)–(17)) dominates the sampling error; the test checks both sides.
TEST_CASE("erasure machine vs exact MLE at n = 12, g = 1: better at M = 100, worse at M = 2000; eps inside the grid",
          "[ising]") {
    Rng rng;
    rng_seed(&rng, 23, 0);
    IsingParams truth = draw_sk_params(12, 1.0, &rng);
    ErasureOptions options;
    options.threads = 2;
    MleOptions mle_options;
    mle_options.tolerance = 1e-5;
    mle_options.max_iter = 2000;  // at M = 100 the MLE diverges; its error only grows with more updates
    for (int M : {100, 2000}) {
        Samples samples = exact_sample(truth, M, &rng);
        ErasureResult erasure = erasure_machine(samples, options);
        MleResult mle = exact_mle(sample_moments(samples), mle_options);
        double erasure_mse = parameter_mse(erasure.params, truth), mle_mse = parameter_mse(mle.params, truth);
        INFO("M " << M << ": erasure MSE " << erasure_mse << " (eps " << erasure.chosen_eps << "), exact MLE MSE "
                  << mle_mse << (mle.converged ? "" : " (not converged)"));
        if (M == 100) {
            CHECK(erasure_mse < mle_mse);
        } else {
            REQUIRE(mle.converged);
            CHECK(mle_mse < erasure_mse);
        }
        // The choice: one of the 81 grid values, strictly inside (a real maximum of <E>), and the largest <E>.
        REQUIRE(erasure.eps_grid.size() == 81);
        CHECK(std::find(erasure.eps_grid.begin(), erasure.eps_grid.end(), erasure.chosen_eps) != erasure.eps_grid.end());
        CHECK(erasure.chosen_eps > 0.1);
        CHECK(erasure.chosen_eps < 0.9);
        CHECK(erasure.chosen_mean_energy == *std::max_element(erasure.mean_energy.begin(), erasure.mean_energy.end()));
    }
}

TEST_CASE("erasure machine: same result on any thread count; repeated data change nothing", "[ising]") {
    Rng rng;
    rng_seed(&rng, 24, 0);
    IsingParams truth = draw_sk_params(16, 1.0, &rng);
    Samples samples = exact_sample(truth, 1500, &rng);
    ErasureOptions options;
    options.eps_min = 0.3;
    options.eps_max = 0.7;
    options.eps_count = 5;
    options.threads = 1;
    ErasureResult one = erasure_machine(samples, options);
    options.threads = 3;
    ErasureResult three = erasure_machine(samples, options);
    CHECK(one.params.coupling == three.params.coupling);
    CHECK(one.mean_energy == three.mean_energy);
    CHECK(one.iterations_used == three.iterations_used);
    CHECK(std::find(one.eps_grid.begin(), one.eps_grid.end(), one.chosen_eps) != one.eps_grid.end());
    // Every sample twice: Eq. (12) weights and <E> are unchanged, so is the result (up to float rounding).
    Samples twice = samples;
    twice.count *= 2;
    twice.spins.insert(twice.spins.end(), samples.spins.begin(), samples.spins.end());
    ErasureResult doubled = erasure_machine(twice, options);
    CHECK(doubled.chosen_eps == one.chosen_eps);
    CHECK(max_difference(doubled.params, one.params) < 1e-5);
    options.eps_min = 0.0;
    CHECK_THROWS(erasure_machine(samples, options));
}

TEST_CASE("erasure machine: the coarse-to-fine eps scan makes the full scan's choice", "[ising]") {
    Rng rng;
    rng_seed(&rng, 25, 0);
    IsingParams truth = draw_sk_params(14, 1.0, &rng);
    Samples samples = exact_sample(truth, 3000, &rng);
    ErasureOptions options;
    options.threads = 2;
    ErasureResult full = erasure_machine(samples, options);
    options.eps_stride = 6;
    ErasureResult coarse = erasure_machine(samples, options);
    CHECK(full.eps_grid.size() == 81);
    CHECK(coarse.eps_grid.size() <= 25);
    CHECK(coarse.chosen_eps == full.chosen_eps);
    CHECK(coarse.params.coupling == full.params.coupling);
    CHECK(coarse.params.bias == full.params.bias);
}

// A run that stops before its first update returns its random start; the largest-<E> choice must not take it while
// any run made updates (the long Fig. 2 run met random starts winning on generated sets: MSE 0.101 instead of ~0.01).
TEST_CASE("erasure machine: a run that stopped near its random start is never chosen over a fit", "[ising]") {
    const int min_updates = 10;
    CHECK_FALSE(erasure_run_beats(3, -1.0, 0, 5, -9.0, 100, min_updates));  // larger <E>, no update: loses
    CHECK_FALSE(erasure_run_beats(3, -1.0, 1, 5, -9.0, 100, min_updates));  // one update: still loses
    CHECK(erasure_run_beats(5, -9.0, 100, 3, -1.0, 1, min_updates));        // the fit beats it, whatever <E>
    CHECK(erasure_run_beats(3, -1.0, 40, 5, -9.0, 100, min_updates));       // both fits: the larger <E> wins
    CHECK(erasure_run_beats(3, -1.0, 40, 5, -1.0, 100, min_updates));       // a tie: the smaller eps
    CHECK_FALSE(erasure_run_beats(3, NAN, 40, 5, -9.0, 100, min_updates));  // NaN never wins
    CHECK(erasure_run_beats(3, -1.0, 0, 5, -9.0, 1, min_updates));          // neither is a fit: the larger <E>
}
