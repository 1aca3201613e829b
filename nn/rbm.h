// Restricted Boltzmann machine, one of the two generators the paper compares against the diffusion model
// (Sec. III A, Fig. 5; Appendix A: 20 hidden units, CD-1, learning rate 0.05, momentum 0.5, weight decay 1e-4).
//
// Units are 0/1 inside the RBM: a spin σ_i = ±1 enters as the visible unit v_i = (σ_i + 1)/2 and a generated
// v_i leaves as σ_i = 2 v_i − 1. Hidden units h_j ∈ {0, 1}. Energy and distribution:
//   E(v, h) = −Σ_i a_i v_i − Σ_j c_j h_j − Σ_ji h_j W_ji v_i,   p(v, h) = exp(−E(v, h)) / Z,
// and, summing the hidden units out, the free energy
//   F(v) = −log Σ_h exp(−E(v, h)) = −Σ_i a_i v_i − Σ_j softplus(c_j + Σ_i W_ji v_i),   p(v) = exp(−F(v)) / Z.
// The 0/1 choice is the textbook parametrisation (Hinton's practical guide, the paper's Ref. [41]); a ±1 RBM is
// the same family of distributions under a reparametrisation of (a, c, W).
#pragma once
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"

struct Rbm {
    int n = 0;                        // visible units (spins)
    int hidden = 0;                   // hidden units
    std::vector<float> weight;        // [hidden × n] W_ji (linear.h's [out × in] layout, visible → hidden)
    std::vector<float> visible_bias;  // [n] a_i
    std::vector<float> hidden_bias;   // [hidden] c_j
    // Momentum of rbm_train (zero after rbm_init), kept here so a second rbm_train call continues the same run:
    // training E epochs in one call or in E calls of one epoch gives the same parameters.
    std::vector<float> weight_velocity, visible_bias_velocity, hidden_bias_velocity;
};

struct RbmOptions {
    // Training length. Rule: the first of the checkpoints 100, 200, 300, 500, 700, 1000 epochs at which the exact
    // held-out log-likelihood (log Z by enumerating the 2^20 hidden states) is within 0.15 nat per sample (~0.75 %)
    // of its value after 2000 epochs, for every M in {1000, 2000, 4000, 8000} of SK data (n = 40, g = 1) and two
    // seeds. It is 700 (docs/conventions.md "RBM"). The generated samples' correlation errors stop improving
    // earlier, by ~300 epochs. Cost: ~0.4 µs per sample and epoch on one core (M = 8000: ~2.3 s).
    int epochs = 700;
    int batch_size = 100;          // Appendix A does not say; 100 is the guide's upper range and scikit-learn's
    float learning_rate = 0.05f;   // Appendix A
    float momentum = 0.5f;         // Appendix A
    float weight_decay = 1e-4f;    // Appendix A; L2 on W only (biases are not decayed, as in the guide)
};

// Default burn-in of rbm_generate (Gibbs steps v → h → v per chain from a random state). Measured on trained n = 40
// RBMs (700 epochs, M = 1000..8000) against their exact magnetisations (enumerating the 2^20 hidden states): the
// rms distance decays like exp(−t/τ) with τ ≈ 25–45 steps, and with 100,000 chains it is 0.010–0.012 after 100
// steps, 0.003–0.004 after 150 and 0.003 after 200, 300, 500 — the sampling noise of 100,000 samples (0.003).
constexpr int RBM_DEFAULT_BURN_IN = 200;

// W_ji ~ N(0, 0.01²), biases 0, momentum 0 (the guide's initialisation). Throws if n < 1 or hidden < 1.
void rbm_init(Rbm* rbm, int n, int hidden, Rng* rng);

// hidden_prob[B × hidden] = p(h_j = 1 | v) = sigmoid(c_j + Σ_i W_ji v_i) for 0/1 visible rows visible[B × n].
void rbm_hidden_probability(float* hidden_prob, const float* visible, const Rbm& rbm, int B);
// visible_prob[B × n] = p(v_i = 1 | h) = sigmoid(a_i + Σ_j h_j W_ji) for 0/1 hidden rows hidden[B × hidden].
void rbm_visible_probability(float* visible_prob, const float* hidden, const Rbm& rbm, int B);

// free_energy[B] = F(v) of each 0/1 visible row (accumulated in double).
void rbm_free_energy(double* free_energy, const float* visible, const Rbm& rbm, int B);
// Gradient of F: for each row, with hidden_prob = rbm_hidden_probability(visible),
//   grad_weight += scale · ∂F/∂W = −scale · p(h|v) vᵀ,  grad_visible_bias += −scale · v,
//   grad_hidden_bias += −scale · p(h|v).
// Accumulates, like every *_backward. The exact gradient of the mean negative log-likelihood is
// mean_data ∂F − Σ_v p(v) ∂F; CD-1 replaces the second average by one Gibbs step from the data (rbm_train).
void rbm_free_energy_backward(float* grad_weight, float* grad_visible_bias, float* grad_hidden_bias,
                              const float* visible, const float* hidden_prob, int B, int n, int hidden, float scale);

// log Z, exactly, by summing over the smaller layer (2^min(n, hidden) states, in double). Throws if
// min(n, hidden) > 24. With 20 hidden units this takes about a second; it is for tests and measurements.
double rbm_log_partition(const Rbm& rbm);
// Mean log-likelihood (1/M) Σ_μ log p(σ(μ)) = −mean F − log Z of ±1 samples (exact; same limits).
double rbm_mean_log_likelihood(const Rbm& rbm, const Samples& data);

// Scratch buffers of rbm_cd1_gradient (resized as needed; reuse one across calls to avoid reallocation).
struct RbmCd1Scratch {
    std::vector<float> hidden_prob0, hidden0, visible_prob1, visible1, hidden_prob1;
};
// The CD-1 estimate of the gradient of the mean negative log-likelihood over the B rows of visible0[B × n] (0/1):
// one Gibbs step h0 ~ p(h|v0), v1 ~ p(v|h0) per row, then accumulates
//   (1/B) Σ_rows ∂F(v0) − (1/B) Σ_rows ∂F(v1)   into the grad_* buffers (rbm_free_energy_backward's layout).
// Returns Σ_rows Σ_i (v0_i − p(v1_i = 1 | h0))², the squared reconstruction error.
double rbm_cd1_gradient(float* grad_weight, float* grad_visible_bias, float* grad_hidden_bias, const float* visible0,
                        const Rbm& rbm, int B, RbmCd1Scratch* scratch, Rng* rng);

// Trains by CD-1 with momentum for options.epochs passes over `data` (±1 samples with data.n == rbm->n), each a
// fresh random order split into minibatches of options.batch_size (the last one may be smaller). Continues from
// the current parameters and momentum. Returns the mean squared reconstruction error Σ_i (v_i − p(v_i|h))² per
// sample over the last epoch (a cheap progress number, not the objective). Throws on bad sizes or options.
double rbm_train(Rbm* rbm, const Samples& data, const RbmOptions& options, Rng* rng);

// `count` samples (±1) from `count` independent Gibbs chains, each started from a uniformly random visible state
// and run `burn_in` full steps v → h → v (burn_in ≥ 1); the sample is the chain's last visible state (a draw
// from p(v|h), not a probability). Throws on count < 1 or burn_in < 1. Reads `rbm` only, so several threads may
// generate from one RBM at once, each with its own Rng (e.g. one stream per worker) and part of the count.
// Cost: ~1.4e-7 s per chain and step on one core (100,000 chains × 200 steps ≈ 3 s).
Samples rbm_generate(const Rbm& rbm, int count, int burn_in, Rng* rng);
