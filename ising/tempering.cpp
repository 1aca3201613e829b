#include "tempering.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "../data/workers.h"
#include "metropolis.h"

TemperingLadder tempering_geometric_ladder(int replicas, double beta_min) {
    if (replicas < 2 || !(beta_min > 0.0 && beta_min < 1.0))
        throw std::runtime_error("tempering ladder: need at least 2 replicas and 0 < beta_min < 1");
    TemperingLadder ladder;
    for (int k = 0; k < replicas; k++) ladder.betas.push_back(std::pow(beta_min, (double)k / (replicas - 1)));
    return ladder;
}

TemperingLadder tempering_default_ladder(int n) {
    return tempering_geometric_ladder((int)std::ceil(std::sqrt((double)std::max(n, 1))) + 2, 0.2);
}

double TemperingStats::lowest_swap_rate() const {
    return swap_rate.empty() ? 0.0 : *std::min_element(swap_rate.begin(), swap_rate.end());
}

namespace {

// One replica: its spins, local fields h_i = b_i + Σ_j w_ij σ_j, and energy E = -Σ b_i σ_i - ½ Σ_ij w_ij σ_i σ_j.
struct Replica {
    std::vector<double> spin, field;
    double energy = 0;
};

Replica random_replica(const IsingParams& params, Rng* rng) {
    int n = params.n;
    Replica r;
    r.spin.resize(n);
    r.field.resize(n);
    metropolis_random_start(params, rng, r.spin.data(), r.field.data());
    // Σ_j w_ij σ_j = h_i - b_i, so E = -Σ_i σ_i (b_i + ½ (h_i - b_i)).
    for (int i = 0; i < n; i++) r.energy -= r.spin[i] * (params.bias[i] + 0.5 * (r.field[i] - params.bias[i]));
    return r;
}

// One tempering chain: writes rows chain, chain + chains, … of spins_out; adds its swap counts to accepted/attempted.
void run_tempering_chain(const IsingParams& params, int count, int burn_in, int thin, const TemperingLadder& ladder,
                         int chain, int chains, uint64_t seed, float* spins_out, std::vector<long long>* accepted,
                         std::vector<long long>* attempted, std::atomic<long long>* sweeps_done) {
    const std::vector<double>& beta = ladder.betas;
    int K = (int)beta.size(), n = params.n;
    Rng rng;
    rng_seed(&rng, seed, (uint64_t)chain);
    std::vector<Replica> at;  // at[k]: the replica now at beta[k]
    for (int k = 0; k < K; k++) at.push_back(random_replica(params, &rng));
    auto step = [&]() {
        for (int k = 0; k < K; k++)
            metropolis_sweep(params, beta[k], at[k].spin.data(), at[k].field.data(), &at[k].energy, &rng);
        for (int k = 0; k + 1 < K; k++) {
            double log_ratio = (beta[k] - beta[k + 1]) * (at[k].energy - at[k + 1].energy);
            (*attempted)[k]++;
            if (log_ratio >= 0.0 || rng_uniform(&rng) < std::exp(log_ratio)) {
                std::swap(at[k], at[k + 1]);
                (*accepted)[k]++;
            }
        }
        if (sweeps_done) sweeps_done->fetch_add(K, std::memory_order_relaxed);
    };
    for (int s = 0; s < burn_in; s++) step();
    for (long row = chain; row < count; row += chains) {
        for (int s = 0; s < thin; s++) step();
        for (int i = 0; i < n; i++) spins_out[(size_t)row * n + i] = (float)at[0].spin[i];
    }
}

}  // namespace

Samples tempering_sample(const IsingParams& params, int count, int burn_in, int thin, const TemperingLadder& ladder,
                         Rng* rng, int threads, TemperingStats* stats, std::atomic<long long>* sweeps_done) {
    if (count < 1 || burn_in < 0 || thin < 1)
        throw std::runtime_error("tempering_sample: need count >= 1, burn_in >= 0, thin >= 1");
    bool falling = ladder.betas.size() >= 2 && ladder.betas[0] == 1.0 && ladder.betas.back() > 0.0;
    for (size_t k = 1; k < ladder.betas.size(); k++) falling = falling && ladder.betas[k] < ladder.betas[k - 1];
    if (!falling)
        throw std::runtime_error("tempering_sample: the ladder needs at least 2 inverse temperatures, falling from 1 "
                                 "and positive");
    Samples samples;
    samples.count = count;
    samples.n = params.n;
    samples.spins.resize((size_t)count * params.n);
    uint64_t seed = rng_next(rng);
    int chains = std::min(METROPOLIS_CHAINS, count), pairs = (int)ladder.betas.size() - 1;
    threads = std::max(1, std::min(threads, chains));
    // Per-chain swap counts, summed after the workers finish, so nothing is shared while they run.
    std::vector<std::vector<long long>> accepted(chains, std::vector<long long>(pairs)), attempted = accepted;
    run_workers(threads, [&](int t) {
        for (int chain = t; chain < chains; chain += threads)
            run_tempering_chain(params, count, burn_in, thin, ladder, chain, chains, seed, samples.spins.data(),
                                &accepted[chain], &attempted[chain], sweeps_done);
    });
    if (stats) {
        stats->swap_rate.assign(pairs, 0.0);
        for (int k = 0; k < pairs; k++) {
            long long yes = 0, tries = 0;
            for (int c = 0; c < chains; c++) yes += accepted[c][k], tries += attempted[c][k];
            stats->swap_rate[k] = tries > 0 ? (double)yes / tries : 0.0;
        }
    }
    return samples;
}
