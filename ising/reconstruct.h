// Reconstruction of missing neurons (Sec. III B, Fig. 6). In a test pattern σ̂ = (σᵐ, σᵒ) the k hidden spins σᵐ
// are restored as the completion that maximises p(σᵐ | σᵒ) ∝ p(σᵐ, σᵒ) ∝ exp(−E(σᵐ, σᵒ)), E of Eq. (2), found
// exactly by visiting all 2ᵏ completions in Gray-code order: consecutive completions differ in one spin, so each
// energy follows from the previous one in O(k) through the local fields of the hidden spins.
// Two baselines give the accuracy context (a neuron is silent in ~92 % of bins): "all silent" (every hidden spin
// −1) and an independent-neuron model (each hidden spin set to its most frequent state in the training data).
// Every method is scored on the same hidden sets: draw them once with draw_hidden_sets and pass them to each.
#pragma once
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"

// Which spins are hidden in each pattern: `count` rows of k distinct spin indices in [0, n), each row ascending.
struct HiddenSets {
    int count = 0;             // patterns
    int k = 0;                 // hidden spins per pattern
    std::vector<int> index;    // count × k
};
// Draws k distinct hidden spins out of n for each of `count` patterns, uniformly (partial Fisher–Yates).
HiddenSets draw_hidden_sets(int count, int n, int k, Rng* rng);

// Largest k the exact search accepts: 2^30 completions take minutes per pattern; the paper needs k ≤ 14 (≤ 20 here).
constexpr int RECONSTRUCT_MAX_HIDDEN = 30;

// energy[mask] = E(σ) for every completion of `pattern` (n spins, ±1; the hidden entries' values are ignored),
// where hidden spin hidden[b] is +1 when bit b of mask is set and −1 otherwise (energy has 2^k entries). Computed
// by the same Gray-code walk as reconstruct_exact; exposed so tests can check it against direct energies.
void completion_energies(const IsingParams& params, const float* pattern, const int* hidden, int k, double* energy);

// Sets pattern[hidden[b]], b < k, to the completion of minimum energy (maximum p(σᵐ | σᵒ)) and returns that energy.
// Ties: the walk starts from all hidden spins silent (−1) and keeps the first minimum it meets (strict <), so a
// model that cannot tell completions apart (e.g. all parameters zero) predicts silence. Speed: about 5 ns per
// completion on one core (k = 20: 6 ms per pattern; k = 24: 0.1 s); the energies carried along the walk drift
// from direct sums by ~1e-11 (k = 20) to ~1e-10 (k = 24).
double reconstruct_exact(const IsingParams& params, float* pattern, const int* hidden, int k);

// Baseline: every hidden spin silent (−1).
void reconstruct_all_silent(float* pattern, const int* hidden, int k);
// The independent-neuron model fitted to training data: p(σ_i) ∝ exp(b_i σ_i) with tanh b_i = ⟨σ_i⟩, whose most
// probable state is sign ⟨σ_i⟩. Returns that state for each spin (+1 if ⟨σ_i⟩ > 0, else −1: a tie goes to silence).
std::vector<float> independent_most_likely(const Samples& training);
// Baseline: each hidden spin set to most_likely[i] (from independent_most_likely).
void reconstruct_independent(const std::vector<float>& most_likely, float* pattern, const int* hidden, int k);

// Whole test sets: a copy of `test` with the hidden entries of each pattern replaced by the method's choice.
// reconstruct_test_set_exact spreads the patterns over `threads` threads (the result does not depend on it).
Samples reconstruct_test_set_exact(const IsingParams& params, const Samples& test, const HiddenSets& hidden,
                                   int threads);
Samples reconstruct_test_set_all_silent(const Samples& test, const HiddenSets& hidden);
Samples reconstruct_test_set_independent(const std::vector<float>& most_likely, const Samples& test,
                                         const HiddenSets& hidden);

// Fraction of hidden spins whose reconstructed value equals the original (the accuracy of Fig. 6c).
double reconstruction_accuracy(const Samples& test, const Samples& reconstructed, const HiddenSets& hidden);
