// The erasure machine (Jo, Hoang & Periwal 2020; Sec. II B, Eqs. (12)–(18)): inverse Ising inference that
// reweights the observed samples instead of summing over all 2^n configurations.
//
// Features O = (σ_i ; σ_iσ_j for i < j), parameters θ = (b_i ; w_ij). For one ε, starting from θ ~ U[-0.5, 0.5)
// (drawn from the seed, the same start for every ε), each iteration
//   1. reweights the samples, Eq. (12): p_μ ∝ f(σ̂_μ) p(σ̂_μ)^(ε-1) ∝ exp((1-ε)·E(σ̂_μ)), duplicates kept,
//      normalised with log-sum-exp;
//   2. updates θ ← θ + γ(Σ_μ p_μ O(σ̂_μ) - εθ), Eq. (18), with ⟨O⟩_{p_ε} ≈ εθ of Eqs. (16)–(17), γ = 0.1;
// and goes on while the mean data energy ⟨E(σ̂)⟩ keeps decreasing (the paper: "the iteration stops when the
// average energy is minimized"), at most max_iter updates; the θ with the lowest ⟨E(σ̂)⟩ is kept.
// ε is scanned on a grid and the ε whose result has the LARGEST ⟨E(σ̂)⟩ is chosen (the authors' criterion).
//
// The M × L feature matrix (L = n(n+1)/2) is never built: energies are σ·W (sgemm) and the reweighted moments are
// σᵀ·diag(p)·σ (sgemm), over blocks of 1024 rows, so memory is O(M·n + n²). Rows that repeat are kept once with
// their multiplicity c (log weight log c + (1-ε)E): the same sums, far fewer rows when n is small.
// Precision: the GEMMs run in float (exact ±1 inputs, ~7 digits per block sum), every sum across blocks and every
// parameter is double; see erasure.cpp for the measured effect.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "../data/formats.h"

struct ErasureOptions {
    double eps_min = 0.1, eps_max = 0.9;  // the ε grid: eps_count values, evenly spaced, both ends included
    int eps_count = 81;
    // 1: run every grid value (the authors' scan). s > 1: run every s-th value (both ends included), then every
    // value within s - 1 of the best of those: the same choice whenever <E> has one maximum on the grid, in about
    // eps_count/s + 2s runs (81 values, s = 6: 15 + 10 = 25 runs, 3.2× faster). Measured: see erasure.cpp.
    int eps_stride = 1;
    int max_iter = 100;           // the authors' value
    double learning_rate = 0.1;   // γ of Eq. (18)
    int threads = 1;              // ε values run in parallel; OpenBLAS is set to 1 thread during the call (a
                                  // process-wide setting), then restored
    uint64_t seed = 1;            // draws the initial θ
    std::atomic<long long>* runs_done = nullptr;  // if given, +1 per finished ε run (for a progress line)
};

// The ε choice: whether run k (⟨E(σ̂)⟩ = energy after `iterations` updates) beats run `best`. The larger ⟨E⟩ wins
// (ties: the smaller ε; NaN never wins), except that a run with fewer than `min_updates` updates never beats one
// with at least that many (erasure_machine: a tenth of max_iter, at least 1). Why: the iteration stops when ⟨E⟩
// rises, and from some random starts it rises after 0 or 1 updates; such a run returns θ at or one step from its
// random start θ ~ U[-0.5, 0.5), whose ⟨E⟩ can be the largest. In the long Fig. 2 run, on one generated set every
// ε ≤ 0.28 stopped after 1 update (⟨E⟩ ≈ -11, against -46.5 for the fit at ε = 0.29 after 100) and ε = 0.28 was
// chosen: MSE 0.089 instead of about 0.008; on two others a 0-update start won (MSE 0.101). Every run on those sets
// either stopped within 1 update or made all 100; a step-halving retry did not help (even γ/1024 raised ⟨E⟩ after
// the first update: the update of Eq. (18) is not a descent direction of ⟨E⟩ there).
bool erasure_run_beats(int k, double energy, int iterations, int best, double best_energy, int best_iterations,
                       int min_updates);

// The most ε runs erasure_machine makes with these options (all of the grid at stride 1; the coarse values plus
// the fine window otherwise): the total of a progress line.
int erasure_planned_runs(const ErasureOptions& options);

// One ε: the parameters the stopping rule kept, their mean data energy ⟨E(σ̂)⟩, and the updates it took.
struct ErasureFit {
    IsingParams params;
    double mean_energy = 0.0;
    int iterations = 0;
};

struct ErasureResult {
    IsingParams params;              // at the chosen ε
    double chosen_eps = 0.0;
    double chosen_mean_energy = 0.0;
    int iterations = 0;              // updates used at the chosen ε
    std::vector<double> eps_grid;    // every ε run (all of the grid when eps_stride = 1), with its ⟨E(σ̂)⟩ and updates
    std::vector<double> mean_energy;
    std::vector<int> iterations_used;
};

// The grid eps_min, …, eps_max (eps_count values; one value means eps_min). Throws unless 0 < eps_min ≤ eps_max ≤ 1.
std::vector<double> erasure_eps_grid(const ErasureOptions& options);

// The erasure machine at one ε (uses the calling thread's BLAS settings).
ErasureFit erasure_fit(const Samples& samples, double eps, const ErasureOptions& options);

// The erasure machine over the ε grid; returns the fit at the ε with the largest ⟨E(σ̂)⟩ among those run
// (ties: smallest ε).
ErasureResult erasure_machine(const Samples& samples, const ErasureOptions& options);

// Bytes erasure_machine needs for `count` samples of n spins on `threads` threads (samples excluded): the distinct
// rows, and per thread the workspace and two sets of n × n parameters. For a check before allocating.
size_t erasure_memory_bytes(long count, int n, int threads);

// What the data cannot determine, one message per case (empty when none): a spin with the same value in every
// sample (its maximum-likelihood bias is infinite), fewer samples than spins. The inference still runs; the
// command line prints these as warnings. Spins are named by their 0-based column, with the header's `names` when
// given, and their value as the file wrote it (0/1 when `zero_one`, else -1/+1).
std::vector<std::string> inference_data_warnings(const Samples& samples, const std::vector<std::string>& names = {},
                                                 bool zero_one = false);
