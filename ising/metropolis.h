// Metropolis sampling of p(σ) = exp(-E(σ))/Z, Eqs. (1)–(2) (Sec. III A, step 2): single-spin flips, many
// independent chains.
#pragma once
#include <atomic>

#include "../data/formats.h"
#include "../data/rng.h"

// Independent chains per call, whatever the thread count: chain c has its own generator (stream c of one seed
// drawn from the caller's Rng), so the samples depend on (seed, count, burn_in, thin) only, not on `threads`.
// 64 chains start from 64 independent random states, which also guards against one chain being stuck in one
// valley of the spin-glass landscape at large g.
constexpr int METROPOLIS_CHAINS = 64;

// Default thinning, in sweeps (one sweep = n attempted flips): max(10, ⌈(n/4)·exp(6(g-1))⌉), with g the
// coupling scale of the parameters (sk_coupling_scale), capped at 10^6. Why: the slowest mode of single-flip
// Metropolis on SK is a spin's own autocorrelation; its integrated time τ (in sweeps), the worst of 4 draws of
// the parameters, measured over 4·10^5 sweeps (batch means), was
//            g = 1    1.25   1.5   1.75    2
//   n =  40:     5     30     46    204    548
//   n =  60:     7     45    124    319   1455
//   n = 100:     8     76    319   1563   3284   (magnetisation: up to ~5700)
// (the energy itself decorrelates in ≤ 18 sweeps everywhere). A chain that records every `thin` sweeps gives
// an effective sample size ≈ M·min(1, thin/(2τ)); the rule gives thin/τ = 1.9 1.5 4.3 4.4 7.4 (n = 40),
// 2.1 1.5 2.4 4.2 4.2 (n = 60), 3.1 1.5 1.6 1.4 3.1 (n = 100) for the entries above, so every spin's moments
// rest on ≥ 0.7·M effectively independent samples. It grows fast with g because the SK landscape freezes
// (g = 1 is the spin-glass transition); τ varies a lot between draws of the parameters, so at g ≳ 1.75 a rare
// draw may still be slower than this.
int metropolis_default_thin(const IsingParams& params);
// Default burn-in, in sweeps: 10 × the default thinning, at least 1000: many times the slowest τ above, from a
// uniformly random start.
int metropolis_default_burn_in(const IsingParams& params);

// One systematic sweep (i = 0 … n-1) at inverse temperature beta: flip σ_i with probability min(1, exp(-β ΔE)),
// ΔE = 2 σ_i h_i, keeping the local fields h_i = b_i + Σ_j w_ij σ_j up to date (O(n) per accepted flip) and, if
// `energy` is not null, E(σ) too. β = 1 samples p(σ) itself; parallel tempering (tempering.h) runs other β.
void metropolis_sweep(const IsingParams& params, double beta, double* spin, double* field, double* energy, Rng* rng);
// Uniformly random spins [n] and their local fields [n].
void metropolis_random_start(const IsingParams& params, Rng* rng, double* spin, double* field);

// `count` samples (rows interleaved over the chains: row r comes from chain r mod the chain count, so any prefix of the rows
// mixes all chains). Each chain starts from uniformly random spins, runs `burn_in` sweeps, then records one
// sample every `thin` sweeps. A sweep visits the spins in order i = 0 … n-1 (a systematic scan; every single-flip
// step keeps p(σ) invariant, so the sweep does too) and flips σ_i with probability min(1, exp(-ΔE)),
// ΔE = 2 σ_i h_i, where the local fields h_i = b_i + Σ_j w_ij σ_j are kept up to date (O(n) per accepted flip).
// Fewer rows than METROPOLIS_CHAINS: only `count` chains run (one row each), so that M = 10 does not burn in 64
// chains for 10 rows. If `sweeps_done` is given, each chain adds 1 to it per sweep, for a progress line.
Samples metropolis_sample(const IsingParams& params, int count, int burn_in, int thin, Rng* rng, int threads,
                          std::atomic<long long>* sweeps_done = nullptr);
// The sweeps metropolis_sample makes in all: chains × burn_in + count × thin (its cost is that × n flip attempts).
long long metropolis_total_sweeps(int count, int burn_in, int thin);
