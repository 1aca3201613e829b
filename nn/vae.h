// Variational autoencoder (Kingma & Welling, the paper's Ref. [11]), one of the two generators the paper compares
// against the diffusion model (Sec. III A, Fig. 5; Appendix A: 40-30-20-10-20-30-40, Adam with learning rate 0.001).
//
// For n spins the network is n-30-20-10-20-30-n:
//   encoder  x[n] → 30 → 20 → (mean[10], log_variance[10]) of q(z|x) = N(mean, diag exp(log_variance)),
//   decoder  z[10] → 20 → 30 → logits[n],  p(x_i = 1 | z) = sigmoid(logit_i)  (independent Bernoulli spins),
// with a tanh after every hidden layer (see VaeActivation). Spins enter as x_i = (σ_i + 1)/2 ∈ {0, 1} and leave as
// σ_i = 2 x_i − 1. Training minimises the negative ELBO per sample (reparameterisation z = mean + exp(log_variance/2)·ε,
// ε ~ N(0, I), one draw per sample and step):
//   loss(x) = Σ_i [softplus(logit_i) − x_i·logit_i]  +  ½ Σ_k [mean_k² + exp(log_variance_k) − 1 − log_variance_k]
//            (Bernoulli reconstruction cross-entropy)     (KL(q(z|x) ‖ N(0, I)))
#pragma once
#include <vector>

#include "../data/formats.h"
#include "../data/rng.h"
#include "adam.h"

constexpr int VAE_HIDDEN1 = 30;  // widths of Appendix A
constexpr int VAE_HIDDEN2 = 20;
constexpr int VAE_LATENT = 10;

// The seven dense layers (nn/linear.h), in forward order.
enum VaeLayer { VAE_ENC1, VAE_ENC2, VAE_ENC_MEAN, VAE_ENC_LOG_VARIANCE, VAE_DEC1, VAE_DEC2, VAE_DEC3, VAE_LAYERS };

// Hidden-layer nonlinearity. The paper does not say. tanh is the default: on held-out SK data (n = 40, g = 1,
// M = 1000..8000, two seeds, 1000 epochs) its negative ELBO was lower than ReLU's by 0.14 nat per sample on average
// (lower in 6 of 8 cases, by up to 0.53; higher in one, by 0.19; one tie), and its samples' connected correlations
// were closer to the model's in 7 of 8 (docs/conventions.md "VAE"). ReLU, the usual choice of PyTorch examples, is an option.
enum VaeActivation { VAE_TANH, VAE_RELU };

struct Vae {
    int n = 0;
    VaeActivation activation = VAE_TANH;
    int in_dim[VAE_LAYERS] = {}, out_dim[VAE_LAYERS] = {};
    long weight_offset[VAE_LAYERS] = {}, bias_offset[VAE_LAYERS] = {};  // into params/grads: weight [out × in], bias [out]
    std::vector<float> params;  // every weight and bias in one buffer, so Adam is one loop
    std::vector<float> grads;   // same layout; vae_backward accumulates here
    // Adam state (zero after vae_init), kept so that a second vae_train call continues the same run.
    std::vector<float> adam_m, adam_v;
    long adam_step = 0;
};

struct VaeOptions {
    // Training length. Rule: the first of the checkpoints 200, 500, 700, 1000, 1500, 2000 epochs at which the
    // held-out negative ELBO is within 0.2 nat per sample (~1 %) of its best value over 2000 epochs, for every M in
    // {1000, 2000, 4000, 8000} of SK data (n = 40, g = 1) and two seeds. It is 1000 (docs/conventions.md "VAE");
    // for M = 1000 the held-out ELBO gets worse again after 1000–1500 epochs (overfitting). Cost: ~1.5 µs per
    // sample and epoch on one core (M = 8000: ~12 s).
    int epochs = 1000;
    int batch_size = 100;  // Appendix A does not say; the same as the RBM's
    AdamConfig adam{0.001f};  // Adam, learning rate 0.001 (Appendix A), PyTorch's other defaults (nn/adam.h)
};

// Forward activations and backward scratch for up to `capacity` rows (vae_forward grows it as needed).
struct VaeActivations {
    int capacity = 0;
    std::vector<float> enc1, enc2;                // [B × 30], [B × 20] after the nonlinearity
    std::vector<float> mean, log_variance;        // [B × 10]
    std::vector<float> noise, latent;             // [B × 10] ε and z = mean + exp(log_variance/2)·ε
    std::vector<float> dec1, dec2, logits;        // [B × 20], [B × 30] after the nonlinearity, [B × n]
    std::vector<float> d_enc1, d_enc1_pre, d_enc2, d_enc2_pre, d_mean, d_log_variance, d_latent;
    std::vector<float> d_dec1, d_dec1_pre, d_dec2, d_dec2_pre, d_logits;
};

// Layer shapes n-30-20-10-20-30-n, PyTorch's nn.Linear initialisation (linear_init), Adam state zero.
// Throws if n < 1.
void vae_init(Vae* vae, int n, Rng* rng, VaeActivation activation = VAE_TANH);

// Mean negative ELBO over the B rows of input[B × n] (0/1 values), using the given noise[B × 10] for the
// reparameterisation (so the loss is a deterministic function of the parameters). Keeps the activations in `acts`.
double vae_forward(const Vae& vae, VaeActivations* acts, const float* input, const float* noise, int B);
// vae->grads += ∂(vae_forward's loss)/∂params, for the same input and the activations of the last vae_forward.
void vae_backward(Vae* vae, VaeActivations* acts, const float* input, int B);

// Trains with Adam on minibatches of ±1 `data` (data.n == vae->n) for options.epochs passes, each a fresh random
// order; continues from the current parameters and Adam state. Returns the mean loss over the last epoch.
// Throws on bad sizes/options or if the loss becomes non-finite.
double vae_train(Vae* vae, const Samples& data, const VaeOptions& options, Rng* rng);
// Mean negative ELBO of ±1 `data`, one noise draw per sample (an unbiased estimate; for held-out monitoring).
double vae_negative_elbo(const Vae& vae, const Samples& data, Rng* rng);

// `count` ±1 samples: z ~ N(0, I), decode to p(x_i = 1 | z), then draw each spin from its Bernoulli probability
// (the VAE's generative model), or, with `threshold`, set σ_i = +1 where p > 0.5 (deterministic given z). Reads
// `vae` only, so several threads may generate from one VAE at once, each with its own Rng.
Samples vae_generate(const Vae& vae, int count, bool threshold, Rng* rng);
