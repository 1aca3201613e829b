// Parallel tempering against exact enumeration, on the case it exists for: a bistable model whose barrier
// single-spin Metropolis never crosses. And the plain checks: an SK model, the ladder, thread independence.
#include <catch2/catch.hpp>

#include <cmath>

#include "../data/rng.h"
#include "../ising/exact.h"
#include "../ising/metropolis.h"
#include "../ising/moments.h"
#include "../ising/sk.h"
#include "../ising/tempering.h"

// n = 8 spins, every pair coupled by w > 0 and a small field b: two basins (all +1, all −1) of unequal weight,
// e^{2nb} : 1 between them at low temperature, separated by a barrier of about w n²/2.
static IsingParams two_basins(int n, double w, double b) {
    IsingParams params;
    params.n = n;
    params.bias.assign(n, b);
    params.coupling.assign((size_t)n * n, w);
    for (int i = 0; i < n; i++) params.coupling[(size_t)i * n + i] = 0.0;
    return params;
}

static double mean_magnetisation(const Samples& samples) {
    double sum = 0;
    for (float spin : samples.spins) sum += spin;
    return sum / samples.spins.size();
}

TEST_CASE("tempering: the geometric ladder and the default one", "[ising]") {
    TemperingLadder ladder = tempering_geometric_ladder(3, 0.25);
    REQUIRE(ladder.betas.size() == 3);
    CHECK(ladder.betas[0] == 1.0);
    CHECK(ladder.betas[1] == Approx(0.5));
    CHECK(ladder.betas[2] == Approx(0.25));
    CHECK(tempering_default_ladder(40).betas.size() == 9);  // ⌈√40⌉ + 2
    CHECK(tempering_default_ladder(40).betas.back() == Approx(0.2));
    CHECK_THROWS(tempering_geometric_ladder(1, 0.5));
    CHECK_THROWS(tempering_geometric_ladder(3, 1.0));
    Rng rng;
    rng_seed(&rng, 1, 0);
    IsingParams params = two_basins(4, 0.1, 0.0);
    for (std::vector<double> betas : {std::vector<double>{1.0}, {0.9, 0.5}, {1.0, 0.5, 0.6}, {1.0, 0.0}})
        CHECK_THROWS(tempering_sample(params, 10, 1, 1, TemperingLadder{betas}, &rng, 1));
}

TEST_CASE("tempering crosses a barrier that Metropolis does not: two basins at n = 8 against enumeration", "[ising]") {
    IsingParams params = two_basins(8, 0.6, 0.05);  // barrier ≈ 19 in energy; weights e^0.8 : 1 ≈ 0.69 : 0.31
    double exact = exact_moments(params, nullptr).mean[0];
    REQUIRE(exact == Approx(0.38).margin(0.02));
    Rng rng;
    rng_seed(&rng, 21, 0);
    TemperingStats stats;
    Samples tempered = tempering_sample(params, 8000, 200, 5, tempering_geometric_ladder(6, 0.1), &rng, 2, &stats);
    // Standard error: the basin a sample is in decides its magnetisation, so the samples' error is that of a ±1
    // mean with the basins' switching correlation; with thin 5 and ~0.2 swap rates, well under 0.03.
    INFO("tempering " << mean_magnetisation(tempered) << ", exact " << exact << ", lowest swap rate "
                      << stats.lowest_swap_rate());
    CHECK(std::fabs(mean_magnetisation(tempered) - exact) < 0.04);
    CHECK(stats.lowest_swap_rate() > 0.05);
    // Metropolis with the same budget per sample at β = 1: each of its 64 chains stays in the basin it fell into,
    // so its magnetisation is a coin toss per chain (here far from the exact value, which is the point).
    Samples single = metropolis_sample(params, 8000, 1200, 30, &rng, 2);
    auto basin = [&](int row) {  // the sign of the row's magnetisation (one flipped spin does not change it)
        double sum = 0;
        for (int i = 0; i < 8; i++) sum += single.spins[(size_t)row * 8 + i];
        return sum > 0;
    };
    INFO("Metropolis " << mean_magnetisation(single));
    for (int row = METROPOLIS_CHAINS; row < single.count; row++)  // no chain ever left its first basin
        REQUIRE(basin(row) == basin(row % METROPOLIS_CHAINS));
}

TEST_CASE("tempering matches exact enumeration at n = 8, g = 2 (SK), and does not depend on the threads", "[ising]") {
    Rng draw;
    rng_seed(&draw, 22, 0);
    IsingParams params = draw_sk_params(8, 2.0, &draw);
    Moments exact = exact_moments(params, nullptr);
    Rng a, b;
    rng_seed(&a, 5, 0);
    rng_seed(&b, 5, 0);
    Samples one = tempering_sample(params, 6000, 200, 4, tempering_default_ladder(8), &a, 1);
    Samples two = tempering_sample(params, 6000, 200, 4, tempering_default_ladder(8), &b, 2);
    CHECK(one.spins == two.spins);
    Moments sampled = sample_moments(one);
    double worst = 0;
    for (int i = 0; i < 8; i++) worst = std::fmax(worst, std::fabs(sampled.mean[i] - exact.mean[i]));
    for (int i = 0; i < 64; i++) worst = std::fmax(worst, std::fabs(sampled.correlation[i] - exact.correlation[i]));
    CHECK(worst < 0.06);  // 6000 rows: one standard error ≤ 0.013, 64 chains a little correlated
}
