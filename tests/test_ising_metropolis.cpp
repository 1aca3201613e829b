// Metropolis samples against exact enumeration: every magnetisation ⟨σ_i⟩ and correlation ⟨σ_iσ_j⟩ within
// sampling error; and the samples do not depend on the thread count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "../data/rng.h"
#include "../ising/exact.h"
#include "../ising/metropolis.h"
#include "../ising/moments.h"
#include "../ising/sk.h"

// z-scores of the sample moments against the exact ones (standard error of a mean of ±1 values: sqrt((1-m²)/M)).
static void check_against_exact(const IsingParams& params, const Samples& samples) {
    int n = params.n;
    Moments exact = exact_moments(params, nullptr);
    Moments sampled = sample_moments(samples);
    double squares = 0.0, largest = 0.0;
    int count = 0;
    auto add = [&](double estimate, double truth) {
        double z = (estimate - truth) / std::sqrt((1.0 - truth * truth) / samples.count);
        squares += z * z;
        largest = std::fmax(largest, std::fabs(z));
        count++;
    };
    for (int i = 0; i < n; i++) add(sampled.mean[i], exact.mean[i]);
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) add(sampled.correlation[i * n + j], exact.correlation[i * n + j]);
    INFO("largest |z| " << largest << ", mean z^2 " << squares / count);
    CHECK(largest < 5.0);
    CHECK(squares / count < 2.5);  // ≈ 1 for independent samples; a biased sampler or correlated data inflate it
}

TEST_CASE("Metropolis matches exact enumeration at n = 8, g = 1", "[ising]") {
    Rng rng;
    rng_seed(&rng, 11, 0);
    IsingParams params = draw_sk_params(8, 1.0, &rng);
    Samples samples = metropolis_sample(params, 20000, metropolis_default_burn_in(params), metropolis_default_thin(params),
                                        &rng, 2);
    REQUIRE(samples.count == 20000);
    for (float spin : samples.spins) REQUIRE((spin == 1.0f || spin == -1.0f));
    check_against_exact(params, samples);
}

TEST_CASE("Metropolis matches exact enumeration at n = 8, g = 2 with the default thinning", "[ising]") {
    Rng rng;
    rng_seed(&rng, 12, 0);
    IsingParams params = draw_sk_params(8, 2.0, &rng);
    Samples samples = metropolis_sample(params, 4000, metropolis_default_burn_in(params), metropolis_default_thin(params),
                                        &rng, 2);
    check_against_exact(params, samples);
}

TEST_CASE("Metropolis samples depend on the seed, not on the thread count", "[ising]") {
    Rng rng;
    rng_seed(&rng, 13, 0);
    IsingParams params = draw_sk_params(10, 1.0, &rng);
    Rng a, b, c;
    rng_seed(&a, 99, 0);
    rng_seed(&b, 99, 0);
    rng_seed(&c, 100, 0);
    Samples one = metropolis_sample(params, 500, 50, 3, &a, 1);
    Samples three = metropolis_sample(params, 500, 50, 3, &b, 3);
    Samples other = metropolis_sample(params, 500, 50, 3, &c, 3);
    CHECK(one.spins == three.spins);
    CHECK(one.spins != other.spins);
    CHECK_THROWS(metropolis_sample(params, 10, 0, 0, &a, 1));
}

// Lag-1 autocorrelation of each spin along the chains (row r comes from chain r mod `chains`), pooled over the
// chains: ρ_i = (⟨σ_i(k) σ_i(k+1)⟩ − m_i²)/(1 − m_i²), with m_i the mean over all rows. The largest over the spins.
static double largest_lag1_autocorrelation(const Samples& samples, int chains) {
    const int n = samples.n;
    double largest = -1.0;
    for (int i = 0; i < n; i++) {
        double mean = 0.0, product = 0.0;
        long pairs = 0;
        for (int r = 0; r < samples.count; r++) mean += samples.spins[(size_t)r * n + i];
        mean /= samples.count;
        for (int r = 0; r + chains < samples.count; r++, pairs++)
            product += samples.spins[(size_t)r * n + i] * samples.spins[(size_t)(r + chains) * n + i];
        largest = std::max(largest, (product / pairs - mean * mean) / (1.0 - mean * mean));
    }
    return largest;
}

// The property the default thinning promises (metropolis.h): consecutive recorded samples of a chain are nearly
// independent, also for the slowest observable, a single spin, in the glassy phase (g = 1.5, where one sweep apart
// they are strongly correlated). 64 chains × 20 samples: the estimate's standard error is ~0.03 per spin.
TEST_CASE("Metropolis default thinning leaves consecutive samples nearly uncorrelated", "[ising]") {
    Rng rng;
    rng_seed(&rng, 14, 0);
    IsingParams params = draw_sk_params(40, 1.5, &rng);
    const int thin = metropolis_default_thin(params), burn_in = metropolis_default_burn_in(params);
    const int count = 20 * METROPOLIS_CHAINS;
    Samples thinned = metropolis_sample(params, count, burn_in, thin, &rng, 2);
    Samples every_sweep = metropolis_sample(params, count, burn_in, 1, &rng, 2);
    double rho_thinned = largest_lag1_autocorrelation(thinned, METROPOLIS_CHAINS);
    double rho_every_sweep = largest_lag1_autocorrelation(every_sweep, METROPOLIS_CHAINS);
    INFO("thin " << thin << ": largest lag-1 autocorrelation " << rho_thinned << " (every sweep: " << rho_every_sweep
                 << ")");
    CHECK(rho_thinned < 0.2);
    CHECK(rho_every_sweep > 0.5);  // the estimate does see correlation where there is some
}
