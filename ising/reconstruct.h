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

// ---- Measures that tell models apart (beyond the paper's accuracy; same hidden sets) ----
// Neurons are silent in ~92 % of bins, so accuracy is dominated by silence and "all silent" scores about as well
// as any model. These measures weigh the spikes:

// log2 p(σᵐ | σᵒ) of the pattern's own hidden values under the Ising model (Eq. 2):
//   log2 p = (−E(σᵐ, σᵒ) − log Σ_{completions c} exp(−E(c, σᵒ))) / ln 2,
// exact over all 2ᵏ completions (the Gray-code walk; terms more than 60 nats below the largest are dropped, a
// relative error below 1e-26). The pattern must hold ±1 at every spin, the hidden ones included (they are the
// values scored). Divide by k for bits per hidden spin.
double conditional_log2_likelihood(const IsingParams& params, const float* pattern, const int* hidden, int k);

// The independent-neuron model fitted to training data: p_i = P(σ_i = +1) = (spikes + ½)/(M + 1) (half a
// pseudo-count on each side keeps a neuron that never or always fired at a finite log-likelihood). Its conditional
// p(σᵐ | σᵒ) is its marginal Π p_i^[σ_i=+1] (1 − p_i)^[σ_i=−1]: the baseline of conditional_log2_likelihood, and
// unlike the accuracy baseline it is not the all-silent guess (it pays −log2(1 − p_i) for every silence).
std::vector<double> independent_spike_probability(const Samples& training);
// log2 of that marginal over the hidden spins of one pattern.
double independent_log2_likelihood(const std::vector<double>& spike_probability, const float* pattern,
                                   const int* hidden, int k);

// Test-set means in bits per hidden spin: (1/(count·k)) Σ_patterns log2 p(σᵐ | σᵒ). The Ising version spreads the
// patterns over `threads` threads (the result does not depend on it).
double mean_conditional_log2_likelihood(const IsingParams& params, const Samples& test, const HiddenSets& hidden,
                                        int threads);
double mean_independent_log2_likelihood(const std::vector<double>& spike_probability, const Samples& test,
                                        const HiddenSets& hidden);

// Scores of a reconstruction over the hidden spins of a test set.
struct ReconstructionScores {
    double accuracy = 0;           // hidden spins restored, as reconstruction_accuracy (the paper's Fig. 6c)
    double spike_recall = 0;       // of the hidden spins that were active (+1), the fraction restored as active
    double silence_recall = 0;     // of the hidden spins that were silent (−1), the fraction restored as silent
    double balanced_accuracy = 0;  // (spike_recall + silence_recall)/2: "all silent" scores 0.5 whatever the rate
    long active = 0, silent = 0;   // how many hidden spins were active / silent
};
// A recall with no hidden spin of its kind is NaN (and so is the balanced accuracy then).
ReconstructionScores reconstruction_scores(const Samples& test, const Samples& reconstructed, const HiddenSets& hidden);
