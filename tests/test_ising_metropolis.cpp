// Metropolis samples against exact enumeration: every magnetisation ⟨σ_i⟩ and correlation ⟨σ_iσ_j⟩ within
// sampling error; and the samples do not depend on the thread count.
#include <catch2/catch.hpp>

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

TEST_CASE("Metropolis default thinning follows the measured rule", "[ising]") {
    Rng rng;
    rng_seed(&rng, 14, 0);
    IsingParams weak = draw_sk_params(40, 0.5, &rng);
    CHECK(metropolis_default_thin(weak) == 10);
    CHECK(metropolis_default_burn_in(weak) == 1000);
    IsingParams strong = draw_sk_params(60, 2.0, &rng);
    double g = sk_coupling_scale(strong);
    CHECK(metropolis_default_thin(strong) == (int)std::ceil(15.0 * std::exp(6.0 * (g - 1.0))));
    CHECK(metropolis_default_burn_in(strong) == 10 * metropolis_default_thin(strong));
}
