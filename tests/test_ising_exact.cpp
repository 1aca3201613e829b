// Energies, moments and exact enumeration against the plain double loops of reference/, the SK draw, the MSE of
// Eq. (23), and the exact MLE (Eqs. (6)–(9)) in its M → ∞ limit.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "../data/rng.h"
#include "../ising/energy.h"
#include "../ising/exact.h"
#include "../ising/metrics.h"
#include "../ising/mle.h"
#include "../ising/moments.h"
#include "../ising/sk.h"
#include "../reference/reference.h"

static Samples random_samples(int count, int n, Rng* rng) {
    Samples samples;
    samples.count = count;
    samples.n = n;
    for (int k = 0; k < count * n; k++) samples.spins.push_back(rng_uniform(rng) < 0.5 ? -1.0f : 1.0f);
    return samples;
}

TEST_CASE("energies and their mean and variance match Eq. (2) term by term (reference/)", "[ising]") {
    Rng rng;
    rng_seed(&rng, 1, 0);
    for (int n : {1, 7, 33}) {
        IsingParams params = draw_sk_params(n, 1.5, &rng);
        Samples samples = random_samples(2500, n, &rng);  // not a multiple of the 1024-row block
        std::vector<double> energy(samples.count);
        energies(params, samples, energy.data());
        double sum = 0.0, squares = 0.0;
        std::vector<double> expected(samples.count);
        for (int row = 0; row < samples.count; row++) {
            expected[row] = reference::energy_eq2(params, &samples.spins[row * n]);
            CHECK(energy[row] == Approx(expected[row]).margin(1e-5));
            sum += expected[row];
            squares += expected[row] * expected[row];
        }
        EnergyStats stats = energy_stats(params, samples);
        double mean = sum / samples.count, variance = squares / samples.count - mean * mean, fourth = 0.0;
        for (double e : expected) fourth += std::pow(e - mean, 4) / samples.count;
        CHECK(stats.mean == Approx(mean).margin(1e-5));
        CHECK(stats.variance == Approx(variance).epsilon(1e-5));
        CHECK(stats.kurtosis == Approx(fourth / (variance * variance)).epsilon(1e-5));
    }
    IsingParams params = draw_sk_params(4, 1.0, &rng);
    CHECK_THROWS_WITH(energy_stats(params, random_samples(3, 5, &rng)), Catch::Contains("n = 4"));
}

TEST_CASE("sample moments match the reference's plain loop", "[ising]") {
    Rng rng;
    rng_seed(&rng, 2, 0);
    Samples samples = random_samples(3000, 9, &rng);
    Moments moments = sample_moments(samples);
    reference::Averages averages = reference::data_averages_eq10(samples);
    for (int i = 0; i < 9; i++) {
        CHECK(moments.mean[i] == Approx(averages.mean[i]).margin(1e-12));
        for (int j = 0; j < 9; j++)
            CHECK(moments.correlation[i * 9 + j] == Approx(averages.correlation[i * 9 + j]).margin(1e-12));
    }
}

TEST_CASE("exact enumeration: log Z and moments against brute force", "[ising]") {
    Rng rng;
    rng_seed(&rng, 3, 0);
    int n = 7;
    IsingParams params = draw_sk_params(n, 2.0, &rng);
    std::vector<double> energy(1 << n);
    exact_energies(params, energy.data());
    const reference::ExactModel brute = reference::exact_enumeration_eq1(params);  // Eq. (2) term by term, Σ over σ
    for (int s = 0; s < (1 << n); s++) CHECK(energy[s] == Approx(brute.energy[s]).margin(1e-12));
    double log_z = 0.0;
    Moments moments = exact_moments(params, &log_z);
    CHECK(log_z == Approx(brute.log_z).epsilon(1e-12));
    for (int i = 0; i < n; i++) {
        CHECK(moments.mean[i] == Approx(brute.averages.mean[i]).margin(1e-12));
        for (int j = 0; j < n; j++)
            CHECK(moments.correlation[i * n + j] == Approx(brute.averages.correlation[i * n + j]).margin(1e-12));
    }
    // Energies far from 0 must not overflow: shifting every energy by a constant leaves the moments unchanged.
    IsingParams strong = params;
    for (double& w : strong.coupling) w *= 300.0;
    for (double& b : strong.bias) b *= 300.0;
    Moments frozen = exact_moments(strong, &log_z);
    exact_energies(strong, energy.data());
    double lowest = *std::min_element(energy.begin(), energy.end());  // about -10^3
    CHECK(log_z >= -lowest);                          // Z ≥ exp(-E_min)
    CHECK(log_z <= -lowest + n * std::log(2.0));      // Z ≤ 2^n exp(-E_min)
    for (double m : frozen.mean) CHECK((std::isfinite(m) && std::fabs(m) <= 1.0));
    CHECK_THROWS(exact_moments(draw_sk_params(21, 1.0, &rng), nullptr));
}

TEST_CASE("exact sampling reproduces the exact moments within sampling error", "[ising]") {
    Rng rng;
    rng_seed(&rng, 4, 0);
    int n = 6, count = 40000;
    IsingParams params = draw_sk_params(n, 1.0, &rng);
    Moments exact = exact_moments(params, nullptr);
    Moments sampled = sample_moments(exact_sample(params, count, &rng));
    for (int i = 0; i < n; i++) {
        double error = std::sqrt((1 - exact.mean[i] * exact.mean[i]) / count);
        CHECK(std::fabs(sampled.mean[i] - exact.mean[i]) < 5 * error);
        for (int j = i + 1; j < n; j++) {
            double c = exact.correlation[i * n + j];
            CHECK(std::fabs(sampled.correlation[i * n + j] - c) < 5 * std::sqrt((1 - c * c) / count));
        }
    }
}

TEST_CASE("the spread of Var[E] over disjoint probes matches sqrt((kurtosis - 1) / N)", "[ising]") {
    // The formula behind `repro energy`'s variance_relative_se and the probe-size argument of docs/retina.md.
    Rng rng;
    rng_seed(&rng, 7, 0);
    const int n = 20, probes = 200, N = 250;
    IsingParams params = draw_sk_params(n, 1.0, &rng);
    Samples all = random_samples(probes * N, n, &rng);
    EnergyStats whole = energy_stats(params, all);
    std::vector<double> variances;
    for (int p = 0; p < probes; p++) {
        Samples probe;
        probe.count = N;
        probe.n = n;
        probe.spins.assign(all.spins.begin() + (size_t)p * N * n, all.spins.begin() + (size_t)(p + 1) * N * n);
        variances.push_back(energy_stats(params, probe).variance);
    }
    double mean = 0, spread = 0;
    for (double v : variances) mean += v / probes;
    for (double v : variances) spread += (v - mean) * (v - mean) / (probes - 1);
    double relative_sd = std::sqrt(spread) / mean, predicted = std::sqrt((whole.kurtosis - 1) / N);
    // 200 probes estimate an sd to about 5 %; allow 20 %.
    CHECK(relative_sd == Approx(predicted).epsilon(0.2));
}

TEST_CASE("SK parameters: symmetric, zero diagonal, variance g^2/n", "[ising]") {
    Rng rng;
    rng_seed(&rng, 5, 0);
    int n = 200;
    double g = 1.5;
    IsingParams params = draw_sk_params(n, g, &rng);
    double squares = 0.0;
    for (int i = 0; i < n; i++) {
        CHECK(params.coupling[i * n + i] == 0.0);
        for (int j = i + 1; j < n; j++) {
            REQUIRE(params.coupling[i * n + j] == params.coupling[j * n + i]);
            squares += params.coupling[i * n + j] * params.coupling[i * n + j];
        }
    }
    int pairs = n * (n - 1) / 2;
    // variance of the sample variance of 19900 normals: relative standard error sqrt(2/19900) ≈ 1%
    CHECK(squares / pairs == Approx(g * g / n).epsilon(0.05));
    CHECK(sk_coupling_scale(params) == Approx(g).epsilon(0.03));
}

TEST_CASE("MSE of Eq. (23) counts each coupling once", "[ising]") {
    IsingParams a, b;
    a.n = b.n = 3;
    a.bias = {1, 0, 0};
    b.bias = {0, 0, 0};
    a.coupling.assign(9, 0.0);
    b.coupling.assign(9, 0.0);
    a.coupling[0 * 3 + 2] = a.coupling[2 * 3 + 0] = 2.0;  // w_02 off by 2
    CHECK(parameter_mse(a, b) == Approx((1.0 + 4.0) / 6.0));
}

TEST_CASE("exact MLE from exact moments recovers the parameters to 1e-4", "[ising]") {
    Rng rng;
    rng_seed(&rng, 6, 0);
    int n = 8;
    IsingParams truth = draw_sk_params(n, 1.0, &rng);
    MleOptions options;
    options.tolerance = 1e-8;
    MleResult result = exact_mle(exact_moments(truth, nullptr), options);
    REQUIRE(result.converged);
    for (int i = 0; i < n; i++) {
        CHECK(result.params.bias[i] == Approx(truth.bias[i]).margin(1e-4));
        for (int j = 0; j < n; j++) CHECK(result.params.coupling[i * n + j] == Approx(truth.coupling[i * n + j]).margin(1e-4));
    }
}
