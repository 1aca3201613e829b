#include "metropolis.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "../data/workers.h"
#include "sk.h"

int metropolis_default_thin(const IsingParams& params) {
    double g = sk_coupling_scale(params);
    double thin = std::ceil(params.n / 4.0 * std::exp(6.0 * (g - 1.0)));
    return (int)std::max(10.0, std::min(thin, 1e6));
}

int metropolis_default_burn_in(const IsingParams& params) { return std::max(1000, 10 * metropolis_default_thin(params)); }

// out[j] += scale · in[j]: the O(n) part of every accepted flip (restrict: the compiler may vectorise it).
static void add_scaled(double* __restrict out, const double* __restrict in, double scale, int n) {
    for (int j = 0; j < n; j++) out[j] += scale * in[j];
}

void metropolis_sweep(const IsingParams& params, double beta, double* spin, double* field, double* energy, Rng* rng) {
    int n = params.n;
    for (int i = 0; i < n; i++) {
        double delta_energy = 2.0 * spin[i] * field[i];  // E(σ with σ_i flipped) - E(σ)
        if (delta_energy > 0.0 && rng_uniform(rng) >= std::exp(-beta * delta_energy)) continue;
        spin[i] = -spin[i];
        if (energy) *energy += delta_energy;
        // h_j += 2 σ_i w_ji for all j (row i of W = column i; w_ii = 0, so h_i itself does not change)
        add_scaled(field, &params.coupling[(size_t)i * n], 2.0 * spin[i], n);
    }
}

void metropolis_random_start(const IsingParams& params, Rng* rng, double* spin, double* field) {
    int n = params.n;
    for (int i = 0; i < n; i++) spin[i] = rng_uniform(rng) < 0.5 ? -1.0 : 1.0;
    for (int i = 0; i < n; i++) {  // h_i = b_i + Σ_j w_ij σ_j
        double h = params.bias[i];
        for (int j = 0; j < n; j++) h += params.coupling[(size_t)i * n + j] * spin[j];
        field[i] = h;
    }
}

// One chain: writes its samples to rows chain, chain + chains, chain + 2·chains, … of spins_out [count × n].
static void run_chain(const IsingParams& params, int count, int burn_in, int thin, int chain, int chains, uint64_t seed,
                      float* spins_out, std::atomic<long long>* sweeps_done) {
    int n = params.n;
    Rng rng;
    rng_seed(&rng, seed, (uint64_t)chain);
    std::vector<double> spin(n), field(n);
    metropolis_random_start(params, &rng, spin.data(), field.data());
    auto sweep = [&]() {
        metropolis_sweep(params, 1.0, spin.data(), field.data(), nullptr, &rng);
        if (sweeps_done) sweeps_done->fetch_add(1, std::memory_order_relaxed);
    };
    for (int s = 0; s < burn_in; s++) sweep();
    for (long row = chain; row < count; row += chains) {
        for (int s = 0; s < thin; s++) sweep();
        for (int i = 0; i < n; i++) spins_out[(size_t)row * n + i] = (float)spin[i];
    }
}

static int chain_count(int count) { return std::min(METROPOLIS_CHAINS, count); }

long long metropolis_total_sweeps(int count, int burn_in, int thin) {
    return (long long)chain_count(count) * burn_in + (long long)count * thin;
}

Samples metropolis_sample(const IsingParams& params, int count, int burn_in, int thin, Rng* rng, int threads,
                          std::atomic<long long>* sweeps_done) {
    if (count < 1 || burn_in < 0 || thin < 1)
        throw std::runtime_error("metropolis_sample: need count >= 1, burn_in >= 0, thin >= 1 (got " +
                                 std::to_string(count) + ", " + std::to_string(burn_in) + ", " + std::to_string(thin) + ")");
    Samples samples;
    samples.count = count;
    samples.n = params.n;
    samples.spins.resize((size_t)count * params.n);
    uint64_t seed = rng_next(rng);
    int chains = chain_count(count);
    if (threads < 1) threads = 1;
    if (threads > chains) threads = chains;
    // Worker t runs chains t, t + threads, …; each chain owns its generator and its rows, so no two workers
    // touch the same memory and the result does not depend on the thread count.
    run_workers(threads, [&](int t) {
        for (int chain = t; chain < chains; chain += threads)
            run_chain(params, count, burn_in, thin, chain, chains, seed, samples.spins.data(), sweeps_done);
    });
    return samples;
}
