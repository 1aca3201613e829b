// Parallel tempering (replica exchange: Swendsen & Wang 1986; Geyer 1991; Hukushima & Nemoto 1996) for
// p(σ) = exp(-E(σ))/Z, Eqs. (1)–(2). Why repro needs it: a pairwise model fitted to spike data is often bistable
// (a silent and an active basin), and single-spin Metropolis (metropolis.h) started at random can stay in whichever
// basin it falls into, so that its samples show where the chains started, not the model. Copies of the chain at
// lower inverse temperatures β < 1 cross the barriers, and swaps between neighbouring β carry those crossings down
// to β = 1, whose states are exact samples of p once the chain has mixed. (On the retina PLM fit Metropolis turned
// out to mix, and the two samplers agree: docs/findings.md. Tempering is how a user checks that on their own fit.)
#pragma once
#include <atomic>
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"

// The inverse temperatures: betas[0] = 1 (the model itself) > betas[1] > … > betas[K-1] > 0.
struct TemperingLadder {
    std::vector<double> betas;
};
// K values spaced geometrically from 1 down to beta_min (K ≥ 2, 0 < beta_min < 1).
TemperingLadder tempering_geometric_ladder(int replicas, double beta_min);
// The default ladder for n spins: ⌈√n⌉ + 2 replicas from β = 1 to 0.2. Why: a swap between neighbours is accepted
// with probability ≈ erfc(Δβ·σ_E/2) where σ_E, the energy's spread, grows like √n, so Δβ ∝ 1/√n keeps the rate
// fixed; β = 0.2 puts an SK model of g ≤ 5 in its paramagnetic phase (effective g = 0.2 g < 1), where single flips
// mix in a few sweeps. Measured swap rates between neighbours: 0.54–0.87 on the retina PLM fit (n = 40, 9 replicas),
// 0.55–0.79 on SK n = 40, g = 2, 0.53–0.88 on SK n = 200, g = 1 (17 replicas): no pair near 0.
TemperingLadder tempering_default_ladder(int n);

// What the swaps did: accepted / attempted for each neighbouring pair (k, k+1), summed over the chains. A pair
// whose rate is near 0 splits the ladder, and the β = 1 samples are then no better than Metropolis.
struct TemperingStats {
    std::vector<double> swap_rate;  // K - 1 entries
    double lowest_swap_rate() const;
};

// `count` samples at β = 1, rows interleaved over independent tempering chains as metropolis_sample's rows are over
// its chains (METROPOLIS_CHAINS of them, fewer when count is smaller). Each chain holds one replica per β, each
// started from uniformly random spins; a step is one Metropolis sweep of every replica at its β (flip σ_i with
// probability min(1, exp(-β ΔE))) followed by a swap attempt between every neighbouring pair (k, k+1), accepted
// with probability min(1, exp((β_k − β_{k+1})(E_k − E_{k+1}))) (detailed balance in the product of exp(-β_k E)).
// After `burn_in` steps the β = 1 replica is recorded every `thin` steps. Deterministic in (seed, count, burn_in,
// thin, ladder), whatever `threads`. Cost: K times metropolis_sample's (metropolis_total_sweeps × K replica sweeps;
// `sweeps_done`, if given, counts them for a progress line).
Samples tempering_sample(const IsingParams& params, int count, int burn_in, int thin, const TemperingLadder& ladder,
                         Rng* rng, int threads, TemperingStats* stats = nullptr,
                         std::atomic<long long>* sweeps_done = nullptr);
